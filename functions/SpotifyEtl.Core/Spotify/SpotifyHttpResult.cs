using System.Globalization;
using System.Net;

namespace SpotifyEtl.Spotify;

/// <summary>One HTTP answer, fully read: the body is kept byte for byte, as Spotify sent it.</summary>
internal sealed record SpotifyHttpResult(HttpStatusCode Status, byte[] Body, TimeSpan? RetryAfter, string? ContentType, string? ETag = null, string? Request = null)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;

    /// <summary>The wait the Retry-After asked for, before <see cref="RetryAfter"/> believed it up to <see cref="SpotifyWait.Longest"/>.</summary>
    public TimeSpan? RetryAfterAsked { get; init; }

    /// <summary>
    /// The Retry-After as a message says it: its seconds, and, when it asked for longer than the wait believed, both
    /// (a header of a billion seconds is named as sent, not as the 24 hours the run saves).
    /// </summary>
    public string RetryAfterShown => RetryAfter is not { } wait ? "none"
        : RetryAfterAsked is { } asked && asked > wait ? $"{Seconds(asked)} (believed up to {Seconds(wait)}: Spotify's quota resets daily)"
        : Seconds(wait);

    private static string Seconds(TimeSpan wait) => wait.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " s";
}
