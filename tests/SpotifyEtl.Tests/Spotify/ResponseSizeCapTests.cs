using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>An answer past the size cap fails its source at once, unretried, and memory stays bounded by the cap.</summary>
public sealed class ResponseSizeCapTests : IAsyncLifetime
{
    private ExtractionHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await ExtractionHarness.StartAsync();
        _h.Spotify.Plays.Add(1_763_700_000_000L);
        // The client's own request timeout: a megabyte of an endless body streamed by a test double on a loaded machine (the
        // whole test suite running beside it) took over 2 s, timed out, and was retried, as a timeout is.
        _h.ClientOptions = _h.ClientOptions with { MaxResponseBytes = 1024 * 1024, RequestTimeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_body_that_never_ends_fails_the_source_at_once_and_is_not_retried()
    {
        var endless = new Fault.EndlessFault();
        _h.Spotify.Inject("me/player/recently-played", endless, new Fault.EndlessFault(), new Fault.EndlessFault(), new Fault.EndlessFault());

        var run = await _h.RunAsync(ExtractionSource.RecentlyPlayed(), ExtractionSource.TopTracks("short_term"));

        var source = run.Manifest.Sources.Single(report => report.Source.Contains("recently", StringComparison.Ordinal));
        Assert.Equal(SourceStatus.Failed, source.Status);
        Assert.Contains("answered more than 1 MiB: no Spotify page is that large", source.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("online", source.Error, StringComparison.Ordinal);
        Assert.Equal(1, _h.Spotify.ApiRequestsTo("me/player/recently-played"));
        Assert.Equal(SourceStatus.Landed, run.Manifest.Sources.Single(report => report != source).Status);
    }

    [Theory]
    [InlineData(1024 * 1024 + 1, true)]
    [InlineData(3 * 1024 * 1024, true)]
    [InlineData(1024 * 1024 + 1, false)]
    [InlineData(5 * 1024 * 1024, false)]
    public async Task A_body_over_the_cap_fails_whether_or_not_its_length_is_said(int bytes, bool withLength)
    {
        _h.Spotify.Inject("me/player/recently-played", new Fault.RawFault(200, "application/json", "{\"items\": [" + new string(' ', bytes), WithLength: withLength));

        var run = await _h.RunAsync(ExtractionSource.RecentlyPlayed());

        var source = Assert.Single(run.Manifest.Sources);
        Assert.Equal(SourceStatus.Failed, source.Status);
        Assert.Contains("more than 1 MiB", source.Error, StringComparison.Ordinal);
        Assert.Equal(1, _h.Spotify.ApiRequestsTo("me/player/recently-played"));
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(1024 * 1024 - 100)]
    public async Task A_body_under_the_cap_is_read_whole(int bytes)
    {
        using var http = new HttpClient();
        var body = "{\"pad\": \"" + new string('x', bytes) + "\"}";
        _h.Spotify.Inject("me/top/tracks", new Fault.RawFault(200, "application/json", body));
        using var client = SpotifyApiClient.Create(http, _h.Spotify.Endpoints, _h.Spotify.Credentials(), _h.ClientOptions);

        var response = await client.GetAsync("me/top/tracks", CancellationToken.None);

        Assert.Equal(body.Length, response.Body.Length);
    }

    [Fact]
    public async Task The_default_cap_lets_a_50_MB_answer_land()
    {
        Assert.True(SpotifyClientOptions.DefaultMaxResponseBytes >= 60_000_000);
        using var http = new HttpClient();
        var body = "{\"pad\": \"" + new string('x', 50_000_000) + "\"}";
        _h.Spotify.Inject("me/top/tracks", new Fault.RawFault(200, "application/json", body));
        using var client = SpotifyApiClient.Create(http, _h.Spotify.Endpoints, _h.Spotify.Credentials(), new SpotifyClientOptions());

        var response = await client.GetAsync("me/top/tracks", CancellationToken.None);

        Assert.Equal(body.Length, response.Body.Length);
    }
}
