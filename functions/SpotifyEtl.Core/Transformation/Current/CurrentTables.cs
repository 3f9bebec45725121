namespace SpotifyEtl.Transformation.Current;

/// <summary>
/// The current-state tables: for each dimension table (songs, albums, artists, song_artists, playlists)
/// the latest row per id across every snapshot date, in one file
/// (<c>transformed/songs_current/songs_current.parquet</c>). The queries that want a song's latest name
/// read one small file instead of every day's copy; the daily partitions stay as the history.
/// </summary>
public static class CurrentTables
{
    public const string Suffix = "_current";

    public const string Songs = StackContract.Tables.SongsCurrent;
    public const string Albums = StackContract.Tables.AlbumsCurrent;
    public const string Artists = StackContract.Tables.ArtistsCurrent;
    public const string SongArtists = StackContract.Tables.SongArtistsCurrent;
    public const string Playlists = StackContract.Tables.PlaylistsCurrent;

    /// <summary>Every current-state table, in the order the daily tables are listed.</summary>
    public static readonly IReadOnlyList<string> All = [Songs, Albums, Artists, SongArtists, Playlists];

    /// <summary>Each current-state table's columns and types, in order: the daily table's, then snapshot_date.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<(string Name, ColumnType Type)>> Columns =
        new Dictionary<string, IReadOnlyList<(string, ColumnType)>>
        {
            [Songs] = Describe(CurrentRow<SongRow>.Schema),
            [Albums] = Describe(CurrentRow<AlbumRow>.Schema),
            [Artists] = Describe(CurrentRow<ArtistRow>.Schema),
            [SongArtists] = Describe(CurrentRow<SongArtistRow>.Schema),
            [Playlists] = Describe(CurrentRow<PlaylistRow>.Schema),
        };

    /// <summary>Each current-state table's daily table and the columns naming one of its rows (infra/contract.json's key).</summary>
    public static readonly IReadOnlyDictionary<string, (string Daily, IReadOnlyList<string> Key)> Sources =
        new Dictionary<string, (string, IReadOnlyList<string>)>
        {
            [Songs] = (TableNames.Songs, ["song_id"]),
            [Albums] = (TableNames.Albums, ["album_id"]),
            [Artists] = (TableNames.Artists, ["artist_id"]),
            [SongArtists] = (TableNames.SongArtists, ["song_id", "artist_id"]),
            [Playlists] = (TableNames.Playlists, ["playlist_id"]),
        };

    /// <summary><c>transformed/{table}/{table}.parquet</c> (or <c>.csv</c>): the table's one file.</summary>
    public static string FileKey(this TableFormat format, string table) =>
        $"{Lake.LakeLayout.Transformed}{table}/{table}{format.Extension()}";

    private static (string, ColumnType)[] Describe<T>(IReadOnlyList<TableColumn<T>> schema) =>
        schema.Select(column => (column.Name, column.Type)).ToArray();
}
