using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using SpotifyEtl.Functions.Aws;
using SpotifyEtl.Tests.Spotify;
using Xunit;

namespace SpotifyEtl.Tests.Functions;

public sealed class SecretsManagerClientTests : IAsyncLifetime
{
    private const string SecretId = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:spotify-AbCdEf";
    private const string SecretString = """{"client_id":"id","client_secret":"double-client-secret","refresh_token":"double-refresh-token-1"}""";
    private static readonly HttpClient Http = new();
    private readonly InstantTimeProvider _clock = new();
    private SecretsManagerDouble _aws = null!;

    public async Task InitializeAsync()
    {
        _aws = await SecretsManagerDouble.StartAsync();
        _aws.Secrets[SecretId] = SecretString;
    }

    public async Task DisposeAsync() => await _aws.DisposeAsync();

    private static SessionAWSCredentials RoleCredentials(string secretAccessKey = SecretsManagerDouble.SecretAccessKey) =>
        new(SecretsManagerDouble.AccessKeyId, secretAccessKey, SecretsManagerDouble.SessionToken);

    private SecretsManagerClient Client(AWSCredentials? credentials = null, TimeSpan? attemptTimeout = null) =>
        new(Http, _aws.Endpoint, RegionEndpoint.GetBySystemName(SecretsManagerDouble.Region), credentials ?? RoleCredentials(), _clock, attemptTimeout);

    [Fact]
    public async Task Reads_the_secret_string_with_a_request_the_double_verifies_as_SigV4()
    {
        var value = await Client().GetSecretAsync(SecretId, CancellationToken.None);

        Assert.Equal(SecretString, value.SecretString);
        Assert.False(string.IsNullOrEmpty(value.VersionId));
        var call = Assert.Single(_aws.Calls);
        Assert.Equal(new SignedCall("secretsmanager.GetSecretValue", SecretId, call.SignedHeaders), call);
        Assert.All(SecretsManagerDouble.RequiredSignedHeaders, header => Assert.Contains(header, call.SignedHeaders.Split(';')));
        Assert.Empty(_aws.Rejections);
    }

    [Fact]
    public async Task A_written_value_is_what_the_next_read_returns()
    {
        const string rotated = """{"client_id":"id","client_secret":"double-client-secret","refresh_token":"double-refresh-token-2"}""";

        var before = await Client().GetSecretAsync(SecretId, CancellationToken.None);
        var written = await Client().PutSecretStringAsync(SecretId, rotated, CancellationToken.None);

        var after = await Client().GetSecretAsync(SecretId, CancellationToken.None);
        Assert.Equal(rotated, after.SecretString);
        Assert.NotEqual(before.VersionId, after.VersionId);
        Assert.Equal(written, after.VersionId);
        Assert.Equal(["secretsmanager.GetSecretValue", "secretsmanager.PutSecretValue", "secretsmanager.GetSecretValue"], _aws.Calls.Select(call => call.Target));
    }

    [Fact]
    public async Task A_request_signed_with_the_wrong_key_is_refused_with_AWS_error_code_and_no_key_in_the_message()
    {
        var error = await Assert.ThrowsAsync<SecretsManagerException>(() =>
            Client(RoleCredentials("wrong-secret-access-key")).GetSecretAsync(SecretId, CancellationToken.None));

        Assert.Equal("InvalidSignatureException", error.ErrorCode);
        Assert.Equal(["InvalidSignatureException"], _aws.Rejections);
        Assert.Contains("credentials were refused", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret-access-key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_secret_says_which_secret_and_what_to_check()
    {
        var error = await Assert.ThrowsAsync<SecretsManagerException>(() => Client().GetSecretAsync(SecretId + "-gone", CancellationToken.None));

        Assert.Equal("ResourceNotFoundException", error.ErrorCode);
        Assert.Contains(SecretId + "-gone", error.Message, StringComparison.Ordinal);
        Assert.Contains("SPOTIFY_SECRET_ID", error.Message, StringComparison.Ordinal);
        // The command to put the credentials in, whole: the AWS CLI sends it to its own default region unless told the secret's.
        Assert.Contains($"aws secretsmanager put-secret-value --region eu-west-1 --secret-id {SecretId}-gone --secret-string file://<credentials file>",
            error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_write_names_the_missing_permission_and_never_the_value()
    {
        _aws.DenyPuts = true;

        var error = await Assert.ThrowsAsync<SecretsManagerException>(() => Client().PutSecretStringAsync(SecretId, SecretString, CancellationToken.None));

        Assert.Equal("AccessDeniedException", error.ErrorCode);
        Assert.Contains("secretsmanager:PutSecretValue", error.Message, StringComparison.Ordinal);
        SpotifyExtractorTests.AssertNoSecret(error.Message);
        Assert.Equal(SecretString, _aws.Secrets[SecretId]);
    }

    /// <summary>
    /// Long enough that the double has surely carried the write out (a loopback request takes milliseconds) before
    /// the client gives up on its answer, even on a loaded machine: what is lost is the answer, not the request.
    /// </summary>
    private static readonly TimeSpan AnswerLostAfter = TimeSpan.FromSeconds(2);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_write_whose_answer_never_comes_is_retried_with_the_same_request_token_and_succeeds(int lostAnswers)
    {
        _aws.LoseAnswersNext = lostAnswers;
        const string Rotated = """{"client_id":"id","client_secret":"s","refresh_token":"rotated-SECRET"}""";

        await Client(attemptTimeout: AnswerLostAfter).PutSecretStringAsync(SecretId, Rotated, CancellationToken.None);

        Assert.Equal(Rotated, _aws.Secrets[SecretId]);
        Assert.Equal(lostAnswers + 1, _aws.PutTokens.Count);
        Assert.Single(_aws.PutTokens.Distinct());
    }

    [Fact]
    public async Task A_write_no_answer_comes_to_in_three_attempts_fails_saying_so_without_the_value()
    {
        _aws.LoseAnswersNext = 3;

        var error = await Assert.ThrowsAsync<SecretsManagerException>(() =>
            Client(attemptTimeout: AnswerLostAfter).PutSecretStringAsync(SecretId, SecretString, CancellationToken.None));

        Assert.Equal(3, _aws.PutTokens.Count);
        Assert.Contains("did not answer", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretString, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Throttling_is_retried_with_backoff_then_the_read_succeeds()
    {
        _aws.ThrottleNext = 2;

        var value = await Client().GetSecretAsync(SecretId, CancellationToken.None);

        Assert.Equal(SecretString, value.SecretString);
        Assert.Equal(3, _aws.Calls.Count);
        Assert.Equal([TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400)], _clock.Waits);
    }

    [Fact]
    public async Task Throttling_that_outlasts_the_retries_fails_with_a_throttling_error()
    {
        _aws.ThrottleNext = 10;

        var error = await Assert.ThrowsAsync<SecretsManagerException>(() => Client().GetSecretAsync(SecretId, CancellationToken.None));

        Assert.Equal("ThrottlingException", error.ErrorCode);
        Assert.Contains("throttled the call 3 time(s)", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, _aws.Calls.Count);
    }

    [Fact]
    public async Task An_endpoint_that_does_not_answer_fails_the_call_with_a_timeout_that_names_the_host()
    {
        _aws.AnswerDelay = TimeSpan.FromSeconds(30);

        var error = await Assert.ThrowsAsync<SecretsManagerException>(() =>
            Client(attemptTimeout: TimeSpan.FromMilliseconds(200)).GetSecretAsync(SecretId, CancellationToken.None));

        Assert.Contains("did not answer GetSecretValue", error.Message, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("eu-west-1", "https://secretsmanager.eu-west-1.amazonaws.com/")]
    [InlineData("cn-north-1", "https://secretsmanager.cn-north-1.amazonaws.com.cn/")]
    public void The_endpoint_follows_the_region_and_its_partition(string region, string endpoint)
    {
        var client = SecretsManagerClient.FromEnvironment(Http, name => name == "AWS_REGION" ? region : null, RoleCredentials(), _clock);

        Assert.Equal(new Uri(endpoint), client.Endpoint);
    }

    /// <summary>An endpoint override carries the secret's value: plain http only to this machine (an emulator), never across a network.</summary>
    [Theory]
    [InlineData("http://127.0.0.1:4566", true)]
    [InlineData("http://localhost:4566/", true)]
    [InlineData("http://[::1]:4566", true)]
    [InlineData("https://secretsmanager.internal.example.com", true)]
    [InlineData("http://secretsmanager.internal.example.com", false)]
    [InlineData("http://10.0.0.12:4566", false)]
    [InlineData("http://host.docker.internal:4566", false)]
    public void An_endpoint_override_in_plain_http_is_refused_unless_it_is_this_machine(string endpoint, bool accepted)
    {
        SecretsManagerClient Create() => SecretsManagerClient.FromEnvironment(Http,
            name => name switch { "AWS_REGION" => "eu-north-1", SecretsManagerClient.EndpointVariable => endpoint, _ => null }, RoleCredentials(), _clock);

        if (accepted)
        {
            Assert.Equal(new Uri(endpoint.TrimEnd('/') + "/"), Create().Endpoint);
        }
        else
        {
            var error = Assert.Throws<InvalidOperationException>(Create);
            Assert.Contains("plain http to another machine", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_missing_region_is_reported_by_name()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SecretsManagerClient.FromEnvironment(Http, _ => null, RoleCredentials(), _clock));

        Assert.Contains("AWS_REGION", error.Message, StringComparison.Ordinal);
    }

    /// <summary>AWS's published SigV4 example (S3 GetObject with a Range header, docs "Signature Calculations for the Authorization Header").</summary>
    private const string PublishedExampleSignature = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41";
    private const string EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Fact]
    public void The_AWS_SDK_signer_the_client_builds_on_reproduces_AWS_published_example()
    {
        var request = new AWSSigningRequest { HttpMethod = HttpMethod.Get, RequestUri = new Uri("https://examplebucket.s3.amazonaws.com/test.txt"), Content = [] };
        request.Headers["Range"] = "bytes=0-9";

        var signed = AWSSigV4Signer.Sign(request, new AWSSigV4Parameters
        {
            Credentials = new BasicAWSCredentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            Region = RegionEndpoint.USEast1,
            Service = "s3",
            SignPayload = true,
            SignedAt = new DateTime(2013, 5, 24, 0, 0, 0, DateTimeKind.Utc),
        });

        Assert.Equal("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, " +
            $"SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature={PublishedExampleSignature}", signed.Headers["Authorization"]);
    }

    [Fact]
    public void The_double_verifier_reproduces_AWS_published_example()
    {
        var canonical = SigV4.CanonicalRequest("GET", "/test.txt", "", new Dictionary<string, string>
        {
            ["range"] = "bytes=0-9",
            ["host"] = "examplebucket.s3.amazonaws.com",
            ["x-amz-date"] = "20130524T000000Z",
            ["x-amz-content-sha256"] = EmptyHash,
        }, EmptyHash);

        Assert.Equal(PublishedExampleSignature, SigV4.Signature("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524T000000Z", "us-east-1", "s3", canonical));
    }
}
