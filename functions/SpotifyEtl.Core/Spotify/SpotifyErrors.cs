using System.Net;
using System.Text.Json;

namespace SpotifyEtl.Spotify;

/// <summary>Reads Spotify's error bodies and says, in words a person can act on, why a call failed.</summary>
internal static partial class SpotifyErrors
{
    public const string QuotaExceededReason = "QUOTA_EXCEEDED";

    /// <summary>Spotify's editorial and algorithmic playlists ("Top 50 - Global", "Discover Weekly") have ids starting like this.</summary>
    public const string SpotifyOwnedPlaylistPrefix = "37i9dQZ";

    /// <summary>
    /// Spotify's error from a body: its JSON shape, or, for a body that is no JSON, the body's own words. Not every refusal
    /// is JSON: the one for an app whose owner's Premium lapsed is a sentence of plain text, and a proxy's is an HTML page.
    /// </summary>
    public static ApiError? ReadApiError(byte[] body)
    {
        ApiErrorResponse? response;
        try
        {
            response = JsonSerializer.Deserialize(body, SpotifyWireJsonContext.Default.ApiErrorResponse);
        }
        catch (JsonException)
        {
            return PlainText(body) is { } text ? new ApiError(null, text, null) : null;
        }
        return response?.Error is { } error ? error with { Message = ServerText(error.Message), Reason = ServerText(error.Reason) } : null;
    }

    /// <summary>As <see cref="ReadApiError"/>, for the accounts service's error shape (<c>error</c>, <c>error_description</c>).</summary>
    public static AuthErrorResponse? ReadAuthError(byte[] body)
    {
        AuthErrorResponse? response;
        try
        {
            response = JsonSerializer.Deserialize(body, SpotifyWireJsonContext.Default.AuthErrorResponse);
        }
        catch (JsonException)
        {
            return PlainText(body) is { } text ? new AuthErrorResponse(null, text) : null;
        }
        return response is null ? null : response with { Error = ServerText(response.Error), ErrorDescription = ServerText(response.ErrorDescription) };
    }

    /// <summary>The words of a body that is not JSON, its markup left out (an HTML page's tags, scripts and styles), as <see cref="ServerText"/> keeps them; null when it has none.</summary>
    private static string? PlainText(byte[] body)
    {
        var text = System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 64 * 1024));
        text = Markup().Replace(text, " ");
        text = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return text.Length == 0 ? null : ServerText(System.Net.WebUtility.HtmlDecode(text));
    }

    [System.Text.RegularExpressions.GeneratedRegex("<(script|style)\\b.*?</\\1\\s*>|<!--.*?-->|<[^>]*>",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex Markup();

    /// <summary>The longest text of a server's error kept: a sentence or two, never a page.</summary>
    internal const int ServerTextLength = 300;

    /// <summary>
    /// Text an error body carries, as it may be shown on a terminal and kept in a manifest: control characters (an escape
    /// sequence could clear or recolour the terminal) and the marks that turn text around are removed, a run of 32 or more
    /// token characters (an access token a server echoed back, a client secret's 32 hexadecimal digits; not a request's
    /// UUID) or of 60 or more base64 characters (an Authorization header's credentials) is withheld, and the text is cut at
    /// <see cref="ServerTextLength"/> characters.
    /// </summary>
    internal static string? ServerText(string? text)
    {
        if (text is null)
        {
            return null;
        }
        var kept = new System.Text.StringBuilder(Math.Min(text.Length, ServerTextLength + 1));
        foreach (var c in text)
        {
            if (!ShownText.IsUnsafe(c))
            {
                kept.Append(c);
            }
        }
        var withheld = TokenLike().Replace(kept.ToString(), match => RequestId().IsMatch(match.Value) ? match.Value : "[withheld]");
        return withheld.Length <= ServerTextLength ? withheld : withheld[..ServerTextLength] + "…";
    }

    // 32: a client secret's length; Spotify's ids (22), scope names (27 at most), words and a path (no run of 60) stay shown.
    [System.Text.RegularExpressions.GeneratedRegex("[A-Za-z0-9+/]{60,}={0,2}|[A-Za-z0-9_\\-]{32,}", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex TokenLike();

    /// <summary>A UUID, as a server names a request by: 36 token characters, shown.</summary>
    [System.Text.RegularExpressions.GeneratedRegex("^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex RequestId();

    public static bool IsQuotaExceeded(byte[] body) =>
        string.Equals(ReadApiError(body)?.Reason, QuotaExceededReason, StringComparison.OrdinalIgnoreCase);

    /// <summary>Why a 400, 401, 403 or 404 happened for this request, and what to do about it; <paramref name="message"/> is Spotify's own.</summary>
    public static string Explain(HttpStatusCode status, string path, bool userToken, string? message = null)
    {
        var playlistId = PlaylistIdIn(path);
        var spotifyOwned = playlistId?.StartsWith(SpotifyOwnedPlaylistPrefix, StringComparison.Ordinal) == true;
        return status switch
        {
            // Every call of the app is refused alike: no playlist, scope or allow-list is the cause.
            HttpStatusCode.Forbidden when message?.Contains("premium", StringComparison.OrdinalIgnoreCase) == true =>
                $"Spotify says the app's owner has no active Premium subscription (\"{message}\"): a Development Mode app works only while " +
                "the account that owns it in the developer dashboard holds Premium. Renew it; every source fails until then, and the next run after it goes on where the last one stopped.",
            // A Development Mode app answers only the accounts on its user list: every call of any other account is refused alike.
            HttpStatusCode.Forbidden when message?.Contains("registered", StringComparison.OrdinalIgnoreCase) == true =>
                $"Spotify says the authorized account is not on this app's user list (\"{message}\"): a Development Mode app answers only the " +
                "accounts added under User Management in its developer dashboard (at most 5). Add the account whose refresh token is configured " +
                "(by its email address) and run again; every source fails until then.",
            HttpStatusCode.NotFound or HttpStatusCode.Forbidden when spotifyOwned =>
                $"Playlist {playlistId} is a Spotify-owned editorial or algorithmic playlist; since 2024-11-27 Spotify closes these to apps in Development Mode. " +
                "Use a playlist you own or collaborate on instead (copy the songs into one of your playlists if needed).",
            HttpStatusCode.Forbidden when path.Contains("/tracks", StringComparison.Ordinal) && playlistId is not null =>
                "The old /playlists/{id}/tracks path is closed to Development Mode apps since 2026-03; this client reads /playlists/{id}/items.",
            // A playlist's details are readable for any playlist, someone else's too: a refusal there is the app's or the account's.
            HttpStatusCode.Forbidden when playlistId is not null && !IsItemsPath(path) =>
                "Spotify refuses this playlist's details, which a Development Mode app may read for any playlist, its owner's or not: the refusal is " +
                (userToken
                    ? "about the app or the account. Check that the authorized account is on the app's user list (User Management in the developer " +
                      "dashboard, at most 5 users) and that the app owner's Premium subscription is active."
                    : "about the app. Check that the app owner's Premium subscription is active."),
            HttpStatusCode.Forbidden when playlistId is not null && !userToken =>
                "Playlist items need a user token in Development Mode: configure the owner's refresh token (`spotify-etl auth login`).",
            HttpStatusCode.Forbidden when playlistId is not null =>
                "In Development Mode an app reads the items of playlists its user owns or collaborates on only; this playlist belongs to someone else. " +
                "Copy its songs into a playlist of yours (following it does not help), or remove it from the sources.",
            HttpStatusCode.Forbidden when path.StartsWith("me/", StringComparison.Ordinal) && !userToken =>
                "Endpoints under /me need a user token: configure the owner's refresh token (`spotify-etl auth login`); client credentials cannot read user data.",
            HttpStatusCode.Forbidden when path.StartsWith("me/", StringComparison.Ordinal) =>
                $"The token lacks the scope this endpoint needs ({ScopeFor(path)}), or the user is not on the app's allow-list (Development Mode: at most 5 users, added in the dashboard). " +
                "Re-authorize with `spotify-etl auth login` for the configured sources.",
            HttpStatusCode.Forbidden =>
                "Spotify refuses this call for this app; Development Mode apps lost many endpoints (see docs/extraction.md). The app owner also needs an active Premium subscription.",
            HttpStatusCode.NotFound when playlistId is not null =>
                $"No playlist {playlistId} is visible to this app: check the id (the part after /playlist/ in its share link) and that it is not private to another user. " +
                "A private playlist of your own needs the playlist-read-private scope: run `spotify-etl auth login` again naming your playlist sources. " +
                "A playlist earlier runs read that now answers 404 was most likely deleted or made private by its owner: its history stays in the lake; " +
                "remove it from the sources (one found by my_playlists drops out by itself).",
            // The request itself: the same request is refused the same way on every run until a setting changes.
            HttpStatusCode.BadRequest =>
                $"Spotify refused the request itself{(message is { Length: > 0 } ? $" (\"{message}\")" : "")}: the next run sends the same and is refused " +
                "alike until the setting behind it changes. Check the market (spotifyMarket, --market, SPOTIFY_MARKET: a country Spotify serves, such as SE, or unset) " +
                "and the source's id or time range.",
            HttpStatusCode.NotFound => "Spotify does not know this resource, or removed the endpoint for Development Mode apps.",
            HttpStatusCode.Unauthorized => "The access token was refused even after a fresh one was fetched; check the app's credentials.",
            _ => "Spotify answered with an error; the next run tries again.",
        };
    }

    private static string ScopeFor(string path) => path switch
    {
        _ when path.StartsWith("me/player/recently-played", StringComparison.Ordinal) => SpotifyScopes.RecentlyPlayed,
        _ when path.StartsWith("me/top/", StringComparison.Ordinal) => SpotifyScopes.Top,
        _ when path.StartsWith("me/tracks", StringComparison.Ordinal) => SpotifyScopes.Library,
        _ when path.StartsWith("me/playlists", StringComparison.Ordinal) => SpotifyScopes.PlaylistReadPrivate,
        _ => "see docs/extraction.md",
    };

    /// <summary>The playlist's items (<c>playlists/{id}/items</c>), not its details (<c>playlists/{id}</c>).</summary>
    private static bool IsItemsPath(string path)
    {
        var query = path.IndexOf('?', StringComparison.Ordinal);
        return (query < 0 ? path : path[..query]).EndsWith("/items", StringComparison.Ordinal);
    }

    private static string? PlaylistIdIn(string path)
    {
        const string prefix = "playlists/";
        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var rest = path[prefix.Length..];
        var end = rest.IndexOfAny(['/', '?']);
        return end < 0 ? rest : rest[..end];
    }
}

/// <summary>The OAuth scopes the sources need.</summary>
public static class SpotifyScopes
{
    public const string PlaylistReadPrivate = "playlist-read-private";
    public const string PlaylistReadCollaborative = "playlist-read-collaborative";
    public const string RecentlyPlayed = "user-read-recently-played";
    public const string Top = "user-top-read";
    public const string Library = "user-library-read";
}
