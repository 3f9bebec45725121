using System.Text;
using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using SpotifyEtl.Storage;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>
/// Answers compressed on the wire, as the client asks for them and as a proxy may send them unasked: each raw object lands
/// as the JSON the page holds, decoded, byte for byte what an uncompressed answer lands; an answer that does not decode, or
/// that decodes past the size cap, fails its source with a message, never a stack trace.
/// </summary>
public sealed class CompressedAnswerTests
{
    private const string Mine = "3cEYpjA9oz9GiPac4AsH4n";

    private static readonly ExtractionSource[] Sources =
    [
        ExtractionSource.Playlist(Mine), ExtractionSource.RecentlyPlayed(), ExtractionSource.TopTracks("short_term"),
        ExtractionSource.TopArtists("long_term"), ExtractionSource.SavedTracks(), ExtractionSource.MyPlaylists(),
    ];

    /// <summary>Every raw object one run lands from a double compressing as told, in order of their text.</summary>
    private static async Task<(List<string> Bodies, SpotifyDouble Spotify)> LandedAsync(ExtractionHarness h, PageCompression compression, int items)
    {
        h.Spotify.CompressPages = compression;
        h.Spotify.AddPlaylist(Mine, items);
        h.Spotify.SavedTrackCount = items / 2 + 1;
        for (var play = 0; play < items % 50 + 1; play++)
        {
            h.Spotify.Plays.Add(1_763_700_000_000L + play * 240_000L);
        }
        var run = await h.RunAsync(Sources);
        // The account's playlist list lands nothing new where the playlist's own source landed it first.
        Assert.All(run.Manifest.Sources, source => Assert.Contains(source.Status, new[] { SourceStatus.Landed, SourceStatus.Unchanged }));
        var bodies = new List<string>();
        foreach (var key in (await h.KeysAsync("raw/")).Where(k => k.EndsWith(".json", StringComparison.Ordinal)))
        {
            // Each double's links name its own port.
            bodies.Add(Encoding.UTF8.GetString(await h.Store.ReadAllBytesAsync(key)).Replace(h.Spotify.BaseAddress.ToString(), "https://spotify.test/", StringComparison.Ordinal));
        }
        bodies.Sort(StringComparer.Ordinal);
        return (bodies, h.Spotify);
    }

    [Theory]
    [InlineData(PageCompression.WhenAccepted, 1)]
    [InlineData(PageCompression.WhenAccepted, 137)]
    [InlineData(PageCompression.Always, 49)]
    [InlineData(PageCompression.Always, 260)]
    public async Task Pages_compressed_on_the_wire_land_as_the_json_an_uncompressed_answer_lands(PageCompression compression, int items)
    {
        await using var plain = await ExtractionHarness.StartAsync();
        await using var compressed = await ExtractionHarness.StartAsync();

        var (expected, _) = await LandedAsync(plain, PageCompression.None, items);
        var (landed, spotify) = await LandedAsync(compressed, compression, items);

        Assert.NotEmpty(expected);
        Assert.Equal(expected, landed);
        Assert.True(spotify.CompressedAnswers >= expected.Count / 2, $"{spotify.CompressedAnswers} of {expected.Count} pages came compressed");
        // Asked for: every request names the encodings the client decodes.
        Assert.All(spotify.AcceptEncodings, accepted =>
        {
            foreach (var encoding in new[] { "gzip", "deflate", "br" })
            {
                Assert.Contains(encoding, accepted, StringComparison.Ordinal);
            }
        });
    }

    /// <summary>
    /// The tool as a user runs it (the native build under make test), from a Spotify whose every page comes gzipped unasked:
    /// each landed page is JSON, and the transform reads every one of them.
    /// </summary>
    [Fact]
    public async Task The_built_tool_extracts_compressed_pages_and_transforms_them()
    {
        using var folder = new SpotifyEtl.Tests.Support.TempFolder();
        await using var spotify = await SpotifyDouble.StartAsync();
        spotify.CompressPages = PageCompression.Always;
        spotify.AddPlaylist(Mine, items: 120);
        spotify.Plays.AddRange([1_763_700_000_000, 1_763_700_300_000]);
        var environment = new Dictionary<string, string>(SpotifyEtl.Tests.Cli.CliTestContext.ProcessWithCredentials(folder.Path, SpotifyDouble.ClientId,
            SpotifyDouble.ClientSecret, SpotifyDouble.InitialRefreshToken))
        {
            ["SPOTIFY_API_BASE_URL"] = spotify.Endpoints.ApiBase.ToString(),
            ["SPOTIFY_ACCOUNTS_BASE_URL"] = spotify.Endpoints.AccountsBase.ToString(),
            ["HOME"] = folder.Path,
        };
        var lake = folder["lake"];

        var extract = await Task.Run(() => SpotifyEtl.Tests.Support.SpotifyEtlProcess.RunWithin(TimeSpan.FromMinutes(2), environment,
            "extract", "--lake", lake, "--playlist", Mine, "--recently-played", "--top-tracks", "short_term", "--saved-tracks"));
        var transform = await Task.Run(() => SpotifyEtl.Tests.Support.SpotifyEtlProcess.RunWithin(TimeSpan.FromMinutes(2), "transform", "--lake", lake, "--json"));

        Assert.True(extract.ExitCode == 0, extract.Errors);
        Assert.True(spotify.CompressedAnswers > 0);
        var pages = Directory.GetFiles(Path.Combine(lake, "raw"), "*.json", SearchOption.AllDirectories);
        Assert.NotEmpty(pages);
        Assert.All(pages, page => System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(page)).Dispose());
        Assert.True(transform.ExitCode == 0, transform.Errors);
        Assert.DoesNotContain("quarantine", Directory.GetDirectories(lake).Select(Path.GetFileName));
    }

    public static TheoryData<string, int> EncodedPages()
    {
        var data = new TheoryData<string, int>();
        var random = new Random(26);
        foreach (var encoding in new[] { "gzip", "deflate", "br" })
        {
            for (var i = 0; i < 3; i++)
            {
                data.Add(encoding, random.Next(0, 200_000));
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EncodedPages))]
    public async Task An_answer_in_any_encoding_it_names_is_read_as_the_bytes_it_encodes(string encoding, int padding)
    {
        await using var h = await ExtractionHarness.StartAsync();
        var body = Encoding.UTF8.GetBytes("{\"items\": [], \"pad\": \"" + new string('x', padding) + "\", \"name\": \"Björk · 夜に駆ける\"}");
        h.Spotify.Inject("me/top/tracks", new Fault.EncodedFault(encoding, SpotifyDouble.Compressed(encoding, body)));
        using var http = SpotifyHttp.Create();
        using var client = SpotifyApiClient.Create(http, h.Spotify.Endpoints, h.Spotify.Credentials(), h.ClientOptions);

        var response = await client.GetAsync("me/top/tracks", CancellationToken.None);

        Assert.Equal(body, response.Body);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public async Task A_small_compressed_answer_that_decodes_past_the_cap_fails_its_source_at_once(string encoding)
    {
        await using var h = await ExtractionHarness.StartAsync();
        h.ClientOptions = h.ClientOptions with { MaxResponseBytes = 1024 * 1024 };
        // Four megabytes of spaces, a few kilobytes on the wire.
        var bomb = SpotifyDouble.Compressed(encoding, Encoding.UTF8.GetBytes("{\"items\": [" + new string(' ', 4 * 1024 * 1024) + "]}"));
        Assert.True(bomb.Length < 64 * 1024, $"{bomb.Length} bytes");
        h.Spotify.Inject("me/top/tracks", new Fault.EncodedFault(encoding, bomb));

        var run = await h.RunAsync(ExtractionSource.TopTracks("short_term"));

        var source = Assert.Single(run.Manifest.Sources);
        Assert.Equal(SourceStatus.Failed, source.Status);
        Assert.Contains("more than 1 MiB", source.Error, StringComparison.Ordinal);
        Assert.Equal(1, h.Spotify.ApiRequestsTo("me/top/tracks"));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    public async Task A_token_answer_that_does_not_decode_stops_the_run_saying_so_not_as_a_network_down(string encoding)
    {
        await using var h = await ExtractionHarness.StartAsync();
        h.Spotify.Plays.Add(1_763_700_000_000L);
        var damaged = Encoding.UTF8.GetBytes("{\"access_token\": \"BQD\"} is not " + encoding);
        h.Spotify.Inject("token", [.. Enumerable.Range(0, 10).Select(_ => new Fault.EncodedFault(encoding, damaged))]);

        var run = await h.RunAsync(ExtractionSource.RecentlyPlayed());

        Assert.Equal(ExtractionOutcome.Stopped, run.Manifest.Outcome);
        Assert.StartsWith("Spotify's token endpoint answered with 200 and a compressed body that does not decode", run.Manifest.StopReason, StringComparison.Ordinal);
        Assert.Contains("the credentials were not refused", run.Manifest.StopReason, StringComparison.Ordinal);
        Assert.DoesNotContain("could not be reached", run.Manifest.StopReason, StringComparison.Ordinal);
        Assert.Equal(h.ClientOptions.MaxRetryAttempts + 1, h.Spotify.TokenGrants.Count);
    }

    public static TheoryData<string, int> Undecodable()
    {
        var data = new TheoryData<string, int>();
        foreach (var encoding in new[] { "gzip", "deflate", "br" })
        {
            // Bytes flipped early and late in the stream, and a body that is not of the encoding at all.
            data.Add(encoding, 0);
            data.Add(encoding, 3);
            data.Add(encoding, -1);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Undecodable))]
    public async Task An_answer_that_does_not_decode_is_asked_again_then_fails_its_source_saying_so(string encoding, int damagedAt)
    {
        await using var h = await ExtractionHarness.StartAsync();
        h.Spotify.AddPlaylist(Mine, items: 3);
        var page = SpotifyDouble.Compressed(encoding, Encoding.UTF8.GetBytes("{\"items\": [" + string.Join(",", Enumerable.Repeat("{\"a\": 1}", 500)) + "]}"));
        byte[] Damaged()
        {
            if (damagedAt < 0)
            {
                return Encoding.UTF8.GetBytes("{\"items\": []} is not " + encoding);
            }
            var bytes = (byte[])page.Clone();
            for (var i = damagedAt; i < bytes.Length; i += 7)
            {
                bytes[i] ^= 0x5A;
            }
            return bytes;
        }
        h.Spotify.Inject("me/top/tracks", [.. Enumerable.Range(0, 4).Select(_ => new Fault.EncodedFault(encoding, Damaged()))]);

        var run = await h.RunAsync(ExtractionSource.TopTracks("short_term"), ExtractionSource.Playlist(Mine));

        var failed = run.Manifest.Sources.Single(s => s.Source.Contains("top", StringComparison.Ordinal));
        Assert.Equal(SourceStatus.Failed, failed.Status);
        Assert.StartsWith("GET me/top/tracks?time_range=short_term&limit=50&offset=0 answered 200 (a compressed body that does not decode", failed.Error, StringComparison.Ordinal);
        // Spotify answered: no word of a network that failed, and the status it answered is kept.
        Assert.DoesNotContain("no answer", failed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("online", failed.Error, StringComparison.Ordinal);
        Assert.Equal(200, failed.HttpStatus);
        Assert.DoesNotContain("   at ", failed.Error, StringComparison.Ordinal);
        Assert.True(h.Spotify.ApiRequestsTo("me/top/tracks") > 1, "asked again");
        Assert.Equal(SourceStatus.Landed, run.Manifest.Sources.Single(s => s != failed).Status);
    }
}
