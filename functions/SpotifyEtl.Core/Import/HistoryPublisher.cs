using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Import;

/// <summary>
/// Writes the history as one file per month of <c>ended_at</c>:
/// <c>transformed/listening_history/ended_month=yyyy-MM/listening_history.parquet</c>. A month that no longer
/// has rows loses its file, so the table is always exactly the merged history.
/// </summary>
public static class HistoryPublisher
{
    public const string PartitionColumn = "ended_month";

    public static string TablePrefix => $"{LakeLayout.Transformed}{TableNames.ListeningHistory}/";

    public static string PartitionKey(TableFormat format, string month) =>
        $"{TablePrefix}{PartitionColumn}={month}/{TableNames.ListeningHistory}{format.Extension()}";

    /// <summary>Writes every month's file; returns rows per partition (<c>listening_history/ended_month=…</c>).</summary>
    public static async Task<SortedDictionary<string, int>> PublishAsync(IObjectStore lake, TableFormat format, IReadOnlyList<ListeningRow> rows,
        CancellationToken cancellationToken)
    {
        var months = ByMonth(rows);
        var partitions = await WriteAsync(lake, format, months, cancellationToken).ConfigureAwait(false);
        await DeleteOtherMonthsAsync(lake, format, months.Keys, cancellationToken).ConfigureAwait(false);
        return partitions;
    }

    /// <summary>Whether the table has a month's file, in either format.</summary>
    public static async Task<bool> AnyMonthAsync(IObjectStore lake, CancellationToken cancellationToken)
    {
        await foreach (var key in lake.ListAsync(TablePrefix, cancellationToken).ConfigureAwait(false))
        {
            if (Enum.GetValues<TableFormat>().Any(f => key.EndsWith(f.Extension(), StringComparison.Ordinal)))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Deletes every month's file but those of <paramref name="kept"/> (in this format): the months the history no longer has.</summary>
    public static async Task DeleteOtherMonthsAsync(IObjectStore lake, TableFormat format, IEnumerable<long> kept, CancellationToken cancellationToken)
    {
        var written = kept.Select(m => PartitionKey(format, HistoryMonths.Key(m))).ToHashSet(StringComparer.Ordinal);
        var stale = new List<string>();
        await foreach (var key in lake.ListAsync(TablePrefix, cancellationToken).ConfigureAwait(false))
        {
            // Either format's: the files of the other, from before the lake changed formats, are obsolete as well.
            if (Enum.GetValues<TableFormat>().Any(f => key.EndsWith(f.Extension(), StringComparison.Ordinal)) && !written.Contains(key))
            {
                stale.Add(key);
            }
        }
        foreach (var key in stale)
        {
            await lake.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the named months' files from their rows (the rows of other months are not written); a month with none loses its file.</summary>
    public static async Task<SortedDictionary<string, int>> PublishMonthsAsync(IObjectStore lake, TableFormat format, IReadOnlyList<ListeningRow> rows,
        IReadOnlyCollection<long> months, CancellationToken cancellationToken)
    {
        var byMonth = ByMonth(rows);
        var chosen = byMonth.Where(m => months.Contains(m.Key)).ToDictionary(m => m.Key, m => m.Value);
        foreach (var empty in months.Where(m => !chosen.ContainsKey(m)))
        {
            await lake.DeleteAsync(PartitionKey(format, HistoryMonths.Key(empty)), cancellationToken).ConfigureAwait(false);
        }
        var partitions = await WriteAsync(lake, format, chosen, cancellationToken).ConfigureAwait(false);
        // After the writes: a month's file in the other format, from before the lake changed formats, is obsolete.
        foreach (var month in months)
        {
            await lake.DeleteOtherFormatAsync(format, PartitionKey(format, HistoryMonths.Key(month)), cancellationToken).ConfigureAwait(false);
        }
        return partitions;
    }

    private static async Task<SortedDictionary<string, int>> WriteAsync(IObjectStore lake, TableFormat format, Dictionary<long, List<ListeningRow>> months,
        CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(months, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (month, token) =>
        {
            using var buffer = new MemoryStream();
            format.Write(buffer, month.Value);
            buffer.Position = 0;
            await lake.PutAsync(PartitionKey(format, HistoryMonths.Key(month.Key)), buffer, format.ContentType(), token).ConfigureAwait(false);
        }).ConfigureAwait(false);
        var partitions = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (month, monthRows) in months)
        {
            partitions[$"{TableNames.ListeningHistory}/{PartitionColumn}={HistoryMonths.Key(month)}"] = monthRows.Count;
        }
        return partitions;
    }

    /// <summary>The rows of each month (its first second), in their order; rows in time order find their month without a lookup.</summary>
    private static Dictionary<long, List<ListeningRow>> ByMonth(IReadOnlyList<ListeningRow> rows)
    {
        var months = new Dictionary<long, List<ListeningRow>>();
        long start = 0, next = long.MinValue;
        List<ListeningRow>? current = null;
        foreach (var row in rows)
        {
            if (current is null || row.EndedAt < start || row.EndedAt >= next)
            {
                start = HistoryMonths.Start(row.EndedAt);
                next = HistoryMonths.Next(start);
                if (!months.TryGetValue(start, out current))
                {
                    months[start] = current = [];
                }
            }
            current.Add(row);
        }
        return months;
    }
}
