using System.Text.Json;
using SpotifyEtl.Functions.Aws;
using SpotifyEtl.Spotify;

namespace SpotifyEtl.Functions;

public sealed partial class ExtractFunction
{
    /// <summary>
    /// The secret's credentials, with the time of their authorization when the secret has it (<c>authorized_at</c>, which
    /// <c>auth login</c> writes into the credentials file). In the weeks before the refresh token ends every run logs a
    /// <c>spotify_reauthorization_due</c> warning, which the stack's alarm of that name watches; an <c>authorized_at</c> that is
    /// missing or no time costs the run only that warning, and says so in one the same alarm watches.
    /// </summary>
    private SpotifyCredentials CredentialsOf(SpotifySecretValue secret, string secretId)
    {
        var now = _timeProvider.GetUtcNow();
        var authorizedAt = RefreshTokenExpiry.Read(secret.AuthorizedAt, now, out var problem);
        var credentials = new SpotifyCredentials(secret.ClientId ?? "", secret.ClientSecret ?? "", secret.RefreshToken, authorizedAt);
        credentials.Validate($"secret {secretId}");
        problem ??= RefreshTokenExpiry.Unknown(credentials);
        if (problem is not null)
        {
            _log(JsonSerializer.Serialize(new SecretEventLogLine("warn", StackContract.LogEvents.AuthorizedAtUnreadable, secretId, $"Secret {secretId}: {problem}."),
                FunctionJsonContext.Default.SecretEventLogLine));
        }
        else if (credentials.ReauthorizationDue(now) is { } due)
        {
            _log(JsonSerializer.Serialize(new ReauthorizationDueLogLine("warn", StackContract.LogEvents.ReauthorizationDue, secretId,
                due.Message(SpotifyReauthorizationRequiredException.Reauthorize), due.AuthorizedAt, due.EndsAt, due.DaysLeft),
                FunctionJsonContext.Default.ReauthorizationDueLogLine));
        }
        return credentials;
    }

    private static SpotifySecretValue ParseSecret(string secretString, string secretId)
    {
        try
        {
            // A file saved with a byte order mark (a Windows editor, PowerShell's -Encoding UTF8) and put with file:// keeps it.
            return JsonSerializer.Deserialize(secretString.TrimStart('\uFEFF'), AwsJsonContext.Default.SpotifySecretValue)
                ?? throw new SpotifyConfigurationException($"Secret {secretId} is empty.");
        }
        catch (JsonException)
        {
            // Never echo the secret's content: it holds the credentials.
            throw new SpotifyConfigurationException(
                $"Secret {secretId} is not the expected JSON {{\"client_id\":\"…\",\"client_secret\":\"…\",\"refresh_token\":\"…\",\"authorized_at\":\"…\"}}; put it again from a credentials file: " +
                $"{SecretCommand.Put(secretId, Environment.GetEnvironmentVariable("AWS_REGION"))}.");
        }
    }

    /// <summary>
    /// Writes a rotated refresh token back into the same secret, keeping the client id and secret, and the time of the
    /// authorization: refreshing does not extend a token's life. A secret someone put while the run went on (a new
    /// authorization, another client secret) stands: written over, the authorization it replaced would come back. Secrets
    /// Manager has no conditional put, so the version is read again right before the put.
    /// </summary>
    private sealed class SecretRefreshTokenStore(SecretsManagerClient secrets, string secretId, SpotifySecretValue current, string? version,
        Action<string> log) : IRefreshTokenStore
    {
        /// <summary>
        /// Every value this run tried to put, and its token: a put whose answer was an error may have written it all the same.
        /// A value that differs in anything else (a client secret edited meanwhile) is someone else's.
        /// </summary>
        private readonly Dictionary<string, string> _puts = new(StringComparer.Ordinal);

        /// <summary>The version holding the refresh token in use: the one read, or the one the last rotation wrote.</summary>
        public string? Version { get; private set; } = version;

        public async Task SaveAsync(string refreshToken, CancellationToken cancellationToken)
        {
            if (Version is not null && await secrets.GetSecretAsync(secretId, cancellationToken).ConfigureAwait(false) is { VersionId: { } now } read && now != Version)
            {
                // A version this run's own earlier put wrote, though its answer was an error, is this run's: any other stands.
                if (!_puts.TryGetValue(read.SecretString, out var held))
                {
                    log(JsonSerializer.Serialize(new SecretEventLogLine("warn", "spotify_secret_replaced_during_run", secretId,
                        $"Spotify rotated the refresh token, but secret {secretId} was given a new value (version {now}) while the run went on: " +
                        "that value stands, and the rotated token was not written over it."), FunctionJsonContext.Default.SecretEventLogLine));
                    return;
                }
                Version = now;
                if (held == refreshToken)
                {
                    return;
                }
            }
            var value = JsonSerializer.Serialize(current with { RefreshToken = refreshToken }, AwsJsonContext.Default.SpotifySecretValue);
            _puts[value] = refreshToken;
            Version = await secrets.PutSecretStringAsync(secretId, value, cancellationToken).ConfigureAwait(false);
        }
    }
}
