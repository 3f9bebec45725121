using System.Net;
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

    /// <summary>The runtime's handler, its sockets to <paramref name="refusedPort"/> refused as the open-file limit refuses them.</summary>
    private static HttpClient Refusing(int refusedPort, Action refused) => Refusing(endpoint =>
    {
        if (endpoint.Port != refusedPort)
        {
            return false;
        }
        refused();
        return true;
    });

    /// <summary>
    /// The runtime's handler, each socket it would open refused as the open-file limit refuses them where <paramref name="refuses"/>
    /// says so; with <paramref name="connectionPerRequest"/>, no connection is used twice, so that each request opens one.
    /// </summary>
    internal static HttpClient Refusing(Func<DnsEndPoint, bool> refuses, bool connectionPerRequest = false) => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = connectionPerRequest ? TimeSpan.Zero : Timeout.InfiniteTimeSpan,
        ConnectCallback = async (context, cancellationToken) =>
        {
            if (refuses(context.DnsEndPoint))
            {
                throw new SocketException((int)SocketError.TooManyOpenSockets);
            }
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        },
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_socket_the_open_file_limit_refuses_is_asked_for_once_and_told_as_the_limit(bool atTokenEndpoint)
    {
        var refusals = 0;
        using var http = Refusing((atTokenEndpoint ? _accounts : _api).BaseAddress.Port, () => Interlocked.Increment(ref refusals));
        var endpoints = new SpotifyEndpoints(_api.Endpoints.ApiBase, _accounts.Endpoints.AccountsBase);
        using var client = SpotifyApiClient.Create(http, endpoints, _accounts.Credentials(),
            new SpotifyClientOptions { BackoffDelay = TimeSpan.FromMilliseconds(10) });

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => client.GetAsync("playlists/outoffiles", CancellationToken.None));

        Assert.IsType(atTokenEndpoint ? typeof(SpotifyRunStoppedException) : typeof(SpotifyApiException), failure);
        Assert.Equal(1, refusals);
        Assert.Contains("Too many open files", failure.Message, StringComparison.Ordinal);
        Assert.Contains("this process holds as many as its open-file limit allows", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Raise the limit (ulimit -n, as far as ulimit -Hn allows)", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("could not be reached", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("is this machine online", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("got no answer", failure.Message, StringComparison.Ordinal);
        if (atTokenEndpoint)
        {
            Assert.StartsWith("Spotify's token endpoint was not asked: no connection could be opened", failure.Message, StringComparison.Ordinal);
            Assert.Empty(_api.ApiRequests);
        }
        else
        {
            Assert.Contains("was not sent: no connection could be opened", failure.Message, StringComparison.Ordinal);
            Assert.Null(((SpotifyApiException)failure).AnsweredStatus);
            Assert.Single(_accounts.TokenGrants);
        }
    }

    /// <summary>`auth login` sends its requests itself: such a refusal there ends it with exit 74 and the limit, not "Cannot reach Spotify".</summary>
    [Fact]
    public async Task The_cli_tells_a_refused_socket_of_its_own_requests_as_the_limit_with_exit_74()
    {
        using var http = Refusing(_accounts.BaseAddress.Port, () => { });
        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(_accounts.Endpoints.TokenUri));
        using var errors = new StringWriter();

        var exit = SpotifyEtl.Cli.Shell.CliErrors.Report(failure, errors);

        Assert.Equal(SpotifyEtl.Cli.Shell.ExitCodes.IoError, exit);
        Assert.Contains("No connection to Spotify could be opened (Too many open files): more files were open at once", errors.ToString(), StringComparison.Ordinal);
        Assert.Contains("(ulimit -n", errors.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Cannot reach Spotify", errors.ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Ctrl-C while a connection is refused: the runtime gives the cancellation, the refusal inside it. The interruption is
    /// what the command says (exit 130), not the limit.
    /// </summary>
    [Fact]
    public void An_interruption_that_came_with_a_refused_socket_is_told_as_the_interruption()
    {
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "Too many open files in system",
            new SocketException((int)SocketError.TooManyOpenSockets));
        var interrupted = new TaskCanceledException("The operation was canceled.", refused);

        var (exit, message) = SpotifyEtl.Cli.Shell.CliErrors.Describe(interrupted);

        Assert.True(SpotifyEtl.Storage.LocalEntry.OutOfFilesForConnection(interrupted));
        Assert.NotEqual(SpotifyEtl.Cli.Shell.ExitCodes.IoError, exit);
        Assert.Matches("^(Interrupted|Terminated)\\.", message);
    }
}
