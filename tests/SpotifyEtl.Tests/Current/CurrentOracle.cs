using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation.Current;
using Xunit;

namespace SpotifyEtl.Tests.Current;

/// <summary>
/// The full recomputation the current-state tables must equal, computed by DuckDB from a CSV lake's daily
/// partitions alone: per id, the row of the latest snapshot date that holds it.
/// </summary>
internal static class CurrentOracle
{
    public static void AssertMatchesPartitions(string lake, string because = "")
    {
        using var duckDb = new DuckDb();
        foreach (var table in CurrentTables.All)
        {
            var (daily, key) = CurrentTables.Sources[table];
            var columns = string.Join(", ", CurrentTables.Columns[table].Select(c => c.Name));
            var keys = string.Join(", ", key);
            // Every column read as text, by position: the files' headers are the contract's (other tests hold them to it).
            string Read(IEnumerable<string> names) =>
                $"header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', columns = {{{string.Join(", ", names.Select(n => $"'{n}': 'VARCHAR'"))}}}";
            var dailyColumns = CurrentTables.Columns[table].Select(c => c.Name).SkipLast(1);
            var partitions = Path.Combine(lake, "transformed", daily);
            var expected = Directory.Exists(partitions) && Directory.EnumerateFiles(partitions, "*.csv", SearchOption.AllDirectories).Any()
                ? Rows(duckDb, $"SELECT {columns} FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY {keys} ORDER BY snapshot_date DESC) AS recency " +
                               $"FROM read_csv('{partitions}/*/{daily}.csv', {Read(dailyColumns)}, hive_partitioning = true, " +
                               $"hive_types = {{'snapshot_date': 'VARCHAR'}})) WHERE recency = 1 ORDER BY {keys}")
                : [];
            var file = Path.Combine(lake, "transformed", table, $"{table}.csv");
            var actual = File.Exists(file)
                ? Rows(duckDb, $"SELECT {columns} FROM read_csv('{file}', {Read(CurrentTables.Columns[table].Select(c => c.Name))}) ORDER BY {keys}")
                : [];
            Assert.True(expected.Count > 0 || !Directory.Exists(partitions), $"{table}: the oracle found no rows in {partitions}");
            Assert.True(expected.SequenceEqual(actual),
                $"{table} differs from the latest rows of every day's {daily} partition {because}:\n" +
                $"only in the partitions: {string.Join("; ", expected.Except(actual).Take(5))}\n" +
                $"only in {table}: {string.Join("; ", actual.Except(expected).Take(5))}");
        }
    }

    private static List<string> Rows(DuckDb duckDb, string sql) =>
        duckDb.Query(sql).Rows.Select(row => string.Join(" | ", row.Select(v => v ?? "∅"))).ToList();
}
