using System.Text.Json;
using SpotifyEtl.Lake;
using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

public sealed class SavedTracksExtractionTests : IAsyncLifetime
{
    private ExtractionHarness _h = null!;

    public async Task InitializeAsync() => _h = await ExtractionHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task The_second_day_of_a_5000_track_library_costs_one_request_instead_of_a_hundred()
    {
        _h.Spotify.SavedTrackCount = 5000;

        var firstDay = (await _h.RunAsync(ExtractionSource.SavedTracks())).Manifest.Sources.Single();

        Assert.Equal(ExtractionPass.Full, firstDay.Pass);
        // A hundred pages, and the first asked again to see the library held still while they were read (a 304).
        Assert.Equal(101, firstDay.Requests);
        Assert.Equal(5000, firstDay.Items);
        Assert.All(firstDay.Objects, key => Assert.Equal("me", RawObjectKey.Parse(key).Subject));

        // Three songs saved overnight: one page, landed under "recent".
        _h.Spotify.SaveTracks(3, new DateTimeOffset(2026, 11, 21, 22, 0, 0, TimeSpan.Zero));
        _h.Clock.Advance(TimeSpan.FromDays(1));
        var secondDay = (await _h.RunAsync(ExtractionSource.SavedTracks())).Manifest.Sources.Single();

        Assert.Equal(SourceStatus.Landed, secondDay.Status);
        Assert.Equal(ExtractionPass.Incremental, secondDay.Pass);
        Assert.Equal(1, secondDay.Requests);
        var key = RawObjectKey.Parse(Assert.Single(secondDay.Objects));
        Assert.Equal(("recent", RawSource.SavedTracks, new DateOnly(2026, 11, 22)), (key.Subject, key.Source, key.SnapshotDate));
        using (var page = await _h.ReadJsonAsync(key.ToString()))
        {
            Assert.Equal(["new1", "new2", "new3"], page.RootElement.GetProperty("items").EnumerateArray().Take(3)
                .Select(item => item.GetProperty("track").GetProperty("id").GetString()));
        }

        // Nothing saved since: one conditional request, answered 304, nothing lands.
        _h.Clock.Advance(TimeSpan.FromDays(1));
        var thirdDay = (await _h.RunAsync(ExtractionSource.SavedTracks())).Manifest.Sources.Single();

        Assert.Equal(SourceStatus.Unchanged, thirdDay.Status);
        Assert.Equal((1, 1), (thirdDay.Requests, thirdDay.NotModified));
        Assert.Empty(thirdDay.Objects);
        // The other 304 answered the first day's first page asked again, once the full pass was read.
        Assert.Equal(2, _h.Spotify.NotModifiedAnswers);
    }

    [Fact]
    public async Task An_incremental_pass_pages_until_it_reaches_a_song_saved_before_the_last_landing()
    {
        _h.Spotify.SavedTrackCount = 200;
        await _h.RunAsync(ExtractionSource.SavedTracks());
        _h.Spotify.SaveTracks(120, new DateTimeOffset(2026, 11, 21, 22, 0, 0, TimeSpan.Zero));
        _h.Clock.Advance(TimeSpan.FromDays(1));

        var report = (await _h.RunAsync(ExtractionSource.SavedTracks())).Manifest.Sources.Single();

        // Pages 1 and 2 hold only new saves; page 3 starts with the last 20 and reaches the old library.
        Assert.Equal((3, 3, 150), (report.Requests, report.Pages, report.Items));
        var saved = new List<string>();
        foreach (var key in report.Objects)
        {
            using var page = await _h.ReadJsonAsync(key);
            saved.AddRange(page.RootElement.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("track").GetProperty("id").GetString()!));
        }
        Assert.Equal(120, saved.Count(id => id.StartsWith("new", StringComparison.Ordinal)));
        using var state = await _h.ReadJsonAsync(ExtractionState.Key);
        Assert.Equal("2026-11-21T22:00:00Z", state.RootElement.GetProperty("saved_tracks").GetProperty("newest_added_at").GetString());
    }

    [Fact]
    public async Task A_full_pass_comes_back_after_the_configured_days_and_shows_a_removed_song_gone()
    {
        _h.Options = new ExtractorOptions { SavedTracksFullPassDays = 3 };
        _h.Spotify.SavedTrackCount = 60;
        var passes = new List<ExtractionPass?>();
        for (var day = 0; day < 4; day++)
        {
            if (day == 2)
            {
                _h.Spotify.SavedTracks.RemoveAt(30);
            }
            var report = (await _h.RunAsync(ExtractionSource.SavedTracks())).Manifest.Sources.Single();
            passes.Add(report.Pass);
            _h.Clock.Advance(TimeSpan.FromDays(1));
        }

        Assert.Equal([ExtractionPass.Full, ExtractionPass.Incremental, ExtractionPass.Incremental, ExtractionPass.Full], passes);
        var fullPass = await _h.KeysAsync("raw/saved_tracks/snapshot_date=2026-11-24/me/");
        Assert.Equal(2, fullPass.Count);
        var ids = new List<string>();
        foreach (var key in fullPass)
        {
            using var page = await _h.ReadJsonAsync(key);
            ids.AddRange(page.RootElement.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("track").GetProperty("id").GetString()!));
        }
        Assert.Equal(59, ids.Count);
        Assert.DoesNotContain("saved30", ids);
    }

    [Fact]
    public async Task Without_ETags_an_incremental_pass_still_costs_a_single_page()
    {
        _h.Spotify.ServeETags = false;
        _h.Spotify.SavedTrackCount = 500;
        await _h.RunAsync(ExtractionSource.SavedTracks());
        _h.Clock.Advance(TimeSpan.FromDays(1));

        var report = (await _h.RunAsync(ExtractionSource.SavedTracks())).Manifest.Sources.Single();

        Assert.Equal((SourceStatus.Landed, 1, 0), (report.Status, report.Requests, report.NotModified));
        Assert.Equal("recent", RawObjectKey.Parse(Assert.Single(report.Objects)).Subject);
    }

    [Fact]
    public async Task A_failed_incremental_pass_is_not_hidden_by_a_304_the_next_day()
    {
        _h.Spotify.SavedTrackCount = 100;
        await _h.RunAsync(ExtractionSource.SavedTracks());
        _h.Spotify.SaveTracks(80, new DateTimeOffset(2026, 11, 21, 22, 0, 0, TimeSpan.Zero));
        // Every attempt at the second page fails (the harness allows 3 retries).
        _h.Spotify.Inject("me/tracks?offset=50", Enumerable.Repeat(Fault.ServerError(), 4).ToArray());
        _h.Clock.Advance(TimeSpan.FromDays(1));
        var failed = (await _h.RunAsync(ExtractionSource.SavedTracks())).Manifest.Sources.Single();
        Assert.Equal(SourceStatus.Failed, failed.Status);

        _h.Clock.Advance(TimeSpan.FromHours(1));
        var retried = (await _h.RunAsync(ExtractionSource.SavedTracks())).Manifest.Sources.Single();

        Assert.Equal(SourceStatus.Landed, retried.Status);
        Assert.Equal(0, retried.NotModified);
        Assert.Equal(2, retried.Pages);
    }

    [Theory]
    [InlineData(150, 2)]
    [InlineData(401, 3)]
    [InlineData(1_000, 1)]
    public async Task A_library_larger_than_the_page_limit_lands_every_page_its_total_needs_in_one_full_pass(int tracks, int limit)
    {
        _h.Options = new ExtractorOptions { MaxPagesPerSource = limit };
        _h.Spotify.SavedTrackCount = tracks;

        var report = (await _h.RunAsync(ExtractionSource.SavedTracks())).Manifest.Sources.Single();

        Assert.Equal(SourceStatus.Landed, report.Status);
        Assert.Equal(ExtractionPass.Full, report.Pass);
        Assert.Equal((tracks + 49) / 50, report.Objects.Count);
        Assert.Equal(tracks, report.Items);
    }

    [Fact]
    public async Task A_list_that_keeps_giving_next_past_the_limit_and_its_own_total_fails_with_a_paging_error_after_landing_what_it_read()
    {
        _h.Options = new ExtractorOptions { MaxPagesPerSource = 2 };
        _h.Spotify.SavedTrackCount = 300;
        _h.Spotify.SavedTracksTotalSaid = 50;

        var report = (await _h.RunAsync(ExtractionSource.SavedTracks())).Manifest.Sources.Single();

        Assert.Equal(SourceStatus.Failed, report.Status);
        Assert.Null(report.HttpStatus);
        Assert.Contains("still paging after 2 pages, more than the 50 items its list says it holds need", report.Error, StringComparison.Ordinal);
        Assert.Equal(2, report.Objects.Count);
    }
}
