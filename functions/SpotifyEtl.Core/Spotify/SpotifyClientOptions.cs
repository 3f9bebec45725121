namespace SpotifyEtl.Spotify;

/// <summary>How politely and patiently the client talks to Spotify.</summary>
public sealed record SpotifyClientOptions
{
    /// <summary>One attempt's limit, body included; a slow answer counts as a timeout and is retried.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first attempt, for 5xx, timeouts, network errors and 429.</summary>
    public int MaxRetryAttempts { get; init; } = 4;

    /// <summary>
    /// The longest <c>Retry-After</c> the client waits out, whatever the run's budget: a longer one ends the run with
    /// its state saved. A run without a budget (<c>spotify-etl extract</c> at a terminal) would otherwise sleep as
    /// long as Spotify asks, which has been a day.
    /// </summary>
    public TimeSpan LongestWait { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The most bytes one answer may hold: a body past it fails at once, unretried (<see cref="SpotifyResponseTooLargeException"/>),
    /// so a body that never ends cannot fill memory. 64 MiB: a page of 50 full tracks is well under 1 MiB, and even a 50 MB
    /// answer still lands.
    /// </summary>
    public long MaxResponseBytes { get; init; } = DefaultMaxResponseBytes;

    public const long DefaultMaxResponseBytes = 64L * 1024 * 1024;

    /// <summary>The first backoff delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan BackoffDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Where the backoff's jitter is drawn from: numbers in [0, 1). Null draws them from a shared random source; a test
    /// passes a seeded one, so that its waits can be told apart run by run.
    /// </summary>
    public Func<double>? Jitter { get; init; }

    /// <summary>Told before each wait to retry, so that a person watching knows why nothing lands (offline, say).</summary>
    public Action<SpotifyRetry>? OnRetry { get; init; }

    /// <summary>Told when a request finds another's token request under way and waits for its answer (a test holds that answer until the sources it runs all wait).</summary>
    internal Action? OnTokenWait { get; init; }

    /// <summary>Waits (Retry-After, backoff) go through this clock, so tests do not sleep.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>A retry about to wait: which one of how many, how long, and what failed.</summary>
public readonly record struct SpotifyRetry(int Retry, int Of, TimeSpan Delay, string Failure);
