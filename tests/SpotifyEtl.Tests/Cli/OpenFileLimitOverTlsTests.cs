using System.Security.Cryptography.X509Certificates;
using SpotifyEtl.Tests.Spotify;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// An extraction from Spotify over TLS under hard open-file limits. A first connection loads the system's OpenSSL, and
/// the runtime ends the process on the spot when that load fails ("No usable version of libssl was found", exit 134), as
/// the limit makes it fail; it reads the system's trusted certificates too, and a limit that keeps it from opening them
/// fails the connection as one to an untrusted server. Both are read before the lake's files. Every limit from four files
/// up ends the extraction with its manifest, or with exit 74 naming the limit: none in the runtime's abort, none in a
/// stack trace, none sending the user to the network.
/// </summary>
public sealed class OpenFileLimitOverTlsTests : IAsyncLifetime, IDisposable
{
    private const string PlaylistId = "3cEYpjA9oz9GiPac4AsH4n";
    private readonly TempFolder _folder = new();
    private readonly X509Certificate2 _certificate = LoopbackServer.SelfSigned();
    private SpotifyDouble _spotify = null!;

    public async Task InitializeAsync()
    {
        _spotify = await SpotifyDouble.StartAsync(_certificate);
        _spotify.AddPlaylist(PlaylistId, items: 60);
        _spotify.Plays.AddRange([1_763_700_000_000, 1_763_700_300_000]);
    }

    public async Task DisposeAsync() => await _spotify.DisposeAsync();

    public void Dispose()
    {
        _certificate.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public void Every_hard_limit_ends_an_extraction_over_tls_with_its_manifest_or_exit_74_naming_the_limit_never_in_the_runtime_s_abort()
    {
        Assert.Equal("https", _spotify.BaseAddress.Scheme);
        var trusted = _folder["trusted.pem"];
        File.WriteAllText(trusted, _certificate.ExportCertificatePem());
        var environment = new Dictionary<string, string>(CliTestContext.ProcessWithCredentials(_folder.Path, SpotifyDouble.ClientId,
            SpotifyDouble.ClientSecret, SpotifyDouble.InitialRefreshToken))
        {
            ["SPOTIFY_API_BASE_URL"] = _spotify.Endpoints.ApiBase.ToString(),
            ["SPOTIFY_ACCOUNTS_BASE_URL"] = _spotify.Endpoints.AccountsBase.ToString(),
            ["SSL_CERT_FILE"] = trusted,
            ["HOME"] = _folder.Path,
        };
        var exports = string.Join(" && ", environment.Select(variable => $"export {variable.Key}='{variable.Value}'"));
        string[] Arguments(string lake) => ["extract", "--lake", lake, "--playlist", PlaylistId, "--recently-played", "--json"];

        var unlimited = SpotifyEtlProcess.RunUnderBash(Arguments(_folder["unlimited"]), command => $"{exports} && exec {command}");
        Assert.True(unlimited.ExitCode == 0, $"exit {unlimited.ExitCode}: {unlimited.Errors}");

        OpenFileLimitTests.Sweep(OpenFileLimitTests.Jit ? OpenFileLimitTests.JitFloor : 4, () => 1, "extract over TLS", limit =>
        {
            var (exitCode, output, errors) = SpotifyEtlProcess.RunUnderBash(Arguments(_folder[$"lake-{limit}"]),
                command => $"{exports} && ulimit -n {limit} && exec {command}");
            Assert.False(errors.Contains("No usable version of libssl", StringComparison.Ordinal) || exitCode == 134,
                $"extract under a hard limit of {limit}: exit {exitCode}, {errors}");
            // A connection the limit refused is the limit's: not asked again, and not told as Spotify out of reach.
            foreach (var network in (string[])["could not be reached", "retry 1 of", "is this machine online"])
            {
                Assert.False(errors.Contains(network, StringComparison.Ordinal), $"extract under a hard limit of {limit}: {errors}");
            }
            if (exitCode == 0)
            {
                using var manifest = System.Text.Json.JsonDocument.Parse(output);
                Assert.Equal("succeeded", manifest.RootElement.GetProperty("outcome").GetString());
            }
            return (exitCode, errors);
        });
    }
}
