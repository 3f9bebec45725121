using System.Net;
using System.Net.Sockets;
using System.Web;
using SpotifyEtl.Cli.Commands;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Spotify;
using SpotifyEtl.Tests.Spotify;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

public sealed class AuthCommandTests : IAsyncLifetime
{
    private static readonly HttpClient Browser = new();
    private SpotifyDouble _spotify = null!;

    public async Task InitializeAsync() => _spotify = await SpotifyDouble.StartAsync();

    public async Task DisposeAsync() => await _spotify.DisposeAsync();

    /// <summary>
    /// A credentials file on a read-only mount (a container's secret volume), or mounted on its own in a folder that can be
    /// written (a file volume, which a rename cannot replace): the login ends before it asks the browser for consent, naming
    /// the file and what to do, where it exchanged the code and then failed to save a refresh token it never shows.
    /// </summary>
    [Theory]
    [InlineData("folder", "cannot be written to (it is on a read-only file system), and a login saves the refresh token into it")]
    [InlineData("file", "is mounted on its own (a container's file volume, say), and a login replaces the file")]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Auth_login_with_a_credentials_file_it_cannot_replace_ends_before_the_browser_is_asked(string mounted, string said)
    {
        using var cli = new CliTestContext(_spotify).WithCredentials(refreshToken: null);
        var folder = Path.Combine(cli.Folder, "mounted");
        Directory.CreateDirectory(folder);
        var credentials = Path.Combine(folder, "credentials.json");
        File.Copy(cli.Context.DefaultCredentialsPath, credentials);
        var before = File.ReadAllBytes(credentials);
        var start = SpotifyEtlProcess.StartInfo(["auth", "login", "--credentials", credentials, "--port", $"{LoopbackPorts.Free()}", "--saved-tracks", "--timeout", "20"]);
        start.Environment["SPOTIFY_ACCOUNTS_BASE_URL"] = _spotify.Endpoints.AccountsBase.ToString();

        var run = SpotifyEtlProcess.RunWithin(TimeSpan.FromMinutes(1), ReadOnlyMount.Wrap(start, mounted == "folder" ? folder : credentials));

        Assert.True(run.ExitCode == ExitCodes.IoError, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains($"{credentials} {said}", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("Redirect URI", run.Output, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(credentials));
        Assert.Equal(["credentials.json"], Directory.GetFiles(folder).Select(Path.GetFileName));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Auth_login_asks_for_exactly_the_scopes_of_the_sources_and_saves_the_refresh_token_into_the_config_folders_credentials_unshown()
    {
        using var cli = new CliTestContext(_spotify).WithCredentials(refreshToken: null);
        var port = LoopbackPorts.Free();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var login = AuthCommand.Create(cli.Context).Parse(["login", "--port", $"{port}", "--recently-played", "--top-tracks", "short_term"]).InvokeAsync();
        var authorize = await WaitForAuthorizePageAsync(cli);
        var query = HttpUtility.ParseQueryString(authorize.Query);
        var callback = await Browser.GetAsync(new Uri($"{query["redirect_uri"]}?code={_spotify.AuthorizationCode}&state={Uri.EscapeDataString(query["state"]!)}"));

        Assert.Equal(0, await login);
        Assert.Equal(HttpStatusCode.OK, callback.StatusCode);
        Assert.Equal("user-read-recently-played user-top-read", query["scope"]);
        Assert.Equal($"http://127.0.0.1:{port}/callback", query["redirect_uri"]);
        Assert.Equal("code", query["response_type"]);
        Assert.Contains(_spotify.AuthorizedRefreshToken, await File.ReadAllTextAsync(cli.Context.DefaultCredentialsPath), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.Context.DefaultCredentialsPath));
        Assert.DoesNotContain(_spotify.AuthorizedRefreshToken, cli.Output + cli.Errors, StringComparison.Ordinal);
        Assert.Contains($"{StackSecret.PutCommand}{cli.Context.DefaultCredentialsPath}\n", cli.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        // The default file needs no option: a local extraction reads it as it is.
        Assert.Contains($"\n  {cli.Context.DefaultCredentialsPath}\n  spotify-etl extract ...\n", cli.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("pulumi config set", cli.Output, StringComparison.Ordinal);
        // The time of the authorization, beside the token: runs tell from it when the token ends.
        using var saved = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(cli.Context.DefaultCredentialsPath));
        var authorizedAt = saved.RootElement.GetProperty("authorized_at").GetDateTimeOffset();
        Assert.InRange(authorizedAt, before, DateTimeOffset.UtcNow);
        Assert.Contains($"ends six months from now, at {SpotifyEtl.Spotify.RefreshTokenExpiry.Format(authorizedAt.AddMonths(6))}", cli.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Auth_login_on_a_port_in_use_tells_to_run_it_again_on_another_port_not_that_one(bool defaultPort)
    {
        using var cli = new CliTestContext(_spotify).WithCredentials(refreshToken: null);
        // Another program on the port: the default one, or one given.
        using var busy = new TcpListener(IPAddress.Loopback, defaultPort ? 8888 : 0);
        try
        {
            busy.Start();
        }
        catch (SocketException exception) when (defaultPort && exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            // Another program of this machine holds the default port already: as busy as this test would make it.
        }
        var port = defaultPort ? 8888 : ((IPEndPoint)busy.LocalEndpoint).Port;
        var credentials = Path.Combine(cli.Folder, "credentials.json");
        File.Copy(cli.Context.DefaultCredentialsPath, credentials);
        string[] arguments = defaultPort ? ["login", "--saved-tracks", "--credentials", credentials] : ["login", "--saved-tracks", "--port", $"{port}", "--credentials", credentials, "--verbose"];

        // With the root's --verbose, as the tool has it.
        var auth = AuthCommand.Create(cli.Context);
        auth.Options.Add(CliOptions.Verbose);
        Assert.Equal(1, await auth.Parse(arguments).InvokeAsync());

        Assert.Contains($"Cannot listen on http://127.0.0.1:{port}/callback", cli.Errors, StringComparison.Ordinal);
        Assert.Contains($"Run 'spotify-etl auth login --port <another port> --credentials {credentials} --saved-tracks' again.", cli.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain($"--port {port}", cli.Errors, StringComparison.Ordinal);
        // With --verbose, the failure the advice stands for, with its stack trace, for a bug report.
        Assert.Equal(!defaultPort, cli.Errors.Contains("---> SpotifyEtl.Cli.Spotify.LoginCallbackException", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Auth_login_with_no_credentials_file_names_the_login_that_fills_the_file_it_looked_for()
    {
        using var cli = new CliTestContext(_spotify);
        var named = Path.Combine(cli.Folder, "elsewhere", "credentials.json");

        Assert.Equal(66, await AuthCommand.Create(cli.Context).Parse(["login", "--saved-tracks"]).InvokeAsync());
        Assert.Contains($"No credentials file at {cli.Context.DefaultCredentialsPath}", cli.Errors, StringComparison.Ordinal);
        Assert.Contains("'spotify-etl auth login' then adds the refresh token", cli.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("--credentials", cli.Errors, StringComparison.Ordinal);
        Assert.Equal(66, await AuthCommand.Create(cli.Context).Parse(["login", "--saved-tracks", "--credentials", named]).InvokeAsync());
        Assert.Contains($"'spotify-etl auth login --credentials {named}' then adds the refresh token", cli.Errors, StringComparison.Ordinal);
        Assert.Empty(cli.Output);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Auth_login_with_a_credentials_file_saves_the_token_owner_only_and_does_not_print_it()
    {
        using var cli = new CliTestContext(_spotify).WithCredentials(refreshToken: null);
        // A terminal's width, which the command to store the token for a stack passes: it is still one line to copy.
        cli.Context.Console.Profile.Width = 80;
        var port = LoopbackPorts.Free();
        var credentials = Path.Combine(cli.Folder, "my secrets", "credentials.json");
        // The app's half, as a user writes it (readable by everyone), and a leftover of an interrupted save: both are replaced.
        Directory.CreateDirectory(Path.GetDirectoryName(credentials)!);
        await File.WriteAllTextAsync(credentials, $$"""{"client_id":"{{SpotifyDouble.ClientId}}","client_secret":"{{SpotifyDouble.ClientSecret}}"}""");
        var leftover = $"{credentials}.{EndedProcess()}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllTextAsync(leftover, "{}");
        // A leftover named as saves name them now, by a process whose id a running process (this one) has since been given:
        // its writer started at another instant, so it is gone, and the file holding a token goes too.
        var pid = Environment.ProcessId;
        var reused = $"{credentials}.{pid}.1-{Guid.NewGuid():N}.tmp";
        await File.WriteAllTextAsync(reused, "{}");
        File.SetUnixFileMode(credentials, (UnixFileMode)0b110_100_100);
        File.SetUnixFileMode(leftover, (UnixFileMode)0b110_100_100);

        var login = AuthCommand.Create(cli.Context).Parse(["login", "--port", $"{port}", "--saved-tracks", "--credentials", credentials]).InvokeAsync();
        var authorize = await WaitForAuthorizePageAsync(cli);
        var query = HttpUtility.ParseQueryString(authorize.Query);
        await Browser.GetAsync(new Uri($"{query["redirect_uri"]}?code={_spotify.AuthorizationCode}&state={Uri.EscapeDataString(query["state"]!)}"));

        Assert.Equal(0, await login);
        Assert.Contains(_spotify.AuthorizedRefreshToken, await File.ReadAllTextAsync(credentials), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credentials));
        Assert.Equal([credentials], Directory.GetFiles(Path.GetDirectoryName(credentials)!));
        Assert.DoesNotContain(_spotify.AuthorizedRefreshToken, cli.Output + cli.Errors, StringComparison.Ordinal);
        // Quoted for the shell: the space would end the file's name there. Each whole on its line at a terminal's width.
        var output = cli.Output.ReplaceLineEndings("\n");
        Assert.Contains($"\n  {StackSecret.PutCommand}{ShellWord.Of(credentials)}\n", output, StringComparison.Ordinal);
        Assert.Contains($"\n  spotify-etl extract --credentials {ShellWord.Of(credentials)} ...\n", output, StringComparison.Ordinal);
        Assert.Contains($"\n  {ShellWord.Of(credentials)}\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_C_while_auth_login_waits_for_the_browser_exits_130_as_an_interruption_not_a_timeout()
    {
        using var cli = new CliTestContext(_spotify).WithCredentials(refreshToken: null);
        using var interrupt = new CancellationTokenSource();

        var login = AuthCommand.Create(cli.Context).Parse(["login", "--port", $"{LoopbackPorts.Free()}", "--saved-tracks"]).InvokeAsync(cancellationToken: interrupt.Token);
        await WaitForAuthorizePageAsync(cli);
        await interrupt.CancelAsync();

        // What the login said, should it end otherwise: one run of the whole suite saw 1 here, which 600 runs of this alone did not.
        var exit = await login;
        Assert.True(exit == 130, $"exit {exit}: {cli.Errors}");
        Assert.Contains("Interrupted", cli.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("in time", cli.Errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_login_that_times_out_gives_its_advice_once_with_the_port_and_credentials_file_it_was_given(bool named)
    {
        using var cli = new CliTestContext(_spotify).WithCredentials(refreshToken: null);
        var file = Path.Combine(cli.Folder, "elsewhere", "my credentials.json");
        CliTestContext.WriteCredentials(file, SpotifyDouble.ClientId, SpotifyDouble.ClientSecret, refreshToken: null);
        var port = LoopbackPorts.Free();
        string[] credentials = named ? ["--credentials", file] : [];

        var exit = await AuthCommand.Create(cli.Context).Parse(["login", "--port", $"{port}", "--saved-tracks", "--timeout", "1", .. credentials]).InvokeAsync();

        // What the login said, should it end otherwise: one run of the whole suite saw no advice here, which runs of this alone did not.
        Assert.True(exit == 1, $"exit {exit}: {cli.Errors}");
        var advice = System.Text.RegularExpressions.Regex.Count(cli.Errors, "auth login");
        Assert.True(advice == 1, $"'auth login' said {advice} times: {cli.Errors}");
        // Run as said, it logs in again into the same file through the same Redirect URI, waiting as long.
        Assert.Contains($"spotify-etl auth login --port {port}{(named ? $" --credentials {SpotifyEtl.Cli.Shell.ShellWord.Of(file)}" : "")} --timeout 1 --saved-tracks",
            cli.Errors, StringComparison.Ordinal);
        // Spotify's page refuses a Redirect URI the app does not list and never comes back: the one to add is named.
        Assert.Contains("Invalid redirect URI", cli.Errors, StringComparison.Ordinal);
        Assert.Matches(@"add exactly http://127\.0\.0\.1:\d+/callback to the app's Redirect URIs", cli.Errors);
    }

    /// <summary>
    /// A login that must be run again says the login to run: pasted into a shell as it is printed, it asks for the same scopes
    /// through the same Redirect URI into the same credentials file, and says the same. Generated: which sources, in which
    /// order, playlists as ids or share links, top ranges, a --config file, the port and the credentials file per seed.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task A_login_to_run_again_is_said_with_the_sources_it_was_given_so_that_run_as_said_it_asks_for_the_same_scopes(int seed)
    {
        var random = new Random(seed);
        using var cli = new CliTestContext(_spotify).WithCredentials(refreshToken: null);
        string[] names = ["my credentials.json", "a&b $HOME.json", "wow!.json", "plain.json"];
        var file = Path.Combine(cli.Folder, "elsewhere", names[random.Next(names.Length)]);
        CliTestContext.WriteCredentials(file, SpotifyDouble.ClientId, SpotifyDouble.ClientSecret, refreshToken: null);
        var sources = new List<string[]>();
        string[] ranges = ["short_term", "medium_term", "long_term"];
        for (var i = 0; i < random.Next(1, 4); i++)
        {
            var id = $"{random.Next(100_000):D5}PlaylistIdXyz0123";
            sources.Add(["--playlist", random.Next(2) == 0 ? id : $"https://open.spotify.com/playlist/{id}?si=a{random.Next(1000)}&pt=x"]);
        }
        foreach (var option in new[] { "--my-playlists", "--recently-played", "--saved-tracks" }.Where(_ => random.Next(2) == 0))
        {
            sources.Add([option]);
        }
        sources.AddRange(ranges.Where(_ => random.Next(3) == 0).Select(range => new[] { "--top-tracks", range }));
        sources.AddRange(ranges.Where(_ => random.Next(3) == 0).Select(range => new[] { "--top-artists", range }));
        if (random.Next(2) == 0)
        {
            var config = Path.Combine(cli.Folder, "my sources", "sources & more.json");
            Directory.CreateDirectory(Path.GetDirectoryName(config)!);
            File.WriteAllText(config, "[{\"type\":\"saved_tracks\"}]");
            sources.Add(["--config", config]);
        }
        var port = LoopbackPorts.Free();
        // The wait, one or two seconds: never the default, so the login said keeps it.
        var wait = random.Next(1, 3);
        string[] first = ["login", "--port", $"{port}", "--credentials", file, .. sources.OrderBy(_ => random.Next()).SelectMany(words => words), "--timeout", $"{wait}"];

        var (exit, scopes, told) = await TimedOutLoginAsync(cli, first);

        Assert.Equal(1, exit);
        var words = ShellWords(told);
        Assert.Equal(["spotify-etl", "auth", "login"], words[..3]);
        Assert.Equal($"{wait}", words[words.IndexOf("--timeout") + 1]);
        var (exitAgain, scopesAgain, toldAgain) = await TimedOutLoginAsync(cli, [.. words[2..]]);
        Assert.Equal(1, exitAgain);
        Assert.Equal(scopes, scopesAgain);
        Assert.Equal(told, toldAgain);
        Assert.Contains($"http://127.0.0.1:{port}/callback", cli.Output, StringComparison.Ordinal);
        Assert.Equal(file, words[words.IndexOf("--credentials") + 1]);
    }

    /// <summary>A login that times out: its exit code, the scopes it asked for, and the login it says to run again.</summary>
    private static async Task<(int Exit, string Scopes, string Told)> TimedOutLoginAsync(CliTestContext cli, string[] arguments)
    {
        var (output, errors) = (cli.Output.Length, cli.Errors.Length);
        var exit = await AuthCommand.Create(cli.Context).Parse(arguments).InvokeAsync();
        var scopes = System.Text.RegularExpressions.Regex.Match(cli.Output[output..], "Scopes requested: (.*)").Groups[1].Value.Trim();
        var told = System.Text.RegularExpressions.Regex.Match(cli.Errors[errors..], "spotify-etl auth login[^`']*").Value.Trim();
        Assert.False(string.IsNullOrEmpty(scopes), $"{exit}: {cli.Output[output..]}{cli.Errors[errors..]}");
        Assert.False(string.IsNullOrEmpty(told), cli.Errors[errors..]);
        return (exit, scopes, told);
    }

    /// <summary>A command as a POSIX shell splits it into words.</summary>
    private static List<string> ShellWords(string command)
    {
        using var shell = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sh", ["-c", $"printf '%s\\0' {command}"])
        {
            RedirectStandardOutput = true,
        })!;
        var words = shell.StandardOutput.ReadToEnd();
        shell.WaitForExit();
        return [.. words.Split('\0', StringSplitOptions.RemoveEmptyEntries)];
    }

    /// <summary>
    /// A credentials file others may read is named with the chmod that makes it owner-only, in extract's words, before the
    /// wait for the browser: a login that never completes leaves the file as it was. Generated modes, as for extract.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_login_with_a_credentials_file_others_may_read_names_the_chmod_that_makes_it_owner_only_though_the_login_fails(int seed)
    {
        var (mode, exposed) = ExtractCommandTests.CredentialsFileMode(seed);
        using var cli = new CliTestContext(_spotify).WithCredentials(refreshToken: null);
        var credentials = Path.Combine(cli.Folder, "creds.json");
        File.Copy(cli.Context.DefaultCredentialsPath, credentials);
        File.SetUnixFileMode(credentials, mode);

        var exit = await AuthCommand.Create(cli.Context).Parse(["login", "--port", $"{LoopbackPorts.Free()}", "--saved-tracks", "--credentials", credentials, "--timeout", "1"]).InvokeAsync();

        Assert.Equal(1, exit);
        Assert.Equal(exposed, cli.Errors.Contains($"may be read by other users of this machine (mode {Convert.ToString((int)mode, 8)}): make it owner-only with 'chmod 600 {credentials}'", StringComparison.Ordinal));
        Assert.Equal(mode, File.GetUnixFileMode(credentials));
        Assert.DoesNotContain("may be read by other users", cli.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auth_login_refuses_a_callback_whose_state_does_not_match()
    {
        using var cli = new CliTestContext(_spotify).WithCredentials(refreshToken: null);
        var port = LoopbackPorts.Free();

        var login = AuthCommand.Create(cli.Context).Parse(["login", "--port", $"{port}", "--saved-tracks"]).InvokeAsync();
        var authorize = await WaitForAuthorizePageAsync(cli);
        var callback = await Browser.GetAsync(new Uri($"http://127.0.0.1:{port}/callback?code={_spotify.AuthorizationCode}&state=forged"));

        Assert.Equal(1, await login);
        Assert.Equal(HttpStatusCode.BadRequest, callback.StatusCode);
        Assert.Contains("state parameter does not match", cli.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("authorization_code", _spotify.TokenGrants);
        Assert.NotNull(authorize);
    }

    [Theory]
    [InlineData("access_denied")]
    [InlineData("invalid_scope")]
    public async Task A_login_Spotify_did_not_authorize_says_the_login_to_run_again_whole(string error)
    {
        using var cli = new CliTestContext(_spotify).WithCredentials(refreshToken: null);
        var port = LoopbackPorts.Free();

        var login = AuthCommand.Create(cli.Context).Parse(["login", "--port", $"{port}", "--top-tracks", "long_term", "--recently-played"]).InvokeAsync();
        var authorize = await WaitForAuthorizePageAsync(cli);
        var state = HttpUtility.ParseQueryString(authorize.Query)["state"]!;
        using var callback = await Browser.GetAsync(new Uri($"http://127.0.0.1:{port}/callback?error={error}&state={Uri.EscapeDataString(state)}"));

        Assert.Equal(1, await login);
        Assert.Contains($"Spotify did not authorize the app ({error})", cli.Errors, StringComparison.Ordinal);
        Assert.Contains($"Run 'spotify-etl auth login --port {port} --recently-played --top-tracks long_term' again.", cli.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auth_login_whose_token_endpoint_cannot_be_reached_exits_69_saying_so()
    {
        // The browser comes back with a code, and the exchange of the code finds nothing listening at the accounts service.
        var accounts = $"http://127.0.0.1:{LoopbackPorts.Free()}/";
        using var cli = new CliTestContext(_spotify, new() { ["SPOTIFY_ACCOUNTS_BASE_URL"] = accounts }).WithCredentials(refreshToken: null);
        var port = LoopbackPorts.Free();

        var login = AuthCommand.Create(cli.Context).Parse(["login", "--port", $"{port}", "--saved-tracks"]).InvokeAsync();
        var authorize = await WaitForAuthorizePageAsync(cli);
        var query = HttpUtility.ParseQueryString(authorize.Query);
        using var callback = await Browser.GetAsync(new Uri($"{query["redirect_uri"]}?code={_spotify.AuthorizationCode}&state={Uri.EscapeDataString(query["state"]!)}"));

        Assert.Equal(69, await login);
        // The browser is not told the login worked: it learns once the exchange has failed, and is sent to the terminal.
        Assert.Equal(HttpStatusCode.BadGateway, callback.StatusCode);
        var page = await callback.Content.ReadAsStringAsync();
        Assert.DoesNotContain("is authorized", page, StringComparison.Ordinal);
        Assert.Contains("the terminal says why", page, StringComparison.Ordinal);
        Assert.StartsWith(accounts, authorize.ToString(), StringComparison.Ordinal);
        Assert.Contains("Cannot reach Spotify", cli.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected error", cli.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain(" at SpotifyEtl", cli.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auth_login_whose_token_endpoint_shows_a_certificate_this_machine_does_not_trust_exits_69_saying_what_to_do()
    {
        // The accounts service over https with a certificate no authority this machine trusts signed, as an inspecting proxy's.
        using var certificate = LoopbackServer.SelfSigned();
        await using var proxied = await SpotifyDouble.StartAsync(certificate);
        using var cli = new CliTestContext(_spotify, new() { ["SPOTIFY_ACCOUNTS_BASE_URL"] = proxied.Endpoints.AccountsBase.ToString() })
            .WithCredentials(refreshToken: null);
        var port = LoopbackPorts.Free();

        var login = AuthCommand.Create(cli.Context).Parse(["login", "--port", $"{port}", "--saved-tracks"]).InvokeAsync();
        using var callback = await SignInAsync(await WaitForAuthorizePageAsync(cli));

        Assert.Equal(69, await login);
        Assert.Equal(HttpStatusCode.BadGateway, callback.StatusCode);
        Assert.Contains("Spotify answered with a certificate this machine does not accept", cli.Errors, StringComparison.Ordinal);
        Assert.Contains("UntrustedRoot", cli.Errors, StringComparison.Ordinal);
        Assert.Contains("SSL_CERT_FILE", cli.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("Cannot reach Spotify", cli.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("see inner exception", cli.Errors, StringComparison.Ordinal);
        Assert.Empty(proxied.TokenGrants);
    }

    /// <summary>What the token endpoint answers the code exchange with, and the exit code that follows: its failures are 69, a refusal 77.</summary>
    public static TheoryData<string, int> ExchangeAnswers() => new()
    {
        { "500", 69 },
        { "502", 69 },
        { "503 html", 69 },
        { "429", 69 },
        { "200 html", 69 },
        { "200 cut short", 69 },
        { "400 invalid_client", 77 },
        { "400 invalid_grant", 77 },
    };

    [Theory]
    [MemberData(nameof(ExchangeAnswers))]
    public async Task Auth_login_whose_code_exchange_Spotify_fails_exits_69_saying_to_sign_in_again_and_a_refusal_77(string answer, int exitCode)
    {
        const string Token = "{\"access_token\":\"BQDx\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"refresh_token\":\"AQDx\"}";
        _spotify.Inject("token", answer switch
        {
            "500" => Fault.ServerError(500),
            "502" => Fault.ServerError(502),
            "503 html" => new Fault.RawFault(503, "text/html", "<html><body><h1>503 Service Unavailable</h1></body></html>"),
            "429" => new Fault.RawFault(429, "application/json", "{\"error\":\"rate_limited\"}", RetryAfter: "5"),
            "200 html" => new Fault.RawFault(200, "text/html", "<html><body>Sign in to the network</body></html>"),
            "200 cut short" => new Fault.RawFault(200, "application/json", Token[..40]),
            _ => new Fault.RawFault(400, "application/json", $$"""{"error":"{{answer[4..]}}","error_description":"refused"}"""),
        });
        using var cli = new CliTestContext(_spotify).WithCredentials(refreshToken: null);

        var port = LoopbackPorts.Free();
        var login = AuthCommand.Create(cli.Context).Parse(["login", "--port", $"{port}", "--saved-tracks"]).InvokeAsync();
        var authorize = await WaitForAuthorizePageAsync(cli);
        var query = HttpUtility.ParseQueryString(authorize.Query);
        using var callback = await Browser.GetAsync(new Uri($"{query["redirect_uri"]}?code={_spotify.AuthorizationCode}&state={Uri.EscapeDataString(query["state"]!)}"));
        // Run again as said: the same Redirect URI and the same scopes.
        var again = $"run 'spotify-etl auth login --port {port} --saved-tracks' again";

        Assert.Equal(exitCode, await login);
        Assert.Equal(HttpStatusCode.BadGateway, callback.StatusCode);
        Assert.DoesNotContain(_spotify.AuthorizedRefreshToken, cli.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(" at SpotifyEtl", cli.Errors, StringComparison.Ordinal);
        if (exitCode == 69)
        {
            Assert.Contains($"answered {answer[..3]}", cli.Errors, StringComparison.Ordinal);
            Assert.Contains("not a refusal of the app's credentials", cli.Errors, StringComparison.Ordinal);
            Assert.Contains(again, cli.Errors, StringComparison.Ordinal);
            Assert.DoesNotContain("Check the client id", cli.Errors, StringComparison.Ordinal);
        }
        else if (answer.EndsWith("invalid_grant", StringComparison.Ordinal))
        {
            // The code, not the app's credentials: expired, or used already.
            Assert.Contains("expired (a code lasts minutes) or was used already", cli.Errors, StringComparison.Ordinal);
            Assert.Contains(again, cli.Errors, StringComparison.Ordinal);
            Assert.DoesNotContain("Check the client id", cli.Errors, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("Check the client id and secret", cli.Errors, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_authorization_address_the_terminal_shows_is_one_word_that_carries_every_scope_and_the_state(int seed)
    {
        // Terminals cut a clicked or copied link at a space: the address shown must hold none, whatever scopes are asked.
        var random = new Random(seed);
        var scopes = SpotifyEtl.Spotify.SpotifyAuthorization.AllScopes.Where(_ => random.Next(3) > 0).DefaultIfEmpty("user-read-private").ToList();
        var state = SpotifyEtl.Spotify.SpotifyAuthorization.NewState();
        var endpoints = SpotifyEtl.Spotify.SpotifyEndpoints.FromEnvironment(_ => null);
        var uri = SpotifyEtl.Spotify.SpotifyAuthorization.AuthorizeUri(endpoints, "client id+/?", new Uri($"http://127.0.0.1:{8000 + seed}/callback"), scopes, state);

        var shown = SpotifyEtl.Cli.Spotify.CliContext.AuthorizePageInstruction(uri).ReplaceLineEndings("\n").Split('\n')[^1];

        Assert.DoesNotContain(shown, char.IsWhiteSpace);
        var query = HttpUtility.ParseQueryString(new Uri(shown).Query);
        Assert.Equal(string.Join(' ', scopes), query["scope"]);
        Assert.Equal(state, query["state"]);
        Assert.Equal("client id+/?", query["client_id"]);
    }

    /// <summary>
    /// The authorization page the login showed: waited for up to 30 s, since at the start of a whole run on two busy cores
    /// a login took more than 5 s to reach it; what the login said on stderr is in the failure otherwise.
    /// </summary>
    /// <summary>The authorize page the login showed; the double's code is then issued for the Redirect URI that page names, as Spotify's is.</summary>
    private async Task<Uri> WaitForAuthorizePageAsync(CliTestContext cli)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (cli.AuthorizePages.IsEmpty && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(10);
        }
        Assert.True(cli.AuthorizePages.Count == 1, $"{cli.AuthorizePages.Count} authorization pages shown in {waited.Elapsed.TotalSeconds:0.#} s; stderr: {cli.Errors}");
        var page = Assert.Single(cli.AuthorizePages);
        _spotify.RedirectUriOfCode = HttpUtility.ParseQueryString(page.Query)["redirect_uri"];
        return page;
    }

    /// <summary>The browser coming back from the authorize page with the double's code.</summary>
    private static Task<HttpResponseMessage> SignInAsync(Uri authorize)
    {
        var query = HttpUtility.ParseQueryString(authorize.Query);
        return Browser.GetAsync(new Uri($"{query["redirect_uri"]}?code=double-authorization-code&state={Uri.EscapeDataString(query["state"]!)}"));
    }

    [Fact]
    public async Task Auth_login_names_the_account_that_signed_in_and_asks_Spotify_to_show_the_consent_page_every_time()
    {
        var random = new Random(7);
        // Display names are the account's own text: control characters, a terminal's escape sequences, bidirectional marks.
        string[] names = ["", "Ada Lovelace", "\u001b[2J\u001b[31mred", "ok\r\nspotify-etl: forged line", "\u202eevil", "名前 テスト", new string('x', 300)];
        foreach (var name in names)
        {
            _spotify.Account = ($"user{random.Next(1000)}", name);
            using var cli = new CliTestContext(_spotify).WithCredentials(refreshToken: null);

            var login = AuthCommand.Create(cli.Context).Parse(["login", "--port", $"{LoopbackPorts.Free()}", "--saved-tracks"]).InvokeAsync();
            var authorize = await WaitForAuthorizePageAsync(cli);
            using var callback = await SignInAsync(authorize);

            Assert.Equal(0, await login);
            Assert.Equal("true", HttpUtility.ParseQueryString(authorize.Query)["show_dialog"]);
            Assert.Contains($"(Spotify id {_spotify.Account.Id})", cli.Output, StringComparison.Ordinal);
            Assert.Contains(" as ", cli.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("\u001b", cli.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("\u202e", cli.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("\nspotify-etl: forged", cli.Output, StringComparison.Ordinal);
            Assert.True(cli.Output.Length < 2000, "a long name is cut");
            if (name.All(c => !char.IsControl(c) && c != '\u202e') && name.Length < 100)
            {
                // An account with no display name is named by its id.
                Assert.Contains($"as {(name.Length > 0 ? name : _spotify.Account.Id)} (Spotify id", cli.Output, StringComparison.Ordinal);
            }
            Assert.Equal(HttpStatusCode.OK, callback.StatusCode);
        }
    }

    [Fact]
    public async Task Auth_login_for_an_account_not_on_the_apps_user_list_keeps_the_token_and_exits_77_naming_the_list()
    {
        _spotify.UnregisteredUser = true;
        using var cli = new CliTestContext(_spotify).WithCredentials(refreshToken: null);

        var login = AuthCommand.Create(cli.Context).Parse(["login", "--port", $"{LoopbackPorts.Free()}", "--saved-tracks"]).InvokeAsync();
        using var callback = await SignInAsync(await WaitForAuthorizePageAsync(cli));

        Assert.Equal(77, await login);
        Assert.Contains("User not registered in the Developer Dashboard", cli.Errors, StringComparison.Ordinal);
        Assert.Contains("User Management", cli.Errors, StringComparison.Ordinal);
        Assert.Contains("no new login", cli.Errors, StringComparison.Ordinal);
        Assert.Contains($"The refresh token is in {cli.Context.DefaultCredentialsPath}.", cli.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("Authorized", cli.Output, StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.OK, callback.StatusCode);
        // Kept: it works as it is once the account is on the list.
        Assert.Contains(_spotify.AuthorizedRefreshToken, await File.ReadAllTextAsync(cli.Context.DefaultCredentialsPath), StringComparison.Ordinal);
        Assert.DoesNotContain(_spotify.AuthorizedRefreshToken, cli.Output + cli.Errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(429)]
    public async Task Auth_login_whose_account_check_Spotify_fails_keeps_the_token_warns_and_succeeds(int status)
    {
        _spotify.Inject("me", status == 429 ? Fault.TooManyRequests(1) : Fault.ServerError(status));
        using var cli = new CliTestContext(_spotify).WithCredentials(refreshToken: null);

        var login = AuthCommand.Create(cli.Context).Parse(["login", "--port", $"{LoopbackPorts.Free()}", "--saved-tracks"]).InvokeAsync();
        using var callback = await SignInAsync(await WaitForAuthorizePageAsync(cli));

        Assert.Equal(0, await login);
        Assert.Contains("warning: Could not ask Spotify which account signed in", cli.Errors, StringComparison.Ordinal);
        Assert.Contains($"{status}", cli.Errors, StringComparison.Ordinal);
        Assert.Contains("Authorized.", cli.Output, StringComparison.Ordinal);
        Assert.Contains(_spotify.AuthorizedRefreshToken, await File.ReadAllTextAsync(cli.Context.DefaultCredentialsPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_code_the_exchange_sends_with_another_redirect_uri_than_the_authorize_page_is_refused_and_never_saved()
    {
        // The exchange must name the Redirect URI the authorize page was asked with: Spotify refuses the code otherwise.
        using var cli = new CliTestContext(_spotify).WithCredentials(refreshToken: null);
        var port = LoopbackPorts.Free();

        var login = AuthCommand.Create(cli.Context).Parse(["login", "--port", $"{port}", "--saved-tracks"]).InvokeAsync();
        var authorize = await WaitForAuthorizePageAsync(cli);
        _spotify.RedirectUriOfCode = $"http://localhost:{port}/callback";
        using var callback = await SignInAsync(authorize);

        Assert.Equal(77, await login);
        Assert.Contains("invalid_grant", cli.Errors, StringComparison.Ordinal);
        Assert.Contains($"run 'spotify-etl auth login --port {port} --saved-tracks' again", cli.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("Check the client id", cli.Errors, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.Context.DefaultCredentialsPath) && File.ReadAllText(cli.Context.DefaultCredentialsPath).Contains(_spotify.AuthorizedRefreshToken, StringComparison.Ordinal));
    }

    /// <summary>The id of a process that has ended: one started and waited for.</summary>
    private static int EndedProcess()
    {
        using var ended = System.Diagnostics.Process.Start("true")!;
        ended.WaitForExit();
        return ended.Id;
    }
}
