namespace SpotifyEtl.Spotify;

/// <summary>
/// Where the Web API and the accounts service live. Spotify's by default; a proxy or the test double
/// through <c>SPOTIFY_API_BASE_URL</c> and <c>SPOTIFY_ACCOUNTS_BASE_URL</c>: https, or http to this machine only
/// (a double, a local proxy), since the client secret and the tokens travel to these addresses.
/// </summary>
/// <param name="ApiBase">The Web API root including <c>/v1/</c>, for example <c>https://api.spotify.com/v1/</c>.</param>
/// <param name="AccountsBase">The accounts root, for example <c>https://accounts.spotify.com/</c>.</param>
public sealed record SpotifyEndpoints(Uri ApiBase, Uri AccountsBase)
{
    public const string ApiBaseVariable = "SPOTIFY_API_BASE_URL";
    public const string AccountsBaseVariable = "SPOTIFY_ACCOUNTS_BASE_URL";

    public static SpotifyEndpoints Spotify { get; } = new(new Uri("https://api.spotify.com/v1/"), new Uri("https://accounts.spotify.com/"));

    public Uri TokenUri => new(AccountsBase, "api/token");

    public Uri AuthorizeUri => new(AccountsBase, "authorize");

    /// <summary>Whether either address is https, whose first connection loads the system's OpenSSL.</summary>
    public bool UsesTls => ApiBase.Scheme == Uri.UriSchemeHttps || AccountsBase.Scheme == Uri.UriSchemeHttps;

    /// <summary>
    /// Loads the system's OpenSSL and its trusted certificates now where the addresses are https
    /// (<see cref="SystemOpenSsl.LoadForTls"/>): the first connection would load them, and under a low open-file limit
    /// the runtime ends the process when the library's load fails, and a connection fails when the certificates' does.
    /// </summary>
    public void LoadTls()
    {
        if (UsesTls)
        {
            SystemOpenSsl.LoadForTls("which encrypts the connections to Spotify");
        }
    }

    public static SpotifyEndpoints Create(string? apiBase, string? accountsBase) => new(
        string.IsNullOrWhiteSpace(apiBase) ? Spotify.ApiBase : WithTrailingSlash(apiBase, ApiBaseVariable),
        string.IsNullOrWhiteSpace(accountsBase) ? Spotify.AccountsBase : WithTrailingSlash(accountsBase, AccountsBaseVariable));

    /// <summary>Reads the two overrides; unset means Spotify's own addresses.</summary>
    public static SpotifyEndpoints FromEnvironment(Func<string, string?> getVariable) =>
        Create(getVariable(ApiBaseVariable), getVariable(AccountsBaseVariable));

    private static Uri WithTrailingSlash(string value, string variable)
    {
        if (!Uri.TryCreate(value.EndsWith('/') ? value : value + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new SpotifyConfigurationException($"{variable}='{value}' is not an absolute http(s) URL. Example: {(variable == ApiBaseVariable ? Spotify.ApiBase : Spotify.AccountsBase)}");
        }
        if (uri.Scheme == "http" && !uri.IsLoopback)
        {
            throw new SpotifyConfigurationException(
                $"{variable}='{value}' is plain http to another machine, which would send the client secret and the tokens unencrypted. Use https, or http to 127.0.0.1 or localhost only (a double or a local proxy).");
        }
        return uri;
    }
}
