using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Import;

/// <summary>
/// What a rebuild keeps of a landed file: its content and its span; and, where its rows are not held, how many ended in
/// each month (what a batched build plans by; held rows are counted when a build is batched, not on every import).
/// </summary>
internal sealed record SurveyedFile(ExportFileContent Content, ExportSpan Span, IReadOnlyDictionary<long, int> Months, bool Held)
{
    /// <summary>A landed file that cannot be used: no rows.</summary>
    public static SurveyedFile Nothing { get; } =
        new(new ExportFileContent([], 0, 0, 0, new Dictionary<string, int>(), null), ExportSpan.None, new Dictionary<long, int>(), Held: true);

    public static SurveyedFile Of(ExportFileContent content, bool held)
    {
        var months = new Dictionary<long, int>();
        if (!held)
        {
            HistoryBatches.CountByMonth(content.Rows, months);
        }
        return new(held ? content : content with { Rows = [] }, ExportSpan.Of(content), months, held);
    }
}

/// <summary>
/// Builds <c>listening_history</c> some months at a time, when the landed files' rows do not all fit in memory at once.
/// Each batch is consecutive months whose windows (<see cref="HistoryMonths.Window"/>) hold at most the rows allowed,
/// merged from those windows' rows alone, which settle its months as a merge of everything does; its rows are counted
/// only in their own month, so the counts summed over batches are those of one merge. A month holding more rows than
/// allowed is a batch of its own. The files that reach a batch are read again for it; those held are not.
/// </summary>
internal sealed class HistoryBatches(IObjectStore raw, IObjectStore lake, TableFormat format, int parallelism, IProgress<ImportProgress>? progress)
{
    public sealed record Built(IReadOnlyList<OriginCounts> Origins, int Rows, SortedDictionary<string, int> Partitions, int Batches, int LargestMerge);

    /// <param name="files">The landed files in the order of <paramref name="keys"/>; the API's plays are the input after them.</param>
    public async Task<Built> BuildAsync(List<string> keys, List<SurveyedFile> files, IReadOnlyList<ListeningRow> apiRows, int rowsInMemory,
        CancellationToken cancellationToken)
    {
        var rowsByMonth = new SortedDictionary<long, int>();
        foreach (var (month, count) in files.SelectMany(f => f.Months))
        {
            rowsByMonth[month] = rowsByMonth.GetValueOrDefault(month) + count;
        }
        foreach (var rows in files.Where(f => f.Held).Select(f => f.Content.Rows).Append(apiRows))
        {
            CountByMonth(rows, rowsByMonth);
        }
        var batches = Plan(rowsByMonth, rowsInMemory);
        var origins = Enumerable.Range(0, files.Count + 1).Select(_ => new OriginCounts()).ToArray();
        var span = ExportSpan.Extended(files.Select(f => f.Span));
        var partitions = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var largest = 0;
        for (var b = 0; b < batches.Count; b++)
        {
            var months = batches[b];
            var (from, to) = (HistoryMonths.Window(months[0]).From, HistoryMonths.Window(months[^1]).To);
            var inputs = await ReadWindowAsync(keys, files, from, to, cancellationToken).ConfigureAwait(false);
            inputs.Add([.. apiRows.Where(r => r.EndedAt >= from && r.EndedAt < to)]);
            largest = Math.Max(largest, inputs.Sum(i => i.Count));
            var counted = months.ToHashSet();
            var merged = HistoryMerge.Merge(inputs, span, counted.Contains);
            for (var origin = 0; origin < origins.Length; origin++)
            {
                origins[origin].Kept += merged.Origins[origin].Kept;
                origins[origin].Duplicates += merged.Origins[origin].Duplicates;
                origins[origin].Covered += merged.Origins[origin].Covered;
            }
            foreach (var (partition, count) in await HistoryPublisher.PublishMonthsAsync(lake, format, merged.Rows, months, cancellationToken).ConfigureAwait(false))
            {
                partitions[partition] = count;
            }
            progress?.Report(new ImportProgress("Merging the history", b + 1, batches.Count, 0));
        }
        var written = partitions.Keys.Select(p => HistoryMonths.Parse(p[(p.IndexOf('=', StringComparison.Ordinal) + 1)..])!.Value);
        await HistoryPublisher.DeleteOtherMonthsAsync(lake, format, written, cancellationToken).ConfigureAwait(false);
        return new Built(origins, partitions.Values.Sum(), partitions, batches.Count, largest);
    }

    /// <summary>Adds to <paramref name="months"/> how many of the rows ended in each month (its first second).</summary>
    public static void CountByMonth(IEnumerable<ListeningRow> rows, IDictionary<long, int> months)
    {
        long start = 0, next = long.MinValue;
        foreach (var row in rows)
        {
            if (row.EndedAt < start || row.EndedAt >= next)
            {
                start = HistoryMonths.Start(row.EndedAt);
                next = HistoryMonths.Next(start);
            }
            months[start] = months.TryGetValue(start, out var count) ? count + 1 : 1;
        }
    }

    /// <summary>
    /// Consecutive months in batches, each holding at most <paramref name="rowsInMemory"/> rows with its neighbouring months
    /// (a window reaches a day into each); a month over that alone is a batch by itself.
    /// </summary>
    public static List<List<long>> Plan(SortedDictionary<long, int> rowsByMonth, int rowsInMemory)
    {
        long Rows(long month) => rowsByMonth.GetValueOrDefault(month);
        long Load(List<long> months, long month) =>
            months.Sum(Rows) + Rows(month) + Rows(HistoryMonths.Start((months.Count > 0 ? months[0] : month) - 1)) + Rows(HistoryMonths.Next(month));
        var batches = new List<List<long>>();
        foreach (var month in rowsByMonth.Keys)
        {
            if (batches.Count > 0 && Load(batches[^1], month) <= rowsInMemory)
            {
                batches[^1].Add(month);
            }
            else
            {
                batches.Add([month]);
            }
        }
        return batches;
    }

    /// <summary>Each landed file's rows that ended in [from, to): held rows filtered, the files that reach the window read again.</summary>
    private async Task<List<IReadOnlyList<ListeningRow>>> ReadWindowAsync(List<string> keys, List<SurveyedFile> files, long from, long to,
        CancellationToken cancellationToken)
    {
        bool InWindow(ListeningRow r) => r.EndedAt >= from && r.EndedAt < to;
        var inputs = files.Select(f => (IReadOnlyList<ListeningRow>)(f.Held ? [.. f.Content.Rows.Where(InWindow)] : [])).ToArray();
        var reread = Enumerable.Range(0, files.Count).Where(i => !files[i].Held && files[i].Span.Reaches(from, to)).ToList();
        var next = -1;
        async Task WorkAsync()
        {
            var pool = new StringPool();
            for (var index = Interlocked.Increment(ref next); index < reread.Count; index = Interlocked.Increment(ref next))
            {
                var i = reread[index];
                var (content, damage, _) = await LandedExportFile.ReadAsync(raw, keys[i], pool, null, cancellationToken).ConfigureAwait(false);
                if (content is null)
                {
                    throw new IOException($"{keys[i]}: the landed export file could not be read again while the listening history was rebuilt ({damage}), " +
                        "so no more of the table was written from it. Run the import again; if it says the same, " + LandedExportFile.Advice + ".");
                }
                inputs[i] = [.. content.Rows.Where(InWindow)];
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Math.Max(1, Math.Min(parallelism, reread.Count))).Select(_ => Task.Run(WorkAsync, cancellationToken))).ConfigureAwait(false);
        return [.. inputs];
    }
}
