using Spectre.Console;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Spotify;

namespace SpotifyEtl.Cli.Spotify;

/// <summary>
/// What the commands take from the machine: environment variables, the console, where a rotated
/// refresh token is kept, and how the authorization page is shown. Tests pass their own.
/// </summary>
/// <param name="Console">stdout: results, tables and instructions.</param>
/// <param name="Errors">stderr: errors and warnings, plain text.</param>
internal sealed record CliContext(Func<string, string?> GetVariable, IAnsiConsole Console, TextWriter Errors, string ConfigDirectory, Action<Uri> ShowAuthorizePage)
{
    public static CliContext FromMachine() => new(
        Environment.GetEnvironmentVariable,
        Consoles.Output,
        System.Console.Error,
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify), "spotify-etl"),
        uri => System.Console.Out.WriteLine(AuthorizePageInstruction(uri)));

    /// <summary>
    /// What the terminal shows of the authorization page: its address escaped (<see cref="Uri.AbsoluteUri"/>), never
    /// <see cref="Uri.ToString"/>, which unescapes the spaces between scopes, so that a terminal cuts a clicked or
    /// copied link at the first one and the login loses the later scopes and its state.
    /// </summary>
    public static string AuthorizePageInstruction(Uri uri) => $"Open this address in a browser and allow access:{Environment.NewLine}{uri.AbsoluteUri}";

    /// <summary>
    /// How <c>extract</c> talks to Spotify: its timeouts, retries and backoff (the client's defaults). Tests shorten the
    /// backoff, so that a run retrying a garbled answer four times does not sleep for it.
    /// </summary>
    public SpotifyClientOptions SpotifyOptions { get; init; } = new();

    /// <summary>The credentials file read, and written by a login or a rotated token, when no --credentials names one.</summary>
    public string DefaultCredentialsPath => Path.Combine(ConfigDirectory, "credentials.json");
}
