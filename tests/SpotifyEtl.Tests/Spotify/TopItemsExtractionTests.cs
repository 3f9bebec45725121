using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

public sealed class TopItemsExtractionTests : IAsyncLifetime
{
    private ExtractionHarness _h = null!;

    public async Task InitializeAsync() => _h = await ExtractionHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_top_list_reads_the_first_fifty_items_by_default_however_long_spotifys_list_is()
    {
        _h.Spotify.TopTrackCount = 2750;

        var report = (await _h.RunAsync(ExtractionSource.TopTracks("long_term"))).Manifest.Sources.Single();

        Assert.Equal((1, 1, 50), (report.Requests, report.Pages, report.Items));
    }

    [Fact]
    public async Task A_top_list_reads_as_many_items_as_configured_in_pages_of_at_most_fifty_never_asking_past_the_limit()
    {
        _h.Options = new ExtractorOptions { TopItemsLimit = 120 };
        _h.Spotify.TopTrackCount = 500;

        var report = (await _h.RunAsync(ExtractionSource.TopTracks("medium_term"))).Manifest.Sources.Single();

        Assert.Equal((3, 120), (report.Pages, report.Items));
        Assert.Equal(
        [
            "me/top/tracks?time_range=medium_term&limit=50&offset=0",
            "me/top/tracks?time_range=medium_term&limit=50&offset=50",
            "me/top/tracks?time_range=medium_term&limit=20&offset=100",
        ], _h.Spotify.ApiRequests);
    }

    [Fact]
    public async Task A_top_list_shorter_than_the_limit_stops_where_spotifys_list_ends()
    {
        _h.Options = new ExtractorOptions { TopItemsLimit = 200 };
        _h.Spotify.TopArtistCount = 70;

        var report = (await _h.RunAsync(ExtractionSource.TopArtists("short_term"))).Manifest.Sources.Single();

        Assert.Equal((2, 2, 70), (report.Requests, report.Pages, report.Items));

        // Unchanged the next day: the 304 on the second page remembers there was no third.
        _h.Clock.Advance(TimeSpan.FromDays(1));
        var nextDay = (await _h.RunAsync(ExtractionSource.TopArtists("short_term"))).Manifest.Sources.Single();
        Assert.Equal((SourceStatus.Unchanged, 2, 2), (nextDay.Status, nextDay.Requests, nextDay.NotModified));
    }

    [Fact]
    public async Task When_one_page_of_a_top_list_changed_every_page_lands_so_the_snapshot_holds_every_rank()
    {
        _h.Options = new ExtractorOptions { TopItemsLimit = 100 };
        _h.Spotify.TopTrackCount = 100;
        await _h.RunAsync(ExtractionSource.TopTracks("short_term"));
        _h.Spotify.ReplacedTopTracks.Add(75);
        _h.Clock.Advance(TimeSpan.FromDays(1));

        var report = (await _h.RunAsync(ExtractionSource.TopTracks("short_term"))).Manifest.Sources.Single();

        // The first page answered 304, the second changed: the first is fetched again so both land.
        Assert.Equal(SourceStatus.Landed, report.Status);
        Assert.Equal((3, 1, 2, 100), (report.Requests, report.NotModified, report.Pages, report.Items));
        using var first = await _h.ReadJsonAsync(report.Objects[0]);
        Assert.Equal(0, first.RootElement.GetProperty("offset").GetInt32());
        using var second = await _h.ReadJsonAsync(report.Objects[1]);
        Assert.Equal("topshort_termreplaced75", second.RootElement.GetProperty("items")[25].GetProperty("id").GetString());
    }
}
