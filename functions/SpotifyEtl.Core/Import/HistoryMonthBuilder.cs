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

    /// <summary>
    /// Rows per partition of the months written; and the landed files that reach them but cannot be read, or changed since
    /// they landed, by raw key with why: their streams are left out, as the import leaves them out.
    /// </summary>
    public async Task<(SortedDictionary<string, int> Partitions, SortedDictionary<string, string> Damaged)> RebuildAsync(IReadOnlyCollection<long> months,
        CancellationToken cancellationToken)
    {
        var partitions = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var damaged = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (months.Count == 0)
        {
            return (partitions, damaged);
        }
        var inputs = await ListAsync(months, cancellationToken).ConfigureAwait(false);
        for (var round = 1; ; round++)
        {
            damaged.Clear();
            var rows = await BuildAsync(months, [.. inputs.Landed.Select(v => v.Key)], inputs.Plays, damaged, cancellationToken).ConfigureAwait(false);
            if (rows is not null)
            {
                partitions = await HistoryPublisher.PublishMonthsAsync(lake, format, rows, months, cancellationToken).ConfigureAwait(false);
            }
            var now = await ListAsync(months, cancellationToken).ConfigureAwait(false);
            // By version, not name alone: an export landed again over a damaged copy changes a file under the same key.
            if (rows is not null && now.Landed.SequenceEqual(inputs.Landed) && now.Plays.SequenceEqual(inputs.Plays))
            {
                return (partitions, damaged);
            }
            if (round >= MaxRounds)
            {
                throw new IOException($"The landed export files or the staged API plays kept changing during {MaxRounds} rebuilds of listening_history's months; the invocation fails so that it is retried once writes pause.");
            }
            inputs = now;
        }
    }

    /// <summary>The landed export files with their versions, by raw key in order.</summary>
    public static async Task<List<ObjectVersion>> ListLandedAsync(IObjectStore raw, CancellationToken cancellationToken)
    {
        var versions = new List<ObjectVersion>();
        await foreach (var version in raw.ListVersionsAsync(ExportRawKey.Prefix, cancellationToken).ConfigureAwait(false))
        {
            if (ExportRawKey.TryParse(version.Key, out _))
            {
                versions.Add(version);
            }
        }
        versions.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return versions;
    }

    private async Task<(List<ObjectVersion> Landed, List<ObjectVersion> Plays)> ListAsync(IReadOnlyCollection<long> months, CancellationToken cancellationToken)
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

    /// <summary>The months' rows; null when a staged file read was not the one listed (rewritten in between, perhaps back to it by now, or damaged and filed again).</summary>
    private async Task<List<ListeningRow>?> BuildAsync(IReadOnlyCollection<long> months, List<string> landed, List<ObjectVersion> staged,
        SortedDictionary<string, string> damaged, CancellationToken cancellationToken)
    {
        var windows = months.Select(HistoryMonths.Window).ToList();
        bool InWindow(long at) => windows.Exists(w => at >= w.From && at < w.To);

        var spans = new List<ExportSpan>(landed.Count);
        var inputs = new List<IReadOnlyList<ListeningRow>>();
        var pool = new StringPool();
        var refusals = new LandedFileRefusals();
        foreach (var key in landed)
        {
            var (span, damage) = await ExportSpan.ReadAsync(raw, lake, key, refusals, cancellationToken).ConfigureAwait(false);
            if (windows.Exists(w => span.Reaches(w.From, w.To)))
            {
                (var content, damage, _) = await LandedExportFile.ReadAsync(raw, key, pool, refusals, cancellationToken).ConfigureAwait(false);
                inputs.Add(content?.Rows.Where(r => InWindow(r.EndedAt)).ToList() ?? []);
            }
            if (damage is not null)
            {
                // Left out whole, its span too, as an import of everything leaves it out.
                (span, damaged[key]) = (ExportSpan.None, damage);
            }
            spans.Add(span);
        }
        await refusals.ThrowIfEveryFileIsDeniedAsync(raw, landed, cancellationToken).ConfigureAwait(false);
        var plays = new List<ListeningRow>();
        foreach (var version in staged)
        {
            if (await ApiPlayStage.ReadAsync(raw, lake, version, cancellationToken).ConfigureAwait(false) is not { } read)
            {
                return null;
            }
            plays.AddRange(read.Where(r => InWindow(r.EndedAt)));
        }
        inputs.Add(plays);
        return [.. HistoryMerge.Merge(inputs, ExportSpan.Extended(spans)).Rows];
    }
}
