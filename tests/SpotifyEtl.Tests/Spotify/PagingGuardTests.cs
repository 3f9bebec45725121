using System.Text.Json.Nodes;
using SpotifyEtl.Lake;
using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>A Spotify whose <c>next</c> links misbehave: back to pages already read, on from empty pages, past any total, or not URLs at all.</summary>
public sealed class PagingGuardTests : IAsyncLifetime
{
    private const string Items = "playlists/3cEYpjA9oz9GiPac4AsH4n/items";
    private ExtractionHarness _h = null!;

    public async Task InitializeAsync() => _h = await ExtractionHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 12)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task A_next_link_back_to_a_page_already_requested_fails_the_playlist_and_the_next_good_run_extracts_it_again(int seed)
    {
        var random = new Random(seed);
        var pages = random.Next(2, 7);
        _h.Spotify.AddPlaylist("3cEYpjA9oz9GiPac4AsH4n", pages * 50 - random.Next(0, 50));
        var loopAt = random.Next(0, pages - 1);
        var back = random.Next(0, loopAt + 1);
        _h.Spotify.RewritePage = (route, offset, page) =>
        {
            if (route == Items && offset == loopAt * 50)
            {
                page["next"] = LinkTo(random, route, back, "additional_types=track,episode");
            }
        };

        var failed = (await _h.RunAsync(ExtractionSource.Playlist("3cEYpjA9oz9GiPac4AsH4n"))).Manifest.Sources.Single();

        Assert.Equal(SourceStatus.Failed, failed.Status);
        Assert.Contains($"still paging after {loopAt + 1} pages, and page {loopAt + 1} linked back to a page already requested", failed.Error, StringComparison.Ordinal);
        Assert.Equal(loopAt + 1, _h.Spotify.ApiRequestsTo(Items));
        Assert.Equal(loopAt + 1, failed.Objects.Count(key => RawObjectKey.Parse(key).Source == RawSource.PlaylistItems));

        // The snapshot was not recorded: once Spotify behaves, the same snapshot is extracted in full.
        _h.Spotify.RewritePage = null;
        _h.Clock.Advance(TimeSpan.FromHours(1));
        var again = (await _h.RunAsync(ExtractionSource.Playlist("3cEYpjA9oz9GiPac4AsH4n"))).Manifest.Sources.Single();
        Assert.Equal(SourceStatus.Landed, again.Status);
        Assert.Equal(_h.Spotify.Playlists["3cEYpjA9oz9GiPac4AsH4n"].ItemCount, again.Items);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task A_next_link_back_to_a_page_already_requested_fails_saved_tracks_without_recording_the_pass(int seed)
    {
        var random = new Random(seed);
        var pages = random.Next(2, 7);
        _h.Spotify.SavedTrackCount = pages * 50;
        var loopAt = random.Next(0, pages - 1);
        var back = random.Next(0, loopAt + 1);
        _h.Spotify.RewritePage = (route, offset, page) =>
        {
            if (route == "me/tracks" && offset == loopAt * 50)
            {
                page["next"] = LinkTo(random, route, back, null);
            }
        };

        var failed = (await _h.RunAsync(ExtractionSource.SavedTracks())).Manifest.Sources.Single();

        Assert.Equal(SourceStatus.Failed, failed.Status);
        Assert.Contains("linked back to a page already requested", failed.Error, StringComparison.Ordinal);
        Assert.Equal(loopAt + 1, failed.Objects.Count);

        _h.Spotify.RewritePage = null;
        _h.Clock.Advance(TimeSpan.FromHours(1));
        var again = (await _h.RunAsync(ExtractionSource.SavedTracks())).Manifest.Sources.Single();
        Assert.Equal(SourceStatus.Landed, again.Status);
        Assert.Equal(ExtractionPass.Full, again.Pass);
        Assert.Equal(pages * 50, again.Items);
    }

    /// <summary>
    /// A server that serves its last page again for every link on, with a <c>total</c> true or past any list: the source stops
    /// at the first repeat, where it went on to its cap (1,000 requests in seconds, and hundreds of MB landed).
    /// </summary>
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    [InlineData(4, true)]
    public async Task A_page_that_repeats_the_one_before_it_stops_the_source_at_once_whatever_its_total(int seed, bool lyingTotal)
    {
        var random = new Random(seed);
        var pages = random.Next(1, 6);
        var count = pages * 50 - random.Next(0, 50);
        _h.Spotify.SavedTrackCount = count;
        var last = (pages - 1) * 50;
        JsonNode? lastItems = null;
        _h.Spotify.RewritePage = (route, offset, page) =>
        {
            if (route != "me/tracks" || offset < last)
            {
                return;
            }
            if (offset == last)
            {
                lastItems = page["items"]!.DeepClone();
            }
            else
            {
                (page["items"], page["offset"]) = (lastItems!.DeepClone(), last);
            }
            page["total"] = lyingTotal ? int.MaxValue : count;
            page["next"] = offset < 300 * 50 ? _h.Spotify.Link($"{route}?offset={offset + 50}&limit=50") : null;
        };

        var failed = (await _h.RunAsync(ExtractionSource.SavedTracks())).Manifest.Sources.Single();

        Assert.Equal(SourceStatus.Failed, failed.Status);
        Assert.Contains($"and page {pages + 1} repeated page {pages}", failed.Error, StringComparison.Ordinal);
        Assert.Equal(pages + 1, _h.Spotify.ApiRequestsTo("me/tracks"));
    }

    /// <summary>
    /// A <c>next</c> link past the end of its page (items never served) fails the playlist before asking for it, so that no
    /// day takes the list for whole; once Spotify behaves, the same snapshot is extracted in full.
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task A_next_link_that_skips_items_fails_the_playlist_and_the_next_good_run_extracts_it_whole(int seed)
    {
        var random = new Random(seed);
        var pages = random.Next(2, 7);
        _h.Spotify.AddPlaylist("3cEYpjA9oz9GiPac4AsH4n", pages * 50 - random.Next(0, 50));
        var skipAt = random.Next(0, pages - 1);
        var skipped = random.Next(1, 60);
        _h.Spotify.RewritePage = (route, offset, page) =>
        {
            if (route == Items && offset == skipAt * 50)
            {
                page["next"] = _h.Spotify.Link($"{route}?offset={offset + 50 + skipped}&limit=50");
            }
        };

        var failed = (await _h.RunAsync(ExtractionSource.Playlist("3cEYpjA9oz9GiPac4AsH4n"))).Manifest.Sources.Single();

        Assert.Equal(SourceStatus.Failed, failed.Status);
        Assert.Contains($"its next page starts at item {(skipAt + 1) * 50 + skipped}, past the {(skipAt + 1) * 50} this page ended at", failed.Error, StringComparison.Ordinal);
        Assert.Equal(skipAt + 1, _h.Spotify.ApiRequestsTo(Items));

        _h.Spotify.RewritePage = null;
        _h.Clock.Advance(TimeSpan.FromHours(1));
        var again = (await _h.RunAsync(ExtractionSource.Playlist("3cEYpjA9oz9GiPac4AsH4n"))).Manifest.Sources.Single();
        Assert.Equal(SourceStatus.Landed, again.Status);
        Assert.Equal(_h.Spotify.Playlists["3cEYpjA9oz9GiPac4AsH4n"].ItemCount, again.Items);
    }

    public static TheoryData<int> Totals()
    {
        var random = new Random(7);
        var totals = new List<int> { 1, 49, 50, 51, 120, 9_999, 10_000, 10_001, 1_000_000, 2_000_000_000, int.MaxValue };
        totals.AddRange(Enumerable.Range(0, 5).Select(_ => (int)Math.Min(int.MaxValue, Math.Exp(random.NextDouble() * Math.Log(int.MaxValue)))));
        return [.. totals];
    }

    [Theory]
    [MemberData(nameof(Totals))]
    public async Task An_empty_page_that_links_on_stops_the_source_after_it_whatever_its_total(int total)
    {
        _h.Spotify.AddPlaylist("3cEYpjA9oz9GiPac4AsH4n", 0);
        _h.Spotify.SavedTrackCount = 0;
        _h.Spotify.RewritePage = (route, offset, page) =>
        {
            page["total"] = total;
            // A bounded misbehaviour, so a missing guard shows as a landing rather than a test that never ends.
            page["next"] = offset < 300 * 50 ? _h.Spotify.Link($"{route}?offset={offset + 50}&limit=50") : null;
        };

        var run = (await _h.RunAsync(ExtractionSource.Playlist("3cEYpjA9oz9GiPac4AsH4n"), ExtractionSource.SavedTracks())).Manifest.Sources;

        Assert.All(run, report =>
        {
            Assert.Equal(SourceStatus.Failed, report.Status);
            Assert.Contains("still paging after 1 pages, and page 1 held no items yet linked to a next page", report.Error, StringComparison.Ordinal);
        });
        Assert.Equal(1, _h.Spotify.ApiRequestsTo(Items));
        Assert.Equal(1, _h.Spotify.ApiRequestsTo("me/tracks"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10_000)]
    [InlineData(2_000_000_000)]
    [InlineData(int.MaxValue)]
    public async Task A_playlist_whose_pages_keep_coming_stops_past_the_10000_items_a_playlist_can_hold_whatever_its_total(int total)
    {
        _h.Spotify.AddPlaylist("3cEYpjA9oz9GiPac4AsH4n", 12_000);
        _h.Spotify.RewritePage = (_, _, page) => page["total"] = total;

        var report = (await _h.RunAsync(ExtractionSource.Playlist("3cEYpjA9oz9GiPac4AsH4n"))).Manifest.Sources.Single();

        Assert.Equal(SourceStatus.Failed, report.Status);
        Assert.Contains("still paging after 201 pages, more than the 10000 items it can hold need", report.Error, StringComparison.Ordinal);
        Assert.Equal(201, _h.Spotify.ApiRequestsTo(Items));
    }

    [Theory]
    [InlineData(2_000)]
    [InlineData(2_000_000_000)]
    [InlineData(int.MaxValue)]
    public async Task Saved_tracks_take_every_page_a_large_total_allows_while_each_brings_items(int total)
    {
        _h.Options = new ExtractorOptions { MaxPagesPerSource = 5 };
        _h.Spotify.SavedTrackCount = 1_000;
        _h.Spotify.RewritePage = (_, _, page) => page["total"] = total;

        var report = (await _h.RunAsync(ExtractionSource.SavedTracks())).Manifest.Sources.Single();

        Assert.Equal(SourceStatus.Landed, report.Status);
        Assert.Equal(20, report.Pages);
        Assert.Equal(1_000, report.Items);
    }

    public static TheoryData<string> OddLinks()
    {
        var links = new TheoryData<string> { "file:///etc/passwd", "ftp://api.spotify.com/v1/me/tracks?offset=50", "not a link", "/v1/me/tracks?offset=50",
            "me/tracks?offset=50", "javascript:alert(1)", "mailto:a@b.c", "https://api.spotify.com/v1/me/tracks?offset=50\0", "http://" + new string('a', 5000) + "\u2028" };
        var random = new Random(11);
        for (var i = 0; i < 8; i++)
        {
            var link = "https://api.spotify.com/v1/me/tracks?offset=50&limit=50";
            var control = random.Next(0, 3) == 0 ? (char)127 : (char)random.Next(0, 32);
            links.Add(link.Insert(random.Next(0, link.Length + 1), control.ToString()));
        }
        return links;
    }

    [Theory]
    [MemberData(nameof(OddLinks))]
    public async Task A_next_link_that_is_not_an_http_url_fails_the_source_with_the_link_shown_escaped(string next)
    {
        _h.Spotify.SavedTrackCount = 120;
        _h.Spotify.RewritePage = (_, offset, page) =>
        {
            if (offset == 0)
            {
                page["next"] = next;
            }
        };

        var report = (await _h.RunAsync(ExtractionSource.SavedTracks())).Manifest.Sources.Single();

        Assert.Equal(SourceStatus.Failed, report.Status);
        Assert.StartsWith("saved_tracks answered a next link that is not an http(s) URL (", report.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(report.Error!, character => char.IsControl(character) || character is '\u2028' or '\u2029');
        Assert.True(report.Error!.Length < 400, report.Error);
        Assert.Single(_h.Spotify.ApiRequests);
        Assert.Single(report.Objects);
    }

    [Fact]
    public async Task An_empty_next_link_ends_the_list_like_null_on_every_run()
    {
        _h.Spotify.AddPlaylist("3cEYpjA9oz9GiPac4AsH4n", 120);
        _h.Spotify.SavedTrackCount = 120;
        _h.Options = new ExtractorOptions { TopItemsLimit = 150 };
        _h.Spotify.RewritePage = (route, offset, page) =>
        {
            if (offset >= 100 || route == "me/top/tracks")
            {
                page["next"] = "";
            }
        };

        for (var day = 0; day < 2; day++)
        {
            var run = (await _h.RunAsync(ExtractionSource.Playlist("3cEYpjA9oz9GiPac4AsH4n"), ExtractionSource.SavedTracks(), ExtractionSource.TopTracks("short_term"))).Manifest.Sources;
            Assert.All(run, report => Assert.True(report.Status is SourceStatus.Landed or SourceStatus.Unchanged, report.Error));
            _h.Clock.Advance(TimeSpan.FromDays(1));
        }
        Assert.DoesNotContain(_h.Spotify.ApiRequests, path => path.Length == 0 || path.StartsWith('?'));
        Assert.Equal(3, _h.Spotify.ApiRequestsTo(Items));
        Assert.DoesNotContain(_h.Spotify.ApiRequests, path => path.StartsWith("me/top/tracks", StringComparison.Ordinal) && path.Contains("offset=50", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Pages_linked_on_another_path_are_asked_on_the_lists_own_path_with_its_parameters(int seed)
    {
        // The links of a playlist's items name the /tracks path they left (Development Mode refuses it), and those of the
        // saved songs a /users path; in every shape a link takes: parameters in any order, offsets written with zeros,
        // no limit, a trailing slash, parameters of its own.
        var random = new Random(seed);
        var (items, saved) = (random.Next(51, 400), random.Next(51, 400));
        _h.Spotify.AddPlaylist("3cEYpjA9oz9GiPac4AsH4n", items);
        _h.Spotify.SavedTrackCount = saved;
        _h.Spotify.RewritePage = (route, offset, page) =>
        {
            if (page["next"] is null)
            {
                return;
            }
            var next = offset + 50;
            var elsewhere = route == Items ? "playlists/3cEYpjA9oz9GiPac4AsH4n/tracks" : $"users/{_h.Spotify.Account.Id}/tracks";
            var parameters = new List<string> { random.Next(3) == 0 ? $"offset={next:D5}" : $"offset={next}" };
            parameters.AddRange(new[] { "limit=50", "locale=en", "additional_types=episode" }.Where(_ => random.Next(2) == 0));
            page["next"] = _h.Spotify.Link(elsewhere + (random.Next(4) == 0 ? "/" : "") + "?" + string.Join('&', parameters.OrderBy(_ => random.Next())));
        };

        var run = (await _h.RunAsync(ExtractionSource.Playlist("3cEYpjA9oz9GiPac4AsH4n"), ExtractionSource.SavedTracks())).Manifest.Sources;

        Assert.All(run, report => Assert.True(report.Status == SourceStatus.Landed, report.Error));
        Assert.Equal([items, saved], run.Select(report => report.Items));
        Assert.Equal(0, _h.Spotify.ApiRequestsTo("users/") + _h.Spotify.ApiRequestsTo("playlists/3cEYpjA9oz9GiPac4AsH4n/tracks"));
        // The playlist's own parameters go with every page: episodes are asked for as the first page asked for them.
        var pages = _h.Spotify.ApiRequests.Where(path => path.StartsWith(Items, StringComparison.Ordinal)).ToList();
        Assert.Equal((items + 49) / 50, pages.Count);
        Assert.All(pages, path => Assert.Contains("additional_types=track,episode", path, StringComparison.Ordinal));
    }

    /// <summary>A link to page <paramref name="page"/> of <paramref name="route"/>, its parameters in random order, offset 0 sometimes left out.</summary>
    private string LinkTo(Random random, string route, int page, string? extra)
    {
        var parameters = new List<string> { "limit=50" };
        if (page > 0 || random.Next(2) == 0)
        {
            parameters.Add($"offset={page * 50}");
        }
        if (extra is not null)
        {
            parameters.Add(extra);
        }
        return _h.Spotify.Link(route + "?" + string.Join('&', parameters.OrderBy(_ => random.Next())));
    }
}
