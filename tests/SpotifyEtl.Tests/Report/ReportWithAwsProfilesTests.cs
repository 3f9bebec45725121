using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Report;

/// <summary>
/// `report --lake s3://…` with the profiles people sign in to AWS with, not keys in the environment: an IAM Identity
/// Center profile (`aws configure sso`, its token cached by `aws sso login`) and a role assumed from another profile. The
/// AWS SDK fetches their credentials from SSO and STS, here a real HTTP double of each (the endpoints AWS_ENDPOINT_URL_SSO
/// and AWS_ENDPOINT_URL_STS name); the tables come from the S3 emulator. The tool run is the one `make test` builds (the
/// native binary there), where the SDK cannot load those clients by name.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed partial class ReportWithAwsProfilesTests(FauxqsServer server) : IDisposable
{
    private const string AccountId = "123456789012";
    private const string SessionName = "my-sso";
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_report_from_S3_signs_in_with_an_SSO_profile_and_its_cached_token(int seed)
    {
        await using var identity = await IdentityDouble.StartAsync();
        var bucket = await LakeBucketAsync($"sso-{seed}");
        var token = $"sso-access-token-{seed}-{Guid.NewGuid():N}";
        var role = seed == 1 ? "Analyst" : "ReadOnly";
        var home = Home(SsoProfile(role));
        CacheToken(home, token, DateTime.UtcNow.AddHours(1));

        var run = DemoCommandTests.RunCli(Environment(home, identity), "report", "--lake", $"s3://{bucket}", "--out", _folder["sso.html"]);

        Assert.True(run.ExitCode == 0, run.Errors);
        Assert.True(File.Exists(_folder["sso.html"]));
        var call = Assert.Single(identity.Calls, c => c.Path == "/federation/credentials");
        Assert.Equal(token, call.Bearer);
        Assert.Contains($"account_id={AccountId}", call.Query, StringComparison.Ordinal);
        Assert.Contains($"role_name={role}", call.Query, StringComparison.Ordinal);
        Assert.DoesNotContain(token, run.Output + run.Errors, StringComparison.Ordinal);
    }

    /// <summary>A cached token past its time, with nothing to refresh it by: the report says to sign in again, for this profile.</summary>
    [Fact]
    public async Task An_expired_SSO_token_ends_the_report_with_exit_69_saying_to_sign_in_again()
    {
        await using var identity = await IdentityDouble.StartAsync();
        var bucket = await LakeBucketAsync("sso-expired");
        var home = Home(SsoProfile("Analyst"));
        CacheToken(home, "an-expired-token", DateTime.UtcNow.AddHours(-2));

        var run = DemoCommandTests.RunCli(Environment(home, identity), "report", "--lake", $"s3://{bucket}", "--out", _folder["expired.html"]);

        Assert.True(run.ExitCode == 69, $"exit {run.ExitCode}: {run.Errors}");
        Assert.True(run.Errors.Contains("aws sso login --profile music", StringComparison.Ordinal), run.Errors);
        Assert.DoesNotContain("an-expired-token", run.Errors, StringComparison.Ordinal);
        Assert.False(File.Exists(_folder["expired.html"]));
    }

    [Fact]
    public async Task A_report_from_S3_assumes_the_role_of_a_profile_with_the_credentials_of_its_source_profile()
    {
        await using var identity = await IdentityDouble.StartAsync();
        var bucket = await LakeBucketAsync("role");
        var home = Home($"""
            [profile base]
            region = {FauxqsServer.Region}

            [profile analyst]
            role_arn = arn:aws:iam::{AccountId}:role/Analyst
            source_profile = base
            region = {FauxqsServer.Region}
            """, credentials: """
            [base]
            aws_access_key_id = AKIDSOURCEPROFILE01
            aws_secret_access_key = source-secret
            """);

        var run = DemoCommandTests.RunCli(Environment(home, identity, profile: "analyst"), "report", "--lake", $"s3://{bucket}", "--out", _folder["role.html"]);

        Assert.True(run.ExitCode == 0, run.Errors);
        var call = Assert.Single(identity.Calls, c => c.Body.Contains("Action=AssumeRole", StringComparison.Ordinal));
        Assert.Contains($"RoleArn=arn%3Aaws%3Aiam%3A%3A{AccountId}%3Arole%2FAnalyst", call.Body, StringComparison.Ordinal);
        // Signed with the source profile's key, not anonymous, and not with keys of its own.
        Assert.Contains("Credential=AKIDSOURCEPROFILE01/", call.Authorization, StringComparison.Ordinal);
    }

    /// <summary>
    /// A line of the AWS config or credentials file that is no section, setting or comment (a key after a colon, a session
    /// token wrapped onto a line of its own, a setting without its '='): the report names the file and the line, and never
    /// shows the line, which may hold a key. The AWS SDK's own message quotes it whole.
    /// </summary>
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
    [InlineData(11)]
    public async Task A_malformed_line_of_the_aws_files_is_named_by_its_place_and_never_shown(int seed)
    {
        var random = new Random(seed);
        var secret = $"wJalr{Convert.ToHexString(RandomNumberGenerator.GetBytes(16))}/K7MDENG";
        string[] shapes = [$"aws_secret_access_key: {secret}", secret, $"aws_session_token {secret}", $"  {secret}", $"aws_secret_access_key\t{secret}", $"[music] {secret}"];
        var bad = shapes[seed % shapes.Length];
        var inCredentials = random.Next(2) == 0;
        var config = $"[profile music]\nregion = {FauxqsServer.Region}";
        var credentials = "[music]\naws_access_key_id = AKIDEXAMPLE000001\naws_secret_access_key = example";
        var home = inCredentials ? Home(config, credentials + "\n" + bad) : Home(config + "\n" + bad, credentials);
        await using var identity = await IdentityDouble.StartAsync();

        string[] verbose = seed % 2 == 0 ? ["--verbose"] : [];
        var run = DemoCommandTests.RunCli(Environment(home, identity), ["report", "--lake", "s3://no-such-bucket", "--out", _folder[$"bad-{seed}.html"], .. verbose]);

        Assert.True(run.ExitCode == 65, $"exit {run.ExitCode} for '{bad}': {run.Errors}");
        Assert.DoesNotContain(secret[5..21], run.Output + run.Errors, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(home, ".aws", inCredentials ? "credentials" : "config"), run.Errors, StringComparison.Ordinal);
        Assert.Contains(inCredentials ? "line 4" : "line 3", run.Errors, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(verbose.Length > 0, run.Errors.Contains("   at ", StringComparison.Ordinal));
    }

    /// <summary>
    /// A role assumed from a profile that assumes a role of its own (analyst from admin, admin from base's keys): each link is
    /// signed with the credentials of the link below it, and none asks for itself again.
    /// </summary>
    [Fact]
    public async Task A_report_from_S3_assumes_a_chain_of_roles_each_with_the_credentials_of_the_one_below()
    {
        await using var identity = await IdentityDouble.StartAsync();
        var bucket = await LakeBucketAsync("chain");
        var home = Home($"""
            [profile base]
            region = {FauxqsServer.Region}

            [profile admin]
            role_arn = arn:aws:iam::{AccountId}:role/Admin
            source_profile = base
            region = {FauxqsServer.Region}

            [profile analyst]
            role_arn = arn:aws:iam::{AccountId}:role/Analyst
            source_profile = admin
            region = {FauxqsServer.Region}
            """, credentials: """
            [base]
            aws_access_key_id = AKIDSOURCEPROFILE01
            aws_secret_access_key = source-secret
            """);

        var run = DemoCommandTests.RunCli(Environment(home, identity, profile: "analyst"), "report", "--lake", $"s3://{bucket}", "--out", _folder["chain.html"]);

        Assert.True(run.ExitCode == 0, run.Errors);
        var admin = Assert.Single(identity.Calls, c => c.Body.Contains("role%2FAdmin", StringComparison.Ordinal));
        var analyst = Assert.Single(identity.Calls, c => c.Body.Contains("role%2FAnalyst", StringComparison.Ordinal));
        Assert.Contains("Credential=AKIDSOURCEPROFILE01/", admin.Authorization, StringComparison.Ordinal);
        Assert.Contains("Credential=ASIAADMIN/", analyst.Authorization, StringComparison.Ordinal);
    }

    /// <summary>A role profile resting on an SSO profile whose sign-in expired: the advice names the SSO profile, which `aws sso login` takes.</summary>
    [Fact]
    public async Task An_expired_sign_in_under_a_role_profile_names_the_SSO_profile_to_sign_in_with()
    {
        await using var identity = await IdentityDouble.StartAsync();
        var bucket = await LakeBucketAsync("sso-role");
        var home = Home(SsoProfile("Analyst") + $"""

            [profile reports]
            role_arn = arn:aws:iam::{AccountId}:role/Reports
            source_profile = music
            region = {FauxqsServer.Region}
            """);
        CacheToken(home, "an-expired-token", DateTime.UtcNow.AddHours(-2));

        var run = DemoCommandTests.RunCli(Environment(home, identity, profile: "reports"), "report", "--lake", $"s3://{bucket}", "--out", _folder["sso-role.html"]);

        Assert.True(run.ExitCode == 69, $"exit {run.ExitCode}: {run.Errors}");
        Assert.True(run.Errors.Contains("aws sso login --profile music,", StringComparison.Ordinal), run.Errors);
    }

    /// <summary>A sample lake transformed on disk, its tables copied into a bucket of the emulator.</summary>
    private async Task<string> LakeBucketAsync(string name)
    {
        var local = new LocalFolderStore(_folder[$"lake-{name}"]);
        await new SampleGenerator(local).WriteAsync(new SampleOptions(Days: 2, Items: 20, Seed: 3));
        await new TransformPipeline(local, local, new TransformOptions()).TransformAsync(await local.ListAsync(LakeLayout.Raw).ToListAsync());
        var bucket = await server.CreateBucketAsync(name);
        using var client = server.CreateClient();
        var s3 = new S3ObjectStore(client, bucket);
        foreach (var key in await local.ListAsync(LakeLayout.Transformed).ToListAsync())
        {
            await using var content = await local.OpenReadAsync(key);
            await s3.PutAsync(key, content, "application/octet-stream");
        }
        return bucket;
    }

    /// <summary>The profile `aws configure sso` writes (music) and its session, signing in to <paramref name="role"/>.</summary>
    private static string SsoProfile(string role) => $"""
        [profile music]
        sso_session = {SessionName}
        sso_account_id = {AccountId}
        sso_role_name = {role}
        region = {FauxqsServer.Region}

        [sso-session {SessionName}]
        sso_start_url = https://example-org.awsapps.com/start
        sso_region = {FauxqsServer.Region}
        sso_registration_scopes = sso:account:access
        """;

    /// <summary>A home of its own with the AWS config (and credentials) files a user's `aws configure` writes.</summary>
    private string Home(string config, string credentials = "")
    {
        var home = _folder[$"home-{Guid.NewGuid():N}"];
        Directory.CreateDirectory(Path.Combine(home, ".aws"));
        File.WriteAllText(Path.Combine(home, ".aws", "config"), config + "\n");
        File.WriteAllText(Path.Combine(home, ".aws", "credentials"), credentials + "\n");
        return home;
    }

    /// <summary>The token `aws sso login` caches for the session: named by the SHA-1 of the session's name.</summary>
    private static void CacheToken(string home, string token, DateTime expiresAt)
    {
        var cache = Path.Combine(home, ".aws", "sso", "cache");
        Directory.CreateDirectory(cache);
#pragma warning disable CA5350 // The AWS CLI's and SDKs' own file name for the cache, not a use of SHA-1 for security.
        var name = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(SessionName)));
#pragma warning restore CA5350
        File.WriteAllText(Path.Combine(cache, $"{name}.json"), $$"""
            {"startUrl": "https://example-org.awsapps.com/start", "region": "{{FauxqsServer.Region}}", "accessToken": "{{token}}",
             "expiresAt": "{{expiresAt:yyyy-MM-ddTHH:mm:ssZ}}"}
            """);
    }

    /// <summary>Nothing of the test machine's own AWS set-up: the home's files and the doubles only.</summary>
    private Dictionary<string, string> Environment(string home, IdentityDouble identity, string profile = "music") => new()
    {
        ["HOME"] = home,
        ["AWS_CONFIG_FILE"] = Path.Combine(home, ".aws", "config"),
        ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(home, ".aws", "credentials"),
        ["AWS_PROFILE"] = profile,
        ["AWS_ACCESS_KEY_ID"] = "",
        ["AWS_SECRET_ACCESS_KEY"] = "",
        ["AWS_SESSION_TOKEN"] = "",
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["AWS_ENDPOINT_URL_S3"] = server.ServiceUrl.ToString(),
        ["AWS_ENDPOINT_URL_SSO"] = identity.Address.ToString(),
        ["AWS_ENDPOINT_URL_STS"] = identity.Address.ToString(),
        ["AWS_REGION"] = FauxqsServer.Region,
    };

    /// <summary>IAM Identity Center's GetRoleCredentials and STS's AssumeRole, as AWS answers them; every call recorded.</summary>
    private sealed class IdentityDouble : IAsyncDisposable
    {
        private WebApplication? _app;

        public sealed record Call(string Path, string Query, string? Bearer, string Authorization, string Body);

        public ConcurrentQueue<Call> Calls { get; } = new();

        public Uri Address { get; private set; } = null!;

        public static async Task<IdentityDouble> StartAsync()
        {
            var identity = new IdentityDouble();
            (identity._app, identity.Address) = await LoopbackServer.StartAsync(app => app, _ => identity.AnswerAsync);
            return identity;
        }

        private async Task AnswerAsync(HttpContext context)
        {
            var request = context.Request;
            var body = await new StreamReader(request.Body).ReadToEndAsync();
            Calls.Enqueue(new Call(request.Path.Value ?? "", request.QueryString.Value ?? "", request.Headers["x-amz-sso_bearer_token"].FirstOrDefault(),
                request.Headers.Authorization.FirstOrDefault() ?? "", body));
            var expires = DateTimeOffset.UtcNow.AddHours(1);
            if (request.Path == "/federation/credentials")
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync($$"""
                    {"roleCredentials": {"accessKeyId": "ASIASSODOUBLE", "secretAccessKey": "sso-secret", "sessionToken": "sso-session",
                     "expiration": {{expires.ToUnixTimeMilliseconds()}} } }
                    """);
                return;
            }
            if (body.Contains($"TokenCode={RefusedMfaCode}", StringComparison.Ordinal))
            {
                // STS's answer to a wrong or reused code.
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                context.Response.ContentType = "text/xml";
                await context.Response.WriteAsync("""
                    <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code>
                    <Message>MultiFactorAuthentication failed with invalid MFA one time pass code. </Message></Error><RequestId>double</RequestId></ErrorResponse>
                    """);
                return;
            }
            // Each role's credentials named by it (ASIA + its name), so that a call signed with them shows which role signed it.
            var roleName = Uri.UnescapeDataString(body.Split('&').FirstOrDefault(p => p.StartsWith("RoleArn=", StringComparison.Ordinal))?["RoleArn=".Length..] ?? "")
                .Split('/').Last().ToUpperInvariant();
            context.Response.ContentType = "text/xml";
            await context.Response.WriteAsync($"""
                <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
                <Credentials><AccessKeyId>ASIA{roleName}</AccessKeyId><SecretAccessKey>sts-secret</SecretAccessKey><SessionToken>sts-session</SessionToken>
                <Expiration>{expires:yyyy-MM-ddTHH:mm:ssZ}</Expiration></Credentials>
                <AssumedRoleUser><Arn>arn:aws:sts::{AccountId}:assumed-role/Analyst/s</Arn><AssumedRoleId>AROADOUBLE:s</AssumedRoleId></AssumedRoleUser>
                </AssumeRoleResult><ResponseMetadata><RequestId>double</RequestId></ResponseMetadata></AssumeRoleResponse>
                """);
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.DisposeAsync();
            }
        }
    }
}
