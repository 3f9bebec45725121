using SpotifyEtl.Spotify;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>
/// Spotify rate-limits an app as a whole, so a <c>Retry-After</c> told to one request holds back every other request
/// of the same client. The clock moves only when a test moves it, so "not before" is checked at the very tick.
/// </summary>
public sealed class SharedRetryAfterTests : IAsyncLifetime, IDisposable
{
    private const string Limited = "3cEYpjA9oz9GiPac4AsH4n";
    private const string Other = "1aBcDeFgHiJkLmNoPqRsTu";
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(250);
    private readonly HttpClient _http = new();
    private SpotifyDouble _spotify = null!;

    public async Task InitializeAsync()
    {
        _spotify = await SpotifyDouble.StartAsync();
        _spotify.AddPlaylist(Limited, items: 1);
        _spotify.AddPlaylist(Other, items: 1);
    }

    public async Task DisposeAsync() => await _spotify.DisposeAsync();

    public void Dispose() => _http.Dispose();

    /// <summary>Generated waits, from a second to the longest a client takes by default.</summary>
    public static TheoryData<int> Waits()
    {
        var random = new Random(429);
        var waits = new TheoryData<int> { 1 };
        foreach (var wait in Enumerable.Range(0, 3).Select(_ => random.Next(2, 601)))
        {
            waits.Add(wait);
        }
        return waits;
    }

    [Theory]
    [MemberData(nameof(Waits))]
    public async Task A_request_sent_while_another_waits_out_Retry_After_is_held_until_the_wait_has_passed(int seconds)
    {
        _spotify.Inject($"playlists/{Limited}", Fault.TooManyRequests(seconds));
        var clock = new TimerCountingClock(new DateTimeOffset(2026, 11, 21, 6, 0, 0, TimeSpan.Zero));
        var told = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var client = SpotifyApiClient.Create(_http, _spotify.Endpoints, _spotify.Credentials(),
            new SpotifyClientOptions { TimeProvider = clock, OnRetry = _ => told.TrySetResult() }, null, RunBudget.Unlimited(clock));

        var limited = client.GetAsync($"playlists/{Limited}", CancellationToken.None);
        await told.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var other = client.GetAsync($"playlists/{Other}", CancellationToken.None);
        // The limited request's retry delay and the other request's wait are both set before the clock moves.
        await clock.TimersCreated(2).WaitAsync(TimeSpan.FromSeconds(30));

        await AssertHeldAsync(other);
        clock.Advance(TimeSpan.FromSeconds(seconds) - TimeSpan.FromTicks(1));
        await AssertHeldAsync(other);
        clock.Advance(TimeSpan.FromTicks(1));
        var answers = await Task.WhenAll(limited, other).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(answers, answer => Assert.NotEmpty(answer.Body));
        Assert.Equal(1, _spotify.ApiRequestsTo($"playlists/{Other}"));
        Assert.Equal(2, _spotify.ApiRequestsTo($"playlists/{Limited}"));
    }

    [Fact]
    public async Task A_shorter_Retry_After_told_later_does_not_end_a_longer_wait_early()
    {
        _spotify.Inject($"playlists/{Limited}", Fault.TooManyRequests(60));
        _spotify.Inject($"playlists/{Other}", Fault.TooManyRequests(5));
        var clock = new TimerCountingClock(new DateTimeOffset(2026, 11, 21, 6, 0, 0, TimeSpan.Zero));
        var retries = 0;
        var bothTold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var client = SpotifyApiClient.Create(_http, _spotify.Endpoints, _spotify.Credentials(),
            new SpotifyClientOptions
            {
                TimeProvider = clock,
                OnRetry = _ =>
                {
                    if (Interlocked.Increment(ref retries) == 2)
                    {
                        bothTold.TrySetResult();
                    }
                },
            }, null, RunBudget.Unlimited(clock));

        // Both requests reach Spotify before either is told to wait, as two sources side by side would send them:
        // the first answers are held until both have arrived.
        using var bothArrived = new CountdownEvent(2);
        var arrived = 0;
        _spotify.OnApiRequest = path =>
        {
            if (path.StartsWith("playlists/", StringComparison.Ordinal) && Interlocked.Increment(ref arrived) <= 2)
            {
                bothArrived.Signal();
                bothArrived.Wait(TimeSpan.FromSeconds(30));
            }
        };
        var limited = client.GetAsync($"playlists/{Limited}", CancellationToken.None);
        var other = client.GetAsync($"playlists/{Other}", CancellationToken.None);
        await bothTold.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await clock.TimersCreated(2).WaitAsync(TimeSpan.FromSeconds(30));

        clock.Advance(TimeSpan.FromSeconds(5));
        // The other request's own delay has ended; it now waits out the rest of the longer one.
        await clock.TimersCreated(3).WaitAsync(TimeSpan.FromSeconds(30));
        await AssertHeldAsync(other, requestsSoFar: 1);
        clock.Advance(TimeSpan.FromSeconds(55));
        await Task.WhenAll(limited, other).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, _spotify.ApiRequestsTo($"playlists/{Other}"));
    }

    /// <summary>The request has not reached Spotify (beyond the requests it had sent already) and has no answer.</summary>
    private async Task AssertHeldAsync(Task<SpotifyResponse> request, int requestsSoFar = 0)
    {
        await Task.Delay(Settle);
        Assert.Equal(requestsSoFar, _spotify.ApiRequestsTo($"playlists/{Other}"));
        Assert.False(request.IsCompleted, "the request was answered while the client should have been waiting");
    }
}
