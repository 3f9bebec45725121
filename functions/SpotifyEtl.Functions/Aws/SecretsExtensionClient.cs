using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpotifyEtl.Functions.Aws;

/// <summary>
/// Reads a secret through the AWS Parameters and Secrets Lambda Extension: an HTTP server on localhost
/// (port <c>PARAMETERS_SECRETS_EXTENSION_HTTP_PORT</c>, 2773 by default) that caches GetSecretValue.
/// </summary>
public sealed class SecretsExtensionClient(HttpClient http, Uri extensionBase, string sessionToken)
{
    public const string PortVariable = "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT";

    public static SecretsExtensionClient FromEnvironment(HttpClient http, Func<string, string?> getVariable)
    {
        var port = getVariable(PortVariable) is { Length: > 0 } configured ? configured : "2773";
        var token = getVariable("AWS_SESSION_TOKEN")
            ?? throw new InvalidOperationException("AWS_SESSION_TOKEN is not set; the secrets extension needs it in X-Aws-Parameters-Secrets-Token.");
        return new SecretsExtensionClient(http, new Uri($"http://localhost:{port}/"), token);
    }

    /// <summary>The secret's <c>SecretString</c>.</summary>
    public async Task<string> GetSecretStringAsync(string secretId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(extensionBase, $"secretsmanager/get?secretId={Uri.EscapeDataString(secretId)}"));
        request.Headers.TryAddWithoutValidation("X-Aws-Parameters-Secrets-Token", sessionToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        using var response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(
                $"The Parameters and Secrets extension answered {(int)response.StatusCode} for secret {secretId}. " +
                "Check that the extension layer is attached and that the role may secretsmanager:GetSecretValue on it.");
        }
        var body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
        var value = JsonSerializer.Deserialize(body, AwsJsonContext.Default.GetSecretValueResponse);
        return value?.SecretString ?? throw new InvalidOperationException($"Secret {secretId} has no SecretString; store the Spotify credentials as a JSON string.");
    }
}

internal sealed record GetSecretValueResponse(
    [property: JsonPropertyName("ARN")] string? Arn,
    [property: JsonPropertyName("Name")] string? Name,
    [property: JsonPropertyName("SecretString")] string? SecretString);

internal sealed record PutSecretValueRequest(
    [property: JsonPropertyName("SecretId")] string SecretId,
    [property: JsonPropertyName("SecretString")] string SecretString,
    [property: JsonPropertyName("ClientRequestToken")] string ClientRequestToken);

internal sealed record AwsErrorResponse(
    [property: JsonPropertyName("__type")] string? Type,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("Message")] string? MessageUpper);

/// <summary>The secret's JSON value: <c>{"client_id":"…","client_secret":"…","refresh_token":"…"}</c>.</summary>
internal sealed record SpotifySecretValue(
    [property: JsonPropertyName("client_id")] string? ClientId,
    [property: JsonPropertyName("client_secret")] string? ClientSecret,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GetSecretValueResponse))]
[JsonSerializable(typeof(PutSecretValueRequest))]
[JsonSerializable(typeof(AwsErrorResponse))]
[JsonSerializable(typeof(SpotifySecretValue))]
internal sealed partial class AwsJsonContext : JsonSerializerContext;
