using System.Globalization;

namespace SpotifyEtl.Transformation.Current;

/// <summary>
/// Dated rows of the five dimension tables as objects: the rows of the current-state tables as they
/// are written, or a day's rows read from its partitions. Digests hold them in binary
/// (<see cref="Digest"/>), sorted and one row per key.
/// </summary>
public sealed record DimensionState(
    List<CurrentRow<SongRow>> Songs,
    List<CurrentRow<AlbumRow>> Albums,
    List<CurrentRow<ArtistRow>> Artists,
    List<CurrentRow<SongArtistRow>> SongArtists,
    List<CurrentRow<PlaylistRow>> Playlists)
{
    public static DimensionState Empty => new([], [], [], [], []);

    /// <summary>
    /// Adds a row of one of the five daily tables read back from a partition: its values as text, in the
    /// order of the table's columns (digits, true/false, null for an empty value), and its snapshot date.
    /// </summary>
    public void Add(string table, string date, IReadOnlyList<string?> v)
    {
        switch (table)
        {
            case TableNames.Songs:
                Songs.Add(new(date, new SongRow(v[0]!, v[1], Int(v[2]), Bool(v[3]), v[4], Int(v[5]), Int(v[6]), Int(v[7]), v[8], v[9], v[10])));
                break;
            case TableNames.Albums:
                Albums.Add(new(date, new AlbumRow(v[0]!, v[1], v[2], v[3], v[4], Int(v[5]), Int(v[6]), v[7])));
                break;
            case TableNames.Artists:
                Artists.Add(new(date, new ArtistRow(v[0]!, v[1], v[2])));
                break;
            case TableNames.SongArtists:
                SongArtists.Add(new(date, new SongArtistRow(v[0]!, v[1]!, Int(v[2]) ?? 0)));
                break;
            case TableNames.Playlists:
                Playlists.Add(new(date, new PlaylistRow(v[0]!, v[1], v[2], v[3])));
                break;
            default:
                throw new ArgumentException($"{table} is not one of the tables the current-state tables are built from.", nameof(table));
        }
    }

    private static int? Int(string? text) => string.IsNullOrEmpty(text) ? null : int.Parse(text, CultureInfo.InvariantCulture);

    private static bool? Bool(string? text) => string.IsNullOrEmpty(text) ? null : text == "true";
}
