using System.Globalization;
using System.Text;
using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using SpotifyEtl.Storage;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>A Retry-After is believed up to 24 hours, when it is saved and when a saved one is read back: never a lake locked for good.</summary>
public sealed class BogusRetryAfterTests : IAsyncLifetime
{
    private ExtractionHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await ExtractionHarness.StartAsync();
        _h.Spotify.Plays.Add(1_763_700_000_000L);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    public static TheoryData<string> RetryAfters()
    {
        var data = new TheoryData<string>();
        foreach (var seconds in new long[] { 0, 1, 59, 600, 601, 3600, 86399, 86400, 86401, 604800, 1_000_000_000, int.MaxValue })
        {
            data.Add(seconds.ToString(CultureInfo.InvariantCulture));
        }
        // And drawn past a day, up to a billion seconds (the header holds at most int.MaxValue).
        var random = new Random(26);
        for (var i = 0; i < 3; i++)
        {
            data.Add(((long)(86_400 * Math.Pow(10, 4 * random.NextDouble()))).ToString(CultureInfo.InvariantCulture));
        }
        var now = new InstantTimeProvider().GetUtcNow();
        foreach (var ahead in new[] { TimeSpan.FromHours(-1), TimeSpan.FromMinutes(5), TimeSpan.FromHours(2), TimeSpan.FromDays(2), TimeSpan.FromDays(3650) })
        {
            data.Add((now + ahead).ToString("r", CultureInfo.InvariantCulture));
        }
        data.Add("Fri, 31 Dec 9999 23:59:59 GMT");
        return data;
    }

    [Theory]
    [MemberData(nameof(RetryAfters))]
    public async Task A_saved_wait_is_at_most_24_hours_and_the_run_after_it_asks_again(string retryAfter)
    {
        _h.Spotify.Inject("me/player/recently-played", new Fault.RawFault(429, "application/json",
            "{\"error\":{\"status\":429,\"message\":\"API rate limit exceeded\"}}", retryAfter));

        var asked = Asked(retryAfter, _h.Clock.GetUtcNow());

        var first = await _h.RunAsync(ExtractionSource.RecentlyPlayed());

        var state = await ExtractionState.LoadAsync(_h.Store, CancellationToken.None);
        if (asked > _h.ClientOptions.LongestWait || asked >= _h.Budget)
        {
            // Too long to wait out (longer than the client waits, or than the run has left): the run stops and saves the wait, believed up to 24 hours.
            Assert.Equal(ExtractionOutcome.Stopped, first.Manifest.Outcome);
            Assert.NotNull(state.Wait);
            Assert.Equal(asked < TimeSpan.FromHours(24) ? asked : TimeSpan.FromHours(24), state.Wait.Until - _h.Clock.GetUtcNow());
            // The stop names the Retry-After as Spotify sent it, and the wait believed when that is shorter: not 86400 s alone.
            var reason = first.Manifest.StopReason ?? "";
            Assert.Contains($"a Retry-After of {asked.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s", reason, StringComparison.Ordinal);
            Assert.True(asked > TimeSpan.FromHours(24) == reason.Contains("believed up to 86400 s", StringComparison.Ordinal), reason);
        }
        else
        {
            // Short enough (or none, or gone by): waited out in the run, which lands the page.
            Assert.Equal(ExtractionOutcome.Succeeded, first.Manifest.Outcome);
            Assert.Null(state.Wait);
            Assert.True(asked == TimeSpan.Zero || _h.Clock.Waits.Contains(asked), $"the run did not wait the {asked} asked");
        }
        _h.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        var before = _h.Spotify.ApiRequestsTo("me/player/recently-played");

        var next = await _h.RunAsync(ExtractionSource.RecentlyPlayed());

        Assert.Equal(ExtractionOutcome.Succeeded, next.Manifest.Outcome);
        Assert.True(_h.Spotify.ApiRequestsTo("me/player/recently-played") > before);
    }

    /// <summary>
    /// A wait saved by a run on a clock hours fast, corrected since, ends as long after the next run's start as it did after
    /// the fast run's (how long ago that was, the corrected clock cannot tell): a run before then still sits it out, the first
    /// after it asks again, not hours later.
    /// </summary>
    [Theory]
    [InlineData(2, 900)]
    [InlineData(5, 1800)]
    [InlineData(8, 3000)]
    public async Task A_wait_saved_on_a_fast_clock_since_corrected_ends_as_long_after_the_run_as_it_asked(int hoursFast, int retryAfterSeconds)
    {
        _h.Clock.Advance(TimeSpan.FromHours(hoursFast));
        _h.Spotify.Inject("me/player/recently-played", new Fault.RawFault(429, "application/json",
            "{\"error\":{\"status\":429,\"message\":\"API rate limit exceeded\"}}", retryAfterSeconds.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(ExtractionOutcome.Stopped, (await _h.RunAsync(ExtractionSource.RecentlyPlayed())).Manifest.Outcome);

        _h.Clock.Advance(TimeSpan.FromHours(-hoursFast) + TimeSpan.FromSeconds(retryAfterSeconds / 2));
        var before = _h.Spotify.ApiRequestsTo("me/player/recently-played");
        Assert.Equal(ExtractionOutcome.Stopped, (await _h.RunAsync(ExtractionSource.RecentlyPlayed())).Manifest.Outcome);
        Assert.Equal(before, _h.Spotify.ApiRequestsTo("me/player/recently-played"));

        _h.Clock.Advance(TimeSpan.FromSeconds(retryAfterSeconds + 60));
        Assert.Equal(ExtractionOutcome.Succeeded, (await _h.RunAsync(ExtractionSource.RecentlyPlayed())).Manifest.Outcome);
        Assert.True(_h.Spotify.ApiRequestsTo("me/player/recently-played") > before);
    }

    /// <summary>The wait a Retry-After header asks for at <paramref name="now"/>: seconds, or an HTTP date (one gone by asks for none).</summary>
    private static TimeSpan Asked(string retryAfter, DateTimeOffset now) =>
        long.TryParse(retryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : DateTimeOffset.ParseExact(retryAfter, "r", CultureInfo.InvariantCulture) - now is var ahead && ahead > TimeSpan.Zero ? ahead : TimeSpan.Zero;

    [Theory]
    [InlineData("9999-12-31T23:59:59+00:00")]
    [InlineData("2126-11-21T06:00:00+00:00")]
    [InlineData("2026-11-23T06:00:00+00:00")]
    public async Task A_wait_saved_too_far_ahead_ends_24_hours_after_the_run_that_reads_it(string until)
    {
        await _h.Store.PutBytesAsync(ExtractionState.Key,
            Encoding.UTF8.GetBytes($"{{\"wait\": {{\"until\": \"{until}\", \"quota_exceeded\": false}}}}"), "application/json", CancellationToken.None);

        var held = await _h.RunAsync(ExtractionSource.RecentlyPlayed());
        Assert.Equal(ExtractionOutcome.Stopped, held.Manifest.Outcome);
        var state = await ExtractionState.LoadAsync(_h.Store, CancellationToken.None);
        Assert.InRange(state.Wait!.Until - _h.Clock.GetUtcNow(), TimeSpan.Zero, TimeSpan.FromHours(24));

        _h.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        var next = await _h.RunAsync(ExtractionSource.RecentlyPlayed());
        Assert.Equal(ExtractionOutcome.Succeeded, next.Manifest.Outcome);
    }

    [Fact]
    public void Capped_keeps_a_wait_between_zero_and_24_hours()
    {
        var random = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            var wait = TimeSpan.FromSeconds((random.NextDouble() - 0.1) * Math.Pow(10, random.Next(0, 11)));
            Assert.InRange(SpotifyWait.Capped(wait), TimeSpan.Zero, SpotifyWait.Longest);
        }
        Assert.Equal(TimeSpan.FromHours(24), SpotifyWait.Longest);
    }
}
