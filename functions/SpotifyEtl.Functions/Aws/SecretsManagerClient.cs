using System.Net.Http.Headers;
using System.Text.Json;

namespace SpotifyEtl.Functions.Aws;

/// <summary>
/// secretsmanager:PutSecretValue as one SigV4-signed HTTPS POST (AWSSDK.SecretsManager is not available).
/// The endpoint is <c>https://secretsmanager.{region}.amazonaws.com/</c>, or <c>AWS_ENDPOINT_URL_SECRETS_MANAGER</c> when set.
/// </summary>
public sealed class SecretsManagerClient(HttpClient http, Uri endpoint, string region, AwsCredentials credentials, TimeProvider timeProvider)
{
    public static SecretsManagerClient FromEnvironment(HttpClient http, Func<string, string?> getVariable, TimeProvider timeProvider)
    {
        var region = getVariable("AWS_REGION") ?? getVariable("AWS_DEFAULT_REGION")
            ?? throw new InvalidOperationException("AWS_REGION is not set; Lambda sets it.");
        var endpoint = getVariable("AWS_ENDPOINT_URL_SECRETS_MANAGER") is { Length: > 0 } custom
            ? new Uri(custom.EndsWith('/') ? custom : custom + "/")
            : new Uri($"https://secretsmanager.{region}.amazonaws.com/");
        return new SecretsManagerClient(http, endpoint, region, AwsCredentials.FromEnvironment(getVariable), timeProvider);
    }

    public async Task PutSecretValueAsync(string secretId, string secretString, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new PutSecretValueRequest(secretId, secretString, Guid.NewGuid().ToString()), AwsJsonContext.Default.PutSecretValueRequest);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(payload) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "secretsmanager.PutSecretValue");
        AwsSigV4Signer.Sign(request, payload, credentials, region, "secretsmanager", timeProvider.GetUtcNow());
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        using var response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            AwsErrorResponse? error = null;
            try
            {
                error = JsonSerializer.Deserialize(body, AwsJsonContext.Default.AwsErrorResponse);
            }
            catch (JsonException)
            {
            }
            throw new InvalidOperationException(
                $"secretsmanager:PutSecretValue on {secretId} answered {(int)response.StatusCode} ({error?.Type ?? "no error type"}: {error?.Message ?? error?.MessageUpper ?? "no message"}). " +
                "The rotated Spotify refresh token was not saved; check that the role may secretsmanager:PutSecretValue on this secret.");
        }
    }
}
