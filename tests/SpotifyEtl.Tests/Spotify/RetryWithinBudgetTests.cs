using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>
/// A request Spotify keeps failing (500, 502, 503, 504) is retried with backoff only while the retry comes inside the
/// run's time budget: a run never waits past its budget (a Lambda would be cut off before saving its state), and a run
/// that ends for it names the failure, not only the budget.
/// </summary>
public sealed class RetryWithinBudgetTests : IAsyncLifetime
{
    private ExtractionHarness _h = null!;

    public async Task InitializeAsync() => _h = await ExtractionHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 12)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task A_failing_request_never_waits_past_the_run_budget_and_a_run_it_ends_names_the_failure(int seed)
    {
        var random = new Random(seed);
        var budget = TimeSpan.FromSeconds(1 + random.Next(30));
        _h.Budget = budget;
        _h.MaxConcurrency = 1;
        _h.ClientOptions = new SpotifyClientOptions
        {
            MaxRetryAttempts = 2 + random.Next(5),
            BackoffDelay = TimeSpan.FromMilliseconds(500 + random.Next(5000)),
            Jitter = () => random.NextDouble(),
        };
        Fault[] kinds = [Fault.ServerError(500), Fault.ServerError(502), Fault.ServerError(503), Fault.ServerError(504)];
        var fault = kinds[random.Next(kinds.Length)];
        _h.Spotify.SavedTrackCount = 60;
        _h.Spotify.Inject("me/tracks", Enumerable.Repeat(fault, 10).ToArray());

        var run = await _h.RunAsync(ExtractionSource.SavedTracks());

        var waited = _h.Clock.Waits.Aggregate(TimeSpan.Zero, (sum, wait) => sum + wait);
        Assert.True(waited < budget, $"the run waited {waited} in all ({string.Join(", ", _h.Clock.Waits)}), past its budget of {budget}");
        var source = run.Manifest.Sources.Single();
        if (run.Manifest.Outcome == ExtractionOutcome.Stopped)
        {
            Assert.Equal(SourceStatus.Stopped, source.Status);
            Assert.Contains("GET /v1/me/tracks failed (answered 50", run.Manifest.StopReason, StringComparison.Ordinal);
            Assert.Contains("s would leave the run less than 10 s of its time budget to ask again", run.Manifest.StopReason, StringComparison.Ordinal);
            Assert.DoesNotContain("The run's time budget is used up", run.Manifest.StopReason, StringComparison.Ordinal);
        }
        else
        {
            // Every retry fitted: the source failed as it would with no budget at all.
            Assert.Equal(SourceStatus.Failed, source.Status);
            Assert.Equal(_h.ClientOptions.MaxRetryAttempts, _h.Clock.Waits.Count);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Each_retry_of_an_answer_names_its_request_as_the_sources_run_side_by_side(int seed)
    {
        // Retry lines of sources running at once interleave on stderr: "answered 503; retry 1 of 4" alone said of which request.
        var random = new Random(seed);
        var told = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _h.ClientOptions = new SpotifyClientOptions { MaxRetryAttempts = 4, BackoffDelay = TimeSpan.FromMilliseconds(10), OnRetry = retry => told.Enqueue(retry.Failure) };
        Fault[] kinds = [Fault.ServerError(500), Fault.ServerError(502), Fault.ServerError(503), Fault.ServerError(504), Fault.TooManyRequests(retryAfterSeconds: 1)];
        var faults = Enumerable.Range(0, 1 + random.Next(3)).Select(_ => kinds[random.Next(kinds.Length)]).ToArray();
        _h.Spotify.Inject("me/tracks", faults);

        var run = await _h.RunAsync(ExtractionSource.SavedTracks());

        Assert.Equal(ExtractionOutcome.Succeeded, run.Manifest.Outcome);
        Assert.Equal(faults.Length, told.Count);
        Assert.All(told, failure => Assert.Matches(@"^GET /v1/me/tracks answered (429|50\d)$", failure));
    }
}
