using System.Text.Json;
using System.Text.Json.Serialization;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Functions;

/// <summary>
/// The version of the Spotify secret whose refresh token Spotify refused (<c>invalid_grant</c>), kept in the raw bucket's
/// <c>state/</c>. Spotify's answer to a refused token does not change by asking again, so until the secret holds another
/// version (after <c>spotify-etl auth login</c> and <c>put-secret-value</c>) runs send it nothing and report, each time,
/// that re-authorization is still needed. Holds the version id only: nothing of the credentials.
/// </summary>
internal sealed record RefusedSecret(string SecretVersionId, DateTimeOffset RefusedAt)
{
    public const string Key = LakeLayout.State + "spotify-refused-secret.json";

    /// <summary>The refusal on record, or null when there is none or it cannot be read (a run then asks Spotify, which answers for itself).</summary>
    public static async Task<RefusedSecret?> ReadAsync(IObjectStore store, CancellationToken cancellationToken)
    {
        try
        {
            return JsonSerializer.Deserialize(await store.ReadAllBytesAsync(Key, cancellationToken).ConfigureAwait(false), RefusedSecretJsonContext.Default.RefusedSecret);
        }
        catch (Exception exception) when (exception is not OperationCanceledException && !ExceptionChain.RanOutOfMemory(exception))
        {
            // Missing, damaged or out of reach: asking Spotify is what the run did before any refusal was recorded.
            return null;
        }
    }

    public Task WriteAsync(IObjectStore store, CancellationToken cancellationToken) =>
        store.PutBytesAsync(Key, JsonSerializer.SerializeToUtf8Bytes(this, RefusedSecretJsonContext.Default.RefusedSecret), "application/json", cancellationToken);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(RefusedSecret))]
internal sealed partial class RefusedSecretJsonContext : JsonSerializerContext;
