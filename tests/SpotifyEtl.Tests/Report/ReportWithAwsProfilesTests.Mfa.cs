using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Storage;
using Xunit;

namespace SpotifyEtl.Tests.Report;

/// <summary>
/// A role profile that names an MFA device (`mfa_serial`), as accounts that require MFA to assume a role set them up: the
/// report asks for the device's code on stderr, reads it from stdin (a terminal's line or a pipe's), and assumes the role
/// with it, where the SDK's own chain cannot ask and fails.
/// </summary>
public sealed partial class ReportWithAwsProfilesTests
{
    private const string MfaDevice = $"arn:aws:iam::{AccountId}:mfa/listener";

    /// <summary>The code the STS double refuses, as STS refuses a wrong one or one it already took.</summary>
    private const string RefusedMfaCode = "000000";

    [Theory]
    [InlineData("123456\n")]
    [InlineData(" 654321 \r\n")]
    [InlineData("246810")]
    public async Task A_role_profile_with_an_MFA_device_asks_for_its_code_and_assumes_the_role_with_it(string typed)
    {
        await using var identity = await IdentityDouble.StartAsync();
        var bucket = await LakeBucketAsync($"mfa-{typed.Trim()}");
        var home = Home(MfaProfiles(analystMfa: true), BaseKeys);

        var run = DemoCommandTests.RunCliWithStdin(Environment(home, identity, profile: "analyst"), typed, "report", "--lake", $"s3://{bucket}", "--out", _folder["mfa.html"]);

        Assert.True(run.ExitCode == 0, run.Errors);
        Assert.True(File.Exists(_folder["mfa.html"]));
        Assert.Contains($"Enter the MFA code for {MfaDevice} (AWS profile analyst): ", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("MFA", run.Output, StringComparison.Ordinal);
        var call = Assert.Single(identity.Calls, c => c.Body.Contains("Action=AssumeRole", StringComparison.Ordinal));
        Assert.Contains($"SerialNumber={Uri.EscapeDataString(MfaDevice)}", call.Body, StringComparison.Ordinal);
        Assert.Contains($"TokenCode={typed.Trim()}", call.Body, StringComparison.Ordinal);
        Assert.Contains("Credential=AKIDSOURCEPROFILE01/", call.Authorization, StringComparison.Ordinal);
    }

    /// <summary>The device on a link below the profile in use (admin, the source of analyst): that link's role is assumed with the code, the one above without.</summary>
    [Fact]
    public async Task An_MFA_device_on_a_source_profile_is_asked_for_once_for_that_link_of_the_chain()
    {
        await using var identity = await IdentityDouble.StartAsync();
        var bucket = await LakeBucketAsync("mfa-chain");
        var home = Home(MfaProfiles(analystMfa: false), BaseKeys);

        var run = DemoCommandTests.RunCliWithStdin(Environment(home, identity, profile: "analyst"), "135790\n", "report", "--lake", $"s3://{bucket}", "--out", _folder["mfa-chain.html"]);

        Assert.True(run.ExitCode == 0, run.Errors);
        Assert.Contains("(AWS profile admin)", run.Errors, StringComparison.Ordinal);
        var admin = Assert.Single(identity.Calls, c => c.Body.Contains("role%2FAdmin", StringComparison.Ordinal));
        var analyst = Assert.Single(identity.Calls, c => c.Body.Contains("role%2FAnalyst", StringComparison.Ordinal));
        Assert.Contains("TokenCode=135790", admin.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("TokenCode", analyst.Body, StringComparison.Ordinal);
        Assert.Contains("Credential=ASIAADMIN/", analyst.Authorization, StringComparison.Ordinal);
    }

    /// <summary>Nothing typed (stdin closed or an empty line) or something that is no six-digit code: exit 64 saying what a code is, before STS is called.</summary>
    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("12345\n")]
    [InlineData("1234567\n")]
    [InlineData("12345a\n")]
    [InlineData("123 456\n")]
    [InlineData("١٢٣٤٥٦\n")]
    public async Task No_code_or_no_six_digit_code_ends_the_report_with_exit_64_before_STS_is_asked(string typed)
    {
        await using var identity = await IdentityDouble.StartAsync();
        var home = Home(MfaProfiles(analystMfa: true), BaseKeys);

        var run = DemoCommandTests.RunCliWithStdin(Environment(home, identity, profile: "analyst"), typed, "report", "--lake", "s3://no-bucket-needed", "--out", _folder["none.html"]);

        Assert.True(run.ExitCode == 64, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains(typed.Trim().Length == 0 ? "none was given" : "a code is the 6 digits the device shows", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain(identity.Calls, c => c.Body.Contains("Action=AssumeRole", StringComparison.Ordinal));
        Assert.False(File.Exists(_folder["none.html"]));
    }

    [Fact]
    public async Task A_code_STS_refuses_ends_the_report_with_exit_69_saying_to_run_it_again_with_a_new_code()
    {
        await using var identity = await IdentityDouble.StartAsync();
        var home = Home(MfaProfiles(analystMfa: true), BaseKeys);

        var run = DemoCommandTests.RunCliWithStdin(Environment(home, identity, profile: "analyst"), RefusedMfaCode + "\n", "report", "--lake", "s3://no-bucket-needed", "--out", _folder["refused.html"]);

        Assert.True(run.ExitCode == 69, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains("AWS refused the MFA code", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Errors, StringComparison.Ordinal);
        Assert.False(File.Exists(_folder["refused.html"]));
    }

    private const string BaseKeys = """
        [base]
        aws_access_key_id = AKIDSOURCEPROFILE01
        aws_secret_access_key = source-secret
        """;

    /// <summary>analyst assumed from admin, admin from base's keys; the MFA device on analyst or on admin.</summary>
    private static string MfaProfiles(bool analystMfa) => $"""
        [profile base]
        region = {FauxqsServer.Region}

        [profile admin]
        role_arn = arn:aws:iam::{AccountId}:role/Admin
        source_profile = base
        region = {FauxqsServer.Region}
        {(analystMfa ? "" : $"mfa_serial = {MfaDevice}")}

        [profile analyst]
        role_arn = arn:aws:iam::{AccountId}:role/Analyst
        source_profile = {(analystMfa ? "base" : "admin")}
        region = {FauxqsServer.Region}
        {(analystMfa ? $"mfa_serial = {MfaDevice}" : "")}
        """;
}
