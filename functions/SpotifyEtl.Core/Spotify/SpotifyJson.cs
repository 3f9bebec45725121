using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpotifyEtl.Spotify;

/// <summary>
/// The token endpoint's answer. <c>refresh_token</c> is present only when Spotify rotated it. <c>expires_in</c> is read
/// as whatever JSON it is (<see cref="SpotifyTokenProvider.LifetimeOf"/> makes a lifetime of it): a fractional or huge
/// number is still a token, not a reason to fail the run.
/// </summary>
internal sealed record TokenResponse(string? AccessToken, string? TokenType, JsonElement? ExpiresIn, string? RefreshToken, string? Scope)
{
    /// <summary>Never the tokens: a record's own ToString would print them into whatever logs the object.</summary>
    public override string ToString() =>
        $"TokenResponse {{ TokenType = {TokenType}, ExpiresIn = {ExpiresIn}, Scope = {Scope}, AccessToken = {(AccessToken is null ? "none" : "***")}, RefreshToken = {(RefreshToken is null ? "none" : "***")} }}";
}

/// <summary>The accounts service's error body: <c>{"error": "invalid_grant", "error_description": "..."}</c>.</summary>
internal sealed record AuthErrorResponse(string? Error, string? ErrorDescription);

/// <summary>The Web API's error body: <c>{"error": {"status": 403, "message": "...", "reason": "..."}}</c>.</summary>
internal sealed record ApiErrorResponse(ApiError? Error);

internal sealed record ApiError(int? Status, string? Message, string? Reason);

/// <summary>
/// The few fields of a page the extractor needs to go on (paging links, cursors, the item count).
/// Everything else stays in the raw bytes for the transformation.
/// </summary>
internal sealed record PageHeader(string? Next, int? Total, JsonElement? Items, PageCursors? Cursors, JsonElement? Offset = null);

internal sealed record PageCursors(string? After, string? Before);

/// <summary>The fields of <c>GET /v1/playlists/{id}</c> that decide whether the items changed.</summary>
internal sealed record PlaylistHeader(string? Id, string? Name, string? SnapshotId);

/// <summary>The signed-in account (<c>GET /v1/me</c>), as far as a login names it.</summary>
internal sealed record CurrentUser(string? Id, string? DisplayName);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(AuthErrorResponse))]
[JsonSerializable(typeof(ApiErrorResponse))]
[JsonSerializable(typeof(PageHeader))]
[JsonSerializable(typeof(PlaylistHeader))]
[JsonSerializable(typeof(CurrentUser))]
internal sealed partial class SpotifyWireJsonContext : JsonSerializerContext;
