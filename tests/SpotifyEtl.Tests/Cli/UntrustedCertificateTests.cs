using System.Security.Cryptography.X509Certificates;
using SpotifyEtl.Tests.Spotify;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// An extraction whose connection to Spotify this machine refuses for its certificate, as behind a proxy, VPN or antivirus
/// that inspects TLS: a certificate of no authority the machine trusts, one for another host name, one expired. The
/// runtime's own words ("The SSL connection could not be established, see inner exception") would read as a network that
/// is down, and asking again gets the same certificate. Each kind, at the token endpoint and at the Web API, is told with
/// its reason and the advice for it, asked once; a handshake that fails for another reason is still retried.
/// </summary>
public sealed class UntrustedCertificateTests : IDisposable
{
    private const string PlaylistId = "3cEYpjA9oz9GiPac4AsH4n";
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string, bool> Cases() => new()
    {
        { "untrusted", true }, { "untrusted", false },
        { "another-name", true }, { "another-name", false },
        { "expired", true }, { "expired", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_refused_certificate_is_told_with_its_reason_and_what_to_do_without_retries(string kind, bool atTokenEndpoint)
    {
        // Trusted (through SSL_CERT_FILE) but for another name or out of date; or trusted by nothing.
        var (certificate, trustedPem) = LoopbackServer.Refused(kind);
        using var _ = certificate;
        var trusted = _folder["trusted.pem"];
        File.WriteAllText(trusted, trustedPem);
        await using var refused = await SpotifyDouble.StartAsync(certificate);
        await using var plain = await SpotifyDouble.StartAsync();
        plain.AddPlaylist(PlaylistId, items: 10);
        var environment = new Dictionary<string, string>(CliTestContext.ProcessWithCredentials(_folder.Path, SpotifyDouble.ClientId,
            SpotifyDouble.ClientSecret, SpotifyDouble.InitialRefreshToken))
        {
            ["SPOTIFY_ACCOUNTS_BASE_URL"] = (atTokenEndpoint ? refused : plain).Endpoints.AccountsBase.ToString(),
            ["SPOTIFY_API_BASE_URL"] = refused.Endpoints.ApiBase.ToString(),
            ["SSL_CERT_FILE"] = trusted,
            ["HOME"] = _folder.Path,
        };

        var run = SpotifyEtlProcess.RunWithin(TimeSpan.FromMinutes(2), environment, "extract", "--lake", _folder["lake"], "--playlist", PlaylistId);

        Assert.True(run.ExitCode is 1 or 3, $"exit {run.ExitCode}: {run.Errors}");
        var (reason, advice) = kind switch
        {
            "another-name" => ("RemoteCertificateNameMismatch", "check SPOTIFY_API_BASE_URL and SPOTIFY_ACCOUNTS_BASE_URL"),
            "expired" => ("NotTimeValid", "check the date and time"),
            _ => ("UntrustedRoot", "SSL_CERT_FILE"),
        };
        Assert.Contains($"{(atTokenEndpoint ? "Spotify's token endpoint" : "Spotify")} answered with a certificate this machine does not accept", run.Errors, StringComparison.Ordinal);
        Assert.Contains(reason, run.Errors, StringComparison.Ordinal);
        Assert.Contains(advice, run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("is this machine online", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("could not be reached", run.Errors, StringComparison.Ordinal);
        // Asked once: the same certificate would come again.
        Assert.DoesNotContain("retry 1 of", run.Errors, StringComparison.Ordinal);
        Assert.Empty(refused.ApiRequests);
        Assert.Empty(refused.TokenGrants);
    }

    /// <summary>
    /// An https address at a server that answers in plain HTTP (a captive portal, a proxy on the wrong port): the handshake
    /// fails with no certificate to judge, which is the network's failure, retried and told as Spotify out of reach.
    /// </summary>
    [Fact]
    public async Task A_handshake_that_fails_without_a_certificate_to_judge_is_retried_as_a_network_failure()
    {
        await using var plain = await SpotifyDouble.StartAsync();
        var https = new UriBuilder(plain.BaseAddress) { Scheme = Uri.UriSchemeHttps }.Uri;
        var environment = new Dictionary<string, string>(CliTestContext.ProcessWithCredentials(_folder.Path, SpotifyDouble.ClientId,
            SpotifyDouble.ClientSecret, SpotifyDouble.InitialRefreshToken))
        {
            ["SPOTIFY_ACCOUNTS_BASE_URL"] = https.ToString(),
            ["SPOTIFY_API_BASE_URL"] = new Uri(https, "v1/").ToString(),
            ["HOME"] = _folder.Path,
        };

        var run = SpotifyEtlProcess.RunWithin(TimeSpan.FromMinutes(2), environment, "extract", "--lake", _folder["lake"], "--playlist", PlaylistId);

        Assert.True(run.ExitCode == 3, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains("retry 1 of", run.Errors, StringComparison.Ordinal);
        Assert.Contains("could not be reached after retries", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("certificate", run.Errors, StringComparison.Ordinal);
    }
}
