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
        var months = rows.GroupBy(r => r.EndedMonth, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var partitions = new SortedDictionary<string, int>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(months, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (month, token) =>
        {
            using var buffer = new MemoryStream();
            format.Write(buffer, month.Value);
            buffer.Position = 0;
            await lake.PutAsync(PartitionKey(format, month.Key), buffer, format.ContentType(), token).ConfigureAwait(false);
        }).ConfigureAwait(false);
        foreach (var (month, monthRows) in months)
        {
            partitions[$"{TableNames.ListeningHistory}/{PartitionColumn}={month}"] = monthRows.Count;
        }

        var written = months.Keys.Select(m => PartitionKey(format, m)).ToHashSet(StringComparer.Ordinal);
        var stale = new List<string>();
        await foreach (var key in lake.ListAsync(TablePrefix, cancellationToken).ConfigureAwait(false))
        {
            if (key.EndsWith(format.Extension(), StringComparison.Ordinal) && !written.Contains(key))
            {
                stale.Add(key);
            }
        }
        foreach (var key in stale)
        {
            await lake.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        }
        return partitions;
    }
}
