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
        DimensionState Day(string date)
        {
            var day = DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (!days.TryGetValue(day, out var state))
            {
                days[day] = state = DimensionState.Empty;
            }
            return state;
        }
        foreach (var (date, v) in Rows(database, TableNames.Songs))
        {
            Day(date).Songs.Add(new(date, new SongRow(v[0]!, v[1], Int(v[2]), Bool(v[3]), v[4], Int(v[5]), Int(v[6]), Int(v[7]), v[8], v[9], v[10])));
        }
        foreach (var (date, v) in Rows(database, TableNames.Albums))
        {
            Day(date).Albums.Add(new(date, new AlbumRow(v[0]!, v[1], v[2], v[3], v[4], Int(v[5]), Int(v[6]), v[7])));
        }
        foreach (var (date, v) in Rows(database, TableNames.Artists))
        {
            Day(date).Artists.Add(new(date, new ArtistRow(v[0]!, v[1], v[2])));
        }
        foreach (var (date, v) in Rows(database, TableNames.SongArtists))
        {
            Day(date).SongArtists.Add(new(date, new SongArtistRow(v[0]!, v[1]!, Int(v[2]) ?? 0)));
        }
        foreach (var (date, v) in Rows(database, TableNames.Playlists))
        {
            Day(date).Playlists.Add(new(date, new PlaylistRow(v[0]!, v[1], v[2], v[3])));
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

    private static int? Int(string? text) => string.IsNullOrEmpty(text) ? null : int.Parse(text, CultureInfo.InvariantCulture);

    private static bool? Bool(string? text) => string.IsNullOrEmpty(text) ? null : text == "true";
}
