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
        Context = new CliContext(name => Variables.GetValueOrDefault(name), console, _errors, Path.Combine(Folder, "config"), AuthorizePages.Enqueue);
    }

    /// <summary>The double's app and user, as a user exports them for local runs.</summary>
    public static Dictionary<string, string> UserCredentials() => new()
    {
        ["SPOTIFY_CLIENT_ID"] = SpotifyDouble.ClientId,
        ["SPOTIFY_CLIENT_SECRET"] = SpotifyDouble.ClientSecret,
        ["SPOTIFY_REFRESH_TOKEN"] = SpotifyDouble.InitialRefreshToken,
    };

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
