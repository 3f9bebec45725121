using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace SpotifyEtl.Spotify;

/// <summary>
/// Access tokens for the Web API: the refresh-token grant when the owner's refresh token is configured
/// (Development Mode), client credentials otherwise (extended quota). A token is reused until shortly
/// before it expires; a rotated refresh token is handed to <see cref="IRefreshTokenStore"/> at once and
/// used from then on. <c>invalid_grant</c> becomes <see cref="SpotifyReauthorizationRequiredException"/>,
/// remembered, so concurrent sources do not hammer the token endpoint with a dead token.
/// </summary>
public sealed class SpotifyTokenProvider : IDisposable
{
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromSeconds(60);

    private readonly SpotifyTransport _transport;
    private readonly SpotifyEndpoints _endpoints;
    private readonly SpotifyCredentials _credentials;
    private readonly IRefreshTokenStore? _rotatedTokenStore;
    private readonly TimeProvider _timeProvider;
    private readonly Action? _onWait;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _refreshToken;
    private string? _accessToken;
    private DateTimeOffset _expiresAt;
    private SpotifyReauthorizationRequiredException? _reauthorization;
    private bool _askedWithLatest;
    private SpotifyRunStoppedException? _unavailable;

    internal SpotifyTokenProvider(SpotifyTransport transport, SpotifyEndpoints endpoints, SpotifyCredentials credentials,
        IRefreshTokenStore? rotatedTokenStore, TimeProvider timeProvider, Action? onWait = null)
    {
        _onWait = onWait;
        _transport = transport;
        _endpoints = endpoints;
        _credentials = credentials;
        _rotatedTokenStore = rotatedTokenStore;
        _timeProvider = timeProvider;
        _refreshToken = credentials.HasRefreshToken ? credentials.RefreshToken : null;
    }

    /// <summary>True when tokens act for a user (refresh-token grant), false for client credentials.</summary>
    public bool IsUserToken => _refreshToken is not null;

    public string GrantType => IsUserToken ? "refresh_token" : "client_credentials";

    /// <summary>The refresh token Spotify rotated to during this run, if it did.</summary>
    public string? RotatedRefreshToken { get; private set; }

    /// <summary>The scopes Spotify says the user's token carries (its answer's <c>scope</c>); null for an app's token, or an answer that does not say (none, or empty).</summary>
    public IReadOnlySet<string>? GrantedScopes { get; private set; }

    /// <summary>Why a rotated refresh token could not be saved, if it could not: the next run will likely need a new login.</summary>
    public Exception? RotationSaveFailure { get; private set; }

    /// <summary>Token requests sent in this run (a reused token costs none).</summary>
    public int TokenRequests { get; private set; }

    public async Task<string> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        if (!_gate.Wait(0, CancellationToken.None))
        {
            _onWait?.Invoke();
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        try
        {
            if (_reauthorization is not null)
            {
                throw _reauthorization;
            }
            if (_unavailable is not null)
            {
                // The accounts service was retried already in this run: a source waiting for a token does not retry it all again.
                throw _unavailable;
            }
            // Read once: Invalidate may forget the token meanwhile, without the gate.
            if (Volatile.Read(ref _accessToken) is { } token && _timeProvider.GetUtcNow() < _expiresAt)
            {
                return token;
            }
            await RequestTokenAsync(cancellationToken).ConfigureAwait(false);
            return _accessToken!;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Forgets <paramref name="rejected"/> after the API answered 401 with it (expired early or revoked), unless a newer token
    /// replaced it already. Without the gate: a source that was refused does not wait, holding a thread, for another
    /// source's refresh, which may be waiting out a <c>Retry-After</c> of the accounts service.
    /// </summary>
    public void Invalidate(string rejected) => Interlocked.CompareExchange(ref _accessToken, null, rejected);

    private async Task RequestTokenAsync(CancellationToken cancellationToken)
    {
        var form = _refreshToken is null
            ? new Dictionary<string, string> { ["grant_type"] = "client_credentials" }
            : new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = _refreshToken };
        TokenRequests++;
        SpotifyHttpResult result;
        try
        {
            (result, _) = await _transport.SendAsync(_ =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, _endpoints.TokenUri) { Content = new FormUrlEncodedContent(form) };
                request.Headers.Authorization = BasicAuthorization(_credentials);
                return Task.FromResult(request);
            }, cancellationToken, NotATokenProblem).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is TimeoutException or HttpRequestException or SpotifyUnreadableAnswerException or SpotifyResponseTooLargeException)
        {
            // Retried already: were it thrown as it is, the API request that asked for the token would retry it again,
            // attempts times attempts. The run ends with its state saved and the next one asks again. A 200 whose body is
            // no token (HTML from a proxy, cut short, or larger than any answer) is Spotify's failure, not refused
            // credentials: no re-authorization helps.
            _unavailable = new SpotifyRunStoppedException(exception switch
                {
                    SpotifyUnreadableAnswerException unreadable =>
                        $"Spotify's token endpoint answered with {unreadable.Message.TrimEnd('.')}, through every retry; the credentials were not refused. " +
                        "The run ends with its state saved and the next one retries.",
                    SpotifyResponseTooLargeException tooLarge =>
                        $"Spotify's token endpoint answered more than {tooLarge.CapBytes / (1024 * 1024)} MiB, which no token is; the credentials were not refused. " +
                        "The run ends with its state saved and the next one retries; if it keeps happening, something between this machine and Spotify (a proxy) is sending it.",
                    _ when Storage.LocalEntry.OutOfFilesForConnection(exception) => $"Spotify's token endpoint was not asked: {SpotifyApiClient.ConnectionOutOfFiles}",
                    _ => UntrustedCertificate.Describe(exception, "Spotify's token endpoint")
                        ?? $"Spotify's token endpoint could not be reached after retries ({exception.Message.TrimEnd('.')}); the run ends and the next one retries.",
                },
                quotaExceeded: false, retryAfter: null, (exception as SpotifyUnreadableAnswerException)?.HttpStatus, exception);
            throw _unavailable;
        }

        if (!result.IsSuccess)
        {
            var error = SpotifyErrors.ReadAuthError(result.Body);
            if (string.Equals(error?.Error, "invalid_grant", StringComparison.Ordinal) && _refreshToken is not null)
            {
                // Refused, perhaps because another run sharing the credentials had Spotify rotate it and saved the new one
                // since this run read them: asked once more with the token the store holds now.
                if (!_askedWithLatest && _rotatedTokenStore is not null
                    && await _rotatedTokenStore.LatestAsync(cancellationToken).ConfigureAwait(false) is { Length: > 0 } latest && latest != _refreshToken)
                {
                    _askedWithLatest = true;
                    _refreshToken = latest;
                    await RequestTokenAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }
                _reauthorization = new SpotifyReauthorizationRequiredException(error?.ErrorDescription);
                throw _reauthorization;
            }
            if (result.Status == HttpStatusCode.TooManyRequests)
            {
                // Remembered as an outage is: the transport has waited all it may, and a source queued for a token while
                // this one asked would otherwise spend another request of the quota on the same refusal.
                throw _unavailable = new SpotifyRunStoppedException(
                    $"Spotify's token endpoint is rate limiting ({(result.RetryAfter is null ? "no Retry-After" : $"Retry-After {result.RetryAfterShown}")}); the run ends and the next one retries.",
                    SpotifyErrors.IsQuotaExceeded(result.Body), result.RetryAfter, (int)result.Status);
            }
            if ((int)result.Status >= 500)
            {
                // The accounts service is down, not the credentials wrong: retried already, so the run ends with its
                // state saved and the next one asks again.
                _unavailable = new SpotifyRunStoppedException(
                    $"Spotify's token endpoint answered {(int)result.Status}{(SpotifyTransport.IsPassing(result.Status) ? " after retries" : "")} (the accounts service is unavailable); the run ends and the next one retries.",
                    quotaExceeded: false, result.RetryAfter, (int)result.Status);
                throw _unavailable;
            }
            throw new SpotifyAuthenticationException(result.Status, error?.Error, error?.ErrorDescription);
        }

        var token = JsonSerializer.Deserialize(result.Body, SpotifyWireJsonContext.Default.TokenResponse)!;
        _accessToken = token.AccessToken!;
        // An empty scope says nothing: Spotify has been seen to answer "" for a token that carries its scopes.
        if (_refreshToken is not null && !string.IsNullOrWhiteSpace(token.Scope))
        {
            GrantedScopes = token.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        }
        var lifetime = LifetimeOf(token.ExpiresIn);
        _expiresAt = _timeProvider.GetUtcNow() + (lifetime > ExpiryMargin * 2 ? lifetime - ExpiryMargin : lifetime / 2);

        if (_refreshToken is not null && !string.IsNullOrEmpty(token.RefreshToken) && !string.Equals(token.RefreshToken, _refreshToken, StringComparison.Ordinal))
        {
            _refreshToken = token.RefreshToken;
            RotatedRefreshToken = token.RefreshToken;
            if (_rotatedTokenStore is not null)
            {
                try
                {
                    await _rotatedTokenStore.SaveAsync(token.RefreshToken, cancellationToken).ConfigureAwait(false);
                    RotationSaveFailure = null;
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // The run goes on (its data is worth landing) and saves it again at its end (RetryRotationSaveAsync); the
                    // caller fails it afterwards, loudly, if that fails too.
                    RotationSaveFailure = exception;
                }
            }
        }
    }

    /// <summary>
    /// Saves once more a rotated refresh token whose save failed when Spotify gave it (the store briefly unreachable or
    /// throttled): lost, it leaves the next run a token Spotify may have retired. True when it is saved now; a failure
    /// again, or <paramref name="within"/> running out, leaves <see cref="RotationSaveFailure"/> set.
    /// </summary>
    public async Task<bool> RetryRotationSaveAsync(TimeSpan within)
    {
        if (RotationSaveFailure is null || _rotatedTokenStore is null)
        {
            return false;
        }
        using var bound = new CancellationTokenSource(within);
        try
        {
            await _gate.WaitAsync(bound.Token).ConfigureAwait(false);
            try
            {
                // Read under the gate: a refresh meanwhile may have rotated the token again, and saved it.
                if (RotationSaveFailure is null || _refreshToken is not { } rotated)
                {
                    return false;
                }
                await _rotatedTokenStore.SaveAsync(rotated, bound.Token).ConfigureAwait(false);
                RotationSaveFailure = null;
                return true;
            }
            finally
            {
                _gate.Release();
            }
        }
        catch (Exception exception) when (!ExceptionChain.RanOutOfMemory(exception))
        {
            RotationSaveFailure = exception is OperationCanceledException ? RotationSaveFailure : exception;
            return false;
        }
    }

    /// <summary>Why a successful token answer's body is no token, or null when it is one (checked on every attempt, so a garbled one is retried).</summary>
    private static string? NotATokenProblem(byte[] body)
    {
        try
        {
            var token = JsonSerializer.Deserialize(body, SpotifyWireJsonContext.Default.TokenResponse);
            return string.IsNullOrEmpty(token?.AccessToken) ? "a body that is JSON but no token (no access_token)"
                // Sent back as a header, which carries visible ASCII only: anything else (a control character, a space, a
                // letter beyond ASCII) is a garbled answer, never shown, since it may be most of a real token.
                : NoTokenHas(token.AccessToken) ? "an access_token holding characters no token has (control characters, spaces or non-ASCII; not shown)"
                // A rotated refresh token is saved for every later run: a garbled one would be refused by the next, and only a
                // new login would mend that. Never taken.
                : token.RefreshToken is { } refresh && NoTokenHas(refresh) ? "a refresh_token holding characters no token has (control characters, spaces or non-ASCII; not shown, not saved)"
                : null;
        }
        catch (JsonException exception)
        {
            return $"a body that is not JSON ({JsonErrorText.Of(exception)})";
        }
    }

    private static bool NoTokenHas(string token) => token.Any(c => c is < '!' or > '~');

    /// <summary>
    /// How long a token lives, from <c>expires_in</c> as any JSON number, clamped to 1 s .. 1 day: Spotify says 3600, and a
    /// value out of that range (99999999999) is not believed, but is no reason to fail the run. Missing, not a number, or not
    /// positive: 3600 s.
    /// </summary>
    internal static TimeSpan LifetimeOf(JsonElement? expiresIn)
    {
        if (expiresIn is not { ValueKind: JsonValueKind.Number } number)
        {
            return DefaultLifetime;
        }
        // A number too large for a double (1e400) still means "long".
        var seconds = number.TryGetDouble(out var value) ? value : double.MaxValue;
        return !(seconds > 0) ? DefaultLifetime : TimeSpan.FromSeconds(Math.Clamp(seconds, 1, LongestLifetime.TotalSeconds));
    }

    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromSeconds(3600);
    private static readonly TimeSpan LongestLifetime = TimeSpan.FromDays(1);

    public void Dispose() => _gate.Dispose();

    internal static AuthenticationHeaderValue BasicAuthorization(SpotifyCredentials credentials) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.ClientId}:{credentials.ClientSecret}")));
}
