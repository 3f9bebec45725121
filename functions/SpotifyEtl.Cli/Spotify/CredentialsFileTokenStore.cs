using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Spotify;

namespace SpotifyEtl.Cli.Spotify;

/// <summary>
/// Keeps a rotated refresh token in a credentials file so the next local run uses it. A file already at the path that holds
/// another app's credentials (another client id, or not readable as credentials) is left as it is: the token goes to
/// <c>credentials-CLIENT_ID.json</c> beside it instead, and <see cref="SavedTo"/> says where. A file of this app that holds
/// another refresh token or client secret than the run's (an <c>auth login</c> while the run went on) is left as it is too:
/// the new values stand, and <see cref="Replaced"/> says so.
/// </summary>
internal sealed class CredentialsFileTokenStore(string path, SpotifyCredentials read) : IRefreshTokenStore
{
    /// <summary>
    /// The file's credentials as this run knows them: the ones read, then the last ones this run saved or took from the file
    /// (with their refresh token, its <c>authorized_at</c> too).
    /// </summary>
    private SpotifyCredentials _known = read;

    /// <summary>Where the rotated token was saved; null until it was.</summary>
    public string? SavedTo { get; private set; }

    /// <summary>Whether the file came to hold another refresh token or client secret of this app while the run went on, and was left as it was.</summary>
    public bool Replaced { get; private set; }

    public Task SaveAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var (another, now) = Read(path);
        if (now is not null && (now.RefreshToken != _known.RefreshToken || now.ClientSecret != _known.ClientSecret))
        {
            // Written over, the new authorization would be lost for the one it replaced.
            Replaced = true;
            return Task.CompletedTask;
        }
        var target = another
            ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $"credentials-{string.Concat(_known.ClientId.Where(char.IsAsciiLetterOrDigit))}.json")
            : path;
        _known = _known with { RefreshToken = refreshToken };
        CredentialsFile.Save(target, _known);
        SavedTo = target;
        return Task.CompletedTask;
    }

    /// <summary>
    /// The refresh token the file holds now when it is this app's, with the run's client secret, and another than the one
    /// this run knows: saved there by another run since (a second lake's extraction, handed a rotated token). From then on
    /// the file's credentials are the ones this run knows, so that a rotation later in the run saves the new token with the
    /// <c>authorized_at</c> of the login it descends from, not of the token this run read.
    /// </summary>
    public Task<string?> LatestAsync(CancellationToken cancellationToken)
    {
        var (_, now) = Read(path);
        if (now is null || now.ClientSecret != _known.ClientSecret || string.IsNullOrEmpty(now.RefreshToken) || now.RefreshToken == _known.RefreshToken)
        {
            return Task.FromResult<string?>(null);
        }
        _known = now;
        return Task.FromResult<string?>(now.RefreshToken);
    }

    /// <summary>Whether the file holds another app's credentials, and this app's credentials when it holds them (null when it holds none, or is not there).</summary>
    private (bool Another, SpotifyCredentials? Ours) Read(string file)
    {
        if (!File.Exists(file))
        {
            return (false, null);
        }
        try
        {
            var credentials = CredentialsFile.Load(file);
            return credentials.ClientId == _known.ClientId ? (false, credentials) : (true, null);
        }
        // The open-file limit says nothing of whose the file is: taken for another app's, a rotated token would go elsewhere.
        catch (Exception exception) when (exception is CliException or SpotifyConfigurationException
            || SpotifyEtl.Storage.LocalEntry.IsEntryFailure(exception))
        {
            // Not readable as this app's credentials: left as it is.
            return (true, null);
        }
    }
}
