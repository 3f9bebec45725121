using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Cli.Report;

/// <summary>
/// The transformed tables of a lake in S3, copied through the project's object store into a local folder
/// laid out like a local lake, so DuckDB reads them as it reads a laptop's lake. Only <c>transformed/</c>
/// is read: never the raw objects.
/// </summary>
internal static class TransformedTables
{
    /// <summary>
    /// <see cref="CopyAsync"/>, with the files and bytes copied shown on a terminal's stderr: the tables of a long-running
    /// stack are thousands of files.
    /// </summary>
    public static Task<int> CopyShowingProgressAsync(IObjectStore store, string prefix, string folder, CancellationToken cancellationToken) =>
        ProgressDisplay.RunAsync("Copying the lake's tables: files copied", report =>
            CopyAsync(store, prefix, folder, cancellationToken, (files, bytes) => report(files, null, bytes)));

    /// <summary>
    /// Copies every table file under <c>{prefix}transformed/</c> to <c>{folder}/transformed/</c>; returns how many.
    /// <paramref name="progress"/> is told the files and bytes copied so far after each file: a year of daily partitions is
    /// thousands of them.
    /// </summary>
    public static async Task<int> CopyAsync(IObjectStore store, string prefix, string folder, CancellationToken cancellationToken,
        Action<long, long>? progress = null)
    {
        var copied = 0;
        var bytes = 0L;
        await foreach (var key in store.ListAsync(prefix + LakeLayout.Transformed, cancellationToken).ConfigureAwait(false))
        {
            if (!key.EndsWith(".parquet", StringComparison.Ordinal) && !key.EndsWith(".csv", StringComparison.Ordinal))
            {
                continue;
            }
            var relative = key[prefix.Length..];
            if (relative.Split('/').Any(part => part is "" or "." or ".."))
            {
                continue;
            }
            var path = Path.Combine(folder, relative.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            Stream source;
            try
            {
                source = await store.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectNotFoundException)
            {
                // Deleted since the listing by a transform writing meanwhile (a day left with no rows in that table, a
                // current-state table with none): no longer part of the lake.
                continue;
            }
            await using (source.ConfigureAwait(false))
            {
                var target = File.Create(path);
                await using (target.ConfigureAwait(false))
                {
                    await source.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
                    bytes += target.Length;
                }
            }
            copied++;
            progress?.Invoke(copied, bytes);
        }
        return copied;
    }

    /// <summary>Raw objects a local lake set aside in quarantine (each has a reason file beside it, not counted).</summary>
    public static int CountQuarantined(string lake)
    {
        var folder = Path.Combine(lake, LakeLayout.Quarantine.TrimEnd('/'));
        return Directory.Exists(folder)
            ? LakeFiles.QuarantinedCopies(folder).Count()
            : 0;
    }
}
