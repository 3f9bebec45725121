using SpotifyEtl.Cli.Spotify;
using SpotifyEtl.Tests.Spotify;
using Spectre.Console;

namespace SpotifyEtl.Tests.Cli;

/// <summary>A CLI context with captured console output, its own environment and a temporary config folder.</summary>
internal sealed class CliTestContext : IDisposable
{
    private readonly StringWriter _output = new();
    private readonly StringWriter _errors = new();

    public CliTestContext(SpotifyDouble spotify, Dictionary<string, string>? variables = null)
    {
        Folder = Path.Combine(Path.GetTempPath(), "spotify-etl-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        Variables = new Dictionary<string, string>
        {
            ["SPOTIFY_API_BASE_URL"] = spotify.Endpoints.ApiBase.ToString(),
            ["SPOTIFY_ACCOUNTS_BASE_URL"] = spotify.Endpoints.AccountsBase.ToString(),
        };
        foreach (var (name, value) in variables ?? [])
        {
            Variables[name] = value;
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(_output),
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 400;
        Context = new CliContext(name => Variables.GetValueOrDefault(name), console, _errors, Path.Combine(Folder, "config"), AuthorizePages.Enqueue)
        {
            // Answers are retried as often, without the seconds of backoff between them (the client's own tests count those waits).
            SpotifyOptions = new SpotifyEtl.Spotify.SpotifyClientOptions { BackoffDelay = TimeSpan.FromMilliseconds(5) },
        };
    }

    /// <summary>
    /// Writes the double's app (and its user's refresh token, unless null) into the config folder's credentials file, where
    /// a user keeps them for local runs; returns this context.
    /// </summary>
    public CliTestContext WithCredentials(string? refreshToken = SpotifyDouble.InitialRefreshToken)
    {
        WriteCredentials(Context.DefaultCredentialsPath, SpotifyDouble.ClientId, SpotifyDouble.ClientSecret, refreshToken);
        return this;
    }

    /// <summary>
    /// A credentials file as a user writes one, <c>{"client_id", "client_secret"}</c>, with the refresh token and the time of
    /// its authorization as <c>auth login</c> adds them (an hour ago; none with <paramref name="authorizedAt"/> false), owner-readable only.
    /// </summary>
    public static void WriteCredentials(string path, string clientId, string clientSecret, string? refreshToken, bool authorizedAt = true)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var token = refreshToken is null ? "" : $",\"refresh_token\":\"{refreshToken}\"" +
            (authorizedAt ? $",\"authorized_at\":\"{SpotifyEtl.Spotify.RefreshTokenExpiry.Format(DateTimeOffset.UtcNow.AddHours(-1))}\"" : "");
        File.WriteAllText(path, $$"""{"client_id":"{{clientId}}","client_secret":"{{clientSecret}}"{{token}}}""");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>
    /// For a spotify-etl process: its config folder (XDG_CONFIG_HOME) under <paramref name="folder"/>, holding credentials of
    /// the app "client" (no user) unless <paramref name="refreshToken"/> names one, with Spotify's addresses where given.
    /// </summary>
    public static Dictionary<string, string> ProcessWithCredentials(string folder, string clientId = "client", string clientSecret = "secret", string? refreshToken = null)
    {
        var configHome = Path.Combine(folder, "config-home");
        WriteCredentials(Path.Combine(configHome, "spotify-etl", "credentials.json"), clientId, clientSecret, refreshToken);
        return new Dictionary<string, string> { ["XDG_CONFIG_HOME"] = configHome };
    }

    public string Folder { get; }
    public Dictionary<string, string> Variables { get; }
    public CliContext Context { get; }
    public System.Collections.Concurrent.ConcurrentQueue<Uri> AuthorizePages { get; } = new();
    public string Output => _output.ToString();

    /// <summary>What the command wrote to stderr.</summary>
    public string Errors => _errors.ToString();

    public void Dispose()
    {
        _output.Dispose();
        _errors.Dispose();
        // A file the command's last write closes as it returns may still be in the folder's listing as the delete walks it
        // ("Directory not empty", seen once under a whole run's load): the delete is tried again before it fails the test.
        for (var attempt = 1; Directory.Exists(Folder); attempt++)
        {
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException) when (attempt < 5)
            {
                Thread.Sleep(100);
            }
        }
    }
}
