namespace SpotifyEtl.Transformation.Current;

/// <summary>Builds a row from its fields, read in the order <see cref="DigestFields.WriteRow"/> wrote its schema's columns.</summary>
internal delegate T DigestRowReader<T>(ref FieldReader fields);

/// <summary>
/// The five dimension tables a digest holds, in the order of its sections, each with the number of
/// leading columns that make its key and the reader of its rows.
/// </summary>
internal static class DigestRows
{
    public const int Sections = 5;

    /// <summary>Key columns per section: songs, albums, artists, song_artists (song and artist), playlists.</summary>
    public static ReadOnlySpan<int> KeyColumns => [1, 1, 1, 2, 1];

    /// <summary>Column types per section, to check a row without building it.</summary>
    public static readonly ColumnType[][] Types =
    [
        [.. SongRow.Schema.Select(c => c.Type)],
        [.. AlbumRow.Schema.Select(c => c.Type)],
        [.. ArtistRow.Schema.Select(c => c.Type)],
        [.. SongArtistRow.Schema.Select(c => c.Type)],
        [.. PlaylistRow.Schema.Select(c => c.Type)],
    ];

    public static SongRow Song(ref FieldReader f) =>
        new(f.Id(), f.Text(), f.Number(), f.Boolean(), f.Text(), f.Number(), f.Number(), f.Number(), f.Text(), f.Text(), f.Text());

    public static AlbumRow Album(ref FieldReader f) => new(f.Id(), f.Text(), f.Text(), f.Text(), f.Text(), f.Number(), f.Number(), f.Text());

    public static ArtistRow Artist(ref FieldReader f) => new(f.Id(), f.Text(), f.Text());

    public static SongArtistRow SongArtist(ref FieldReader f) =>
        new(f.Id(), f.Id(), f.Number() ?? throw new InvalidDataException("a song's artist has no position"));

    public static PlaylistRow Playlist(ref FieldReader f) => new(f.Id(), f.Text(), f.Text(), f.Text());
}
