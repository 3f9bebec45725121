using System.Globalization;
using System.Text.Json;
using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>
/// Recently played against a double that, as Spotify does, keeps only the newest plays: every play still reachable
/// after the cursor lands, and plays that were no longer reachable are reported as a gap, never passed over in silence.
/// </summary>
public sealed class RecentlyPlayedExtractionTests : IAsyncLifetime
{
    private static readonly long Start = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private ExtractionHarness _h = null!;

    public async Task InitializeAsync() => _h = await ExtractionHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>
    /// Plays between two runs from none to several pages, around the page size and the number Spotify keeps, with
    /// either answer to a full <c>after</c> page (the newest plays, or the oldest with a next link).
    /// </summary>
    public static TheoryData<int, int, bool> Cases()
    {
        var cases = new TheoryData<int, int, bool>();
        // Spotify keeps "about" 50: fewer than a page (a short page after the cursor may then hide a gap), a page, more.
        foreach (var reachable in new[] { 30, 47, 50, 120 })
        {
            foreach (var played in new[] { 0, 1, 29, 30, 46, 47, 48, 49, 50, 51, 99, 119, 120, 121, 170 })
            {
                foreach (var oldestFirst in new[] { false, true })
                {
                    cases.Add(played, reachable, oldestFirst);
                }
            }
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_reachable_play_after_the_cursor_lands_and_the_unreachable_ones_are_reported_as_a_gap(int played, int reachable, bool oldestFirst)
    {
        _h.Spotify.ReachablePlays = reachable;
        _h.Spotify.AfterServesOldest = oldestFirst;
        var (cursor, second, third) = await RunsAfterACursorAsync(played);

        // Spotify still had the newest `reachable` plays when the second run asked: those after the cursor all landed.
        var stillThere = _h.Spotify.Plays.OrderDescending().Take(reachable).Where(play => play > cursor).ToHashSet();
        var landed = await LandedPlaysAsync();
        Assert.Superset(stillThere, landed.Where(play => play > cursor).ToHashSet());
        Assert.Equal(stillThere.Count, landed.Count(play => play > cursor));
        // Once where Spotify answers the newest first, as it does: no page landed twice, no play after the cursor on two
        // pages (a run may land plays before the cursor again: the page that reaches back to it shows that no gap is left).
        // Where it answers the oldest first, the walk back from the newest lands some of them a second time, and the
        // transformation keeps each play once.
        var onPages = (await LandedPlayListAsync()).Count(play => play > cursor);
        Assert.True(oldestFirst ? onPages >= stillThere.Count : onPages == stillThere.Count, $"{onPages} plays after the cursor on the pages, {stillThere.Count} distinct");
        Assert.Equal(ExtractionOutcome.Succeeded, second.Manifest.Outcome);
        Assert.Equal(0, third.Manifest.Sources.Single().Items);
        Assert.Null(third.Manifest.Sources.Single().Gap);

        var gap = second.Manifest.Sources.Single().Gap;
        if (played < reachable)
        {
            // Spotify's plays reached back past the cursor: nothing can be missing.
            Assert.Null(gap);
            Assert.DoesNotContain(_h.LogLines, line => line.Contains("\"gap\"", StringComparison.Ordinal) || line.Contains(StackContract.LogEvents.RecentlyPlayedGap, StringComparison.Ordinal));
            return;
        }
        // Every play that did not land lies inside the gap reported, which runs from the cursor to the oldest play Spotify still had.
        Assert.NotNull(gap);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(cursor), gap.After);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(stillThere.Min()), gap.Before);
        Assert.All(_h.Spotify.Plays.Where(play => play > cursor && !landed.Contains(play)),
            lost => Assert.InRange(DateTimeOffset.FromUnixTimeMilliseconds(lost), gap.After, gap.Before));

        // The manifest and a warning log line say so, with both ends.
        using var manifest = await _h.ReadJsonAsync(second.ManifestKey);
        var saved = manifest.RootElement.GetProperty("sources")[0].GetProperty("gap");
        Assert.Equal(gap.After, saved.GetProperty("after").GetDateTimeOffset());
        Assert.Equal(gap.Before, saved.GetProperty("before").GetDateTimeOffset());
        var lines = _h.LogLines.Select(text => JsonDocument.Parse(text).RootElement).ToList();
        var line = lines.Single(root => root.TryGetProperty("gap", out _));
        Assert.Equal(("warn", "source_extracted"), (line.GetProperty("level").GetString(), line.GetProperty("event").GetString()));
        // And a line of its own, the one the stack's alarm counts.
        var alarmed = lines.Single(root => root.GetProperty("event").GetString() == StackContract.LogEvents.RecentlyPlayedGap);
        Assert.Equal((gap.After, gap.Before), (alarmed.GetProperty("after").GetDateTimeOffset(), alarmed.GetProperty("before").GetDateTimeOffset()));
        Assert.Contains("data export", alarmed.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// A Spotify that answers a page asked after the cursor with its newest plays whatever the cursor: a page that already
    /// holds a play at or before the cursor holds every play since, so nothing can be missing and no gap is reported (a
    /// walk back from its oldest play found nothing older where Spotify keeps one page, and called the plays before the
    /// cursor a gap at every run). Plays Spotify let go before the run asked are still a gap, and every reachable play lands.
    /// </summary>
    [Theory]
    [InlineData(0, 50)]
    [InlineData(1, 50)]
    [InlineData(20, 50)]
    [InlineData(49, 50)]
    [InlineData(50, 50)]
    [InlineData(80, 50)]
    [InlineData(10, 30)]
    [InlineData(29, 47)]
    [InlineData(60, 47)]
    [InlineData(30, 120)]
    [InlineData(119, 120)]
    [InlineData(150, 120)]
    public async Task A_page_that_reaches_back_past_the_cursor_is_no_gap_where_Spotify_answers_its_newest_plays_whatever_the_cursor(int played, int reachable)
    {
        _h.Spotify.ReachablePlays = reachable;
        _h.Spotify.AfterIgnored = true;
        var (cursor, second, third) = await RunsAfterACursorAsync(played);

        var stillThere = _h.Spotify.Plays.OrderDescending().Take(reachable).Where(play => play > cursor).ToHashSet();
        Assert.Equal(stillThere, (await LandedPlaysAsync()).Where(play => play > cursor).ToHashSet());
        Assert.Null(third.Manifest.Sources.Single().Gap);
        var gap = second.Manifest.Sources.Single().Gap;
        if (played < reachable)
        {
            Assert.Null(gap);
            Assert.DoesNotContain(_h.LogLines, line => line.Contains(StackContract.LogEvents.RecentlyPlayedGap, StringComparison.Ordinal));
            return;
        }
        Assert.NotNull(gap);
        Assert.Equal((DateTimeOffset.FromUnixTimeMilliseconds(cursor), DateTimeOffset.FromUnixTimeMilliseconds(stillThere.Min())), (gap.After, gap.Before));
    }

    /// <summary>
    /// What may end a run at its first step back: a source's failure (500 through every retry), or a stop of the whole run (a
    /// rate limit longer than the run waits, the app's quota spent). Each leaves the cursor where it was.
    /// </summary>
    public static TheoryData<string> Cuts() => ["server errors", "rate limited past the run's wait", "quota exceeded"];

    [Theory]
    [MemberData(nameof(Cuts))]
    public async Task A_run_cut_short_while_walking_back_keeps_its_cursor_so_the_next_run_lands_the_plays_it_missed(string cut)
    {
        await PlayedSinceTheCursorAsync(reachable: 200, played: 120);

        // The second run lands the newest page, then is cut short at its first step back.
        _h.Spotify.Inject("me/player/recently-played?limit=50&before=", cut switch
        {
            "server errors" => Enumerable.Repeat(Fault.ServerError(), _h.ClientOptions.MaxRetryAttempts + 1).ToArray(),
            "rate limited past the run's wait" => [Fault.TooManyRequests(retryAfterSeconds: 3600)],
            _ => [Fault.QuotaExceeded()],
        });
        _h.Clock.Advance(TimeSpan.FromHours(1));
        var run = await _h.RunAsync(ExtractionSource.RecentlyPlayed());
        Assert.Equal(cut == "server errors" ? SourceStatus.Failed : SourceStatus.Stopped, run.Manifest.Sources.Single().Status);
        using (var state = await _h.ReadJsonAsync(ExtractionState.Key))
        {
            Assert.Equal(Play(29).ToString(CultureInfo.InvariantCulture), state.RootElement.GetProperty("recently_played").GetProperty("after").GetString());
        }

        // Past any wait the stop saved.
        _h.Clock.Advance(TimeSpan.FromDays(2));
        var next = await _h.RunAsync(ExtractionSource.RecentlyPlayed());

        Assert.Equal(SourceStatus.Landed, next.Manifest.Sources.Single().Status);
        Assert.Null(next.Manifest.Sources.Single().Gap);
        Assert.Equal(150, (await LandedPlaysAsync()).Count);
    }

    [Fact]
    public async Task A_walk_back_longer_than_the_sources_page_limit_fails_the_source_and_keeps_the_cursor_instead_of_reporting_a_gap()
    {
        await PlayedSinceTheCursorAsync(reachable: 300, played: 200);

        // The page after the cursor and two steps back: 100 of the 200 plays, with Spotify still holding the rest.
        _h.Options = _h.Options with { MaxPagesPerSource = 3 };
        _h.Clock.Advance(TimeSpan.FromHours(1));
        var limited = await _h.RunAsync(ExtractionSource.RecentlyPlayed());

        var source = limited.Manifest.Sources.Single();
        Assert.Equal((SourceStatus.Failed, 3), (source.Status, source.Pages));
        Assert.Null(source.Gap);
        Assert.Contains("still paging after 3 pages", source.Error, StringComparison.Ordinal);
        using (var state = await _h.ReadJsonAsync(ExtractionState.Key))
        {
            Assert.Equal(Play(29).ToString(CultureInfo.InvariantCulture), state.RootElement.GetProperty("recently_played").GetProperty("after").GetString());
        }

        _h.Options = _h.Options with { MaxPagesPerSource = 1000 };
        _h.Clock.Advance(TimeSpan.FromHours(1));
        var next = await _h.RunAsync(ExtractionSource.RecentlyPlayed());
        Assert.Equal(SourceStatus.Landed, next.Manifest.Sources.Single().Status);
        Assert.Equal(230, (await LandedPlaysAsync()).Count);
    }

    [Fact]
    public async Task A_full_page_with_an_item_whose_time_cannot_be_read_is_still_full_and_the_run_walks_back()
    {
        await PlayedSinceTheCursorAsync(reachable: 120, played: 70);
        _h.Spotify.GarbledPlays.Add(Play(99));

        _h.Clock.Advance(TimeSpan.FromHours(1));
        var run = await _h.RunAsync(ExtractionSource.RecentlyPlayed());

        Assert.Null(run.Manifest.Sources.Single().Gap);
        // Every play after the cursor landed: the one whose time is garbled as an item of its page, the rest by their times.
        Assert.Equal(69, (await LandedPlaysAsync()).Count(play => play > Play(29)));
    }

    /// <summary>A first run lands 30 plays and sets the cursor at the last; then <paramref name="played"/> more are played.</summary>
    private async Task PlayedSinceTheCursorAsync(int reachable, int played)
    {
        _h.Spotify.ReachablePlays = reachable;
        _h.Spotify.Plays.AddRange(Enumerable.Range(0, 30).Select(Play));
        await _h.RunAsync(ExtractionSource.RecentlyPlayed());
        _h.Spotify.Plays.AddRange(Enumerable.Range(30, played).Select(Play));
    }

    /// <summary>
    /// A first run over 30 plays, which leaves the cursor at the last of them (no gap); then <paramref name="played"/> more
    /// plays and two runs an hour apart. Returns the cursor and the second and third runs.
    /// </summary>
    private async Task<(long Cursor, ExtractionRun Second, ExtractionRun Third)> RunsAfterACursorAsync(int played)
    {
        _h.Spotify.Plays.AddRange(Enumerable.Range(0, 30).Select(Play));
        Assert.Null((await _h.RunAsync(ExtractionSource.RecentlyPlayed())).Manifest.Sources.Single().Gap);
        _h.Spotify.Plays.AddRange(Enumerable.Range(30, played).Select(Play));
        _h.Clock.Advance(TimeSpan.FromHours(1));
        var second = await _h.RunAsync(ExtractionSource.RecentlyPlayed());
        _h.Clock.Advance(TimeSpan.FromHours(1));
        return (Play(29), second, await _h.RunAsync(ExtractionSource.RecentlyPlayed()));
    }

    private static long Play(int index) => Start + index * 200_000L;

    private async Task<HashSet<long>> LandedPlaysAsync() => [.. await LandedPlayListAsync()];

    /// <summary>Every play of every landed page, as often as the pages hold it.</summary>
    private async Task<List<long>> LandedPlayListAsync()
    {
        var plays = new List<long>();
        foreach (var key in await _h.KeysAsync("raw/recently_played/"))
        {
            using var page = await _h.ReadJsonAsync(key);
            foreach (var item in page.RootElement.GetProperty("items").EnumerateArray())
            {
                if (item.GetProperty("played_at").TryGetDateTimeOffset(out var played))
                {
                    plays.Add(played.ToUnixTimeMilliseconds());
                }
            }
        }
        return plays;
    }
}
