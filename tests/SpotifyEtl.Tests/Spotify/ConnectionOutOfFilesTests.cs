using System.Net.Sockets;
using SpotifyEtl.Spotify;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>
/// A connection to Spotify whose socket the open-file limit refuses (EMFILE: a socket is a file): the runtime reports it as
/// a network error, "Too many open files in system". Asking again finds the same files open, so the request is not
/// retried with backoff, and the failure names the limit, not Spotify out of reach. The handler here is the runtime's own,
/// its socket refused where it would make one.
/// </summary>
public sealed class ConnectionOutOfFilesTests : IAsyncLifetime
{
    private SpotifyDouble _accounts = null!;
    private SpotifyDouble _api = null!;

    public async Task InitializeAsync()
    {
        _accounts = await SpotifyDouble.StartAsync();
        _api = await SpotifyDouble.StartAsync();
        _api.AddPlaylist("outoffiles", items: 2);
    }

    public async Task DisposeAsync()
    {
        await _accounts.DisposeAsync();
        await _api.DisposeAsync();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_socket_the_open_file_limit_refuses_is_asked_for_once_and_told_as_the_limit(bool atTokenEndpoint)
    {
        var refusedPort = (atTokenEndpoint ? _accounts : _api).BaseAddress.Port;
        var refusals = 0;
        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                if (context.DnsEndPoint.Port == refusedPort)
                {
                    Interlocked.Increment(ref refusals);
                    throw new SocketException((int)SocketError.TooManyOpenSockets);
                }
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        });
        var endpoints = new SpotifyEndpoints(_api.Endpoints.ApiBase, _accounts.Endpoints.AccountsBase);
        using var client = SpotifyApiClient.Create(http, endpoints, _accounts.Credentials(),
            new SpotifyClientOptions { BackoffDelay = TimeSpan.FromMilliseconds(10) });

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => client.GetAsync("playlists/outoffiles", CancellationToken.None));

        Assert.IsType(atTokenEndpoint ? typeof(SpotifyRunStoppedException) : typeof(SpotifyApiException), failure);
        Assert.Equal(1, refusals);
        Assert.Contains("Too many open files", failure.Message, StringComparison.Ordinal);
        Assert.Contains("this process holds as many files as it may", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Raise the open-file limit (ulimit -n)", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("could not be reached", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("is this machine online", failure.Message, StringComparison.Ordinal);
        if (atTokenEndpoint)
        {
            Assert.StartsWith("Spotify's token endpoint could not be asked.", failure.Message, StringComparison.Ordinal);
            Assert.Empty(_api.ApiRequests);
        }
        else
        {
            Assert.Single(_accounts.TokenGrants);
        }
    }
}
