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
        var (certificate, trustedPem) = LoopbackServer.Refused(kind);
        using var _ = certificate;
        var trusted = _folder["trusted.pem"];
        File.WriteAllText(trusted, trustedPem);
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

    /// <summary>
    /// A profile that assumes a role asks STS first: the certificate refused there is told as the sign-in's, with the settings
    /// that point at STS and IAM Identity Center, not as S3's.
    /// </summary>
    [Fact]
    public async Task A_refused_certificate_at_the_sign_in_of_a_profile_s_role_is_told_as_the_sign_in_s()
    {
        using var certificate = LoopbackServer.SelfSigned(dnsName: "proxy.example");
        File.WriteAllText(_folder["trusted.pem"], certificate.ExportCertificatePem());
        var (server, endpoint) = await LoopbackServer.StartAsync(app => app, _ => _ => Task.CompletedTask, certificate);
        await using var stsServer = server;
        var home = _folder["home"];
        Directory.CreateDirectory(Path.Combine(home, ".aws"));
        File.WriteAllText(Path.Combine(home, ".aws", "config"),
            "[profile music]\nrole_arn = arn:aws:iam::123456789012:role/Analyst\nsource_profile = base\nregion = eu-west-1\n");
        File.WriteAllText(Path.Combine(home, ".aws", "credentials"), "[base]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = example\n");
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = home,
            ["AWS_CONFIG_FILE"] = Path.Combine(home, ".aws", "config"),
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(home, ".aws", "credentials"),
            ["AWS_PROFILE"] = "music",
            ["AWS_ACCESS_KEY_ID"] = "",
            ["AWS_SECRET_ACCESS_KEY"] = "",
            ["AWS_SESSION_TOKEN"] = "",
            ["AWS_EC2_METADATA_DISABLED"] = "true",
            ["AWS_ENDPOINT_URL_S3"] = "http://127.0.0.1:9/",
            ["AWS_ENDPOINT_URL_STS"] = endpoint.ToString(),
            ["AWS_REGION"] = "eu-west-1",
            ["SSL_CERT_FILE"] = _folder["trusted.pem"],
        };

        var run = DemoCommandTests.RunCli(environment, "report", "--lake", "s3://team-lake/spotify", "--out", _folder["report.html"]);

        Assert.True(run.ExitCode == 69, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains("the service the AWS profile's credentials come from (Error calling AssumeRole for role arn:aws:iam::123456789012:role/Analyst) " +
            "answered with a certificate this machine does not accept", run.Errors, StringComparison.Ordinal);
        Assert.Contains("RemoteCertificateNameMismatch", run.Errors, StringComparison.Ordinal);
        Assert.Contains("check AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_SSO and AWS_ENDPOINT_URL", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("S3 answered", run.Errors, StringComparison.Ordinal);
    }
}
