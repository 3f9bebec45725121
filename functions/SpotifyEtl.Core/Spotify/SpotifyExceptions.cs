using System.Net;

namespace SpotifyEtl.Spotify;

/// <summary>How a stack's secret gets a credentials file, run where the stack is selected: the file's path goes last.</summary>
public static class StackSecret
{
    /// <summary>With the secret's region: the AWS CLI sends a request to its own default region whatever the ARN says.</summary>
    public const string PutCommand =
        "aws secretsmanager put-secret-value --region \"$(pulumi config get aws:region)\" --secret-id \"$(pulumi stack output spotifySecretArn)\" --secret-string file://";
}

/// <summary>Configuration that cannot work: missing credentials, an unknown source type, a bad URL.</summary>
public sealed class SpotifyConfigurationException(string message) : Exception(message);

/// <summary>
/// The refresh token was refused (<c>invalid_grant</c>): it expired (six months after authorization, for apps
/// created from 2026-06-18 and for older apps from 2026-07-20), was revoked, or belongs to another app.
/// Retrying cannot help; the owner must authorize again.
/// </summary>
public sealed class SpotifyReauthorizationRequiredException(string? spotifyDescription)
    : Exception(RefusalOf(spotifyDescription) + " " + Remedy)
{
    /// <summary>Why a refresh token stops working.</summary>
    public const string Why =
        "Refresh tokens expire six months after authorization (refreshing does not extend them; apps created from 2026-06-18, " +
        "older apps from 2026-07-20) and when access is revoked.";

    /// <summary>Why a refresh token stops working, and what brings a new one.</summary>
    public const string Remedy = Why + " " + Reauthorize;

    /// <summary>What brings a new refresh token, on a stack and locally.</summary>
    public const string Reauthorize =
        "Re-authorize with `spotify-etl auth login --credentials <file>`, then put the file into the stack's secret with " +
        "`" + StackSecret.PutCommand + "<file>` " +
        "(locally, `spotify-etl auth login` saves the new token into the credentials file).";

    public string? SpotifyDescription { get; } = spotifyDescription;

    /// <summary>What Spotify said, without the remedy: for a caller that says its own.</summary>
    public string Refusal => RefusalOf(SpotifyDescription);

    private static string RefusalOf(string? description) =>
        "Spotify refused the refresh token (invalid_grant" + (string.IsNullOrWhiteSpace(description) ? "" : $": {description}") + ").";
}

/// <summary>The token endpoint answered with an error other than <c>invalid_grant</c>.</summary>
/// <param name="advice">What to do; by default, to check the app's client id and secret.</param>
public sealed class SpotifyAuthenticationException(HttpStatusCode status, string? error, string? description, string? advice = null)
    : Exception($"Spotify's token endpoint answered {(int)status} ({error ?? "no error code"}{(description is null ? "" : ": " + description)}). " +
                (advice ?? "Check the client id and secret of the app (https://developer.spotify.com/dashboard)."))
{
    public HttpStatusCode Status { get; } = status;
    public string? Error { get; } = error;
}

/// <summary>
/// The token endpoint failed the sign-in's code exchange on its side (a 5xx, a 429, or a 200 whose body is no token): Spotify
/// failing or busy, not the app's credentials refused, so the advice is to sign in again later, not to check the client id.
/// </summary>
public sealed class SpotifyTokenEndpointFailedException(HttpStatusCode status, string what)
    : Exception($"Spotify's token endpoint answered {(int)status} {what} when the sign-in's code was exchanged: Spotify failing, not a refusal of " +
                "the app's credentials. The code is spent; run 'spotify-etl auth login' again in a few minutes.")
{
    public HttpStatusCode Status { get; } = status;
}

/// <summary>
/// The user's token lacks a scope a source needs where Spotify answers without it all the same, with less: the source fails
/// rather than land part of the data without a word.
/// </summary>
public sealed class SpotifyScopeNotGrantedException(string message) : Exception(message);

/// <summary>The Web API answered with an error status after any retries that made sense.</summary>
/// <param name="unanswered">No response came at all (DNS, a refused connection, no network): the status is the
/// gateway's convention for it, and the message says that nothing answered rather than quoting it.</param>
/// <param name="whole"><paramref name="explanation"/> is the whole message: the answer ran past the size cap, or the request was never sent.</param>
/// <param name="timedOut">No complete answer came within the client's time per attempt: the status is the gateway's convention
/// for it, and the message says it timed out rather than that Spotify answered it.</param>
public sealed class SpotifyApiException(HttpStatusCode status, string path, string? spotifyMessage, string? reason, string explanation,
    bool unanswered = false, bool whole = false, bool timedOut = false, Exception? innerException = null)
    : Exception(whole ? explanation
        : unanswered
        ? $"GET {path} got no answer from Spotify ({spotifyMessage?.TrimEnd('.')}). {explanation}"
        : timedOut
        ? $"GET {path} timed out: no complete answer from Spotify in time ({spotifyMessage?.TrimEnd('.')}). {explanation}"
        : $"GET {path} answered {(int)status}{(spotifyMessage is null ? "" : $" ({spotifyMessage})")}{(reason is null ? "" : $" [{reason}]")}. {explanation}",
        innerException)
{
    public HttpStatusCode Status { get; } = status;
    public string Path { get; } = path;
    public string? Reason { get; } = reason;

    /// <summary>The status Spotify answered with; null when none came (no answer, or none in time).</summary>
    public int? AnsweredStatus { get; } = unanswered || timedOut ? null : (int)status;
}

/// <summary>
/// The run must end now, cleanly, with its state saved: Spotify asked for a wait longer than the
/// time left, or the daily quota is spent (<c>QUOTA_EXCEEDED</c>).
/// </summary>
/// <param name="httpStatus">The status Spotify answered that ended the run; null when none did (the time budget, no answer).</param>
/// <param name="innerException">What failed, where the stop is no answer of Spotify's (the token endpoint out of reach).</param>
public sealed class SpotifyRunStoppedException(string message, bool quotaExceeded, TimeSpan? retryAfter, int? httpStatus = null, Exception? innerException = null)
    : Exception(message, innerException)
{
    public bool QuotaExceeded { get; } = quotaExceeded;
    public TimeSpan? RetryAfter { get; } = retryAfter;
    public int? HttpStatus { get; } = httpStatus;
}

/// <summary>A 2xx response whose body is not the JSON the source needs to go on paging.</summary>
public sealed class SpotifyMalformedResponseException(SpotifyResponse response, string detail)
    : Exception($"GET {response.Path} answered {response.Status} with a body that is not the expected JSON ({detail}). The body was landed unchanged; the transformation will quarantine it, and the next run asks for it again.");

/// <summary>
/// A source kept handing out <c>next</c> links past the page limit, linked back to a page already asked for, or
/// linked on from a page without items: the extractor stopped following them rather than loop. What landed stays;
/// the source fails.
/// </summary>
public sealed class SpotifyPagingLoopException(string source, string path, int pages, int? total = null, string? reason = null)
    : Exception($"{source} was still paging after {pages} pages" +
                (reason is not null ? ", " + reason : total is { } items ? $", more than the {items} items its list says it holds need" : "") +
                $" (last link GET {Extraction.SpotifyPaging.Shown(path)}); stopped there to avoid a paging loop. The pages before it landed; the next run starts again.")
{
    public string Path { get; } = path;
}

/// <summary>A page's <c>next</c> link that is not an http(s) URL (another scheme, no URL at all, control characters): the source fails.</summary>
public sealed class SpotifyNextLinkException(string source, string next)
    : Exception($"{source} answered a next link that is not an http(s) URL ({Extraction.SpotifyPaging.Shown(next)}); " +
                "stopped there without following it. The pages before it landed; the next run starts again.");

/// <summary>An answer's body ran past <see cref="SpotifyClientOptions.MaxResponseBytes"/>: cut off there, not retried.</summary>
public sealed class SpotifyResponseTooLargeException(HttpMethod method, Uri? uri, long capBytes)
    : Exception($"{method} {uri?.AbsolutePath} answered more than {capBytes / (1024 * 1024)} MiB: no Spotify page is that large, so reading stopped there and it was not retried. " +
                "The next run asks again; if it keeps happening, something between this machine and Spotify (a proxy) is sending it.")
{
    public long CapBytes { get; } = capBytes;
}

/// <summary>
/// Spotify refused to say which account a login signed in with (<c>GET /v1/me</c>): in Development Mode, an account that
/// is not on the app's user list, or an app whose owner's Premium lapsed. The refresh token stands: it works once the
/// account may use the app.
/// </summary>
public sealed class SpotifyAccountRefusedException(HttpStatusCode status, string explanation)
    : Exception($"Spotify answered {(int)status} when asked which account signed in: {explanation}")
{
    public HttpStatusCode Status { get; } = status;
}
