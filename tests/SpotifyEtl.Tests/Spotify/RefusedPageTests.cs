using System.Text;
using System.Text.Json.Nodes;
using SpotifyEtl.Lake;
using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>
/// A Spotify, or something between it and this machine, that answers a page the transformation sets aside: bytes that are
/// no UTF-8 inside an item, an item that is no object, a success of any 2xx status whose body is no page. The page lands,
/// and its source fails before it records the page as read (a playlist's version, the recently-played cursor, a
/// saved-tracks pass, a top list's ETag), so the next run reads that page's items again rather than being told "unchanged".
/// </summary>
public sealed class RefusedPageTests : IAsyncLifetime
{
    private const string PlaylistId = "3cEYpjA9oz9GiPac4AsH4n";
    private static readonly long Start = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private ExtractionHarness _h = null!;

    public async Task InitializeAsync() => _h = await ExtractionHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    public static TheoryData<string, int> Cases()
    {
        var cases = new TheoryData<string, int>();
        foreach (var source in new[] { "playlist", "recently_played", "saved_tracks", "top_tracks" })
        {
            foreach (var seed in Enumerable.Range(1, 8))
            {
                cases.Add(source, seed);
            }
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_page_the_transformation_sets_aside_fails_its_source_and_the_next_run_reads_it_again(string kind, int seed)
    {
        var random = new Random(seed);
        var (source, route, items) = Arrange(kind, random);
        var pages = (items + 49) / 50;
        var brokenOffset = random.Next(0, pages) * 50;
        var breakage = random.Next(0, Breakages);
        _h.Spotify.RewriteBytes = (pathAndQuery, body) =>
            pathAndQuery.StartsWith("/v1/" + route, StringComparison.Ordinal) && OffsetOf(pathAndQuery) == brokenOffset ? Break(body, breakage, random) : body;

        var failed = (await _h.RunAsync(source)).Manifest.Sources.Single();

        Assert.Equal(SourceStatus.Failed, failed.Status);
        Assert.Contains("answered 200 with a body that is not the expected JSON", failed.Error, StringComparison.Ordinal);
        Assert.Contains("the next run asks for it again", failed.Error, StringComparison.Ordinal);
        // The page landed as it came, and it is one the transformation refuses, for the reason the source gives.
        var refused = new List<string>();
        foreach (var key in failed.Objects)
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(_h.LakeFolder, key));
            try
            {
                RawObjectTransformer.Transform(RawObjectKey.Parse(key), bytes);
            }
            catch (InvalidRawObjectException exception)
            {
                refused.Add(exception.Reason);
            }
        }
        var reason = Assert.Single(refused);
        Assert.Contains(reason, failed.Error, StringComparison.Ordinal);

        // Once the pages come whole, the next run reads every item again, where it was told nothing had changed.
        _h.Spotify.RewriteBytes = null;
        _h.Clock.Advance(TimeSpan.FromHours(1));
        var again = (await _h.RunAsync(source)).Manifest.Sources.Single();
        Assert.Equal(SourceStatus.Landed, again.Status);
        Assert.Equal(items, again.Items);
        Assert.All(again.Objects, key => Assert.Empty(RawObjectTransformer.Transform(RawObjectKey.Parse(key), File.ReadAllBytes(Path.Combine(_h.LakeFolder, key))).UnreadableReasons));
        if (kind == "saved_tracks")
        {
            Assert.Equal(ExtractionPass.Full, again.Pass);
        }
    }

    /// <summary>A success other than 200 (a 204 without a body, a 203 from a proxy) is said with its own status, not as a 200.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_success_whose_body_is_no_page_is_said_with_the_status_it_came_with(string kind, int seed)
    {
        var random = new Random(seed);
        var (source, route, _) = Arrange(kind, random);
        var status = new[] { 200, 201, 202, 203, 204, 206 }[random.Next(6)];
        var body = status == 204 ? "" : new[] { "", "<html>Service busy</html>", "{\"items\": 3}", "{\"items\": [" }[random.Next(4)];
        _h.Spotify.Inject(route, [.. Enumerable.Range(0, 10).Select(_ => (Fault)new Fault.RawFault(status, "application/json", body))]);

        var failed = (await _h.RunAsync(source)).Manifest.Sources.Single();

        Assert.Equal(SourceStatus.Failed, failed.Status);
        Assert.Contains($"answered {status} with a body that is not the expected JSON", failed.Error, StringComparison.Ordinal);
        Assert.Contains("the next run asks for it again", failed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_with_an_item_the_transformation_leaves_out_lands_with_a_warning_that_names_it()
    {
        _h.Spotify.AddPlaylist(PlaylistId, 120);
        _h.Spotify.RewritePage = (route, offset, page) =>
        {
            if (offset == 50)
            {
                page["items"]![7]!["item"]!.AsObject().Remove("id");
            }
        };

        var report = (await _h.RunAsync(ExtractionSource.Playlist(PlaylistId))).Manifest.Sources.Single();

        Assert.Equal(SourceStatus.Landed, report.Status);
        var warning = Assert.Single(report.Warnings ?? []);
        Assert.StartsWith("GET playlists/3cEYpjA9oz9GiPac4AsH4n/items?offset=50&limit=50", warning, StringComparison.Ordinal);
        Assert.Contains("answered 1 of its 50 items in a shape the transformation cannot read and leaves out (the first: items[7] holds a track without an \"id\")",
            warning, StringComparison.Ordinal);
    }

    private (ExtractionSource Source, string Route, int Items) Arrange(string kind, Random random)
    {
        switch (kind)
        {
            case "playlist":
                var count = random.Next(1, 5) * 50 - random.Next(0, 50);
                _h.Spotify.AddPlaylist(PlaylistId, count);
                return (ExtractionSource.Playlist(PlaylistId), $"playlists/{PlaylistId}/items", count);
            case "recently_played":
                var plays = random.Next(1, 51);
                _h.Spotify.Plays.AddRange(Enumerable.Range(0, plays).Select(index => Start + index * 200_000L));
                return (ExtractionSource.RecentlyPlayed(), "me/player/recently-played", plays);
            case "saved_tracks":
                var saved = random.Next(1, 5) * 50 - random.Next(0, 50);
                _h.Spotify.SavedTrackCount = saved;
                return (ExtractionSource.SavedTracks(), "me/tracks", saved);
            default:
                var top = random.Next(1, 51);
                _h.Spotify.TopTrackCount = top;
                return (ExtractionSource.TopTracks("short_term"), "me/top/tracks", top);
        }
    }

    private const int Breakages = 6;

    /// <summary>Breaks one item of the page: a byte sequence that is no UTF-8 inside one of its texts, or the item made a value that is no object.</summary>
    private static byte[] Break(byte[] body, int breakage, Random random)
    {
        var page = JsonNode.Parse(body)!.AsObject();
        var items = page["items"]!.AsArray();
        var at = random.Next(0, items.Count);
        if (breakage < 4)
        {
            // The item's text gets a marker, replaced after serialization by bytes no JSON writer would write.
            var track = items[at]!["item"] ?? items[at]!["track"] ?? items[at]!;
            track["name"] = "before_BREAK_HERE_after";
            byte[] bad = breakage switch
            {
                0 => [0xFF],
                1 => [0xC3, 0x28],
                2 => [0xC0, 0xAF],
                _ => [0xED, 0xA0, 0x80],
            };
            var text = Encoding.UTF8.GetBytes(page.ToJsonString());
            var marker = "_BREAK_HERE_"u8.ToArray();
            var index = text.AsSpan().IndexOf(marker);
            return [.. text[..index], .. bad, .. text[(index + marker.Length)..]];
        }
        items[at] = breakage == 4 ? JsonValue.Create("an item that is a bare string") : new JsonArray(1, 2, 3);
        return Encoding.UTF8.GetBytes(page.ToJsonString());
    }

    private static int OffsetOf(string pathAndQuery)
    {
        var query = pathAndQuery.Contains('?', StringComparison.Ordinal) ? pathAndQuery[(pathAndQuery.IndexOf('?', StringComparison.Ordinal) + 1)..] : "";
        var offset = query.Split('&').FirstOrDefault(pair => pair.StartsWith("offset=", StringComparison.Ordinal));
        return offset is null ? 0 : int.Parse(offset["offset=".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
