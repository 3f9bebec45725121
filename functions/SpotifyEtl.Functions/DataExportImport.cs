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
/// </summary>
internal sealed class DataExportImport(IObjectStore raw, IObjectStore lake, TableFormat format, ImportLimits limits, int parallelism,
    TemporaryStorage temporary)
{
    /// <param name="sizes">The objects' sizes as their events gave them; a zip's size is checked against the free temporary storage.</param>
    public async Task<ImportReport> ImportAsync(IReadOnlyList<string> keys, IReadOnlyDictionary<string, long> sizes, CancellationToken cancellationToken)
    {
        var open = new List<FileStream>();
        try
        {
            var candidates = new List<ExportCandidate>();
            foreach (var key in keys)
            {
                FileStream? zip;
                string? unusable;
                try
                {
                    (zip, unusable) = await CopyIfZipAsync(key, sizes.TryGetValue(key, out var size) ? size : null, cancellationToken).ConfigureAwait(false);
                }
                catch (ObjectNotFoundException)
                {
                    // Removed before its event was handled (or the event came again after): nothing to import, and no
                    // reason to fail the invocation into retries and the dead-letter queue.
                    candidates.Add(ExportCandidate.Unusable(key,
                        "it was removed from the bucket before it could be read; upload it again to import it"));
                    continue;
                }
                if (unusable is not null)
                {
                    candidates.Add(ExportCandidate.Unusable(key, unusable));
                    continue;
                }
                if (zip is null)
                {
                    candidates.Add(new ExportCandidate(key, token => raw.OpenReadAsync(key, token)));
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
    /// says it should be one (a web page saved instead of the export, say) or when it does not fit in the temporary storage.
    /// </summary>
    private async Task<(FileStream? Zip, string? Unusable)> CopyIfZipAsync(string key, long? eventSize, CancellationToken cancellationToken)
    {
        var source = await raw.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            var start = new byte[4];
            var read = await source.ReadAtLeastAsync(start, start.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (ExportArchive.NamedLikeAZip(key, start.AsSpan(0, read)) is { } notAZip)
            {
                return (null, notAZip);
            }
            if (!ExportArchive.IsZip(start.AsSpan(0, read)))
            {
                return (null, null);
            }
            // A retry would fail the same way, so a zip that cannot fit is skipped with its reason before anything is copied.
            var size = eventSize ?? (source.CanSeek ? source.Length : null);
            var free = temporary.Free();
            if (size > free)
            {
                return (null, TemporaryStorage.TooSmall(size, free));
            }
            var file = temporary.Create(Path.Combine(temporary.Folder, $"import-{Guid.NewGuid():N}.zip"));
            try
            {
                await file.WriteAsync(start.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                await source.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Position = 0;
                return (file, null);
            }
            catch (IOException exception) when (TemporaryStorage.IsFull(exception))
            {
                // Measured too late or not at all (the size unknown, the space shared): the same reason, and the file goes.
                await DisposeQuietlyAsync(file).ConfigureAwait(false);
                return (null, TemporaryStorage.TooSmall(size, free: null));
            }
            catch
            {
                await file.DisposeAsync().ConfigureAwait(false);
                throw;
            }
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
