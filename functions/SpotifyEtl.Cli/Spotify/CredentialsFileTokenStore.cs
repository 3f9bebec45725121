using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Spotify;

namespace SpotifyEtl.Cli.Spotify;

/// <summary>
/// Keeps a rotated refresh token in a credentials file so the next local run uses it. A file already at the path that holds
/// another app's credentials (another client id, or not readable as credentials) is left as it is: the token goes to
/// <c>credentials-CLIENT_ID.json</c> beside it instead, and <see cref="SavedTo"/> says where.
/// </summary>
internal sealed class CredentialsFileTokenStore(string path, SpotifyCredentials current) : IRefreshTokenStore
{
    /// <summary>Where the rotated token was saved; null until it was.</summary>
    public string? SavedTo { get; private set; }

    public Task SaveAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var target = HoldsAnotherApp(path)
            ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $"credentials-{string.Concat(current.ClientId.Where(char.IsAsciiLetterOrDigit))}.json")
            : path;
        CredentialsFile.Save(target, current with { RefreshToken = refreshToken });
        SavedTo = target;
        return Task.CompletedTask;
    }

    private bool HoldsAnotherApp(string file)
    {
        if (!File.Exists(file))
        {
            return false;
        }
        try
        {
            return CredentialsFile.Load(file).ClientId != current.ClientId;
        }
        catch (Exception exception) when (exception is CliException or SpotifyConfigurationException or IOException or UnauthorizedAccessException)
        {
            // Not readable as this app's credentials: left as it is.
            return true;
        }
    }
}
