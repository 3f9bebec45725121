using System.Globalization;
using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>What the default sources cost in requests per day on the default (hourly) schedule, as docs/extraction.md gives it.</summary>
public sealed class ExtractionBudgetTests : IAsyncLifetime
{
    private const string Mine = "3cEYpjA9oz9GiPac4AsH4n";
    private ExtractionHarness _h = null!;

    public async Task InitializeAsync() => _h = await ExtractionHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>
    /// On an account that plays nothing in those days, and on one that plays a track every hour: each run that finds new
    /// plays asks for one play before the oldest of them as well, which shows that none was lost between runs.
    /// </summary>
    [Theory]
    [InlineData(200, false, 31, 27)]
    [InlineData(5320, false, 134, 27)]
    [InlineData(200, true, 54, 51)]
    [InlineData(5320, true, 157, 51)]
    public async Task Hourly_runs_of_the_default_sources_cost_a_full_pass_on_the_first_day_and_27_requests_a_day_after_or_51_on_an_account_that_plays(
        int savedTracks, bool listening, int firstDayRequests, int laterDayRequests)
    {
        _h.Spotify.SavedTrackCount = savedTracks;
        _h.Spotify.Plays.Add(new DateTimeOffset(2026, 11, 21, 5, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds());
        ExtractionSource[] defaults = [ExtractionSource.RecentlyPlayed(), ExtractionSource.TopTracks("short_term"),
            ExtractionSource.TopArtists("long_term"), ExtractionSource.SavedTracks()];
        _h.Clock.Advance(TimeSpan.FromHours(18)); // midnight, so each day has its 24 runs
        var perDay = new Dictionary<string, int>();
        for (var hour = 0; hour < 48; hour++)
        {
            if (listening)
            {
                _h.Spotify.Plays.Add(_h.Clock.GetUtcNow().AddMinutes(-20).ToUnixTimeMilliseconds());
            }
            var manifest = (await _h.RunAsync(defaults)).Manifest;
            Assert.Equal(ExtractionOutcome.Succeeded, manifest.Outcome);
            var day = manifest.StartedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            perDay[day] = perDay.GetValueOrDefault(day) + manifest.Requests;
            _h.Clock.Advance(TimeSpan.FromHours(1));
        }

        Assert.Equal(firstDayRequests, perDay["2026-11-22"]);
        Assert.Equal(laterDayRequests, perDay["2026-11-23"]);
        Assert.Equal(_h.Spotify.ApiRequests.Count, perDay.Values.Sum());
    }

    [Fact]
    public async Task An_unchanged_playlist_costs_one_bodiless_304_an_hour_after_its_daily_landing()
    {
        _h.Spotify.AddPlaylist(Mine, items: 60);
        await _h.RunAsync(ExtractionSource.Playlist(Mine));
        _h.Clock.Advance(TimeSpan.FromHours(1));

        var run = await _h.RunAsync(ExtractionSource.Playlist(Mine));

        var report = run.Manifest.Sources.Single();
        Assert.Equal((SourceStatus.Unchanged, 1, 1), (report.Status, report.Requests, report.NotModified));
        Assert.Equal(1, run.Manifest.NotModified);
        Assert.Empty(report.Objects);
        // The other 304 was the first run's: its metadata asked again after the items, to see the version held.
        Assert.Equal(2, _h.Spotify.NotModifiedAnswers);
    }

    [Fact]
    public async Task A_playlist_changed_since_its_daily_landing_lands_its_new_items_despite_the_conditional_request()
    {
        var playlist = _h.Spotify.AddPlaylist(Mine, items: 60);
        await _h.RunAsync(ExtractionSource.Playlist(Mine));
        playlist.SnapshotId = "snapshot-2";
        _h.Clock.Advance(TimeSpan.FromHours(1));

        var report = (await _h.RunAsync(ExtractionSource.Playlist(Mine))).Manifest.Sources.Single();

        // The one 304 answers the metadata asked again after the items: the new version held while they were read.
        Assert.Equal((SourceStatus.Landed, 1), (report.Status, report.NotModified));
        Assert.Equal(3, report.Objects.Count);
    }
}
