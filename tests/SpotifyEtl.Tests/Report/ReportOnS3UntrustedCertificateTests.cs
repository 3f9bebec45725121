using Microsoft.AspNetCore.Http;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Report;

/// <summary>
/// `report --lake s3://...` from a laptop behind a proxy, VPN or antivirus that inspects TLS: S3's endpoint shows a
/// certificate this machine refuses. The SDK says "The SSL connection could not be established, see inner exception",
/// and the advice for a bucket out of reach (the bucket name, the network, the credentials) sends the user the wrong way.
/// Each kind of refusal is told as the certificate's, with its reason and what to do, as `extract` tells Spotify's.
/// </summary>
public sealed class ReportOnS3UntrustedCertificateTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("untrusted")]
    [InlineData("another-name")]
    [InlineData("expired")]
    public async Task A_refused_certificate_at_S3_is_told_with_its_reason_and_what_to_do(string kind)
    {
        using var certificate = kind switch
        {
            "another-name" => LoopbackServer.SelfSigned(dnsName: "proxy.example"),
            "expired" => LoopbackServer.SelfSigned(notAfter: DateTimeOffset.UtcNow.AddDays(-1)),
            _ => LoopbackServer.SelfSigned(),
        };
        using var other = LoopbackServer.SelfSigned();
        var trusted = _folder["trusted.pem"];
        File.WriteAllText(trusted, (kind == "untrusted" ? other : certificate).ExportCertificatePem());
        var requests = 0;
        var (server, endpoint) = await LoopbackServer.StartAsync(app => app, _ => context =>
        {
            Interlocked.Increment(ref requests);
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return Task.CompletedTask;
        }, certificate);
        await using var endpointServer = server;
        var environment = new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL_S3"] = endpoint.ToString(),
            ["AWS_ACCESS_KEY_ID"] = "test",
            ["AWS_SECRET_ACCESS_KEY"] = "test",
            ["AWS_REGION"] = "eu-west-1",
            ["SSL_CERT_FILE"] = trusted,
            ["HOME"] = _folder.Path,
        };

        var run = DemoCommandTests.RunCli(environment, "report", "--lake", "s3://team-lake/spotify", "--out", _folder["report.html"]);

        Assert.True(run.ExitCode == 69, $"exit {run.ExitCode}: {run.Errors}");
        var (reason, advice) = kind switch
        {
            "another-name" => ("RemoteCertificateNameMismatch", "check AWS_ENDPOINT_URL_S3 and AWS_ENDPOINT_URL"),
            "expired" => ("NotTimeValid", "check the date and time"),
            _ => ("UntrustedRoot", "SSL_CERT_FILE"),
        };
        Assert.Contains("Cannot read s3://team-lake/spotify: ", run.Errors, StringComparison.Ordinal);
        Assert.Contains("S3 answered with a certificate this machine does not accept", run.Errors, StringComparison.Ordinal);
        Assert.Contains(reason, run.Errors, StringComparison.Ordinal);
        Assert.Contains(advice, run.Errors, StringComparison.Ordinal);
        // Not the advice for a bucket out of reach, nor Spotify's settings.
        Assert.DoesNotContain("Check the bucket name", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("SPOTIFY_", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("see inner exception", run.Errors, StringComparison.Ordinal);
        Assert.Equal(0, requests);
        Assert.False(File.Exists(_folder["report.html"]));
    }
}
