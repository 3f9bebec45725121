using System.Globalization;

namespace SpotifyEtl.Transformation;

// The tables of the lake, one record per row. Each row lists its columns explicitly: the names and
// order are a contract with the Glue catalog and the named queries (infra/catalog/tables.ts), and a
// test compares the two. Explicit columns also spare CsvHelper its per-file reflection.

/// <summary>A row of a lake table: its header, its fields as CSV text, and back.</summary>
public interface ITableRow<TSelf> where TSelf : ITableRow<TSelf>
{
    static abstract IReadOnlyList<string> Columns { get; }

    /// <summary>Field values as written (null for an empty field).</summary>
    string?[] ToFields();

    static abstract TSelf FromFields(IReadOnlyList<string?> fields);
}

public sealed record SongRow(string SongId, string? SongName, int? DurationMs, bool? Explicit, string? Isrc, int? Popularity,
    int? TrackNumber, int? DiscNumber, string? AlbumId, string? PrimaryArtistId, string? SongUrl) : ITableRow<SongRow>
{
    public static IReadOnlyList<string> Columns { get; } =
        ["song_id", "song_name", "duration_ms", "explicit", "isrc", "popularity", "track_number", "disc_number", "album_id", "primary_artist_id", "song_url"];

    public string?[] ToFields() =>
        [SongId, SongName, Field.Of(DurationMs), Field.Of(Explicit), Isrc, Field.Of(Popularity), Field.Of(TrackNumber), Field.Of(DiscNumber), AlbumId, PrimaryArtistId, SongUrl];

    public static SongRow FromFields(IReadOnlyList<string?> fields) =>
        new(fields[0]!, fields[1], Field.Int(fields[2]), Field.Bool(fields[3]), fields[4], Field.Int(fields[5]), Field.Int(fields[6]), Field.Int(fields[7]), fields[8], fields[9], fields[10]);
}

public sealed record AlbumRow(string AlbumId, string? AlbumName, string? AlbumType, string? ReleaseDate, string? ReleaseDatePrecision,
    int? ReleaseYear, int? TotalTracks, string? AlbumUrl) : ITableRow<AlbumRow>
{
    public static IReadOnlyList<string> Columns { get; } =
        ["album_id", "album_name", "album_type", "release_date", "release_date_precision", "release_year", "total_tracks", "album_url"];

    public string?[] ToFields() =>
        [AlbumId, AlbumName, AlbumType, ReleaseDate, ReleaseDatePrecision, Field.Of(ReleaseYear), Field.Of(TotalTracks), AlbumUrl];

    public static AlbumRow FromFields(IReadOnlyList<string?> fields) =>
        new(fields[0]!, fields[1], fields[2], fields[3], fields[4], Field.Int(fields[5]), Field.Int(fields[6]), fields[7]);
}

public sealed record ArtistRow(string ArtistId, string? ArtistName, string? ArtistUrl) : ITableRow<ArtistRow>
{
    public static IReadOnlyList<string> Columns { get; } = ["artist_id", "artist_name", "artist_url"];

    public string?[] ToFields() => [ArtistId, ArtistName, ArtistUrl];

    public static ArtistRow FromFields(IReadOnlyList<string?> fields) => new(fields[0]!, fields[1], fields[2]);
}

public sealed record SongArtistRow(string SongId, string ArtistId, int ArtistPosition) : ITableRow<SongArtistRow>
{
    public static IReadOnlyList<string> Columns { get; } = ["song_id", "artist_id", "artist_position"];

    public string?[] ToFields() => [SongId, ArtistId, Field.Of(ArtistPosition)];

    public static SongArtistRow FromFields(IReadOnlyList<string?> fields) => new(fields[0]!, fields[1]!, Field.Int(fields[2]) ?? 0);
}

public sealed record PlaylistEntryRow(string PlaylistId, string? PlaylistName, string? PlaylistSnapshotId, int Position, string SongId,
    string? AddedAt, string? AddedBy) : ITableRow<PlaylistEntryRow>
{
    public static IReadOnlyList<string> Columns { get; } =
        ["playlist_id", "playlist_name", "playlist_snapshot_id", "position", "song_id", "added_at", "added_by"];

    public string?[] ToFields() => [PlaylistId, PlaylistName, PlaylistSnapshotId, Field.Of(Position), SongId, AddedAt, AddedBy];

    public static PlaylistEntryRow FromFields(IReadOnlyList<string?> fields) => new(fields[0]!, fields[1], fields[2], Field.Int(fields[3]) ?? 0, fields[4]!, fields[5], fields[6]);
}

public sealed record PlayRow(string PlayedAt, string SongId, string? ContextType, string? ContextUri) : ITableRow<PlayRow>
{
    public static IReadOnlyList<string> Columns { get; } = ["played_at", "song_id", "context_type", "context_uri"];

    public string?[] ToFields() => [PlayedAt, SongId, ContextType, ContextUri];

    public static PlayRow FromFields(IReadOnlyList<string?> fields) => new(fields[0]!, fields[1]!, fields[2], fields[3]);
}

/// <summary>
/// Which version of a playlist a day's extraction saw. Extraction lands a playlist's items only when
/// its snapshot id changed, but its metadata on every run: this table says what was on the playlist
/// each day (join <see cref="PlaylistEntryRow"/> on playlist id and snapshot id). The merge also copies
/// name and snapshot id onto that run's entries, because the pages of <c>/items</c> carry neither.
/// </summary>
public sealed record PlaylistRow(string PlaylistId, string? PlaylistName, string? PlaylistSnapshotId, string? OwnerId) : ITableRow<PlaylistRow>
{
    public static IReadOnlyList<string> Columns { get; } = ["playlist_id", "playlist_name", "playlist_snapshot_id", "owner_id"];

    public string?[] ToFields() => [PlaylistId, PlaylistName, PlaylistSnapshotId, OwnerId];

    public static PlaylistRow FromFields(IReadOnlyList<string?> fields) => new(fields[0]!, fields[1], fields[2], fields[3]);
}

/// <summary>Field text as Athena's OpenCSVSerDe and DuckDB read it: invariant numbers, true/false, empty for null.</summary>
internal static class Field
{
    public static string? Of(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    public static string? Of(bool? value) => value switch { true => "true", false => "false", null => null };

    public static int? Int(string? text) => string.IsNullOrEmpty(text) ? null : int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);

    public static bool? Bool(string? text) => string.IsNullOrEmpty(text) ? null : bool.Parse(text);
}

public static class TableNames
{
    public const string Songs = "songs";
    public const string Albums = "albums";
    public const string Artists = "artists";
    public const string SongArtists = "song_artists";
    public const string PlaylistEntries = "playlist_entries";
    public const string Plays = "plays";
    public const string Playlists = "playlists";

    /// <summary>The tables analysts query, in the order reports list them.</summary>
    public static readonly IReadOnlyList<string> Published = [Songs, Albums, Artists, SongArtists, Playlists, PlaylistEntries, Plays];

    /// <summary>Each published table's columns, in order: the contract with the Glue catalog.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Columns = new Dictionary<string, IReadOnlyList<string>>
    {
        [Songs] = SongRow.Columns,
        [Albums] = AlbumRow.Columns,
        [Artists] = ArtistRow.Columns,
        [SongArtists] = SongArtistRow.Columns,
        [Playlists] = PlaylistRow.Columns,
        [PlaylistEntries] = PlaylistEntryRow.Columns,
        [Plays] = PlayRow.Columns,
    };
}
