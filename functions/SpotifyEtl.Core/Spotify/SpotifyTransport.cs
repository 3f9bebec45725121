using System.Net;
using Polly;
using Polly.Retry;

namespace SpotifyEtl.Spotify;

/// <summary>
/// An answer whose body is not what the request asks for (a token endpoint's HTML, say), or whose compressed body does not decode: transient, retried.
/// </summary>
internal sealed class SpotifyUnreadableAnswerException(int httpStatus, string problem) : Exception($"{httpStatus} and {problem}")
{
    public int HttpStatus { get; } = httpStatus;

    /// <summary>What was wrong with the body, as the message says it after the status.</summary>
    public string Problem { get; } = problem;
}

/// <summary>
/// Sends requests with the politeness rules: a per-attempt timeout, backoff with jitter on 5xx,
/// timeouts and network errors, <c>Retry-After</c> honoured on 429 (and 503) as long as the wait fits
/// the run's budget and <see cref="SpotifyClientOptions.LongestWait"/>. A 429 that cannot be waited out is
/// returned to the caller, which ends the run. Spotify limits an app as a whole (a rolling 30-second window),
/// so a <c>Retry-After</c> holds back every request of this client, not only the one that was answered: sources
/// that run side by side wait it out together instead of each being told again.
/// </summary>
internal sealed class SpotifyTransport
{
    private readonly HttpClient _http;
    private readonly SpotifyClientOptions _options;
    private readonly RunBudget _budget;
    private readonly ResiliencePipeline<SpotifyHttpResult> _pipeline;
    /// <summary>UTC ticks before which no request is sent: the end of the latest <c>Retry-After</c> being waited out.</summary>
    private long _quietUntil;

    public SpotifyTransport(HttpClient http, SpotifyClientOptions options, RunBudget budget)
    {
        _http = http;
        _options = options;
        _budget = budget;
        _pipeline = new ResiliencePipelineBuilder<SpotifyHttpResult> { TimeProvider = options.TimeProvider }
            .AddRetry(new RetryStrategyOptions<SpotifyHttpResult>
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BackoffDelay,
                MaxDelay = TimeSpan.FromSeconds(60),
                Randomizer = options.Jitter ?? Random.Shared.NextDouble,
                ShouldHandle = arguments => ValueTask.FromResult(ShouldRetry(arguments.Outcome)),
                // Spotify's Retry-After wins over our own backoff; one of 0 (or a date gone by) asks for no wait, and gets the
                // backoff, so that a rate limit is not met again at once.
                DelayGenerator = arguments => ValueTask.FromResult(arguments.Outcome.Result?.RetryAfter is { } wait && wait > TimeSpan.Zero ? wait : (TimeSpan?)null),
                OnRetry = arguments =>
                {
                    var failure = arguments.Outcome.Exception?.Message ?? $"answered {(int)arguments.Outcome.Result!.Status}";
                    // The backoff is checked against the budget as a Retry-After is: a run whose next attempt would come after its
                    // time is up ends now, naming the failure, not after the wait with only the budget to blame.
                    if (!_budget.Allows(arguments.RetryDelay))
                    {
                        throw new RetryPastBudgetException(failure, arguments.RetryDelay, (int?)arguments.Outcome.Result?.Status);
                    }
                    // Named with its request: the sources run side by side, and their retries' lines interleave.
                    var named = arguments.Outcome.Result?.Request is { } request ? $"{request} {failure}" : failure;
                    options.OnRetry?.Invoke(new SpotifyRetry(arguments.AttemptNumber + 1, options.MaxRetryAttempts, arguments.RetryDelay, named));
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    public RunBudget Budget => _budget;

    /// <summary>The end of the latest <c>Retry-After</c> this client waits out (or waited out); none when it was given none.</summary>
    public DateTimeOffset? QuietUntil => Interlocked.Read(ref _quietUntil) is > 0 and var ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    public TimeSpan LongestWait => _options.LongestWait;

    /// <summary>Sends the request built by <paramref name="createRequest"/> (once per attempt).</summary>
    /// <param name="problemOfSuccess">Says why a 2xx body is unusable (null when it is fine): such an answer is a transient
    /// failure of Spotify's, retried as a 5xx is, and thrown as <see cref="SpotifyUnreadableAnswerException"/> after the last retry.</param>
    /// <param name="sent">Told of each attempt as it is sent, retries included, however the call ends (an answer, an error thrown).</param>
    public Task<(SpotifyHttpResult Result, int Attempts)> SendAsync(
        Func<CancellationToken, Task<HttpRequestMessage>> createRequest, CancellationToken cancellationToken, Func<byte[], string?>? problemOfSuccess = null,
        Action? sent = null) =>
        SendAsync(createRequest, problemOfSuccess, sent, CancellationToken.None, cancellationToken);

    /// <summary>As the overload above; <paramref name="stopping"/> ends the waits between attempts (a Retry-After, a backoff) with
    /// <see cref="OperationCanceledException"/>, while an attempt already sent is not cancelled by it, so its answer still arrives.</summary>
    public async Task<(SpotifyHttpResult Result, int Attempts)> SendAsync(Func<CancellationToken, Task<HttpRequestMessage>> createRequest,
        Func<byte[], string?>? problemOfSuccess, Action? sent, CancellationToken stopping, CancellationToken cancellationToken)
    {
        var attempts = 0;
        var asked = "a request";
        using var waits = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping);
        try
        {
            // The pipeline's token (the waits') ends its delays between attempts; each attempt is sent under the caller's token alone.
            var result = await _pipeline.ExecuteAsync(async token =>
            {
                await WaitOutQuietAsync(token).ConfigureAwait(false);
                token.ThrowIfCancellationRequested();
                EnsureTimeLeft();
                attempts++;
                using var request = await createRequest(cancellationToken).ConfigureAwait(false);
                asked = Named(request);
                sent?.Invoke();
                var answer = await SendOnceAsync(request, cancellationToken).ConfigureAwait(false);
                return answer.IsSuccess && problemOfSuccess?.Invoke(answer.Body) is { } problem
                    ? throw new SpotifyUnreadableAnswerException((int)answer.Status, problem)
                    : answer;
            }, waits.Token).ConfigureAwait(false);
            return (result, attempts);
        }
        catch (TimeoutException) when (_budget.Remaining == TimeSpan.Zero)
        {
            EnsureTimeLeft();
            throw;
        }
        catch (RetryPastBudgetException past)
        {
            throw new SpotifyRunStoppedException(
                $"{asked} failed ({past.Message.TrimEnd('.')}), and its retry in {Seconds(past.Delay)} s would leave the run less than {Seconds(RunBudget.AskAgain)} s of its time budget to ask again. " +
                "The run ended with its state saved; the next run continues.", quotaExceeded: false, retryAfter: null, past.HttpStatus);
        }
    }

    /// <summary>A retry whose backoff would end past the budget, thrown from the retry's own callback; the request is named above.</summary>
    private sealed class RetryPastBudgetException(string failure, TimeSpan delay, int? httpStatus) : Exception(failure)
    {
        public TimeSpan Delay { get; } = delay;
        public int? HttpStatus { get; } = httpStatus;
    }

    /// <summary>A request as messages name it: <c>GET /v1/me/tracks</c>.</summary>
    private static string Named(HttpRequestMessage request) => $"{request.Method} {request.RequestUri?.AbsolutePath}";

    private static string Seconds(TimeSpan wait) => wait.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A run whose time is up ends cleanly before Lambda's timeout cuts it, state and manifest saved.</summary>
    private void EnsureTimeLeft()
    {
        if (_budget.Remaining == TimeSpan.Zero)
        {
            throw new SpotifyRunStoppedException(
                "The run's time budget is used up; it ended with its state saved and the next run continues.", quotaExceeded: false, retryAfter: null);
        }
    }

    /// <summary>Holds an attempt back until the latest Retry-After given to any request of this client has passed.</summary>
    private async Task WaitOutQuietAsync(CancellationToken cancellationToken)
    {
        var wait = new DateTimeOffset(Interlocked.Read(ref _quietUntil), TimeSpan.Zero) - _options.TimeProvider.GetUtcNow();
        if (wait <= TimeSpan.Zero)
        {
            return;
        }
        if (!_budget.Allows(wait))
        {
            throw new SpotifyRunStoppedException(
                $"Rate limited: Spotify asked this app to wait {wait.TotalSeconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture)} s more, " +
                "longer than the run can sit out and still ask again. The run ended with its state saved; the next run continues.", quotaExceeded: false, wait, 429);
        }
        await Task.Delay(wait, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every request of this client keeps quiet until <paramref name="wait"/> from now, unless a later end is already set.</summary>
    private void KeepQuietFor(TimeSpan wait)
    {
        var until = (_options.TimeProvider.GetUtcNow() + wait).UtcTicks;
        var seen = Interlocked.Read(ref _quietUntil);
        while (until > seen)
        {
            var previous = Interlocked.CompareExchange(ref _quietUntil, until, seen);
            if (previous == seen)
            {
                return;
            }
            seen = previous;
        }
    }

    private async Task<SpotifyHttpResult> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Never let one attempt run past the budget: the run must still save its state.
        var remaining = _budget.Remaining;
        var cutShort = remaining < _options.RequestTimeout;
        attempt.CancelAfter(cutShort ? remaining : _options.RequestTimeout);
        try
        {
            // Headers first, then the body read here up to the cap: never buffered whole by HttpClient, however long it runs.
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token).ConfigureAwait(false);
            var body = await ReadCappedAsync(response, request, attempt.Token).ConfigureAwait(false);
            var asked = RetryAfterOf(response);
            return new SpotifyHttpResult(response.StatusCode, body, asked is { } wait ? SpotifyWait.Capped(wait) : null, response.Content.Headers.ContentType?.MediaType,
                response.Headers.ETag?.ToString(), Named(request)) { RetryAfterAsked = asked };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(cutShort
                ? $"{Named(request)} gave no complete answer within the {remaining.TotalSeconds:0.#} s the run's time budget had left."
                : $"{Named(request)} gave no complete answer within {_options.RequestTimeout.TotalSeconds:0.###} s.");
        }
    }

    /// <summary>
    /// The body, or <see cref="SpotifyResponseTooLargeException"/> as soon as it passes <see cref="SpotifyClientOptions.MaxResponseBytes"/>
    /// (or its Content-Length says it will): memory stays bounded by the cap, not by what the server sends.
    /// </summary>
    private async Task<byte[]> ReadCappedAsync(HttpResponseMessage response, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var cap = _options.MaxResponseBytes;
        if (response.Content.Headers.ContentLength > cap)
        {
            throw new SpotifyResponseTooLargeException(request.Method, request.RequestUri, cap);
        }
        using var body = new MemoryStream();
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var buffer = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (body.Length + read > cap)
                {
                    throw new SpotifyResponseTooLargeException(request.Method, request.RequestUri, cap);
                }
                body.Write(buffer, 0, read);
            }
        }
        catch (IOException exception)
        {
            // The connection ended or was reset after the headers, before the body was whole: the network failing, as a refused
            // connection is, so retried and reported as no answer rather than as an error of the run.
            throw new HttpRequestException(HttpRequestError.ResponseEnded,
                $"{Named(request)} broke off after {body.Length} bytes of its answer ({exception.Message}).", exception);
        }
        catch (Exception exception) when (exception is InvalidDataException or InvalidOperationException)
        {
            // A body its Content-Encoding (gzip, deflate, br) does not decode: damaged on the way, and retried as any unreadable
            // answer is. The decoders throw these two; the loop above throws nothing else of either kind.
            throw new SpotifyUnreadableAnswerException((int)response.StatusCode,
                $"a compressed body that does not decode after {body.Length} bytes ({exception.Message.TrimEnd('.')})");
        }
        return body.ToArray();
    }

    private bool ShouldRetry(Outcome<SpotifyHttpResult> outcome)
    {
        if (outcome.Exception is not null)
        {
            // Not retried: a body over the cap (it would only come again as large), a certificate this machine refused, a socket the open-file limit refused.
            return outcome.Exception is HttpRequestException or TimeoutException or SpotifyUnreadableAnswerException && UntrustedCertificate.ReasonOf(outcome.Exception) is null
                && !Storage.LocalEntry.OutOfFilesForConnection(outcome.Exception) && _budget.Remaining > TimeSpan.Zero;
        }
        var result = outcome.Result!;
        return result.Status switch
        {
            HttpStatusCode.TooManyRequests => !SpotifyErrors.IsQuotaExceeded(result.Body) && WaitsOutTogether(result.RetryAfter ?? _options.BackoffDelay),
            // A passing failure (500, 502, 503, 504) is retried with backoff; a Retry-After it carries is honoured only when it
            // fits, as a 429's is. Another 5xx (501 Not Implemented, 505, 511) says the request itself cannot be served: asked
            // again, it would only fail again, spending the budget and the quota.
            _ when IsPassing(result.Status) && result.RetryAfter is { } wait => WaitsOutTogether(wait),
            _ => IsPassing(result.Status),
        };
    }

    /// <summary>A server error that a later request may not meet: Spotify's documented 500, 502 and 503, and a gateway's timeout.</summary>
    internal static bool IsPassing(HttpStatusCode status) => status is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
        or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    /// <summary>Whether the wait fits; one that does is shared with every other request of this client.</summary>
    private bool WaitsOutTogether(TimeSpan wait)
    {
        if (wait > _options.LongestWait || !_budget.Allows(wait))
        {
            return false;
        }
        KeepQuietFor(wait);
        return true;
    }

    /// <summary>The wait a response's Retry-After asks for, as sent (never negative: a date gone by asks for none).</summary>
    private TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }
        if (header?.Date is { } date)
        {
            var wait = date - _options.TimeProvider.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }
}
