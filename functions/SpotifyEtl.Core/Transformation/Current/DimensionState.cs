using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpotifyEtl.Transformation.Current;

/// <summary>
/// Dated rows of the five dimension tables: one day's rows (a day digest), or the latest row per id
/// among several days (a month, or the whole lake: the current-state tables). Sorted by id throughout,
/// so the same rows always give the same bytes, and so the same ETag on S3.
/// </summary>
public sealed record DimensionState(
    List<CurrentRow<SongRow>> Songs,
    List<CurrentRow<AlbumRow>> Albums,
    List<CurrentRow<ArtistRow>> Artists,
    List<CurrentRow<SongArtistRow>> SongArtists,
    List<CurrentRow<PlaylistRow>> Playlists)
{
    public static DimensionState Empty => new([], [], [], [], []);

    /// <summary>A day's digest: the rows its partitions hold, each dated with the day.</summary>
    public static DimensionState OfDay(SnapshotTables day)
    {
        var date = $"{day.SnapshotDate:yyyy-MM-dd}";
        return Merge([new DimensionState(
            day.Songs.Select(r => new CurrentRow<SongRow>(date, r)).ToList(),
            day.Albums.Select(r => new CurrentRow<AlbumRow>(date, r)).ToList(),
            day.Artists.Select(r => new CurrentRow<ArtistRow>(date, r)).ToList(),
            day.SongArtists.Select(r => new CurrentRow<SongArtistRow>(date, r)).ToList(),
            day.Playlists.Select(r => new CurrentRow<PlaylistRow>(date, r)).ToList())]);
    }

    /// <summary>
    /// The latest row per id among the states: the one of the latest snapshot date. A day holds one row
    /// per id, so dates never tie between days; should one day hold two (a song crediting one artist
    /// twice), the smaller row by its fields wins, so the result never depends on the order of the states.
    /// </summary>
    public static DimensionState Latest(IEnumerable<DimensionState> states)
    {
        var list = states as IReadOnlyList<DimensionState> ?? states.ToList();
        if (list.Count == 1)
        {
            // Every state is already the latest row per id, sorted: one state is its own result.
            return list[0];
        }
        return Merge(list);
    }

    /// <summary>Rows in any order, perhaps several per id, as a state: the latest row per id, sorted.</summary>
    public static DimensionState Canonical(DimensionState rows) => Merge([rows]);

    private static DimensionState Merge(IReadOnlyList<DimensionState> list)
    {
        return new DimensionState(
            LatestOf(list.SelectMany(s => s.Songs), r => r.SongId),
            LatestOf(list.SelectMany(s => s.Albums), r => r.AlbumId),
            LatestOf(list.SelectMany(s => s.Artists), r => r.ArtistId),
            LatestOf(list.SelectMany(s => s.SongArtists), r => $"{r.SongId}\u001f{r.ArtistId}"),
            LatestOf(list.SelectMany(s => s.Playlists), r => r.PlaylistId));
    }

    private static List<CurrentRow<T>> LatestOf<T>(IEnumerable<CurrentRow<T>> rows, Func<T, string> id) where T : ITableRow<T>
    {
        var latest = new Dictionary<string, CurrentRow<T>>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var key = id(row.Row);
            if (!latest.TryGetValue(key, out var known) || Later(row, known))
            {
                latest[key] = row;
            }
        }
        return latest.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Value).ToList();
    }

    private static bool Later<T>(CurrentRow<T> candidate, CurrentRow<T> known) where T : ITableRow<T>
    {
        var byDate = string.CompareOrdinal(candidate.SnapshotDate, known.SnapshotDate);
        return byDate != 0 ? byDate > 0 : string.CompareOrdinal(Fields(candidate), Fields(known)) < 0;
    }

    private static string Fields<T>(CurrentRow<T> row) where T : ITableRow<T> =>
        string.Join('\u001f', CurrentRow<T>.Schema.Select(c => c.Format(row) ?? "\u0000"));

    /// <summary>Hands each current-state table to the visitor, as <see cref="SnapshotTables.ForEachTableAsync"/> hands a day's.</summary>
    public Task ForEachTableAsync(ITableVisitor visitor) => Task.WhenAll(
        visitor.VisitAsync(Songs), visitor.VisitAsync(Albums), visitor.VisitAsync(Artists),
        visitor.VisitAsync(SongArtists), visitor.VisitAsync(Playlists));

    public byte[] Compress()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            JsonSerializer.Serialize(gzip, this, DimensionStateContext.Default.DimensionState);
        }
        return buffer.ToArray();
    }

    public static DimensionState Decompress(byte[] bytes, string key)
    {
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes, writable: false), CompressionMode.Decompress);
            return JsonSerializer.Deserialize(gzip, DimensionStateContext.Default.DimensionState)
                ?? throw new InvalidDataException($"{key} is empty.");
        }
        catch (Exception exception) when (exception is JsonException or InvalidDataException)
        {
            throw new InvalidDataException($"The current-state digest {key} cannot be read ({exception.Message}). " +
                                           "Rebuild the current tables from the partitions ('spotify-etl current --rebuild' on a local lake; on AWS, replay the days).", exception);
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DimensionState))]
internal sealed partial class DimensionStateContext : JsonSerializerContext;
