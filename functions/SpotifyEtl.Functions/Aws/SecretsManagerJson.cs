using System.Text.Json.Serialization;

namespace SpotifyEtl.Functions.Aws;

internal sealed record GetSecretValueRequest(
    [property: JsonPropertyName("SecretId")] string SecretId);

internal sealed record GetSecretValueResponse(
    [property: JsonPropertyName("ARN")] string? Arn,
    [property: JsonPropertyName("Name")] string? Name,
    [property: JsonPropertyName("SecretString")] string? SecretString,
    [property: JsonPropertyName("VersionId")] string? VersionId = null)
{
    /// <summary>Never the secret: a record's own ToString would print it into whatever logs the object.</summary>
    public override string ToString() => $"GetSecretValueResponse {{ Arn = {Arn}, VersionId = {VersionId}, SecretString = {(SecretString is null ? "none" : "***")} }}";
}

/// <summary>A secret's current value, and the id of the version it is (a new one at every <c>PutSecretValue</c>).</summary>
public sealed record SecretValue(string SecretString, string? VersionId)
{
    public override string ToString() => $"SecretValue {{ VersionId = {VersionId}, SecretString = *** }}";
}

internal sealed record PutSecretValueRequest(
    [property: JsonPropertyName("SecretId")] string SecretId,
    [property: JsonPropertyName("SecretString")] string SecretString,
    [property: JsonPropertyName("ClientRequestToken")] string ClientRequestToken)
{
    public override string ToString() => $"PutSecretValueRequest {{ SecretId = {SecretId}, ClientRequestToken = {ClientRequestToken}, SecretString = *** }}";
}

internal sealed record AwsErrorResponse(
    [property: JsonPropertyName("__type")] string? Type,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("Message")] string? MessageUpper);

/// <summary>
/// The secret's JSON value, the credentials file <c>auth login</c> writes:
/// <c>{"client_id":"…","client_secret":"…","refresh_token":"…","authorized_at":"…"}</c>. Any other key the secret
/// holds (a note, a key of another tool's) is kept in <see cref="Other"/> and written back with a rotated token.
/// </summary>
internal sealed record SpotifySecretValue(
    [property: JsonPropertyName(StackContract.Secret.ClientId)] string? ClientId,
    [property: JsonPropertyName(StackContract.Secret.ClientSecret)] string? ClientSecret,
    [property: JsonPropertyName(StackContract.Secret.RefreshToken)] string? RefreshToken,
    [property: JsonPropertyName(StackContract.Secret.AuthorizedAt)] System.Text.Json.JsonElement? AuthorizedAt = null)
{
    // A setter, not init: System.Text.Json fills extension data beside a parameterized constructor only through one.
    [JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? Other { get; set; }

    public override string ToString() =>
        $"SpotifySecretValue {{ ClientId = {ClientId}, ClientSecret = {(ClientSecret is null ? "none" : "***")}, RefreshToken = {(RefreshToken is null ? "none" : "***")} }}";
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GetSecretValueRequest))]
[JsonSerializable(typeof(GetSecretValueResponse))]
[JsonSerializable(typeof(PutSecretValueRequest))]
[JsonSerializable(typeof(AwsErrorResponse))]
[JsonSerializable(typeof(SpotifySecretValue))]
internal sealed partial class AwsJsonContext : JsonSerializerContext;
