using System.Net;
using System.Security.Cryptography;
using System.Text.Json;

namespace SpotifyEtl.Spotify;

/// <summary>
/// The Authorization Code flow that gives a Development Mode app its owner's refresh token, once, by hand
/// (<c>spotify-etl auth login</c>). The redirect goes to a loopback address (<c>http://127.0.0.1:PORT/callback</c>),
/// which must be registered as a Redirect URI of the app in the Spotify dashboard.
/// </summary>
public static class SpotifyAuthorization
{
    /// <summary>The scopes the given sources need, sorted, each once.</summary>
    public static IReadOnlyList<string> ScopesFor(IEnumerable<ExtractionSource> sources) =>
        sources.SelectMany(source => source.Scopes).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>Every scope any source needs, for a login that names no sources.</summary>
    public static IReadOnlyList<string> AllScopes { get; } =
    [
        SpotifyScopes.PlaylistReadCollaborative, SpotifyScopes.PlaylistReadPrivate, SpotifyScopes.Library, SpotifyScopes.RecentlyPlayed, SpotifyScopes.Top,
    ];

    /// <summary>An unguessable <c>state</c> value that ties the callback to this login.</summary>
    public static string NewState() => Base64Url(RandomNumberGenerator.GetBytes(24));

    public static Uri AuthorizeUri(SpotifyEndpoints endpoints, string clientId, Uri redirectUri, IReadOnlyList<string> scopes, string state)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(redirectUri);
        ArgumentNullException.ThrowIfNull(scopes);
        var query = string.Join('&',
            $"client_id={Uri.EscapeDataString(clientId)}",
            "response_type=code",
            $"redirect_uri={Uri.EscapeDataString(redirectUri.ToString())}",
            $"scope={Uri.EscapeDataString(string.Join(' ', scopes))}",
            $"state={Uri.EscapeDataString(state)}");
        return new Uri($"{endpoints.AuthorizeUri}?{query}");
    }

    /// <summary>Exchanges the code from the callback for tokens; returns the refresh token.</summary>
    public static async Task<string> ExchangeCodeAsync(HttpClient http, SpotifyEndpoints endpoints, SpotifyCredentials credentials,
        string code, Uri redirectUri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(redirectUri);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoints.TokenUri)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = code,
                ["redirect_uri"] = redirectUri.ToString(),
            }),
        };
        request.Headers.Authorization = SpotifyTokenProvider.BasicAuthorization(credentials);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var error = SpotifyErrors.ReadAuthError(body);
            if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                throw new SpotifyTokenEndpointFailedException(response.StatusCode, error?.Error is { } errorCode ? $"({errorCode})" : "(no error code)");
            }
            throw new SpotifyAuthenticationException(response.StatusCode, error?.Error, error?.ErrorDescription);
        }
        TokenResponse? token;
        try
        {
            token = JsonSerializer.Deserialize(body, SpotifyWireJsonContext.Default.TokenResponse);
        }
        catch (JsonException exception)
        {
            // A proxy's HTML page, or an answer cut short: nothing the credentials did.
            throw new SpotifyTokenEndpointFailedException(response.StatusCode, $"with a body that is no token ({JsonErrorText.Of(exception)})");
        }
        return token?.RefreshToken is { Length: > 0 } refreshToken
            ? refreshToken
            : throw new SpotifyAuthenticationException(response.StatusCode, "no_refresh_token", "the token response carries no refresh_token");
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
