using System.Globalization;
using SpotifyEtl.Spotify;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>
/// How a run that Spotify rate limits, or that Spotify leaves waiting, says so: a Retry-After of 0 is no wait longer than the
/// run has left, a timeout is no answer of 504, a 429 without a Retry-After still keeps the next runs from asking at once,
/// and a 5xx that says when to come back, later than the run may wait, stops the run with the wait saved, as a 429 does,
/// instead of failing every source one after the other into the same outage.
/// </summary>
public sealed class RateLimitStopTests : IAsyncLifetime
{
    private ExtractionHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await ExtractionHarness.StartAsync();
        _h.Spotify.Plays.Add(1_763_700_000_000L);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>A Retry-After asking for no wait (0, or a date gone by), with and without a time budget.</summary>
    public static TheoryData<string, bool> NoWait()
    {
        var data = new TheoryData<string, bool>();
        var now = new InstantTimeProvider().GetUtcNow();
        foreach (var retryAfter in new[] { "0", (now - TimeSpan.FromMinutes(5)).ToString("r", CultureInfo.InvariantCulture), (now - TimeSpan.FromDays(400)).ToString("r", CultureInfo.InvariantCulture) })
        {
            data.Add(retryAfter, true);
            data.Add(retryAfter, false);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(NoWait))]
    public async Task A_Retry_After_of_0_on_every_attempt_is_backed_off_and_stops_the_run_as_retries_spent_not_as_a_wait_too_long(string retryAfter, bool budget)
    {
        _h.Budget = budget ? TimeSpan.FromMinutes(14) : null;
        _h.Spotify.Inject("me/player/recently-played", Enumerable.Range(0, 10).Select(_ => (Fault)new Fault.RawFault(429, "application/json",
            "{\"error\":{\"status\":429,\"message\":\"API rate limit exceeded\"}}", retryAfter)).ToArray());

        var run = await _h.RunAsync(ExtractionSource.RecentlyPlayed());

        Assert.Equal(ExtractionOutcome.Stopped, run.Manifest.Outcome);
        Assert.DoesNotContain("longer than", run.Manifest.StopReason, StringComparison.Ordinal);
        Assert.DoesNotContain("wait of 0 s", run.Manifest.StopReason, StringComparison.Ordinal);
        Assert.Contains("still answered 429 after every retry", run.Manifest.StopReason, StringComparison.Ordinal);
        Assert.Equal(_h.ClientOptions.MaxRetryAttempts + 1, _h.Spotify.ApiRequestsTo("me/player/recently-played"));
        // The retries were backed off, not sent back to back into the rate limit.
        Assert.Equal(_h.ClientOptions.MaxRetryAttempts, _h.Clock.Waits.Count(wait => wait > TimeSpan.Zero));
        var state = await ExtractionState.LoadAsync(_h.Store, CancellationToken.None);
        Assert.Equal(_h.Clock.GetUtcNow() + SpotifyWait.RateLimitedDefault, state.Wait?.Until);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_429_without_Retry_After_that_ends_the_run_keeps_the_next_runs_from_asking_for_the_default_wait(bool quota)
    {
        var fault = new Fault.StatusFault(429, quota ? "Quota exceeded" : "API rate limit exceeded", quota ? "QUOTA_EXCEEDED" : null, null);
        // A spent quota is not retried; a rate limit is, on every attempt.
        _h.Spotify.Inject("me/player/recently-played", Enumerable.Repeat((Fault)fault, quota ? 1 : _h.ClientOptions.MaxRetryAttempts + 1).ToArray());
        var expected = quota ? TimeSpan.FromMinutes(90) : TimeSpan.FromSeconds(30);
        Assert.Equal(expected, quota ? SpotifyWait.QuotaExceededDefault : SpotifyWait.RateLimitedDefault);

        var stopped = await _h.RunAsync(ExtractionSource.RecentlyPlayed());

        Assert.Equal((ExtractionOutcome.Stopped, quota), (stopped.Manifest.Outcome, stopped.Manifest.QuotaExceeded));
        var wait = (await ExtractionState.LoadAsync(_h.Store, CancellationToken.None)).Wait;
        Assert.Equal(new SpotifyWait(_h.Clock.GetUtcNow() + expected, quota), wait);
        await AssertRunsWaitThenGoOn(expected);
    }

    /// <summary>A run a second before the saved wait ends asks Spotify nothing; one a second after it goes on.</summary>
    private async Task AssertRunsWaitThenGoOn(TimeSpan wait)
    {
        var asked = _h.Spotify.ApiRequests.Count;
        _h.Clock.Advance(wait - TimeSpan.FromSeconds(1));
        var held = await _h.RunAsync(ExtractionSource.RecentlyPlayed());
        Assert.Equal(ExtractionOutcome.Stopped, held.Manifest.Outcome);
        Assert.Equal(asked, _h.Spotify.ApiRequests.Count);

        _h.Clock.Advance(TimeSpan.FromSeconds(2));
        var next = await _h.RunAsync(ExtractionSource.RecentlyPlayed());
        Assert.Equal(ExtractionOutcome.Succeeded, next.Manifest.Outcome);
    }

    [Fact]
    public async Task A_request_that_times_out_through_every_retry_is_said_and_recorded_as_a_timeout_not_as_an_answer_of_504()
    {
        _h.ClientOptions = _h.ClientOptions with { RequestTimeout = TimeSpan.FromMilliseconds(300), MaxRetryAttempts = 1 };
        _h.Spotify.Inject("me/player/recently-played", Fault.Slow(TimeSpan.FromSeconds(30)), Fault.Slow(TimeSpan.FromSeconds(30)));

        var run = await _h.RunAsync(ExtractionSource.RecentlyPlayed());

        var source = run.Manifest.Sources.Single();
        Assert.Equal(SourceStatus.Failed, source.Status);
        Assert.Null(source.HttpStatus);
        Assert.DoesNotContain("504", source.Error, StringComparison.Ordinal);
        Assert.Contains("timed out", source.Error, StringComparison.Ordinal);
        using var manifest = await _h.ReadJsonAsync(run.ManifestKey);
        Assert.False(manifest.RootElement.GetProperty("sources")[0].TryGetProperty("http_status", out _));
    }

    /// <summary>Each 5xx Spotify's edge answers, with waits past the longest the client takes, past the run's budget, and as a date.</summary>
    public static TheoryData<int, string, int, int?> LongWaits()
    {
        var data = new TheoryData<int, string, int, int?>();
        var now = new InstantTimeProvider().GetUtcNow();
        foreach (var status in new[] { 500, 502, 503, 504 })
        {
            data.Add(status, "900", 900, null);                                  // past the 10-minute longest wait
            data.Add(status, "3600", 3600, null);
            data.Add(status, "300", 300, 120);                                   // fits the longest wait, not the 2 minutes left
            data.Add(status, "115", 115, 120);                                   // fits the 2 minutes, leaving too little to ask again
            data.Add(status, (now + TimeSpan.FromMinutes(20)).ToString("r", CultureInfo.InvariantCulture), 1200, null);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(LongWaits))]
    public async Task A_5xx_whose_Retry_After_the_run_cannot_sit_out_stops_the_run_and_the_next_runs_wait_for_it(
        int status, string retryAfter, int waitSeconds, int? budgetSeconds)
    {
        _h.Budget = budgetSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromMinutes(14);
        _h.Spotify.Inject("me/player/recently-played", new Fault.RawFault(status, "text/html", "<html>Service Unavailable</html>", retryAfter));

        var run = await _h.RunAsync(ExtractionSource.RecentlyPlayed());

        Assert.Equal(ExtractionOutcome.Stopped, run.Manifest.Outcome);
        Assert.False(run.Manifest.QuotaExceeded);
        Assert.Contains($"answered {status} with a Retry-After of {waitSeconds} s", run.Manifest.StopReason, StringComparison.Ordinal);
        Assert.Contains("longer than", run.Manifest.StopReason, StringComparison.Ordinal);
        var source = run.Manifest.Sources.Single();
        Assert.Equal((SourceStatus.Stopped, (int?)status), (source.Status, source.HttpStatus));
        // Asked once: a wait it cannot sit out is not met by retries into the same outage.
        Assert.Equal(1, _h.Spotify.ApiRequestsTo("me/player/recently-played"));
        var wait = (await ExtractionState.LoadAsync(_h.Store, CancellationToken.None)).Wait;
        Assert.Equal(new SpotifyWait(_h.Clock.GetUtcNow() + TimeSpan.FromSeconds(waitSeconds), false), wait);

        _h.Budget = TimeSpan.FromMinutes(14);
        await AssertRunsWaitThenGoOn(TimeSpan.FromSeconds(waitSeconds));
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    [InlineData(4, false)]
    public async Task A_source_paging_when_another_is_told_to_stop_asking_sends_nothing_more(int seed, bool quota)
    {
        const string playlist = "3cEYpjA9oz9GiPac4AsH4n";
        var random = new Random(seed);
        _h.Spotify.SavedTrackCount = 50 * random.Next(20, 60);
        _h.Spotify.AddPlaylist(playlist, 120);
        // Every page of the library takes a while, and the playlist's items are refused only once the library's first page
        // has been asked for: the pass is under way when the refusal comes, whatever the machine's speed.
        _h.Spotify.Inject("me/tracks", [.. Enumerable.Range(0, 60).Select(_ => Fault.Slow(TimeSpan.FromMilliseconds(200)))]);
        var libraryAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _h.Spotify.Inject($"playlists/{playlist}/items", Fault.After(libraryAsked.Task, quota ? Fault.QuotaExceeded() : Fault.TooManyRequests(7200)));
        var order = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _h.Spotify.OnApiRequest = path =>
        {
            order.Enqueue(path);
            if (path.StartsWith("me/tracks", StringComparison.Ordinal))
            {
                libraryAsked.TrySetResult();
            }
        };

        var run = await _h.RunAsync(ExtractionSource.SavedTracks(), ExtractionSource.Playlist(playlist));

        Assert.Equal(ExtractionOutcome.Stopped, run.Manifest.Outcome);
        var requests = order.ToList();
        var refused = requests.FindIndex(path => path.StartsWith($"playlists/{playlist}/items", StringComparison.Ordinal));
        // The page in flight when Spotify answered may still arrive; none is asked for after it.
        Assert.InRange(requests.Skip(refused + 1).Count(path => path.StartsWith("me/tracks", StringComparison.Ordinal)), 0, 1);
        // Under way, the library says why it stopped.
        var library = run.Manifest.Sources.Single(source => source.Source == "saved_tracks");
        Assert.True(library.Status == SourceStatus.Stopped, $"{library.Status}: {library.Error}");
        Assert.StartsWith("The run stopped while this source was under way: ", library.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// Two sources stop the run side by side: one on a Retry-After longer than the run may wait, the other on a spent quota.
    /// Whichever answer comes second, the saved wait and the manifest are the quota's (its day-long wait), not the first
    /// stop's: the next runs do not ask a Spotify whose quota is gone. The order is forced both ways: the first answer waits
    /// until the second source's request has reached Spotify (a source that has not asked yet when the run stops never asks,
    /// and never learns of the quota), and the second answer waits until the first source has stopped.
    /// </summary>
    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    [InlineData(4, false)]
    public async Task A_spent_quota_governs_the_saved_wait_whether_it_stops_the_run_first_or_second(int seed, bool quotaSecond)
    {
        var rateLimit = new Random(seed).Next(700, 20_000);
        var (first, second) = quotaSecond ? ("recently_played", "saved_tracks") : ("saved_tracks", "recently_played");
        var firstStopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _h.OnLog = line =>
        {
            if (line.Contains($"\"{first}\"", StringComparison.Ordinal))
            {
                firstStopped.TrySetResult();
            }
        };
        string PathOf(string source) => source == "saved_tracks" ? "me/tracks" : "me/player/recently-played";
        var secondAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _h.Spotify.OnApiRequest = path =>
        {
            if (path.StartsWith(PathOf(second), StringComparison.Ordinal))
            {
                secondAsked.TrySetResult();
            }
        };
        var gate = Task.WhenAny(firstStopped.Task, Task.Delay(TimeSpan.FromSeconds(5)));
        Fault Answer(string source) => source == "saved_tracks" ? Fault.QuotaExceeded() : Fault.TooManyRequests(rateLimit);
        _h.Spotify.Inject(PathOf(first), Fault.After(Task.WhenAny(secondAsked.Task, Task.Delay(TimeSpan.FromSeconds(5))), Answer(first)));
        _h.Spotify.Inject(PathOf(second), Fault.After(gate, Answer(second)));

        var run = await _h.RunAsync(ExtractionSource.RecentlyPlayed(), ExtractionSource.SavedTracks());

        Assert.True(secondAsked.Task.IsCompleted, "the second source had not asked when the first was answered");
        Assert.True(firstStopped.Task.IsCompleted, "the first source had not stopped when the second was answered");
        Assert.Equal((ExtractionOutcome.Stopped, true), (run.Manifest.Outcome, run.Manifest.QuotaExceeded));
        Assert.All(run.Manifest.Sources, source => Assert.Equal(SourceStatus.Stopped, source.Status));
        var wait = (await ExtractionState.LoadAsync(_h.Store, CancellationToken.None)).Wait;
        Assert.Equal(new SpotifyWait(_h.Clock.GetUtcNow() + TimeSpan.FromSeconds(86_400), true), wait);
    }

    /// <summary>
    /// A source sitting out a long Retry-After (a 429's, or a 503's that fits the run) stops waiting as soon as another source
    /// stops the run (QUOTA_EXCEEDED, or a Retry-After longer than the run has left): it would only wake to a request the stop
    /// forbids, keeping the run (and a Lambda's bill) going for minutes. The clock holds every wait of a minute or more until it
    /// is cancelled, so a wait sat out in full never ends and the test's own limit ends the run instead. The order is forced: the
    /// playlist's items are asked for (so that they are not held back by the shared wait), then the plays are answered with the
    /// wait, and once it is under way the items are refused.
    /// </summary>
    [Theory]
    [InlineData(1, 429, true)]
    [InlineData(2, 503, true)]
    [InlineData(3, 429, false)]
    [InlineData(4, 503, false)]
    public async Task A_source_waiting_to_retry_stops_waiting_when_another_source_stops_the_run(int seed, int status, bool quota)
    {
        const string playlist = "3cEYpjA9oz9GiPac4AsH4n";
        var random = new Random(seed);
        var wait = random.Next(60, 600);
        _h.Clock.HoldWaitsFrom = TimeSpan.FromMinutes(1);
        _h.Spotify.AddPlaylist(playlist, 120);
        var itemsAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _h.Spotify.OnApiRequest = path =>
        {
            if (path.StartsWith($"playlists/{playlist}/items", StringComparison.Ordinal))
            {
                itemsAsked.TrySetResult();
            }
        };
        _h.Spotify.Inject("me/player/recently-played", Fault.After(itemsAsked.Task,
            status == 429 ? Fault.TooManyRequests(wait) : new Fault.StatusFault(503, "Service unavailable", null, wait)));
        _h.Spotify.Inject($"playlists/{playlist}/items", Fault.After(_h.Clock.Held, quota ? Fault.QuotaExceeded() : Fault.TooManyRequests(7200)));
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var run = await _h.RunAsync(_h.Spotify.Credentials(), limit.Token, ExtractionSource.RecentlyPlayed(), ExtractionSource.Playlist(playlist));

        Assert.False(limit.IsCancellationRequested, "the run waited out the Retry-After after the run had stopped");
        Assert.Contains(TimeSpan.FromSeconds(wait), _h.Clock.Waits);
        Assert.Equal(ExtractionOutcome.Stopped, run.Manifest.Outcome);
        var plays = run.Manifest.Sources.Single(source => source.Source == "recently_played");
        Assert.Equal(SourceStatus.Stopped, plays.Status);
        Assert.StartsWith("The run stopped while this source was under way: ", plays.Error, StringComparison.Ordinal);
        // Nothing more was asked of the plays after the refusal: their one request, answered with the wait.
        Assert.Equal(1, _h.Spotify.ApiRequestsTo("me/player/recently-played"));
    }

    /// <summary>
    /// A request under way when another source stops the run, answered afterwards with what the client would have retried
    /// (a 500, 502, 503 or 504, a rate limit whose wait fits, a connection broken off), is not retried, and its source is
    /// reported as stopped by the run, not as failed after "every retry" nor as a machine offline: the retry's wait is cut short
    /// with the rest, and the source stops with the run's reason. The order is forced: the
    /// plays are asked, the playlist's items are refused, and the plays are answered once the playlist's source has reported.
    /// </summary>
    [Theory]
    [InlineData(500, true)]
    [InlineData(502, false)]
    [InlineData(503, true)]
    [InlineData(504, false)]
    [InlineData(429, true)]
    [InlineData(0, false)]
    public async Task A_request_under_way_when_another_source_stops_the_run_is_reported_as_stopped_by_it_whatever_retryable_answer_it_gets(int status, bool quota)
    {
        const string playlist = "3cEYpjA9oz9GiPac4AsH4n";
        _h.Spotify.AddPlaylist(playlist, 120);
        var playsAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var playlistReported = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _h.Spotify.OnApiRequest = path =>
        {
            if (path.StartsWith("me/player/recently-played", StringComparison.Ordinal))
            {
                playsAsked.TrySetResult();
            }
        };
        _h.OnLog = line =>
        {
            if (line.Contains("\"source_extracted\"", StringComparison.Ordinal) && line.Contains($"playlist:{playlist}", StringComparison.Ordinal))
            {
                playlistReported.TrySetResult();
            }
        };
        Fault answer = status switch
        {
            429 => Fault.TooManyRequests(5),
            0 => new Fault.BrokenOffFault("{\"items\": [], \"next\": null, \"cursors\": null, \"limit\": 50, \"href\": \"x\"}", 10),
            _ => new Fault.StatusFault(status, "Server error", null, null),
        };
        _h.Spotify.Inject("me/player/recently-played", Fault.After(playlistReported.Task, answer));
        _h.Spotify.Inject($"playlists/{playlist}/items", Fault.After(playsAsked.Task, quota ? Fault.QuotaExceeded() : Fault.TooManyRequests(7200)));

        var run = await _h.RunAsync(ExtractionSource.RecentlyPlayed(), ExtractionSource.Playlist(playlist));

        Assert.Equal(ExtractionOutcome.Stopped, run.Manifest.Outcome);
        var plays = run.Manifest.Sources.Single(source => source.Source == "recently_played");
        Assert.True(plays.Status == SourceStatus.Stopped, $"{plays.Status}: {plays.Error}");
        Assert.StartsWith("The run stopped while this source was under way: ", plays.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("retry", plays.Error, StringComparison.Ordinal);
        Assert.Equal(1, _h.Spotify.ApiRequestsTo("me/player/recently-played"));
    }
}
