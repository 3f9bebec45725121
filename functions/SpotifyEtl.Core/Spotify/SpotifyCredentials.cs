namespace SpotifyEtl.Spotify;

/// <summary>
/// An app's client id and secret, and the owner's refresh token when the app reads user data
/// (Development Mode). Without a refresh token the client-credentials grant is used (extended quota).
/// <see cref="ToString"/> never shows the secret or the token, so a credentials object in a log is harmless.
/// </summary>
/// <param name="AuthorizedAt">When the owner authorized the app and so when the refresh token ends (<see cref="RefreshTokenExpiry"/>);
/// null when not known. A rotated token keeps it: refreshing does not extend a token's life.</param>
public sealed record SpotifyCredentials(string ClientId, string ClientSecret, string? RefreshToken, DateTimeOffset? AuthorizedAt = null)
{
    public bool HasRefreshToken => !string.IsNullOrWhiteSpace(RefreshToken);

    /// <summary>What a run should say of the refresh token's end at <paramref name="now"/> (<see cref="RefreshTokenExpiry.Due"/>); nothing without a token.</summary>
    public ReauthorizationDue? ReauthorizationDue(DateTimeOffset now) => HasRefreshToken ? RefreshTokenExpiry.Due(AuthorizedAt, now) : null;

    public override string ToString() =>
        $"SpotifyCredentials {{ ClientId = {ClientId}, ClientSecret = ***, RefreshToken = {(HasRefreshToken ? "***" : "none")} }}";

    /// <summary>The sources that read the account and so cannot run on these credentials: all of them when there is no refresh token.</summary>
    public IReadOnlyList<ExtractionSource> NeedingAUser(IEnumerable<ExtractionSource> sources) =>
        HasRefreshToken ? [] : [.. sources.Where(source => source.ReadsTheUsersAccount)];

    public void Validate(string origin)
    {
        if (string.IsNullOrWhiteSpace(ClientId) || string.IsNullOrWhiteSpace(ClientSecret))
        {
            throw new SpotifyConfigurationException(
                $"The Spotify credentials from {origin} lack a client id or client secret. Copy both from your app's page on https://developer.spotify.com/dashboard.");
        }
    }
}

/// <summary>Where a rotated refresh token goes so that the next run uses it.</summary>
public interface IRefreshTokenStore
{
    Task SaveAsync(string refreshToken, CancellationToken cancellationToken);

    /// <summary>
    /// The refresh token the store holds now, where another run saved one there since this run read it (a second lake's
    /// extraction sharing the credentials, handed a rotated token); null where it holds the one this run knows, or none.
    /// </summary>
    Task<string?> LatestAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}
