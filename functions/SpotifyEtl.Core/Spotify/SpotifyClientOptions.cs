namespace SpotifyEtl.Spotify;

/// <summary>How politely and patiently the client talks to Spotify.</summary>
public sealed record SpotifyClientOptions
{
    /// <summary>One attempt's limit, body included; a slow answer counts as a timeout and is retried.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first attempt, for 5xx, timeouts, network errors and 429.</summary>
    public int MaxRetryAttempts { get; init; } = 4;

    /// <summary>The first backoff delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan BackoffDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Waits (Retry-After, backoff) go through this clock, so tests do not sleep.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
