using System.Collections.Concurrent;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Transformation;

/// <summary>Writes each table it is handed as its partition's file; called from several threads at once.</summary>
internal sealed class TablePublisher(IObjectStore lake, TableFormat format, DateOnly date, CancellationToken cancellationToken) : ITableVisitor
{
    public ConcurrentDictionary<string, int> Partitions { get; } = new(StringComparer.Ordinal);

    public async Task VisitAsync<T>(IReadOnlyList<T> rows) where T : ITableRow<T>
    {
        var key = format.PartitionKey(T.Table, date);
        if (rows.Count == 0)
        {
            // A replay that empties a table (an emptied playlist) must not leave the old file behind.
            await lake.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            Partitions[$"{T.Table}/{LakeLayout.SnapshotSegment(date)}"] = rows.Count;
            await lake.WriteAsync(key, file => format.Write(file, rows), ParquetTable.EstimatedBytes(rows.Count, T.Schema.Count),
                format.ContentType(), cancellationToken).ConfigureAwait(false);
        }
        // A lake that changed formats may hold the day's table in the other one: obsolete now, and read beside this file.
        await lake.DeleteOtherFormatAsync(format, key, cancellationToken).ConfigureAwait(false);
    }
}
