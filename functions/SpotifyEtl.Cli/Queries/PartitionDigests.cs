using System.Globalization;
using SpotifyEtl.Transformation;
using SpotifyEtl.Transformation.Current;

namespace SpotifyEtl.Cli.Queries;

/// <summary>
/// Each day's digest for the current-state tables, read back from the day's partitions (the five dimension
/// tables) through DuckDB: what the transform writes beside the partitions, for a lake whose digests are
/// missing or stale (a lake transformed before they existed, a partition rewritten by hand).
/// </summary>
internal static class PartitionDigests
{
    public static SortedDictionary<DateOnly, DimensionState> Read(LakeDatabase database)
    {
        var days = new SortedDictionary<DateOnly, DimensionState>();
        foreach (var (table, _) in CurrentTables.Sources.Values)
        {
            foreach (var (date, values) in Rows(database, table))
            {
                var day = DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);
                if (!days.TryGetValue(day, out var state))
                {
                    days[day] = state = DimensionState.Empty;
                }
                state.Add(table, date, values);
            }
        }
        // In DuckDB's order: the digest written from each day sorts its rows and keeps one per key.
        return days;
    }

    /// <summary>The table's rows with their snapshot date, every value as DuckDB's text for it.</summary>
    private static IEnumerable<(string Date, IReadOnlyList<string?> Values)> Rows(LakeDatabase database, string table)
    {
        var columns = string.Join(", ", TableNames.Columns[table].Select(c => c.Name));
        var (_, rows) = database.Read($"SELECT {columns}, {StackContract.PartitionColumn} FROM {table}", table);
        return rows.Select(row => (row[^1]!, (IReadOnlyList<string?>)row.Take(row.Count - 1).ToList()));
    }
}
