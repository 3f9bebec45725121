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
            $"state={Uri.EscapeDataString(state)}",
            // The consent page every time, naming the account: a browser signed in to another account would approve silently.
            "show_dialog=true");
        return new Uri($"{endpoints.AuthorizeUri}?{query}");
    }

    /// <summary>Exchanges the code from the callback for tokens: the refresh token to keep, and an access token to name the account with.</summary>
    public static async Task<AuthorizedTokens> ExchangeCodeAsync(HttpClient http, SpotifyEndpoints endpoints, SpotifyCredentials credentials,
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
            throw new SpotifyAuthenticationException(response.StatusCode, error?.Error, error?.ErrorDescription,
                error?.Error == "invalid_grant"
                    ? "The sign-in's code was refused: it expired (a code lasts minutes) or was used already. Nothing is wrong with the app's " +
                      "credentials: run 'spotify-etl auth login' again and finish the sign-in in the browser at once."
                    : null);
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
        return token is { RefreshToken: { Length: > 0 } refreshToken, AccessToken: { Length: > 0 } accessToken }
            ? new AuthorizedTokens(refreshToken, accessToken)
            : throw new SpotifyAuthenticationException(response.StatusCode, "no_refresh_token", "the token response carries no refresh_token or no access_token");
    }

    /// <summary>
    /// The account the login signed in with (<c>GET /v1/me</c>, which needs no scope). Throws <see cref="SpotifyAccountRefusedException"/>
    /// when Spotify refuses it (403: not on the app's user list, the owner's Premium lapsed), and <see cref="HttpRequestException"/>
    /// when it could not be asked (a 401 of a token just issued is Spotify's trouble, not the account's).
    /// </summary>
    public static async Task<SpotifyAccount> AccountAsync(HttpClient http, SpotifyEndpoints endpoints, string accessToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(endpoints);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoints.ApiBase, "me"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Forbidden)
        {
            var message = SpotifyErrors.ReadApiError(body)?.Message;
            throw new SpotifyAccountRefusedException(response.StatusCode, message?.Contains("premium", StringComparison.OrdinalIgnoreCase) == true
                ? SpotifyErrors.Explain(HttpStatusCode.Forbidden, "me", userToken: true, message)
                : $"{(message is null ? "" : $"\"{message}\": ")}in Development Mode, Spotify answers only the accounts on the app's user list. Add the account you " +
                  "signed in with under User Management in the app's dashboard (at most 5 users; the app's owner needs Premium). The refresh token was kept: " +
                  "it works once the account is on the list, with no new login.");
        }
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Spotify answered {(int)response.StatusCode}", null, response.StatusCode);
        }
        CurrentUser? user;
        try
        {
            user = JsonSerializer.Deserialize(body, SpotifyWireJsonContext.Default.CurrentUser);
        }
        catch (JsonException exception)
        {
            throw new HttpRequestException($"Spotify answered with a body that is no account ({JsonErrorText.Of(exception)})", exception);
        }
        return new SpotifyAccount(ShownText.Of(user?.Id ?? "", 64), ShownText.Of(user?.DisplayName is { Length: > 0 } name ? name : user?.Id ?? "", 100));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>What a login's code exchange gives: the refresh token to keep, and an access token for the check that follows.</summary>
public sealed record AuthorizedTokens(string RefreshToken, string AccessToken)
{
    /// <summary>Never the tokens: a record's own ToString would print them into whatever logs the object.</summary>
    public override string ToString() => "AuthorizedTokens { RefreshToken = ***, AccessToken = *** }";
}

/// <summary>The account a login signed in with, as shown: its id and display name, safe for a terminal.</summary>
public sealed record SpotifyAccount(string Id, string DisplayName);
