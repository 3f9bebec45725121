using System.Globalization;

namespace SpotifyEtl.Transformation;

// The tables of the lake, one record per row. Each row type lists its columns explicitly, with the
// type each has in Parquet and in the Glue catalog: the names, order and types are a contract with
// the catalog and the named queries, declared in infra/contract.json, and a test compares the two.

/// <summary>A row of a lake table: the table's name and its typed columns.</summary>
public interface ITableRow<TSelf> where TSelf : ITableRow<TSelf>
{
    static abstract string Table { get; }

    static abstract IReadOnlyList<TableColumn<TSelf>> Schema { get; }
}

/// <summary>The types a lake column has, in Parquet and in Glue (string, int, boolean: Text, WholeNumber as int32, Boolean).</summary>
public enum ColumnType
{
    Text,
    WholeNumber,
    Boolean,
}

/// <summary>One column of a table: its name, type and how to read it from a row.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000:Do not declare static members on generic types",
    Justification = "The factories read as the schema they declare: TableColumn<SongRow>.Text(\"song_id\", ...).")]
public sealed class TableColumn<T>
{
    /// <summary>
    /// A column of the given type; tables use the factories below (a text column through <see cref="Text"/>, cleaned).
    /// <paramref name="stored"/> reads a text column's value as the row holds it, before cleaning: the same as
    /// <paramref name="text"/> when not given.
    /// </summary>
    internal TableColumn(string name, ColumnType type, Func<T, string?>? text, Func<T, int?>? integer, Func<T, bool?>? boolean, Func<T, string?>? stored = null)
    {
        Name = name;
        Type = type;
        TextOf = text;
        StoredTextOf = stored ?? text;
        IntOf = integer;
        BooleanOf = boolean;
    }

    public string Name { get; }
    public ColumnType Type { get; }
    internal Func<T, string?>? TextOf { get; }
    /// <summary>The text the row holds, before <see cref="AthenaValues.Text"/>: for looking ahead at the memory it lives in.</summary>
    internal Func<T, string?>? StoredTextOf { get; }
    internal Func<T, int?>? IntOf { get; }
    internal Func<T, bool?>? BooleanOf { get; }

    /// <summary>
    /// Of a link column: the id the row's link is spelled from, or null where the row keeps the link's text (or none), which
    /// <see cref="TextOf"/> gives. Writers spell it from <see cref="LinkPrefix"/> and the id (<see cref="SpotifyUrls.Write"/>).
    /// </summary>
    internal Func<T, string?>? SpelledIdOf { get; private init; }

    internal byte[] LinkPrefix { get; private init; } = [];

    /// <summary>
    /// A text column. Every value is written as <see cref="AthenaValues.Text"/> keeps it, ids and URIs as well as names: a line
    /// break or a control character in any field Spotify or an export sends would split a CSV row for OpenCSVSerDe, or act
    /// as its escape character (U+0001), and both formats hold the same text.
    /// </summary>
    public static TableColumn<T> Text(string name, Func<T, string?> value) => new(name, ColumnType.Text, row => AthenaValues.Text(value(row)), null, null, value);

    /// <summary>
    /// A text column of web links that a row may keep as its id (<see cref="SpotifyUrls"/>): <paramref name="value"/> spells
    /// the text, <paramref name="kept"/> is what the row holds, <paramref name="spelledId"/> the id where it holds no text.
    /// </summary>
    internal static TableColumn<T> Link(string name, Func<T, string?> value, Func<T, string?> kept, Func<T, string?> spelledId, ReadOnlySpan<byte> prefix) =>
        new(name, ColumnType.Text, row => AthenaValues.Text(value(row)), null, null, kept) { SpelledIdOf = spelledId, LinkPrefix = prefix.ToArray() };

    public static TableColumn<T> Number(string name, Func<T, int?> value) => new(name, ColumnType.WholeNumber, null, value, null);

    public static TableColumn<T> Boolean(string name, Func<T, bool?> value) => new(name, ColumnType.Boolean, null, null, value);

    /// <summary>The field as CSV text: invariant digits, true/false, null for an empty field.</summary>
    public string? Format(T row) => Type switch
    {
        ColumnType.WholeNumber => IntOf!(row)?.ToString(CultureInfo.InvariantCulture),
        ColumnType.Boolean => BooleanOf!(row) switch { true => "true", false => "false", null => null },
        _ => TextOf!(row),
    };
}

public sealed record SongRow(string SongId, string? SongName, int? DurationMs, bool? Explicit, string? Isrc, int? Popularity,
    int? TrackNumber, int? DiscNumber, string? AlbumId, string? PrimaryArtistId, string? SongUrl) : ITableRow<SongRow>
{
    private readonly string? _songUrl = SpotifyUrls.Keep(SongUrl, SpotifyUrls.Track, SongId);

    /// <summary>
    /// The song's web link; kept as its id where it is the id's link (<see cref="SpotifyUrls"/>), so that a copy made
    /// <c>with</c> another <see cref="SongId"/> links to that id.
    /// </summary>
    public string? SongUrl
    {
        get => SpotifyUrls.Text(_songUrl, SpotifyUrls.Track, SongId);
        init => _songUrl = SpotifyUrls.Keep(value, SpotifyUrls.Track, SongId);
    }

    public static string Table => TableNames.Songs;

    public static IReadOnlyList<TableColumn<SongRow>> Schema { get; } =
    [
        TableColumn<SongRow>.Text("song_id", r => r.SongId),
        TableColumn<SongRow>.Text("song_name", r => r.SongName),
        TableColumn<SongRow>.Number("duration_ms", r => r.DurationMs),
        TableColumn<SongRow>.Boolean("explicit", r => r.Explicit),
        TableColumn<SongRow>.Text("isrc", r => r.Isrc),
        TableColumn<SongRow>.Number("popularity", r => r.Popularity),
        TableColumn<SongRow>.Number("track_number", r => r.TrackNumber),
        TableColumn<SongRow>.Number("disc_number", r => r.DiscNumber),
        TableColumn<SongRow>.Text("album_id", r => r.AlbumId),
        TableColumn<SongRow>.Text("primary_artist_id", r => r.PrimaryArtistId),
        TableColumn<SongRow>.Link("song_url", r => r.SongUrl, r => r._songUrl, r => SpotifyUrls.SpelledFrom(r._songUrl, r.SongId), SpotifyUrls.Track),
    ];
}

public sealed record AlbumRow(string AlbumId, string? AlbumName, string? AlbumType, string? ReleaseDate, string? ReleaseDatePrecision,
    int? ReleaseYear, int? TotalTracks, string? AlbumUrl) : ITableRow<AlbumRow>
{
    private readonly string? _albumUrl = SpotifyUrls.Keep(AlbumUrl, SpotifyUrls.Album, AlbumId);

    /// <summary>
    /// The album's web link; kept as its id where it is the id's link (<see cref="SpotifyUrls"/>), so that a copy made
    /// <c>with</c> another <see cref="AlbumId"/> links to that id.
    /// </summary>
    public string? AlbumUrl
    {
        get => SpotifyUrls.Text(_albumUrl, SpotifyUrls.Album, AlbumId);
        init => _albumUrl = SpotifyUrls.Keep(value, SpotifyUrls.Album, AlbumId);
    }

    public static string Table => TableNames.Albums;

    public static IReadOnlyList<TableColumn<AlbumRow>> Schema { get; } =
    [
        TableColumn<AlbumRow>.Text("album_id", r => r.AlbumId),
        TableColumn<AlbumRow>.Text("album_name", r => r.AlbumName),
        TableColumn<AlbumRow>.Text("album_type", r => r.AlbumType),
        TableColumn<AlbumRow>.Text("release_date", r => r.ReleaseDate),
        TableColumn<AlbumRow>.Text("release_date_precision", r => r.ReleaseDatePrecision),
        TableColumn<AlbumRow>.Number("release_year", r => r.ReleaseYear),
        TableColumn<AlbumRow>.Number("total_tracks", r => r.TotalTracks),
        TableColumn<AlbumRow>.Link("album_url", r => r.AlbumUrl, r => r._albumUrl, r => SpotifyUrls.SpelledFrom(r._albumUrl, r.AlbumId), SpotifyUrls.Album),
    ];
}

public sealed record ArtistRow(string ArtistId, string? ArtistName, string? ArtistUrl) : ITableRow<ArtistRow>
{
    public static string Table => TableNames.Artists;

    public static IReadOnlyList<TableColumn<ArtistRow>> Schema { get; } =
    [
        TableColumn<ArtistRow>.Text("artist_id", r => r.ArtistId),
        TableColumn<ArtistRow>.Text("artist_name", r => r.ArtistName),
        TableColumn<ArtistRow>.Text("artist_url", r => r.ArtistUrl),
    ];
}

public sealed record SongArtistRow(string SongId, string ArtistId, int ArtistPosition) : ITableRow<SongArtistRow>
{
    public static string Table => TableNames.SongArtists;

    public static IReadOnlyList<TableColumn<SongArtistRow>> Schema { get; } =
    [
        TableColumn<SongArtistRow>.Text("song_id", r => r.SongId),
        TableColumn<SongArtistRow>.Text("artist_id", r => r.ArtistId),
        TableColumn<SongArtistRow>.Number("artist_position", r => r.ArtistPosition),
    ];
}

/// <summary>
/// Which version of a playlist a day's extraction saw. Extraction lands a playlist's items only when
/// its snapshot id changed, but its metadata on every run: this table says what was on the playlist
/// each day (join <see cref="PlaylistEntryRow"/> on playlist id and snapshot id).
/// </summary>
public sealed record PlaylistRow(string PlaylistId, string? PlaylistName, string? PlaylistSnapshotId, string? OwnerId) : ITableRow<PlaylistRow>
{
    public static string Table => TableNames.Playlists;

    public static IReadOnlyList<TableColumn<PlaylistRow>> Schema { get; } =
    [
        TableColumn<PlaylistRow>.Text("playlist_id", r => r.PlaylistId),
        TableColumn<PlaylistRow>.Text("playlist_name", r => r.PlaylistName),
        TableColumn<PlaylistRow>.Text("playlist_snapshot_id", r => r.PlaylistSnapshotId),
        TableColumn<PlaylistRow>.Text("owner_id", r => r.OwnerId),
    ];
}

/// <summary>
/// An item of a playlist version. The pages of <c>/items</c> carry neither the playlist's name nor
/// its snapshot id: the day's tables copy them from the metadata the same run landed.
/// </summary>
public sealed record PlaylistEntryRow(string PlaylistId, string? PlaylistName, string? PlaylistSnapshotId, int Position, string SongId,
    string? AddedAt, string? AddedBy) : ITableRow<PlaylistEntryRow>
{
    public static string Table => TableNames.PlaylistEntries;

    public static IReadOnlyList<TableColumn<PlaylistEntryRow>> Schema { get; } =
    [
        TableColumn<PlaylistEntryRow>.Text("playlist_id", r => r.PlaylistId),
        TableColumn<PlaylistEntryRow>.Text("playlist_name", r => r.PlaylistName),
        TableColumn<PlaylistEntryRow>.Text("playlist_snapshot_id", r => r.PlaylistSnapshotId),
        TableColumn<PlaylistEntryRow>.Number("position", r => r.Position),
        TableColumn<PlaylistEntryRow>.Text("song_id", r => r.SongId),
        TableColumn<PlaylistEntryRow>.Text("added_at", r => r.AddedAt),
        TableColumn<PlaylistEntryRow>.Text("added_by", r => r.AddedBy),
    ];
}

public sealed record PlayRow(string PlayedAt, string SongId, string? ContextType, string? ContextUri) : ITableRow<PlayRow>
{
    public static string Table => TableNames.Plays;

    public static IReadOnlyList<TableColumn<PlayRow>> Schema { get; } =
    [
        TableColumn<PlayRow>.Text("played_at", r => r.PlayedAt),
        TableColumn<PlayRow>.Text("song_id", r => r.SongId),
        TableColumn<PlayRow>.Text("context_type", r => r.ContextType),
        TableColumn<PlayRow>.Text("context_uri", r => r.ContextUri),
    ];
}

/// <summary>
/// A song in the user's library and when it was saved. A full pass over the library (raw subject
/// <c>me</c>) lists every saved song; an incremental pass (subject <c>recent</c>) only the newest.
/// </summary>
public sealed record SavedTrackRow(string SongId, string SavedAt, bool FullPass) : ITableRow<SavedTrackRow>
{
    public static string Table => TableNames.SavedTracks;

    public static IReadOnlyList<TableColumn<SavedTrackRow>> Schema { get; } =
    [
        TableColumn<SavedTrackRow>.Text("song_id", r => r.SongId),
        TableColumn<SavedTrackRow>.Text("saved_at", r => r.SavedAt),
        TableColumn<SavedTrackRow>.Boolean("full_pass", r => r.FullPass),
    ];
}

/// <summary>One place of a top list: a track or an artist, its rank in a time range.</summary>
public sealed record TopItemRow(string ItemType, string TimeRange, int Rank, string ItemId) : ITableRow<TopItemRow>
{
    public static string Table => TableNames.TopItems;

    /// <summary>The rank of the one row, with no item, of a ranking Spotify served empty that day; items rank from 1.</summary>
    public const int EmptyRanking = 0;

    public static IReadOnlyList<TableColumn<TopItemRow>> Schema { get; } =
    [
        TableColumn<TopItemRow>.Text("item_type", r => r.ItemType),
        TableColumn<TopItemRow>.Text("time_range", r => r.TimeRange),
        TableColumn<TopItemRow>.Number("rank", r => r.Rank),
        TableColumn<TopItemRow>.Text("item_id", r => r.ItemId),
    ];
}

public static class TableNames
{
    public const string Songs = StackContract.Tables.Songs;
    public const string Albums = StackContract.Tables.Albums;
    public const string Artists = StackContract.Tables.Artists;
    public const string SongArtists = StackContract.Tables.SongArtists;
    public const string PlaylistEntries = StackContract.Tables.PlaylistEntries;
    public const string Plays = StackContract.Tables.Plays;
    public const string Playlists = StackContract.Tables.Playlists;
    public const string SavedTracks = StackContract.Tables.SavedTracks;
    public const string TopItems = StackContract.Tables.TopItems;
    /// <summary>The lifetime listening history, built by the import of the user's data export (partitioned by month).</summary>
    public const string ListeningHistory = StackContract.Tables.ListeningHistory;

    /// <summary>The tables analysts query, in the order reports list them.</summary>
    public static readonly IReadOnlyList<string> Published =
        [Songs, Albums, Artists, SongArtists, Playlists, PlaylistEntries, Plays, SavedTracks, TopItems];

    /// <summary>Each published table's columns and types, in order: the contract with the Glue catalog.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<(string Name, ColumnType Type)>> Columns =
        new Dictionary<string, IReadOnlyList<(string, ColumnType)>>
        {
            [Songs] = Describe(SongRow.Schema),
            [Albums] = Describe(AlbumRow.Schema),
            [Artists] = Describe(ArtistRow.Schema),
            [SongArtists] = Describe(SongArtistRow.Schema),
            [Playlists] = Describe(PlaylistRow.Schema),
            [PlaylistEntries] = Describe(PlaylistEntryRow.Schema),
            [Plays] = Describe(PlayRow.Schema),
            [SavedTracks] = Describe(SavedTrackRow.Schema),
            [TopItems] = Describe(TopItemRow.Schema),
            [ListeningHistory] = Describe(Import.ListeningRow.Schema),
        };

    private static (string, ColumnType)[] Describe<T>(IReadOnlyList<TableColumn<T>> schema) =>
        schema.Select(column => (column.Name, column.Type)).ToArray();
}
