using System.Globalization;
using SpotifyEtl.Transformation;
using SpotifyEtl.Transformation.Current;

namespace SpotifyEtl.Cli.Queries;

/// <summary>
/// Each day's digest for the current-state tables, read back from the day's partitions (the five dimension
/// tables) through DuckDB: what the transform writes beside the partitions, for a lake whose digests are
/// missing or stale (a lake transformed before they existed, a partition rewritten by hand). A few days' rows at a
/// time, as the transform holds them: a lake of years is rebuilt in the memory of its largest days.
/// </summary>
internal static class PartitionDigests
{
    /// <summary>
    /// The days with a partition of any of the tables, in order. A folder whose <c>snapshot_date</c> is no date (a copy named
    /// by hand, <c>snapshot_date=2026-02-30</c>) is no day, as it is no partition of the queries' tables. Every value of
    /// every file is read (counted): a damaged file is named here, before the rebuild writes anything, not partway.
    /// </summary>
    public static SortedSet<DateOnly> Days(LakeDatabase database)
    {
        var days = new SortedSet<DateOnly>();
        foreach (var (table, _) in CurrentTables.Sources.Values)
        {
            var counted = string.Join(" + ", TableNames.Columns[table].Select(c => $"count({c.Name})"));
            var (_, rows) = database.Read(
                $"SELECT CAST({StackContract.PartitionColumn} AS VARCHAR), {counted} FROM {table} GROUP BY 1", table);
            foreach (var row in rows)
            {
                if (DateOnly.TryParseExact(row[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                {
                    days.Add(day);
                }
            }
        }
        return days;
    }

    /// <summary>
    /// The rows of every table of a few days (a window of the lake's days: one query per table for them all, over those
    /// days' files alone, where a query per day cost about 13 ms a day), each day's as the transform's digest of the day holds them.
    /// </summary>
    public static SortedDictionary<DateOnly, DimensionState> Read(LakeDatabase database, IReadOnlyCollection<DateOnly> days)
    {
        var states = new SortedDictionary<DateOnly, DimensionState>();
        foreach (var day in days)
        {
            states[day] = DimensionState.Empty;
        }
        var dates = days.Select(day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList();
        foreach (var (table, _) in CurrentTables.Sources.Values)
        {
            // In DuckDB's order: the digest written from each day sorts its rows and keeps one per key.
            foreach (var row in database.ReadPartitions(table, dates))
            {
                var date = row[^1]!;
                states[DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture)].Add(table, date, row.Take(row.Count - 1).ToList());
            }
        }
        return states;
    }
}
