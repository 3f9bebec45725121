using System.Net;
using System.Net.Sockets;
using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>Offline is not a server error: when nothing answers, the manifest says so instead of quoting a status no server sent.</summary>
public sealed class UnreachableSpotifyTests
{
    [Theory]
    [InlineData("closed-port")]
    [InlineData("unknown-host")]
    public async Task A_Web_API_that_nothing_answers_fails_the_source_saying_no_answer_came_and_tells_each_retry_as_it_waits(string how)
    {
        await using var spotify = await SpotifyDouble.StartAsync();
        using var closed = ClosedPort();
        var api = how == "closed-port" ? new Uri($"http://127.0.0.1:{((IPEndPoint)closed.LocalEndPoint!).Port}/v1/") : new Uri("http://spotify-etl-offline.invalid/v1/");
        using var http = new HttpClient();
        var clock = new InstantTimeProvider();
        var retries = new List<SpotifyRetry>();
        // 2 minutes per attempt: time for a slow resolver to say the host is unknown instead of timing out.
        using var client = SpotifyApiClient.Create(http, spotify.Endpoints with { ApiBase = api }, spotify.Credentials(),
            new SpotifyClientOptions { MaxRetryAttempts = 2, TimeProvider = clock, OnRetry = retries.Add, RequestTimeout = TimeSpan.FromMinutes(2) }, null, RunBudget.Starting(clock, TimeSpan.FromMinutes(14)));
        var store = new SpotifyEtl.Storage.LocalFolderStore(Path.Combine(Path.GetTempPath(), "spotify-etl-tests", Guid.NewGuid().ToString("N")));
        var extractor = new SpotifyExtractor(client, store, new ExtractorOptions { TimeProvider = clock, Log = _ => { } });

        var run = await extractor.RunAsync([ExtractionSource.RecentlyPlayed()], CancellationToken.None);

        var source = Assert.Single(run.Manifest.Sources);
        Assert.Equal(SourceStatus.Failed, source.Status);
        Assert.Contains("got no answer from Spotify", source.Error, StringComparison.Ordinal);
        Assert.Contains("is this machine online?", source.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("answered 502", source.Error, StringComparison.Ordinal);
        // Each wait is told as it starts: a person watching sees why nothing lands.
        Assert.Equal([1, 2], retries.Select(r => r.Retry));
        Assert.All(retries, r => Assert.Equal(2, r.Of));
        Directory.Delete(store.Description, recursive: true);
    }

    /// <summary>
    /// A loopback port bound but never listening, held for the test: connections to it are refused, and
    /// nothing else on the machine can take it meanwhile.
    /// </summary>
    private static Socket ClosedPort()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }
}
