using SpotifyEtl.Spotify;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>
/// The manifest's <c>requests</c> counts every Web API request the run sent, whatever became of it: retries, a request asked
/// again after a 401, and the request that failed or stopped its source, in total and per source.
/// </summary>
public sealed class RequestCountTests : IAsyncLifetime
{
    private const string Playlist = "3cEYpjA9oz9GiPac4AsH4n";
    private ExtractionHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await ExtractionHarness.StartAsync();
        _h.Spotify.AddPlaylist(Playlist, items: 120);
        _h.Spotify.SavedTrackCount = 70;
        _h.Spotify.Plays.AddRange(Enumerable.Range(0, 20).Select(index => 1_763_700_000_000L + index * 200_000L));
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>The Web API path each source's requests start with.</summary>
    private static readonly (ExtractionSource Source, string Path)[] Sources =
    [
        (ExtractionSource.Playlist(Playlist), $"playlists/{Playlist}"),
        (ExtractionSource.RecentlyPlayed(), "me/player/recently-played"),
        (ExtractionSource.TopTracks("short_term"), "me/top/tracks"),
        (ExtractionSource.SavedTracks(), "me/tracks"),
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    public async Task Every_request_sent_is_counted_in_the_manifest_whatever_its_answer(int seed)
    {
        var random = new Random(seed);
        Fault[] kinds =
        [
            Fault.ServerError(500), Fault.ServerError(503), Fault.TooManyRequests(1), Fault.TooManyRequests(3600), Fault.Forbidden(),
            Fault.Malformed(), new Fault.StatusFault(404, "Not found", null, null), new Fault.StatusFault(401, "The access token expired", null, null),
            Fault.QuotaExceeded(),
        ];
        foreach (var (_, path) in Sources)
        {
            // From none to more than the retries allow, so some sources land after retries and others fail or stop on them.
            _h.Spotify.Inject(path, Enumerable.Range(0, random.Next(0, 7)).Select(_ => kinds[random.Next(kinds.Length)]).ToArray());
        }
        _h.MaxConcurrency = 1 + random.Next(2);

        var run = await _h.RunAsync(Sources.Select(source => source.Source).ToArray());

        Assert.Equal(_h.Spotify.ApiRequests.Count, run.Manifest.Requests);
        foreach (var (source, path) in Sources)
        {
            var report = run.Manifest.Sources.Single(report => report.Source == source.Name);
            Assert.True(_h.Spotify.ApiRequestsTo(path) == report.Requests, $"{source.Name} ({report.Status}: {report.Error}): {_h.Spotify.ApiRequestsTo(path)} sent, {report.Requests} counted");
        }
    }
}
