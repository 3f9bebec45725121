using SpotifyEtl.Import;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Functions;

/// <summary>
/// The transform function's import of a Spotify data export dropped under <c>import/</c> in the raw bucket: the
/// export's zip (its entries are read from a copy in the function's temporary storage, since a zip is read from
/// its end) or any of its files. The same <see cref="ExportImporter"/> as <c>spotify-etl import</c>: the dropped
/// object is never changed or deleted, its history files land under <c>raw/spotify_export/</c>, and
/// <c>listening_history</c> is rebuilt. One invocation imports a whole export: reading a ten-year export of a
/// million rows takes seconds (docs/benchmarks.md), far inside Lambda's fifteen minutes, so nothing fans out.
/// <para>
/// Each object is read as the version its event names: an export overwritten before its first event is handled is
/// imported as it was, and its second form by its own event. A version deleted since is skipped with that reason; a
/// version id the bucket does not know (a bucket without versioning) is read as what the key holds now, with a note; an
/// upload removed since is skipped, whatever versions of it the bucket keeps.
/// </para>
/// </summary>
internal sealed class DataExportImport(IObjectStore raw, IObjectStore lake, TableFormat format, ImportLimits limits, int parallelism,
    TemporaryStorage temporary)
{
    private readonly List<ImportNote> _notes = [];

    /// <summary>What the import's log says besides its report: an object read otherwise than its event asked.</summary>
    public IReadOnlyList<ImportNote> Notes => _notes;

    /// <param name="objects">The objects as their events name them; a zip's size from its event is checked against the free temporary storage.</param>
    public async Task<ImportReport> ImportAsync(IReadOnlyList<DroppedObject> objects, CancellationToken cancellationToken)
    {
        var open = new List<FileStream>();
        // Once, before any zip's free space is measured.
        temporary.RemoveLeftovers();
        try
        {
            var candidates = new List<ExportCandidate>();
            foreach (var dropped in objects)
            {
                var key = dropped.Key;
                FileStream? zip;
                string? unusable;
                string? version;
                try
                {
                    (zip, unusable, version) = await CopyIfZipAsync(dropped, cancellationToken).ConfigureAwait(false);
                }
                catch (ObjectNotFoundException)
                {
                    // Removed before its event was handled (or the event came again after): nothing to import, and no
                    // reason to fail the invocation into retries and the dead-letter queue.
                    candidates.Add(ExportCandidate.Unusable(key,
                        "it was removed from the bucket before it could be read; upload it again to import it"));
                    continue;
                }
                catch (UnreadableObjectException unserved)
                {
                    // Kept in an archive storage class, or encrypted with the uploader's own key: every retry would be refused
                    // the same way, so it is named with what makes it readable (a copy onto itself, or a new upload, brings
                    // an event of its own) and the invocation goes on.
                    candidates.Add(ExportCandidate.Unusable(key, $"S3 does not serve it: {unserved.Reason}"));
                    continue;
                }
                catch (VersionNotFoundException gone)
                {
                    // The version its event names was deleted since: a retry would not find it either. Another version
                    // under the key, if there is one, came with an event of its own.
                    candidates.Add(ExportCandidate.Unusable(key,
                        $"the version its event names ({ShownText.Of(gone.Version, 64)}) was deleted from the bucket before it could be read, " +
                        "so that upload cannot be imported; upload it again to import it"));
                    continue;
                }
                if (unusable is not null)
                {
                    candidates.Add(ExportCandidate.Unusable(key, unusable));
                    continue;
                }
                if (zip is null)
                {
                    // With the size its event gives, as a file of a folder on a laptop has one: a file too large for any export's is
                    // passed over by it, unread, not read into memory up to the limit to learn it.
                    candidates.Add(new ExportCandidate(key, token => version is null ? raw.OpenReadAsync(key, token) : raw.OpenVersionReadAsync(key, version, token),
                        dropped.Size));
                    continue;
                }
                open.Add(zip);
                candidates.AddRange(ExportArchive.Entries(key, zip, limits));
            }
            return await new ExportImporter(raw, lake, new ImportOptions { Format = format, Limits = limits, Parallelism = parallelism })
                .ImportAsync(candidates, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var stream in open)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A zip object as a temporary file deleted when closed; no file when the object is not a zip, and why not when its name
    /// says it should be one (a web page saved instead of the export, say) or when it does not fit in the temporary storage;
    /// and the version that was read, null for what the key holds.
    /// </summary>
    private async Task<(FileStream? Zip, string? Unusable, string? Version)> CopyIfZipAsync(DroppedObject dropped, CancellationToken cancellationToken)
    {
        var (key, eventSize) = (dropped.Key, dropped.Size);
        var (source, version) = await OpenAsync(dropped, cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            var start = new byte[4];
            var read = await source.ReadAtLeastAsync(start, start.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            // Each upload is meant for the import: an archive of another kind is the export repacked, set aside with what to do.
            if ((ExportArchive.OtherArchive(start.AsSpan(0, read)) ?? ExportArchive.NamedLikeAZip(key, start.AsSpan(0, read))) is { } notAZip)
            {
                return (null, notAZip, version);
            }
            if (!ExportArchive.IsZip(start.AsSpan(0, read)))
            {
                return (null, null, version);
            }
            // A retry would fail the same way, so a zip that cannot fit is skipped with its reason before anything is copied.
            var size = eventSize ?? (source.CanSeek ? source.Length : null);
            var free = temporary.Free();
            if (size > free)
            {
                return (null, TemporaryStorage.TooSmall(size, free), version);
            }
            var file = temporary.Create(temporary.NewZipPath());
            try
            {
                await file.WriteAsync(start.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                await source.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Position = 0;
                return (file, null, version);
            }
            catch (IOException exception) when (TemporaryStorage.IsFull(exception))
            {
                // Measured too late or not at all (the size unknown, the space shared): the same reason, and the file goes.
                await DisposeQuietlyAsync(file).ConfigureAwait(false);
                return (null, TemporaryStorage.TooSmall(size, free: null), version);
            }
            catch
            {
                await file.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>
    /// The version the event names, or what the key holds when the event names none or the bucket knows no such version
    /// (a bucket without versioning, or an event written by hand): then with a note that says so. An upload removed since
    /// is not read, though a versioned bucket keeps its versions: users remove an export they uploaded (it holds IP
    /// addresses), and it is skipped as it is on a bucket without versioning.
    /// </summary>
    private async Task<(Stream Source, string? Version)> OpenAsync(DroppedObject dropped, CancellationToken cancellationToken)
    {
        if (dropped.Version is { } version)
        {
            if (!await KeyHoldsAnUploadAsync(dropped.Key, cancellationToken).ConfigureAwait(false))
            {
                throw new ObjectNotFoundException(raw.Description, dropped.Key);
            }
            try
            {
                return (await raw.OpenVersionReadAsync(dropped.Key, version, cancellationToken).ConfigureAwait(false), version);
            }
            catch (VersionUnknownException)
            {
                _notes.Add(new ImportNote(dropped.Key, $"the bucket knows no version {ShownText.Of(version, 64)}, the one its event names " +
                    "(a bucket without versioning, or an id mistyped): what the key holds now was read instead"));
            }
        }
        return (await raw.OpenReadAsync(dropped.Key, cancellationToken).ConfigureAwait(false), null);
    }

    /// <summary>
    /// Whether the key holds an upload still (a HEAD of what it holds now). S3 answers a HEAD of an object encrypted with
    /// the uploader's own key (SSE-C) with 400 and no body to say why: the key holds one, and the versioned GET that follows
    /// says what is wrong with the version the event names, if anything (another version may be the encrypted one).
    /// </summary>
    private async Task<bool> KeyHoldsAnUploadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await raw.ExistsAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Amazon.S3.AmazonS3Exception exception) when (exception.StatusCode == System.Net.HttpStatusCode.BadRequest)
        {
            return true;
        }
    }

    /// <summary>Closes a temporary file whose buffered bytes cannot be written either: closing must not fail again for them.</summary>
    private static async Task DisposeQuietlyAsync(FileStream file)
    {
        try
        {
            await file.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The file is deleted on close whatever its last flush did.
        }
    }
}

/// <summary>An object dropped under <c>import/</c> as its event names it: its key, its version (on a versioned bucket) and its size.</summary>
internal sealed record DroppedObject(string Key, string? Version, long? Size)
{
    /// <summary>Each key and version once (an event may name one twice), in the order first named, with the first size given.</summary>
    public static IReadOnlyList<DroppedObject> Distinct(IEnumerable<DroppedObject> objects) =>
        objects.GroupBy(o => (o.Key, o.Version)).Select(g => g.First() with { Size = g.Select(o => o.Size).FirstOrDefault(s => s is not null) }).ToList();
}

/// <summary>Something the import's log says about one dropped object besides its report.</summary>
internal sealed record ImportNote(string Input, string Reason);
