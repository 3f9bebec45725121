using SpotifyEtl.Functions.Aws;
using Xunit;

namespace SpotifyEtl.Tests.Functions;

/// <summary>Vectors published by AWS: the SigV4 test suite (get-vanilla, post-vanilla, query order) and the S3 GetObject example.</summary>
public sealed class AwsSigV4SignerTests
{
    private static readonly AwsCredentials SuiteCredentials = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);
    private static readonly DateTimeOffset SuiteDate = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);
    private const string EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Theory]
    [InlineData("GET", "https://example.amazonaws.com/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")]
    [InlineData("POST", "https://example.amazonaws.com/", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")]
    [InlineData("GET", "https://example.amazonaws.com/?Param2=value2&Param1=value1", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")]
    public void Signer_reproduces_the_sigv4_test_suite(string method, string url, string signature)
    {
        var headers = new Dictionary<string, string> { ["host"] = "example.amazonaws.com", ["x-amz-date"] = "20150830T123600Z" };

        var authorization = AwsSigV4Signer.Authorization(method, new Uri(url), headers, EmptyHash, SuiteCredentials, "us-east-1", "service", SuiteDate);

        Assert.Equal($"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature={signature}", authorization);
    }

    [Fact]
    public void Signer_reproduces_the_S3_GetObject_documentation_example()
    {
        var credentials = new AwsCredentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", null);
        var headers = new Dictionary<string, string>
        {
            ["host"] = "examplebucket.s3.amazonaws.com",
            ["range"] = "bytes=0-9",
            ["x-amz-content-sha256"] = EmptyHash,
            ["x-amz-date"] = "20130524T000000Z",
        };

        var authorization = AwsSigV4Signer.Authorization("GET", new Uri("https://examplebucket.s3.amazonaws.com/test.txt"), headers, EmptyHash,
            credentials, "us-east-1", "s3", new DateTimeOffset(2013, 5, 24, 0, 0, 0, TimeSpan.Zero));

        Assert.EndsWith("SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41", authorization);
    }

    [Fact]
    public void Signing_a_request_with_session_credentials_signs_the_security_token()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://secretsmanager.eu-west-1.amazonaws.com/") { Content = new ByteArrayContent([]) };
        request.Content.Headers.ContentType = new("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "secretsmanager.PutSecretValue");

        AwsSigV4Signer.Sign(request, [], SuiteCredentials with { SessionToken = "session" }, "eu-west-1", "secretsmanager", SuiteDate);

        Assert.Equal("session", request.Headers.GetValues("x-amz-security-token").Single());
        var authorization = request.Headers.GetValues("Authorization").Single();
        Assert.Contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target", authorization, StringComparison.Ordinal);
        Assert.Contains("/20150830/eu-west-1/secretsmanager/aws4_request", authorization, StringComparison.Ordinal);
    }
}
