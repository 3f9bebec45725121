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
internal sealed class DataExportImport(IObjectStore raw, IObjectStore lake, TableFormat format, ImportLimits limits, int parallelism)
{
    public async Task<ImportReport> ImportAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var open = new List<FileStream>();
        try
        {
            var candidates = new List<ExportCandidate>();
            foreach (var key in keys)
            {
                FileStream? zip;
                string? notAZip;
                try
                {
                    (zip, notAZip) = await CopyIfZipAsync(key, cancellationToken).ConfigureAwait(false);
                }
                catch (ObjectNotFoundException)
                {
                    // Removed before its event was handled (or the event came again after): nothing to import, and no
                    // reason to fail the invocation into retries and the dead-letter queue.
                    candidates.Add(ExportCandidate.Unusable(key,
                        "it was removed from the bucket before it could be read; upload it again to import it"));
                    continue;
                }
                if (notAZip is not null)
                {
                    candidates.Add(ExportCandidate.Unusable(key, notAZip));
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
    /// says it should be one (a web page saved instead of the export, say).
    /// </summary>
    private async Task<(FileStream? Zip, string? NotAZip)> CopyIfZipAsync(string key, CancellationToken cancellationToken)
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
            var file = new FileStream(Path.Combine(Path.GetTempPath(), $"import-{Guid.NewGuid():N}.zip"), FileMode.CreateNew, FileAccess.ReadWrite,
                FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            try
            {
                await file.WriteAsync(start.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                await source.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                file.Position = 0;
                return (file, null);
            }
            catch
            {
                await file.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }
}
