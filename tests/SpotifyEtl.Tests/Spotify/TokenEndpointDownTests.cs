using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>
/// The accounts service down is retried once per run, not once per attempt of every API request waiting for a
/// token; and a Retry-After on any server error is a wait only when it fits, never one past the run's end.
/// </summary>
public sealed class TokenEndpointDownTests : IAsyncLifetime
{
    private const string Playlist = "3cEYpjA9oz9GiPac4AsH4n";
    private ExtractionHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await ExtractionHarness.StartAsync();
        _h.Spotify.AddPlaylist(Playlist, items: 10);
        _h.Spotify.Plays.Add(1_763_700_000_000L);
        _h.Spotify.SavedTrackCount = 5;
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    public static TheoryData<int, int> Attempts() => new() { { 1, 1 }, { 2, 2 }, { 4, 3 }, { 3, 4 } };

    [Theory]
    [MemberData(nameof(Attempts))]
    public async Task A_token_endpoint_that_never_answers_is_asked_once_per_attempt_and_the_run_stops_with_its_state_saved(int retries, int concurrency)
    {
        _h.Spotify.Inject("token", Enumerable.Range(0, 50).Select(_ => Fault.Slow(TimeSpan.FromMinutes(5))).ToArray());
        var retried = 0;
        _h.ClientOptions = _h.ClientOptions with
        {
            MaxRetryAttempts = retries,
            RequestTimeout = TimeSpan.FromMilliseconds(200),
            OnRetry = _ => Interlocked.Increment(ref retried),
        };
        _h.MaxConcurrency = concurrency;

        var run = await _h.RunAsync(ExtractionSource.Playlist(Playlist), ExtractionSource.RecentlyPlayed(), ExtractionSource.SavedTracks(),
            ExtractionSource.TopTracks("short_term"));

        // Counted by the client: an attempt that times out before the double has read it is not on the double's list.
        Assert.Equal(retries, Volatile.Read(ref retried));
        Assert.InRange(_h.Spotify.TokenGrants.Count, 1, retries + 1);
        Assert.Equal(ExtractionOutcome.Stopped, run.Manifest.Outcome);
        Assert.Contains("token endpoint could not be reached", run.Manifest.StopReason, StringComparison.Ordinal);
        Assert.Empty(_h.Spotify.ApiRequests);
        Assert.True(await _h.Store.ExistsAsync(SpotifyEtl.Spotify.ExtractionState.Key));
        // Nothing answered, so no source claims a status Spotify never sent.
        Assert.All(run.Manifest.Sources, source => Assert.Null(source.HttpStatus));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task A_token_endpoint_failing_with_5xx_stops_the_run_and_the_manifest_names_that_status(int status)
    {
        _h.Spotify.Inject("token", Enumerable.Range(0, 10).Select(_ => Fault.ServerError(status)).ToArray());

        var run = await _h.RunAsync(ExtractionSource.RecentlyPlayed());

        var source = Assert.Single(run.Manifest.Sources);
        Assert.Equal(SourceStatus.Stopped, source.Status);
        Assert.Equal(status, source.HttpStatus);
    }

    [Theory]
    [InlineData("rate limited past the run's wait", 429)]
    [InlineData("quota exceeded", 429)]
    [InlineData("a body that never ends", null)]
    [InlineData("a body past the cap", null)]
    public async Task A_token_endpoint_answer_that_stops_the_run_is_asked_for_once_however_many_sources_wait_for_a_token(string answer, int? status)
    {
        Fault Answer() => answer switch
        {
            "rate limited past the run's wait" => Fault.TooManyRequests(retryAfterSeconds: 3600),
            "quota exceeded" => Fault.QuotaExceeded(),
            "a body that never ends" => new Fault.EndlessFault(),
            _ => new Fault.RawFault(200, "application/json", "{\"access_token\": \"" + new string('x', 2 * 1024 * 1024), WithLength: true),
        };
        // The answer held until the other three sources wait for the token the first one asked for (a bound of 20 s, under
        // the 30 the client waits, only so that a run which never gets there fails on the assertions below, not by hanging).
        var waiting = 0;
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answered = held.Task.WaitAsync(TimeSpan.FromSeconds(20)).ContinueWith(_ => { }, TaskScheduler.Default);
        _h.Spotify.Inject("token", Enumerable.Range(0, 10).Select(_ => Fault.After(answered, Answer())).ToArray());
        _h.ClientOptions = _h.ClientOptions with
        {
            MaxResponseBytes = 1024 * 1024,
            RequestTimeout = TimeSpan.FromSeconds(30),
            OnTokenWait = () =>
            {
                if (Interlocked.Increment(ref waiting) == 3)
                {
                    held.TrySetResult();
                }
            },
        };
        _h.MaxConcurrency = 4;

        var run = await _h.RunAsync(ExtractionSource.Playlist(Playlist), ExtractionSource.RecentlyPlayed(), ExtractionSource.SavedTracks(),
            ExtractionSource.TopTracks("short_term"));

        // Every source asked for a token at once; the one answer stands for all four, and for the rest of the run.
        Assert.True(held.Task.IsCompleted, $"{Volatile.Read(ref waiting)} sources waited for the first one's token");
        Assert.Single(_h.Spotify.TokenGrants);
        Assert.Empty(_h.Spotify.ApiRequests);
        Assert.Equal(ExtractionOutcome.Stopped, run.Manifest.Outcome);
        Assert.Contains("token endpoint", run.Manifest.StopReason, StringComparison.Ordinal);
        Assert.All(run.Manifest.Sources, source => Assert.True(source.Status == SourceStatus.Stopped, $"{source.Source}: {source.Status}, {source.Error}"));
        Assert.Equal(status, run.Manifest.Sources.First(source => source.HttpStatus is not null || status is null).HttpStatus);
    }

    [Fact]
    public async Task A_run_out_of_time_budget_names_no_status_and_a_rate_limit_names_429()
    {
        _h.Budget = TimeSpan.Zero;
        var outOfTime = await _h.RunAsync(ExtractionSource.RecentlyPlayed());
        Assert.Equal((SourceStatus.Stopped, (int?)null), (outOfTime.Manifest.Sources.Single().Status, outOfTime.Manifest.Sources.Single().HttpStatus));

        _h.Budget = TimeSpan.FromMinutes(14);
        _h.Spotify.Inject("me/player/recently-played", Fault.TooManyRequests(retryAfterSeconds: 3600));
        _h.Clock.Advance(TimeSpan.FromHours(1));
        var limited = await _h.RunAsync(ExtractionSource.RecentlyPlayed());
        Assert.Equal((SourceStatus.Stopped, (int?)429), (limited.Manifest.Sources.Single().Status, limited.Manifest.Sources.Single().HttpStatus));
    }

    [Theory]
    [InlineData(500, 3600)]
    [InlineData(502, 601)]
    [InlineData(504, 86400)]
    [InlineData(503, 3600)]
    public async Task A_server_error_asking_for_a_wait_longer_than_a_client_takes_is_not_waited_out(int status, int retryAfterSeconds)
    {
        _h.Spotify.Inject("me/player/recently-played", Enumerable.Range(0, 10).Select(_ => (Fault)new Fault.StatusFault(status, "Server error", null, retryAfterSeconds)).ToArray());

        var run = await _h.RunAsync(ExtractionSource.RecentlyPlayed());

        Assert.All(_h.Clock.Waits, wait => Assert.True(wait <= _h.ClientOptions.LongestWait, $"waited {wait}"));
        // Not waited out, and not asked again into the same outage: the run stops with the wait saved for the next runs.
        var source = Assert.Single(run.Manifest.Sources);
        Assert.Equal((SourceStatus.Stopped, (int?)status), (source.Status, source.HttpStatus));
        Assert.Equal(ExtractionOutcome.Stopped, run.Manifest.Outcome);
        Assert.Equal(1, _h.Spotify.ApiRequestsTo("me/player/recently-played"));
    }

    [Theory]
    [InlineData(500, 2)]
    [InlineData(502, 30)]
    public async Task A_server_error_asking_for_a_wait_that_fits_is_waited_out_and_the_retry_lands(int status, int retryAfterSeconds)
    {
        _h.Spotify.Inject("me/player/recently-played", new Fault.StatusFault(status, "Server error", null, retryAfterSeconds));

        var run = await _h.RunAsync(ExtractionSource.RecentlyPlayed());

        Assert.Contains(TimeSpan.FromSeconds(retryAfterSeconds), _h.Clock.Waits);
        Assert.Equal(SourceStatus.Landed, Assert.Single(run.Manifest.Sources).Status);
    }
}
