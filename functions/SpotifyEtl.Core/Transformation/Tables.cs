using CsvHelper.Configuration.Attributes;

namespace SpotifyEtl.Transformation;

// The tables of the lake, one record per row. Column names and order are a contract with the Glue
// catalog and the named queries (infra/catalog); a test compares the two.

public sealed record SongRow(
    [property: Name("song_id"), Index(0)] string SongId,
    [property: Name("song_name"), Index(1)] string? SongName,
    [property: Name("duration_ms"), Index(2)] int? DurationMs,
    [property: Name("explicit"), Index(3)] bool? Explicit,
    [property: Name("isrc"), Index(4)] string? Isrc,
    [property: Name("popularity"), Index(5)] int? Popularity,
    [property: Name("track_number"), Index(6)] int? TrackNumber,
    [property: Name("disc_number"), Index(7)] int? DiscNumber,
    [property: Name("album_id"), Index(8)] string? AlbumId,
    [property: Name("primary_artist_id"), Index(9)] string? PrimaryArtistId,
    [property: Name("song_url"), Index(10)] string? SongUrl);

public sealed record AlbumRow(
    [property: Name("album_id"), Index(0)] string AlbumId,
    [property: Name("album_name"), Index(1)] string? AlbumName,
    [property: Name("album_type"), Index(2)] string? AlbumType,
    [property: Name("release_date"), Index(3)] string? ReleaseDate,
    [property: Name("release_date_precision"), Index(4)] string? ReleaseDatePrecision,
    [property: Name("release_year"), Index(5)] int? ReleaseYear,
    [property: Name("total_tracks"), Index(6)] int? TotalTracks,
    [property: Name("album_url"), Index(7)] string? AlbumUrl);

public sealed record ArtistRow(
    [property: Name("artist_id"), Index(0)] string ArtistId,
    [property: Name("artist_name"), Index(1)] string? ArtistName,
    [property: Name("artist_url"), Index(2)] string? ArtistUrl);

public sealed record SongArtistRow(
    [property: Name("song_id"), Index(0)] string SongId,
    [property: Name("artist_id"), Index(1)] string ArtistId,
    [property: Name("artist_position"), Index(2)] int ArtistPosition);

public sealed record PlaylistEntryRow(
    [property: Name("playlist_id"), Index(0)] string PlaylistId,
    [property: Name("playlist_name"), Index(1)] string? PlaylistName,
    [property: Name("playlist_snapshot_id"), Index(2)] string? PlaylistSnapshotId,
    [property: Name("position"), Index(3)] int Position,
    [property: Name("song_id"), Index(4)] string SongId,
    [property: Name("added_at"), Index(5)] string? AddedAt,
    [property: Name("added_by"), Index(6)] string? AddedBy);

public sealed record PlayRow(
    [property: Name("played_at"), Index(0)] string PlayedAt,
    [property: Name("song_id"), Index(1)] string SongId,
    [property: Name("context_type"), Index(2)] string? ContextType,
    [property: Name("context_uri"), Index(3)] string? ContextUri);

/// <summary>
/// Staging only: which version of a playlist a run saw. The merge copies name and snapshot id onto
/// that playlist's entries, because the pages of <c>/items</c> carry neither.
/// </summary>
public sealed record PlaylistVersionRow(
    [property: Name("playlist_id"), Index(0)] string PlaylistId,
    [property: Name("playlist_name"), Index(1)] string? PlaylistName,
    [property: Name("playlist_snapshot_id"), Index(2)] string? PlaylistSnapshotId,
    [property: Name("owner_id"), Index(3)] string? OwnerId);

public static class TableNames
{
    public const string Songs = "songs";
    public const string Albums = "albums";
    public const string Artists = "artists";
    public const string SongArtists = "song_artists";
    public const string PlaylistEntries = "playlist_entries";
    public const string Plays = "plays";
    public const string PlaylistVersions = "playlist_versions";

    /// <summary>The tables analysts query, in the order reports list them.</summary>
    public static readonly IReadOnlyList<string> Published = [Songs, Albums, Artists, SongArtists, PlaylistEntries, Plays];
}
