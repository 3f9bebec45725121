using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>
/// The open-file limit refusing a socket partway through an extraction, at the token endpoint or at any request of any
/// source: no source's own failure and no stop Spotify asked for, since every request after it would meet the same limit.
/// The run stops there (outcome failed), its manifest names what landed, and the command says the limit with exit 74:
/// not one source failed (exit 1) while the others go on being refused, nor a run stopped to wait (exit 3).
/// The handler is the runtime's own, making a connection per request, its sockets refused from one connection on.
/// </summary>
public sealed class ExtractionConnectionOutOfFilesTests : IAsyncLifetime
{
    private ExtractionHarness _h = null!;

    public async Task InitializeAsync() => _h = await ExtractionHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>The connection the limit first refuses: the first is the token's, and the run asks for more than 12.</summary>
    public static TheoryData<int> FirstRefused() => [.. Enumerable.Range(1, 12)];

    [Theory]
    [MemberData(nameof(FirstRefused))]
    public async Task A_socket_refused_by_the_open_file_limit_stops_the_run_with_the_limit_and_the_manifest_names_what_landed(int firstRefused)
    {
        var sources = _h.OneSourceOfEveryKind(playlistItems: 300);
        var (connections, refusals) = (0, 0);
        // Each request opens a connection, as requests do once the pool's have closed.
        using var http = ConnectionOutOfFilesTests.Refusing(_ =>
        {
            var refused = Interlocked.Increment(ref connections) >= firstRefused;
            if (refused)
            {
                Interlocked.Increment(ref refusals);
            }
            return refused;
        }, connectionPerRequest: true);
        _h.HttpSeenByRun = http;

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => _h.RunAsync(sources));

        Assert.True(LocalEntry.OutOfFilesForConnection(failure), failure.ToString());
        // Asked no more once refused: a source already under way beside it may meet the limit once too, no source twice.
        Assert.InRange(refusals, 1, _h.MaxConcurrency);
        var manifestKey = Assert.Single(await _h.KeysAsync(LakeLayout.Manifests));
        using var manifest = await _h.ReadJsonAsync(manifestKey);
        Assert.Equal("failed", manifest.RootElement.GetProperty("outcome").GetString());
        var statuses = manifest.RootElement.GetProperty("sources").EnumerateArray().Select(source => source.GetProperty("status").GetString()).ToList();
        Assert.DoesNotContain("stopped", statuses);
        Assert.Contains("failed", statuses);
        var named = manifest.RootElement.GetProperty("sources").EnumerateArray()
            .SelectMany(source => source.GetProperty("objects").EnumerateArray().Select(key => key.GetString()!));
        Assert.Equal((await _h.KeysAsync(LakeLayout.Raw)).Order(StringComparer.Ordinal), named.Order(StringComparer.Ordinal));
        if (firstRefused == 1)
        {
            // The token's request was the one refused: nothing was asked of the API.
            Assert.Empty(_h.Spotify.ApiRequests);
        }

        var (exit, message) = CliErrors.Describe(failure);
        Assert.Equal(ExitCodes.IoError, exit);
        Assert.StartsWith("No connection to Spotify could be opened (Too many open files)", message, StringComparison.Ordinal);
        Assert.Contains("(ulimit -n", message, StringComparison.Ordinal);
    }
}
