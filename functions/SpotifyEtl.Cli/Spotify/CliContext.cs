using Spectre.Console;

namespace SpotifyEtl.Cli.Spotify;

/// <summary>
/// What the commands take from the machine: environment variables, the console, where a rotated
/// refresh token is kept, and how the authorization page is shown. Tests pass their own.
/// </summary>
internal sealed record CliContext(Func<string, string?> GetVariable, IAnsiConsole Console, string ConfigDirectory, Action<Uri> ShowAuthorizePage)
{
    public static CliContext FromMachine() => new(
        Environment.GetEnvironmentVariable,
        AnsiConsole.Console,
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify), "spotify-etl"),
        uri => AnsiConsole.Console.WriteLine($"Open this address in a browser and allow access:{Environment.NewLine}{uri}"));

    /// <summary>Where a rotated refresh token goes when the credentials came from environment variables.</summary>
    public string DefaultCredentialsPath => Path.Combine(ConfigDirectory, "credentials.json");
}
