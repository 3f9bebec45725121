using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Import;

/// <summary>
/// Rebuilds some months of <c>listening_history</c> from their windows' rows alone: the landed export files that
/// reach them (known by their staged spans) and the staged API plays. Each month comes out as the import's whole
/// rebuild writes it (<see cref="HistoryMerge"/> settles a month from its window). Publication ends only when a
/// listing of those inputs is unchanged from the one the months were built from, so concurrent transforms and
/// imports leave the last write built from every input.
/// </summary>
public sealed class HistoryMonthBuilder(IObjectStore raw, IObjectStore lake, TableFormat format)
{
    private const int MaxRounds = 20;

    public async Task<SortedDictionary<string, int>> RebuildAsync(IReadOnlyCollection<long> months, CancellationToken cancellationToken)
    {
        var partitions = new SortedDictionary<string, int>(StringComparer.Ordinal);
        if (months.Count == 0)
        {
            return partitions;
        }
        var inputs = await ListAsync(months, cancellationToken).ConfigureAwait(false);
        for (var round = 1; ; round++)
        {
            var rows = await BuildAsync(months, inputs.Landed, inputs.Plays, cancellationToken).ConfigureAwait(false);
            partitions = await HistoryPublisher.PublishMonthsAsync(lake, format, rows, months, cancellationToken).ConfigureAwait(false);
            var now = await ListAsync(months, cancellationToken).ConfigureAwait(false);
            if (now.Landed.SequenceEqual(inputs.Landed, StringComparer.Ordinal) && now.Plays.SequenceEqual(inputs.Plays))
            {
                return partitions;
            }
            if (round >= MaxRounds)
            {
                throw new IOException($"The landed export files or the staged API plays kept changing during {MaxRounds} rebuilds of listening_history's months; the invocation fails so that it is retried once writes pause.");
            }
            inputs = now;
        }
    }

    /// <summary>The landed export files, by raw key in order.</summary>
    public static async Task<List<string>> ListLandedAsync(IObjectStore raw, CancellationToken cancellationToken)
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

    private async Task<(List<string> Landed, List<ObjectVersion> Plays)> ListAsync(IReadOnlyCollection<long> months, CancellationToken cancellationToken)
    {
        var plays = new SortedDictionary<string, ObjectVersion>(StringComparer.Ordinal);
        foreach (var month in months)
        {
            foreach (var version in await ApiPlayStage.ListWindowAsync(lake, month, cancellationToken).ConfigureAwait(false))
            {
                plays[version.Key] = version;
            }
        }
        return (await ListLandedAsync(raw, cancellationToken).ConfigureAwait(false), [.. plays.Values]);
    }

    private async Task<List<ListeningRow>> BuildAsync(IReadOnlyCollection<long> months, List<string> landed, List<ObjectVersion> staged, CancellationToken cancellationToken)
    {
        var windows = months.Select(HistoryMonths.Window).ToList();
        bool InWindow(long at) => windows.Exists(w => at >= w.From && at < w.To);

        var spans = new List<ExportSpan>(landed.Count);
        var inputs = new List<IReadOnlyList<ListeningRow>>();
        var pool = new StringPool();
        foreach (var key in landed)
        {
            var span = await ExportSpan.ReadAsync(raw, lake, key, cancellationToken).ConfigureAwait(false);
            spans.Add(span);
            if (windows.Exists(w => span.Reaches(w.From, w.To)))
            {
                using var bytes = await raw.ReadPooledAsync(key, cancellationToken).ConfigureAwait(false);
                inputs.Add(ExportFileReader.Read(bytes.Span, pool).Rows.Where(r => InWindow(r.EndedAt)).ToList());
            }
        }
        var plays = new List<ListeningRow>();
        foreach (var version in staged)
        {
            plays.AddRange((await ApiPlayStage.ReadAsync(lake, version.Key, cancellationToken).ConfigureAwait(false)).Where(r => InWindow(r.EndedAt)));
        }
        inputs.Add(plays);
        return [.. HistoryMerge.Merge(inputs, ExportSpan.Extended(spans)).Rows];
    }
}
