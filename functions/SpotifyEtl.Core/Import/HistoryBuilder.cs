using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Import;

/// <summary>What one landed file held and what became of its rows in the history.</summary>
public sealed record LandedFileOutcome(string RawKey, ExportFileContent Content, OriginCounts Counts);

/// <summary>The rebuilt table: per landed file, the API's plays, and the partitions written.</summary>
public sealed record HistoryBuild(
    IReadOnlyDictionary<string, LandedFileOutcome> Files,
    ApiPlaysReport ApiPlays,
    int Rows,
    IReadOnlyDictionary<string, int> Partitions);

/// <summary>
/// Rebuilds <c>listening_history</c> from every landed export file and every API play in the raw lake. The table
/// is a function of what raw holds, never of the order imports ran in. A rebuild repeats while the landed files
/// change under it (two imports at once), so the last table written is built from every file.
/// </summary>
public sealed class HistoryBuilder(IObjectStore raw, IObjectStore lake, TableFormat format, int parallelism, IProgress<ImportProgress>? progress)
{
    private const int MaxRounds = 10;

    public async Task<HistoryBuild> RebuildAsync(CancellationToken cancellationToken)
    {
        var inputs = await ListAsync(cancellationToken).ConfigureAwait(false);
        for (var round = 1; ; round++)
        {
            var build = await BuildAsync(inputs, cancellationToken).ConfigureAwait(false);
            var now = await ListAsync(cancellationToken).ConfigureAwait(false);
            if (now.SequenceEqual(inputs, StringComparer.Ordinal))
            {
                return build;
            }
            if (round >= MaxRounds)
            {
                throw new IOException($"The landed export files kept changing during {MaxRounds} rebuilds of the listening history; run the import again once other imports are done.");
            }
            inputs = now;
        }
    }

    private async Task<List<string>> ListAsync(CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await foreach (var key in raw.ListAsync(ExportRawKey.Prefix, cancellationToken).ConfigureAwait(false))
        {
            if (ExportRawKey.TryParse(key, out _))
            {
                keys.Add(key);
            }
        }
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    private async Task<HistoryBuild> BuildAsync(List<string> keys, CancellationToken cancellationToken)
    {
        var contents = new ExportFileContent[keys.Count];
        var done = 0;
        long bytesRead = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, keys.Count), new ParallelOptions
        {
            MaxDegreeOfParallelism = Math.Max(1, parallelism),
            CancellationToken = cancellationToken,
        }, async (index, token) =>
        {
            using var bytes = await raw.ReadPooledAsync(keys[index], token).ConfigureAwait(false);
            contents[index] = ExportFileReader.Read(bytes.Span);
            progress?.Report(new ImportProgress("Reading the history", Interlocked.Increment(ref done), keys.Count,
                Interlocked.Add(ref bytesRead, bytes.Length)));
        }).ConfigureAwait(false);

        var api = await ApiPlayReader.ReadAsync(raw, cancellationToken).ConfigureAwait(false);
        progress?.Report(new ImportProgress("Merging the history", keys.Count, keys.Count, bytesRead));
        var inputs = contents.Select(c => c.Rows).Append(api.Rows).ToList();
        var merged = HistoryMerge.Merge(inputs);
        var partitions = await HistoryPublisher.PublishAsync(lake, format, merged.Rows, cancellationToken).ConfigureAwait(false);

        var files = new Dictionary<string, LandedFileOutcome>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            files[keys[i]] = new LandedFileOutcome(keys[i], contents[i], merged.Origins[i]);
        }
        var apiCounts = merged.Origins[keys.Count];
        return new HistoryBuild(files,
            new ApiPlaysReport(api.Objects, api.UnreadableObjects, api.Rows.Count, apiCounts.Kept, apiCounts.Duplicates, apiCounts.Covered),
            merged.Rows.Count, partitions);
    }
}
