using System.CommandLine;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Cli.Spotify;
using SpotifyEtl.Spotify;
using Spectre.Console;

namespace SpotifyEtl.Cli.Commands;

/// <summary>
/// `spotify-etl auth login`: the one manual step of a Development Mode app. Runs the Authorization Code
/// flow with a loopback redirect, asks for exactly the scopes of the named sources, and saves the
/// refresh token into the credentials file, never showing it, with the command that stores the file for a stack.
/// </summary>
public static class AuthCommand
{
    public static Command Create() => Create(CliContext.FromMachine());

    internal static Command Create(CliContext context)
    {
        var port = CliOptions.Bounded("--port", "Loopback port of the redirect http://127.0.0.1:PORT/callback (register exactly this URI in the app's settings).", DefaultPort, 1, 65535);
        var credentials = new Option<FileInfo?>("--credentials")
        {
            Description = "A credentials file outside the repository with client_id and client_secret (owner-readable only); the refresh token is saved into it. Default: credentials.json in the config folder (~/.config/spotify-etl).",
            HelpName = "FILE",
        };
        var timeout = CliOptions.Bounded("--timeout", "Seconds to wait for the browser.", DefaultTimeoutSeconds, 1, 3600);
        var sources = new SourceOptions();
        var login = new Command("login", "Authorize this app for your Spotify account and get the refresh token the unattended extraction uses: saved into the credentials file, and not shown.");
        login.Options.Add(port);
        login.Options.Add(credentials);
        login.Options.Add(timeout);
        sources.AddTo(login);
        login.SetAction((parsed, cancellationToken) => LoginAsync(context, parsed.GetValue(port), parsed.GetValue(credentials)?.FullName,
            () => sources.Read(parsed), sources.Words(parsed), TimeSpan.FromSeconds(parsed.GetValue(timeout)), CliOptions.IsVerbose(parsed), cancellationToken));

        var auth = new Command("auth", "Spotify authorization for the extraction.");
        auth.Subcommands.Add(login);
        return auth;
    }

    /// <summary>The loopback port of the redirect URI when --port is not given.</summary>
    private const int DefaultPort = 8888;

    /// <summary>How long a login waits for the browser when --timeout is not given.</summary>
    private const int DefaultTimeoutSeconds = 300;

    private static async Task<int> LoginAsync(CliContext context, int port, string? credentialsPath, Func<IReadOnlyList<ExtractionSource>> readSources,
        string sourceWords, TimeSpan timeout, bool verbose, CancellationToken cancellationToken)
    {
        var console = context.Console;
        var portWords = port == DefaultPort ? "" : $" --port {port}";
        try
        {
            // A SPOTIFY_*_BASE_URL the tool refuses is a usage error, said before anything about the credentials file.
            var endpoints = SpotifyEndpoints.FromEnvironment(context.GetVariable);
            var sources = readSources();
            var (app, credentialsFile, _) = CredentialsFile.Resolve(credentialsPath, context.DefaultCredentialsPath, context.GetVariable);
            CredentialsFile.CheckWritable(credentialsFile);
            // Before the browser is asked: a limit that refuses it would otherwise end the login after the consent.
            endpoints.LoadTls();
            // Said before the wait for the browser, as extract says it: a login that succeeds saves the file owner-only, but one
            // that times out or is refused leaves it as it was, with the client secret readable by others.
            if (CredentialsFile.Exposure(credentialsFile) is { } exposure)
            {
                CliErrors.Warn(context.Errors, exposure);
            }
            var scopes = sources.Count > 0 ? SpotifyAuthorization.ScopesFor(sources) : SpotifyAuthorization.AllScopes;
            var state = SpotifyAuthorization.NewState();

            using var listener = new LoopbackCallbackListener(port);
            var authorizeUri = SpotifyAuthorization.AuthorizeUri(endpoints, app.ClientId, listener.RedirectUri, scopes, state);
            console.MarkupLineInterpolated($"Scopes requested: [bold]{string.Join(' ', scopes)}[/]{(sources.Count == 0 ? " (every source type; name sources to ask for fewer)" : "")}");
            console.MarkupLineInterpolated($"Redirect URI (must be registered in the app's settings): [bold]{listener.RedirectUri}[/]");
            var waiting = listener.WaitForCodeAsync(state, CancelAfter(timeout, cancellationToken));
            context.ShowAuthorizePage(authorizeUri);
            // The browser is told the outcome once the code is exchanged and the token kept (disposed unanswered: failed).
            var callback = await waiting.ConfigureAwait(false);
            await using (callback.ConfigureAwait(false))
            {
                using var http = new HttpClient();
                var authorizedAt = DateTimeOffset.UtcNow;
                var tokens = await SpotifyAuthorization.ExchangeCodeAsync(http, endpoints, app, callback.Code, listener.RedirectUri, cancellationToken).ConfigureAwait(false);

                console.WriteLine();
                // Saved, never shown: a token printed stays in the terminal's scrollback and in whatever the output was piped to.
                // With the time of this authorization: the token ends six months after it, and runs say so in the weeks before.
                CredentialsFile.Save(credentialsFile, app with { RefreshToken = tokens.RefreshToken, AuthorizedAt = authorizedAt });
                // Which account signed in, and whether Spotify lets it use the app: a browser signed in to another account, or an
                // account not on the app's user list, would otherwise show only at the first extraction.
                SpotifyAccount? account;
                try
                {
                    account = await AccountAsync(context, http, endpoints, tokens.AccessToken, cancellationToken).ConfigureAwait(false);
                }
                catch (SpotifyAccountRefusedException refused)
                {
                    // Kept where it was saved, and said so: it works as it is once the account may use the app.
                    throw new CliException(ExitCodes.NoPermission, $"{refused.Message} The refresh token is in {credentialsFile}.");
                }
                console.MarkupLineInterpolated($"[green]Authorized[/]{(account is null ? "" : $" as {account.DisplayName} (Spotify id {account.Id})")}. The refresh token ends six months from now, at {RefreshTokenExpiry.Format(RefreshTokenExpiry.EndOf(authorizedAt))}, however often it is refreshed: runs say so from two weeks before (log in again then).");
                console.WriteLine("It was saved, owner-readable only, and is not shown; a local extraction reads it from there:");
                console.WriteWhole($"  {ShellWord.Of(credentialsFile)}");
                console.WriteWhole($"  spotify-etl extract{(credentialsPath is null ? "" : $" --credentials {ShellWord.Of(credentialsFile)}")} ...");
                console.WriteLine("Store it for a stack (from the repository root; the secret's value never enters Pulumi's state):");
                console.WriteWhole($"  {StackSecret.PutCommand}{ShellWord.Of(credentialsFile)}");
                await callback.AuthorizedAsync().ConfigureAwait(false);
                return ExitCodes.Success;
            }
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C (or SIGTERM) while waiting for the browser is an interruption, not a timeout: so is whatever the stopped
            // listener or the cancelled exchange throws on its way out.
            return CliErrors.Report(new OperationCanceledException(), context.Errors, verbose);
        }
        catch (Exception exception) when (exception is LoginCallbackException or TimeoutException)
        {
            // The browser's answer was wrong (state mismatch, access denied), never came, or had no port to come to: try again.
            var again = Again(exception is LoginCallbackException { PortInUse: true } ? " --port <another port>" : portWords);
            var message = exception.Message.Replace("spotify-etl auth login", again, StringComparison.Ordinal);
            var advice = message.Contains(again, StringComparison.Ordinal) ? "" : $" Run '{again}' again.";
            return CliErrors.Report(new CliException(ExitCodes.Failure, $"{message}{advice}", exception), context.Errors, verbose);
        }
        catch (Exception exception) when (exception is SpotifyAuthenticationException or SpotifyTokenEndpointFailedException
                                          && exception.Message.Contains(RunAgain, StringComparison.Ordinal))
        {
            // The code exchange failed (a code spent or late, the token endpoint down): the same login, run again.
            var (code, message) = CliErrors.Describe(exception);
            return CliErrors.Report(new CliException(code, message.Replace(RunAgain, $"'{Again(portWords)}' again", StringComparison.Ordinal), exception), context.Errors, verbose);
        }
        catch (Exception exception) when (CliErrors.IsExpected(exception))
        {
            return CliErrors.Report(exception, context.Errors, verbose);
        }

        // The login to run again: with the port, the credentials file, the time to wait and the sources this one was given
        // (without them the redirect would not be the one registered, the default file would get the token, a wait the user
        // had lengthened would be the default again, and every scope would be asked for).
        string Again(string portWords) =>
            $"spotify-etl auth login{portWords}{(credentialsPath is null ? "" : $" --credentials {ShellWord.Of(credentialsPath)}")}" +
            $"{(timeout == TimeSpan.FromSeconds(DefaultTimeoutSeconds) ? "" : $" --timeout {timeout.TotalSeconds:0}")}{sourceWords}";
    }

    /// <summary>How Spotify's and the listener's messages ask for a login again, in words this command makes whole.</summary>
    private const string RunAgain = "'spotify-etl auth login' again";

    /// <summary>The account that signed in; null, with a warning, when Spotify could not be asked. A refusal ends the login.</summary>
    private static async Task<SpotifyAccount?> AccountAsync(CliContext context, HttpClient http, SpotifyEndpoints endpoints, string accessToken,
        CancellationToken cancellationToken)
    {
        try
        {
            return await SpotifyAuthorization.AccountAsync(http, endpoints, accessToken, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException { InnerException: TimeoutException })
        {
            var why = exception is HttpRequestException ? exception.Message.TrimEnd('.') : "no answer in time";
            CliErrors.Warn(context.Errors, $"Could not ask Spotify which account signed in ({why}); the refresh token was saved all the same.");
            return null;
        }
    }

    private static CancellationToken CancelAfter(TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Lives as long as the login; the process ends with it.
#pragma warning disable CA2000
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
#pragma warning restore CA2000
        source.CancelAfter(timeout);
        return source.Token;
    }
}
