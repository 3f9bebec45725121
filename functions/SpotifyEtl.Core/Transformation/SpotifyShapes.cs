using System.Text.Json.Serialization;

namespace SpotifyEtl.Transformation;

// The parts of Spotify's responses the transformation reads, as the Web API returns them in 2026
// (shared/spotify-web-api-2026.md). Every field is optional: Development Mode omits popularity and
// available_markets, local files have null ids, and episodes replace album and artists with a show.

public sealed record ExternalUrls(string? Spotify);

public sealed record ExternalIds(string? Isrc);

public sealed record SpotifyArtist(string? Id, string? Name, string? Type, ExternalUrls? ExternalUrls);

public sealed record SpotifyAlbum(
    string? Id,
    string? Name,
    string? AlbumType,
    int? TotalTracks,
    string? ReleaseDate,
    string? ReleaseDatePrecision,
    ExternalUrls? ExternalUrls);

public sealed record SpotifyTrack(
    string? Id,
    string? Name,
    string? Type,
    int? DurationMs,
    int? TrackNumber,
    int? DiscNumber,
    bool? Explicit,
    bool? IsLocal,
    int? Popularity,
    ExternalIds? ExternalIds,
    ExternalUrls? ExternalUrls,
    SpotifyAlbum? Album,
    IReadOnlyList<SpotifyArtist?>? Artists);

public sealed record SpotifyUserRef(string? Id);

/// <summary>An entry of <c>/playlists/{id}/items</c>: the track sits under <c>item</c>, or under the deprecated <c>track</c>.</summary>
public sealed record PlaylistItem(string? AddedAt, SpotifyUserRef? AddedBy, bool? IsLocal, SpotifyTrack? Item, SpotifyTrack? Track)
{
    public SpotifyTrack? Content => Item ?? Track;
}

public sealed record PlayContext(string? Type, string? Uri);

/// <summary>An entry of <c>/me/player/recently-played</c>.</summary>
public sealed record PlayHistoryItem(SpotifyTrack? Track, string? PlayedAt, PlayContext? Context);

/// <summary>An entry of <c>/me/tracks</c>.</summary>
public sealed record SavedTrackItem(string? AddedAt, SpotifyTrack? Track);

/// <summary><c>GET /playlists/{id}</c>: the transformation reads only who and which version it is.</summary>
public sealed record PlaylistMetadata(string? Id, string? Name, string? SnapshotId, SpotifyUserRef? Owner);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SpotifyTrack))]
[JsonSerializable(typeof(SpotifyArtist))]
[JsonSerializable(typeof(PlaylistItem))]
[JsonSerializable(typeof(PlayHistoryItem))]
[JsonSerializable(typeof(SavedTrackItem))]
[JsonSerializable(typeof(PlaylistMetadata))]
internal sealed partial class SpotifyShapesContext : JsonSerializerContext;
