using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace SpotifyEtl.Spotify;

/// <summary>
/// One successful Web API answer: the body exactly as received and its ETag, or, for a conditional
/// request, <see cref="NotModified"/> (304) with an empty body.
/// </summary>
public sealed record SpotifyResponse(string Path, byte[] Body, int Attempts, string? ETag = null, bool NotModified = false, int Status = 200);

/// <summary>
/// GET requests against the Web API, authenticated by <see cref="SpotifyTokenProvider"/>, made polite by
/// <see cref="SpotifyTransport"/>. A 401 (token expired mid-run) fetches a new token and tries again.
/// </summary>
public sealed class SpotifyApiClient : IDisposable
{
    /// <summary>
    /// Tokens one request may be sent with. The sources share one token: the one a refused request gets next may be one
    /// another source fetched, and refused in turn (expired or revoked while the others used it) before this request
    /// arrives. Three refusals in one request end its source: Spotify refuses every token the app is given.
    /// </summary>
    private const int Authorizations = 3;

    /// <summary>
    /// Why a request whose socket the open-file limit refused was not sent (EMFILE, or ENFILE for the system's): not Spotify
    /// out of reach, and not asked again with backoff, since the files this process holds stay open meanwhile.
    /// </summary>
    internal const string ConnectionOutOfFiles = "no connection could be opened, and none was tried again: a socket is a file, and this process " +
        $"holds as many as its open-file limit allows, or the system as many as it allows ({Storage.LocalEntry.TooManyOpenFiles}). " +
        "Raise the limit (ulimit -n, as far as ulimit -Hn allows) and run again.";

    private readonly SpotifyTransport _transport;
    private readonly SpotifyTokenProvider _tokens;
    private readonly SpotifyEndpoints _endpoints;

    internal SpotifyApiClient(SpotifyTransport transport, SpotifyTokenProvider tokens, SpotifyEndpoints endpoints)
    {
        _transport = transport;
        _tokens = tokens;
        _endpoints = endpoints;
    }

    public SpotifyTokenProvider Tokens => _tokens;

    public void Dispose() => _tokens.Dispose();

    /// <summary>
    /// Creates a client. <paramref name="rotatedTokenStore"/> receives a rotated refresh token as soon as
    /// Spotify hands one out; <paramref name="budget"/> bounds every wait (unlimited when null).
    /// </summary>
    public static SpotifyApiClient Create(HttpClient http, SpotifyEndpoints endpoints, SpotifyCredentials credentials,
        SpotifyClientOptions? options = null, IRefreshTokenStore? rotatedTokenStore = null, RunBudget? budget = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(credentials);
        options ??= new SpotifyClientOptions();
        var transport = new SpotifyTransport(http, options, budget ?? RunBudget.Unlimited(options.TimeProvider));
        var tokens = new SpotifyTokenProvider(transport, endpoints, credentials, rotatedTokenStore, options.TimeProvider, options.OnTokenWait);
        return new SpotifyApiClient(transport, tokens, endpoints);
    }

    /// <summary>
    /// GETs <paramref name="pathOrUrl"/> unconditionally: a path relative to the API base (<c>playlists/{id}</c>) or a
    /// <c>next</c> link from a previous page. Errors become <see cref="SpotifyApiException"/> (this source
    /// fails) or <see cref="SpotifyRunStoppedException"/> (the whole run ends cleanly).
    /// </summary>
    public Task<SpotifyResponse> GetAsync(string pathOrUrl, CancellationToken cancellationToken) => GetAsync(pathOrUrl, null, cancellationToken);

    /// <summary>
    /// GETs <paramref name="pathOrUrl"/>, conditionally when <paramref name="ifNoneMatch"/> holds an ETag
    /// from an earlier answer: Spotify then answers 304 Not Modified, without a body, if nothing changed.
    /// </summary>
    public Task<SpotifyResponse> GetAsync(string pathOrUrl, string? ifNoneMatch, CancellationToken cancellationToken) =>
        GetAsync(pathOrUrl, ifNoneMatch, sent: null, cancellationToken);

    /// <summary>
    /// As <see cref="GetAsync(string, string?, CancellationToken)"/>, telling <paramref name="sent"/> of every request sent, retries
    /// and the one that failed included. <paramref name="stopping"/> ends a wait before a retry (the run stopped), not a request sent.
    /// </summary>
    internal async Task<SpotifyResponse> GetAsync(string pathOrUrl, string? ifNoneMatch, Action? sent, CancellationToken cancellationToken,
        CancellationToken stopping = default)
    {
        var uri = Resolve(pathOrUrl);
        var path = RelativePath(uri);
        var attempts = 0;
        for (var authorization = 1; ; authorization++)
        {
            string? usedToken = null;
            SpotifyHttpResult result;
            try
            {
                (result, var tried) = await _transport.SendAsync(async token =>
                {
                    usedToken = await _tokens.GetAccessTokenAsync(token).ConfigureAwait(false);
                    var request = new HttpRequestMessage(HttpMethod.Get, uri);
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", usedToken);
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                    if (ifNoneMatch is { Length: > 0 })
                    {
                        request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
                    }
                    return request;
                }, problemOfSuccess: null, sent, stopping, cancellationToken).ConfigureAwait(false);
                attempts += tried;
            }
            catch (TimeoutException exception)
            {
                // No status came back: this client gave up waiting, which is no 504 of Spotify's.
                throw new SpotifyApiException(HttpStatusCode.GatewayTimeout, path, exception.Message, null,
                    "Spotify stayed too slow through every retry; the next run tries again.", timedOut: true);
            }
            catch (SpotifyUnreadableAnswerException exception)
            {
                // Spotify answered, with a status: what failed is the body (a compressed one that does not decode), not the network.
                throw new SpotifyApiException((HttpStatusCode)exception.HttpStatus, path, exception.Problem, null,
                    "Its answers could not be read through every retry (something on the way may damage them); the next run tries again.");
            }
            catch (HttpRequestException exception) when (Storage.LocalEntry.OutOfFilesForConnection(exception))
            {
                throw new SpotifyApiException(HttpStatusCode.BadGateway, path, exception.Message, null, $"GET {path} was not sent: {ConnectionOutOfFiles}",
                    unanswered: true, whole: true, innerException: exception);
            }
            catch (HttpRequestException exception)
            {
                throw new SpotifyApiException(HttpStatusCode.BadGateway, path, exception.Message, null,
                    UntrustedCertificate.Describe(exception, "Spotify") ?? (exception.HttpRequestError == HttpRequestError.ResponseEnded
                        ? "Its answers broke off before their end through every retry (a connection closed or reset on the way); the next run tries again."
                        : "Spotify could not be reached through every retry (is this machine online?); the next run tries again."), unanswered: true);
            }
            catch (SpotifyResponseTooLargeException exception)
            {
                // Spotify did answer: the source fails at once with what happened, not as a machine that is offline.
                throw new SpotifyApiException(HttpStatusCode.OK, path, null, null, exception.Message, whole: true);
            }

            if (result.IsSuccess)
            {
                return new SpotifyResponse(path, result.Body, attempts, result.ETag, Status: (int)result.Status);
            }
            if (result.Status == HttpStatusCode.NotModified && ifNoneMatch is not null)
            {
                return new SpotifyResponse(path, [], attempts, result.ETag ?? ifNoneMatch, NotModified: true);
            }
            if (result.Status == HttpStatusCode.Unauthorized && authorization < Authorizations && usedToken is not null)
            {
                _tokens.Invalidate(usedToken);
                continue;
            }
            var error = SpotifyErrors.ReadApiError(result.Body);
            if (result.Status == HttpStatusCode.TooManyRequests)
            {
                throw RunStopped(path, result, error);
            }
            if (IsUnavailableForLonger(result))
            {
                // Spotify said when to come back, later than this run may wait: every source would be told the same.
                throw new SpotifyRunStoppedException(
                    $"Spotify is unavailable: GET {path} was answered {(int)result.Status} with a Retry-After of " +
                    $"{result.RetryAfterShown}, {WhyNotWaited(result.RetryAfter)}. " +
                    "The run ended with its state saved; runs resume once the wait has passed.", quotaExceeded: false, result.RetryAfter, (int)result.Status);
            }
            throw new SpotifyApiException(result.Status, path, error?.Message, error?.Reason,
                SpotifyErrors.Explain(result.Status, path, _tokens.IsUserToken, error?.Message));
        }
    }

    private SpotifyRunStoppedException RunStopped(string path, SpotifyHttpResult result, ApiError? error)
    {
        var wait = result.RetryAfter is null ? "an unspecified time" : result.RetryAfterShown;
        if (string.Equals(error?.Reason, SpotifyErrors.QuotaExceededReason, StringComparison.OrdinalIgnoreCase))
        {
            return new SpotifyRunStoppedException(
                $"QUOTA_EXCEEDED: Spotify says this app's quota is spent (GET {path}, Retry-After {wait}). The run ended with its state saved; " +
                "runs resume once the quota resets. Fewer or less frequent sources use less quota.", quotaExceeded: true, result.RetryAfter, (int)result.Status);
        }
        return new SpotifyRunStoppedException(
            $"Rate limited: GET {path} was answered 429 with {(result.RetryAfter is { } asked && asked > TimeSpan.Zero ? $"a Retry-After of {wait}" : "no wait to sit out (no Retry-After, or 0)")}, " +
            $"{WhyNotWaited(result.RetryAfter)}. The run ended with its state saved; the next run continues.", quotaExceeded: false, result.RetryAfter, (int)result.Status);
    }

    /// <summary>A 5xx whose Retry-After the transport did not wait out: longer than the longest wait, or than the run has left.</summary>
    private bool IsUnavailableForLonger(SpotifyHttpResult result) =>
        SpotifyTransport.IsPassing(result.Status) && result.RetryAfter is { } wait && wait > TimeSpan.Zero
        && (wait > _transport.LongestWait || !_transport.Budget.Allows(wait));

    /// <summary>Why the transport gave a 429 (or a 5xx with a Retry-After) back rather than waiting it out: the reason that holds, not every one that might.</summary>
    private string WhyNotWaited(TimeSpan? retryAfter)
    {
        static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " s";
        var remaining = _transport.Budget.Remaining;
        return retryAfter switch
        {
            { } wait when wait > _transport.LongestWait => $"longer than the longest wait the client takes ({Seconds(_transport.LongestWait)})",
            { } wait when !_transport.Budget.Allows(wait) => $"longer than the run can sit out and still ask again ({(remaining == TimeSpan.MaxValue ? "unlimited" : Seconds(remaining))} left)",
            _ => "and was still answered 429 after every retry the client allows",
        };
    }

    /// <summary>The path, relative to the API base, that a GET of <paramref name="pathOrUrl"/> asks for (as <see cref="SpotifyResponse.Path"/> names it).</summary>
    internal string PathOf(string pathOrUrl) => RelativePath(Resolve(pathOrUrl));

    /// <summary>The end of the latest <c>Retry-After</c> Spotify gave this client's requests; none when it gave none.</summary>
    internal DateTimeOffset? QuietUntil => _transport.QuietUntil;

    private Uri Resolve(string pathOrUrl)
    {
        if (!Uri.TryCreate(pathOrUrl, UriKind.Absolute, out var absolute) || absolute.Scheme is not ("http" or "https"))
        {
            return new Uri(_endpoints.ApiBase, pathOrUrl.TrimStart('/'));
        }
        if (_endpoints.ApiBase.IsBaseOf(absolute))
        {
            return absolute;
        }
        // A `next` link names Spotify's host; behind a proxy or a double, follow it on the configured base.
        var apiPath = _endpoints.ApiBase.AbsolutePath;
        var path = absolute.AbsolutePath.StartsWith(apiPath, StringComparison.Ordinal) ? absolute.AbsolutePath[apiPath.Length..]
            : absolute.AbsolutePath.StartsWith("/v1/", StringComparison.Ordinal) ? absolute.AbsolutePath["/v1/".Length..]
            : absolute.AbsolutePath.TrimStart('/');
        return new Uri(_endpoints.ApiBase, path + absolute.Query);
    }

    private string RelativePath(Uri uri)
    {
        var relative = _endpoints.ApiBase.MakeRelativeUri(uri).ToString();
        return Uri.UnescapeDataString(relative);
    }
}
