using System.Text.Json;
using SpotifyEtl.Cli.Commands;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Tests.Spotify;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

public sealed class ExtractCommandTests : IAsyncLifetime
{
    private const string Playlist = "3cEYpjA9oz9GiPac4AsH4n";
    private SpotifyDouble _spotify = null!;

    public async Task InitializeAsync()
    {
        _spotify = await SpotifyDouble.StartAsync();
        _spotify.AddPlaylist(Playlist, items: 60);
    }

    public async Task DisposeAsync() => await _spotify.DisposeAsync();


    [Fact]
    public async Task Extract_command_lands_the_sources_named_by_options_and_a_config_file_into_the_lake_and_prints_a_summary()
    {
        using var cli = new CliTestContext(_spotify).WithCredentials();
        var lake = Path.Combine(cli.Folder, "lake");
        var config = Path.Combine(cli.Folder, "sources.json");
        await File.WriteAllTextAsync(config, """[{"type":"top_artists","time_range":"long_term"}]""");

        var exit = await ExtractCommand.Create(cli.Context)
            .Parse(["--lake", lake, "--playlist", Playlist, "--saved-tracks", "--top-tracks", "short_term", "--config", config])
            .InvokeAsync();

        Assert.Equal(0, exit);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(lake, "raw", "playlist_items"), "*.json", SearchOption.AllDirectories).Length);
        Assert.Single(Directory.GetFiles(Path.Combine(lake, "raw", "top_artists"), "*.json", SearchOption.AllDirectories));
        Assert.Single(Directory.GetFiles(Path.Combine(lake, "manifests")));
        Assert.Contains($"playlist:{Playlist}", cli.Output, StringComparison.Ordinal);
        Assert.Contains("top_artists:long_term", cli.Output, StringComparison.Ordinal);
        Assert.Contains("landed", cli.Output, StringComparison.Ordinal);
        SpotifyExtractorTests.AssertNoSecret(cli.Output);
    }

    [Fact]
    public async Task Every_raw_response_an_extraction_lands_reaches_the_disk_before_its_name_and_before_the_state_that_moves_past_it()
    {
        using var cli = new CliTestContext(_spotify).WithCredentials();
        var lake = Path.Combine(cli.Folder, "lake");
        _spotify.Plays.AddRange([1_763_700_000_000, 1_763_700_300_000]);
        var flushed = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void Seen(string destination)
        {
            if (destination.StartsWith(lake, StringComparison.Ordinal))
            {
                flushed.Enqueue(Path.GetRelativePath(lake, destination).Replace(Path.DirectorySeparatorChar, '/'));
            }
        }

        SpotifyEtl.Storage.DurableFile.Flushed += Seen;
        int exit;
        try
        {
            exit = await ExtractCommand.Create(cli.Context)
                .Parse(["--lake", lake, "--playlist", Playlist, "--saved-tracks", "--top-tracks", "short_term", "--top-artists", "long_term", "--recently-played"])
                .InvokeAsync();
        }
        finally
        {
            SpotifyEtl.Storage.DurableFile.Flushed -= Seen;
        }

        Assert.Equal(0, exit);
        // A page a power cut left empty is never fetched again once the state has moved past it: a playlist's snapshot
        // seen, the newest save, the day's top lists, the plays' cursor.
        var landed = Directory.GetFiles(Path.Combine(lake, "raw"), "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(lake, path).Replace(Path.DirectorySeparatorChar, '/')).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["playlist", "playlist_items", "recently_played", "saved_tracks", "top_artists", "top_tracks"],
            landed.Select(key => key.Split('/')[1]).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(landed, flushed.Where(key => key.StartsWith("raw/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        // The state is written twice: first with the run's name alone, before anything lands under it (nothing else has moved),
        // then at the end, with every cursor past what the run landed.
        var order = flushed.ToList();
        var states = order.Select((key, at) => (key, at)).Where(entry => entry.key.StartsWith("state/extraction-state", StringComparison.Ordinal)).ToList();
        Assert.True(states.Count == 2 && states[0].at < order.FindIndex(key => key.StartsWith("raw/", StringComparison.Ordinal)),
            "the run's name is on the disk before its first page: " + string.Join(", ", order));
        Assert.True(order.FindLastIndex(key => key.StartsWith("raw/", StringComparison.Ordinal)) < states[1].at,
            "every page is on the disk before the state that moves past it: " + string.Join(", ", order));
    }

    /// <summary>
    /// More plays since the last run than Spotify keeps: stderr says which may be missing, and the run still exits 0; or, when a
    /// token Spotify rotated meanwhile could not be saved, exits 1 for that, after telling the plays all the same.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Extract_command_warns_on_stderr_with_both_times_when_more_plays_happened_than_Spotify_keeps_whatever_the_exit(bool tokenUnsaved)
    {
        using var cli = new CliTestContext(_spotify).WithCredentials();
        var lake = Path.Combine(cli.Folder, "lake");
        var start = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
        _spotify.Plays.AddRange(Enumerable.Range(0, 10).Select(minute => start.AddMinutes(minute).ToUnixTimeMilliseconds()));
        Assert.Equal(0, await ExtractCommand.Create(cli.Context).Parse(["--lake", lake, "--recently-played"]).InvokeAsync());
        Assert.DoesNotContain("may be missing", cli.Errors, StringComparison.Ordinal);

        // 80 plays since, a minute apart: Spotify still has the newest 50.
        _spotify.Plays.AddRange(Enumerable.Range(10, 80).Select(minute => start.AddMinutes(minute).ToUnixTimeMilliseconds()));
        if (tokenUnsaved)
        {
            // A token rotated that cannot be saved: the credentials' folder is now in a git work tree.
            _spotify.RotateRefreshTokenTo = "double-refresh-token-NEW";
            _spotify.OnTokenRequest = _ => Directory.CreateDirectory(Path.Combine(Path.GetDirectoryName(cli.Context.DefaultCredentialsPath)!, ".git"));
        }
        var exit = await ExtractCommand.Create(cli.Context).Parse(["--lake", lake, "--recently-played"]).InvokeAsync();

        Assert.True(exit == (tokenUnsaved ? 1 : 0), $"exit {exit}: {cli.Errors}");
        Assert.Equal(tokenUnsaved, cli.Errors.Contains("rotated the refresh token but it could not be saved", StringComparison.Ordinal));
        Assert.Contains("Plays between 2026-11-20 12:09:00 and 2026-11-20 12:40:00 UTC may be missing", cli.Errors, StringComparison.Ordinal);
        Assert.Contains("spotify-etl import", cli.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Extract_command_warns_on_stderr_when_Spotify_answers_a_cursor_older_than_the_saved_one_and_still_exits_0()
    {
        using var cli = new CliTestContext(_spotify).WithCredentials();
        var lake = Path.Combine(cli.Folder, "lake");
        var start = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
        _spotify.Plays.AddRange(Enumerable.Range(0, 10).Select(minute => start.AddMinutes(minute).ToUnixTimeMilliseconds()));
        Assert.Equal(0, await ExtractCommand.Create(cli.Context).Parse(["--lake", lake, "--recently-played"]).InvokeAsync());
        _spotify.Plays.Add(start.AddMinutes(10).ToUnixTimeMilliseconds());
        _spotify.RewritePlays = (_, page) => page["cursors"]!["after"] = start.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var exit = await ExtractCommand.Create(cli.Context).Parse(["--lake", lake, "--recently-played"]).InvokeAsync();

        Assert.Equal(0, exit);
        Assert.Contains("spotify-etl: warning: recently_played: Spotify answered a cursor (2026-11-20 12:00:00.000 UTC) older than the saved one (2026-11-20 12:09:00.000 UTC)",
            cli.Errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    public async Task Extract_command_exits_3_without_showing_it_when_the_access_token_holds_characters_no_token_has(int seed)
    {
        using var cli = new CliTestContext(_spotify).WithCredentials();
        var token = GarbledTokenResponseTests.TokenWithForeignCharacters(seed);
        var body = new System.Text.Json.Nodes.JsonObject { ["access_token"] = token, ["token_type"] = "Bearer", ["expires_in"] = 3600 }.ToJsonString();
        _spotify.Inject("token", Enumerable.Range(0, 10).Select(_ => (Fault)new Fault.RawFault(200, "application/json", body)).ToArray());

        var exit = await ExtractCommand.Create(cli.Context).Parse(["--lake", Path.Combine(cli.Folder, "lake"), "--playlist", Playlist]).InvokeAsync();

        Assert.True(exit == 3, $"exit {exit}: {cli.Errors}");
        Assert.Contains("access_token holding characters no token has", cli.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected error", cli.Errors, StringComparison.Ordinal);
        Assert.All(token.Split(token.Where(c => c is < '!' or > '~').ToArray()).Where(part => part.Length >= 8),
            part => Assert.DoesNotContain(part, cli.Errors + cli.Output, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(3, 4)]
    [InlineData(20, 60)]
    [InlineData(60, 55)] // within the limit, but the request after it would have 5 s
    public async Task Extract_command_stops_with_its_state_saved_at_a_wait_that_would_outlast_its_time_limit(int limitSeconds, int retryAfterSeconds)
    {
        // A laptop's run has no Lambda timeout: the time limit is what keeps a Spotify asking for long waits from holding it for hours.
        using var cli = new CliTestContext(_spotify).WithCredentials();
        var lake = Path.Combine(cli.Folder, "lake");
        _spotify.Inject("playlists/", Enumerable.Range(0, 10).Select(_ => Fault.TooManyRequests(retryAfterSeconds)).ToArray());

        var exit = await ExtractCommand.Create(cli.Context).Parse(["--lake", lake, "--playlist", Playlist, "--time-limit", $"{limitSeconds}"]).InvokeAsync();

        Assert.True(exit == 3, $"exit {exit}: {cli.Errors}");
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(Path.Combine(lake, "manifests")))));
        Assert.Equal("stopped", manifest.RootElement.GetProperty("outcome").GetString());
        var reason = manifest.RootElement.GetProperty("stop_reason").GetString()!;
        Assert.Contains("longer than the run can sit out and still ask again", reason, StringComparison.Ordinal);
        // Said once on stderr, with the state saved, not once for the source and again for the run.
        Assert.Single(cli.Errors.ReplaceLineEndings("\n").Split('\n'), line => line.Contains(reason.TrimEnd('.'), StringComparison.Ordinal));
        Assert.Contains("state is saved: run again later", cli.Errors, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(lake, SpotifyEtl.Spotify.ExtractionState.Key)), "the state is saved for the next run");
    }

    [Theory]
    [InlineData(30)]
    [InlineData(120)]
    [InlineData(500)]
    public async Task A_run_interrupted_while_it_waits_out_a_Retry_After_saves_the_wait_and_the_next_run_sits_it_out(int retryAfterSeconds)
    {
        using var cli = new CliTestContext(_spotify).WithCredentials();
        var lake = Path.Combine(cli.Folder, "lake");
        _spotify.Inject("me/player/recently-played", Fault.TooManyRequests(retryAfterSeconds));
        using var interrupt = new CancellationTokenSource();
        // Interrupted once the client has taken the 429's wait and is about to sit it out, whatever the machine's speed.
        var context = cli.Context with
        {
            SpotifyOptions = cli.Context.SpotifyOptions with
            {
                OnRetry = retry =>
                {
                    if (retry.Delay >= TimeSpan.FromSeconds(retryAfterSeconds))
                    {
                        interrupt.Cancel();
                    }
                },
            },
        };
        var asked = DateTimeOffset.UtcNow;

        var exit = await ExtractCommand.Create(context).Parse(["--lake", lake, "--recently-played", "--time-limit", "86400"]).InvokeAsync(cancellationToken: interrupt.Token);
        Assert.True(interrupt.IsCancellationRequested, "the 429's wait was taken");

        Assert.True(exit == 130, $"exit {exit}: {cli.Errors}");
        using (var state = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(lake, SpotifyEtl.Spotify.ExtractionState.Key))))
        {
            var until = state.RootElement.GetProperty("wait").GetProperty("until").GetDateTimeOffset();
            Assert.InRange(until, asked.AddSeconds(retryAfterSeconds - 5), asked.AddSeconds(retryAfterSeconds + 60));
        }
        // Run again at once: the rest of the wait is sat out, and Spotify is asked nothing.
        var requests = _spotify.ApiRequests.Count;
        var again = await ExtractCommand.Create(cli.Context).Parse(["--lake", lake, "--recently-played"]).InvokeAsync();
        Assert.True(again == 3, $"exit {again}: {cli.Errors}");
        Assert.Equal(requests, _spotify.ApiRequests.Count);
    }

    [Fact]
    public async Task Extract_command_interrupted_exits_130_and_leaves_a_manifest_saying_so()
    {
        using var cli = new CliTestContext(_spotify).WithCredentials();
        var lake = Path.Combine(cli.Folder, "lake");
        using var interrupt = new CancellationTokenSource();
        _spotify.OnApiRequest = path =>
        {
            if (path.Contains("/items", StringComparison.Ordinal))
            {
                interrupt.Cancel();
            }
        };

        var exit = await ExtractCommand.Create(cli.Context).Parse(["--lake", lake, "--playlist", Playlist]).InvokeAsync(cancellationToken: interrupt.Token);
        _spotify.OnApiRequest = null;

        Assert.True(exit == 130, $"exit {exit}: {cli.Errors}");
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(Path.Combine(lake, "manifests")))));
        Assert.Equal("stopped", manifest.RootElement.GetProperty("outcome").GetString());
        Assert.StartsWith("Interrupted", manifest.RootElement.GetProperty("stop_reason").GetString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The lake's extraction state that is no file (a folder, a link to one, a dangling link, a FIFO): the lake's to mend, so
    /// exit 65 with what to do, not an "unexpected error" to report; nothing is landed, and the entry is left as it was.
    /// </summary>
    [Theory]
    [InlineData("folder")]
    [InlineData("link to a folder")]
    [InlineData("dangling link")]
    [InlineData("fifo")]
    public async Task An_extraction_state_that_is_no_file_is_the_lakes_to_mend_with_exit_65(string kind)
    {
        using var cli = new CliTestContext(_spotify).WithCredentials();
        var lake = Path.Combine(cli.Folder, "lake");
        var state = Path.Combine(lake, SpotifyEtl.Spotify.ExtractionState.Key);
        Directory.CreateDirectory(Path.GetDirectoryName(state)!);
        switch (kind)
        {
            case "folder":
                Directory.CreateDirectory(state);
                break;
            case "link to a folder":
                File.CreateSymbolicLink(state, cli.Folder);
                break;
            case "dangling link":
                File.CreateSymbolicLink(state, Path.Combine(cli.Folder, "gone.json"));
                break;
            default:
                using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", state))
                {
                    await mkfifo.WaitForExitAsync();
                }
                break;
        }

        var exit = await ExtractCommand.Create(cli.Context).Parse(["--lake", lake, "--playlist", Playlist]).InvokeAsync();

        Assert.True(exit == 65, $"exit {exit}: {cli.Errors}");
        Assert.Contains("Put a file in its place or move it out of the lake", cli.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected error", cli.Errors, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(lake, "raw")), "nothing is landed");
    }

    /// <summary>
    /// Ctrl-C after Spotify rotated the refresh token: the run still says where the new token went (the credentials file
    /// given, or the config folder's) or that it could not be saved; a user told only "Interrupted" would go on with the old
    /// token.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task An_interrupted_extract_still_says_where_a_rotated_token_went(int seed)
    {
        var random = new Random(seed);
        var given = seed % 3 == 0;
        var unsaved = seed % 3 == 2;
        using var cli = new CliTestContext(_spotify);
        var credentials = given ? Path.Combine(cli.Folder, "secrets", "credentials.json") : cli.Context.DefaultCredentialsPath;
        CliTestContext.WriteCredentials(credentials, SpotifyDouble.ClientId, SpotifyDouble.ClientSecret, SpotifyDouble.InitialRefreshToken);
        if (unsaved)
        {
            // Once the credentials are read, their folder comes to be in a git work tree: the rotated token cannot be saved there.
            _spotify.OnTokenRequest = _ => Directory.CreateDirectory(Path.Combine(Path.GetDirectoryName(credentials)!, ".git"));
        }
        var rotated = $"double-refresh-token-NEW-{seed}";
        _spotify.RotateRefreshTokenTo = rotated;
        var interruptAt = random.Next(1, 3);
        var asked = 0;
        using var interrupt = new CancellationTokenSource();
        _spotify.OnApiRequest = _ =>
        {
            if (Interlocked.Increment(ref asked) == interruptAt)
            {
                interrupt.Cancel();
            }
        };
        string[] arguments = ["--lake", Path.Combine(cli.Folder, "lake"), "--playlist", Playlist, .. given ? new[] { "--credentials", credentials } : []];

        var exit = await ExtractCommand.Create(cli.Context).Parse(arguments).InvokeAsync(cancellationToken: interrupt.Token);
        _spotify.OnApiRequest = null;

        Assert.True(exit == 130, $"exit {exit}: {cli.Errors}");
        Assert.Contains(unsaved ? "rotated the refresh token but it could not be saved" : $"the new one was saved to {credentials}", cli.Errors, StringComparison.Ordinal);
        Assert.Equal(!unsaved, File.ReadAllText(credentials).Contains(rotated, StringComparison.Ordinal));
        Assert.DoesNotContain(rotated, cli.Output + cli.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Extract_command_writes_a_rotated_refresh_token_where_a_credentials_file_that_is_a_link_points_and_keeps_the_link()
    {
        using var cli = new CliTestContext(_spotify);
        var target = Path.Combine(cli.Folder, "dotfiles", "spotify", "credentials.json");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        await File.WriteAllTextAsync(target, $$"""{"client_id":"{{SpotifyDouble.ClientId}}","client_secret":"{{SpotifyDouble.ClientSecret}}","refresh_token":"{{SpotifyDouble.InitialRefreshToken}}"}""");
        var link = Path.Combine(cli.Folder, "credentials.json");
        File.CreateSymbolicLink(link, Path.Combine("dotfiles", "spotify", "credentials.json"));
        _spotify.RotateRefreshTokenTo = "double-refresh-token-NEW";

        var exit = await ExtractCommand.Create(cli.Context)
            .Parse(["--lake", Path.Combine(cli.Folder, "lake"), "--saved-tracks", "--credentials", link]).InvokeAsync();

        Assert.Equal(0, exit);
        Assert.NotNull(new FileInfo(link).LinkTarget);
        using var saved = JsonDocument.Parse(await File.ReadAllTextAsync(target));
        Assert.Equal("double-refresh-token-NEW", saved.RootElement.GetProperty("refresh_token").GetString());
    }

    [Theory]
    [InlineData("double-refresh-token-FROM-A-NEW-LOGIN", SpotifyDouble.ClientSecret)]
    [InlineData(SpotifyDouble.InitialRefreshToken, "another-client-secret")]
    [InlineData("double-refresh-token-FROM-A-NEW-LOGIN", "another-client-secret")]
    public async Task A_credentials_file_replaced_while_the_run_goes_on_is_not_written_over_by_the_rotated_token(string refreshToken, string clientSecret)
    {
        using var cli = new CliTestContext(_spotify);
        var credentials = Path.Combine(cli.Folder, "credentials.json");
        await File.WriteAllTextAsync(credentials, $$"""{"client_id":"{{SpotifyDouble.ClientId}}","client_secret":"{{SpotifyDouble.ClientSecret}}","refresh_token":"{{SpotifyDouble.InitialRefreshToken}}"}""");
        var replacement = $$"""{"client_id":"{{SpotifyDouble.ClientId}}","client_secret":"{{clientSecret}}","refresh_token":"{{refreshToken}}","authorized_at":"2026-11-21T05:59:00Z"}""";
        // An auth login in another terminal while this run asks for its access token.
        _spotify.OnTokenRequest = _ => File.WriteAllText(credentials, replacement);
        _spotify.RotateRefreshTokenTo = "double-refresh-token-ROTATED";

        var exit = await ExtractCommand.Create(cli.Context)
            .Parse(["--lake", Path.Combine(cli.Folder, "lake"), "--saved-tracks", "--credentials", credentials]).InvokeAsync();

        Assert.True(exit == 0, cli.Errors);
        Assert.Equal(replacement, await File.ReadAllTextAsync(credentials));
        Assert.Contains($"{credentials} came to hold other credentials while the run went on", cli.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("ROTATED", cli.Output + cli.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Extract_command_writes_a_rotated_refresh_token_back_to_the_credentials_file()
    {
        using var cli = new CliTestContext(_spotify);
        var credentials = Path.Combine(cli.Folder, "credentials.json");
        await File.WriteAllTextAsync(credentials, $$"""{"client_id":"{{SpotifyDouble.ClientId}}","client_secret":"{{SpotifyDouble.ClientSecret}}","refresh_token":"{{SpotifyDouble.InitialRefreshToken}}"}""");
        _spotify.RotateRefreshTokenTo = "double-refresh-token-NEW";

        var exit = await ExtractCommand.Create(cli.Context)
            .Parse(["--lake", Path.Combine(cli.Folder, "lake"), "--saved-tracks", "--credentials", credentials]).InvokeAsync();

        Assert.Equal(0, exit);
        using var saved = JsonDocument.Parse(await File.ReadAllTextAsync(credentials));
        Assert.Equal("double-refresh-token-NEW", saved.RootElement.GetProperty("refresh_token").GetString());
        Assert.Equal(SpotifyDouble.ClientSecret, saved.RootElement.GetProperty("client_secret").GetString());
        SpotifyExtractorTests.AssertNoSecret(cli.Output);
    }

    [Theory]
    [InlineData(".git folder")]
    [InlineData(".git file")]
    public async Task Extract_refuses_credentials_of_a_config_folder_in_a_git_repository_before_asking_spotify(string marker)
    {
        using var cli = new CliTestContext(_spotify).WithCredentials();
        // A dotfiles repository around the config folder (a work tree's .git folder, or a worktree's .git file).
        if (marker == ".git folder")
        {
            Directory.CreateDirectory(Path.Combine(cli.Folder, ".git"));
        }
        else
        {
            await File.WriteAllTextAsync(Path.Combine(cli.Folder, ".git"), "gitdir: /elsewhere/.git/worktrees/home");
        }

        var exit = await ExtractCommand.Create(cli.Context).Parse(["--lake", Path.Combine(cli.Folder, "lake"), "--saved-tracks"]).InvokeAsync();

        Assert.Equal(64, exit);
        Assert.Contains($"{cli.Context.DefaultCredentialsPath} is inside the git repository at {cli.Folder}", cli.Errors, StringComparison.Ordinal);
        // What to do instead, not the refused default again.
        Assert.Contains("--credentials FILE, or set XDG_CONFIG_HOME to a folder outside it", cli.Errors, StringComparison.Ordinal);
        Assert.Empty(_spotify.TokenGrants);
        SpotifyExtractorTests.AssertNoSecret(cli.Output + cli.Errors);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Extract_command_writes_a_rotated_token_back_to_the_config_folders_credentials_without_printing_it()
    {
        using var cli = new CliTestContext(_spotify).WithCredentials();
        _spotify.RotateRefreshTokenTo = "double-refresh-token-NEW";

        var exit = await ExtractCommand.Create(cli.Context).Parse(["--lake", Path.Combine(cli.Folder, "lake"), "--saved-tracks"]).InvokeAsync();

        Assert.Equal(0, exit);
        Assert.Contains("double-refresh-token-NEW", await File.ReadAllTextAsync(cli.Context.DefaultCredentialsPath), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.Context.DefaultCredentialsPath));
        Assert.Contains($"the new one was saved to {cli.Context.DefaultCredentialsPath}", cli.Errors, StringComparison.Ordinal);
        SpotifyExtractorTests.AssertNoSecret(cli.Output + cli.Errors);
    }

    [Theory]
    [InlineData("""{"client_id":"another-app","client_secret":"another-secret","refresh_token":"another-token"}""")]
    [InlineData("not credentials at all")]
    public async Task A_rotated_token_leaves_a_credentials_file_that_came_to_hold_another_app_as_it_is(string existing)
    {
        using var cli = new CliTestContext(_spotify).WithCredentials();
        // Replaced once read, before the rotated token is saved (another tool, or the user, writing its own credentials there).
        _spotify.OnTokenRequest = _ => File.WriteAllText(cli.Context.DefaultCredentialsPath, existing);
        _spotify.RotateRefreshTokenTo = "double-refresh-token-NEW";

        var exit = await ExtractCommand.Create(cli.Context).Parse(["--lake", Path.Combine(cli.Folder, "lake"), "--saved-tracks"]).InvokeAsync();

        Assert.Equal(0, exit);
        Assert.Equal(existing, await File.ReadAllTextAsync(cli.Context.DefaultCredentialsPath));
        var beside = Path.Combine(Path.GetDirectoryName(cli.Context.DefaultCredentialsPath)!, $"credentials-{SpotifyDouble.ClientId.Replace("-", "", StringComparison.Ordinal)}.json");
        using var saved = JsonDocument.Parse(await File.ReadAllTextAsync(beside));
        Assert.Equal("double-refresh-token-NEW", saved.RootElement.GetProperty("refresh_token").GetString());
        Assert.Contains($"--credentials {beside}", cli.Errors, StringComparison.Ordinal);
        SpotifyExtractorTests.AssertNoSecret(cli.Output + cli.Errors);
    }

    /// <summary>A credentials file's mode for a seed: owner-only for one seed in three, else with some read or write bits for the group or others.</summary>
    internal static (UnixFileMode Mode, bool Exposed) CredentialsFileMode(int seed)
    {
        var random = new Random(seed);
        UnixFileMode[] others = [UnixFileMode.GroupRead, UnixFileMode.GroupWrite, UnixFileMode.OtherRead, UnixFileMode.OtherWrite];
        var mode = UnixFileMode.UserRead | (random.Next(2) == 0 ? UnixFileMode.UserWrite : 0);
        var exposed = seed % 3 != 1;
        if (exposed)
        {
            mode |= others[random.Next(others.Length)] | others.Where(_ => random.Next(3) == 0).Aggregate(UnixFileMode.None, (all, bit) => all | bit);
        }
        return (mode, exposed);
    }

    /// <summary>
    /// A credentials file others may read (as an editor leaves it, 0644) is named with the command that fixes it; one only its
    /// owner may read is not. Generated modes: owner-only ones, and ones adding any read or write bit for the group or others.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_credentials_file_others_may_read_is_named_with_the_chmod_that_makes_it_owner_only(int seed)
    {
        var (mode, exposed) = CredentialsFileMode(seed);
        using var cli = new CliTestContext(_spotify).WithCredentials();
        File.SetUnixFileMode(cli.Context.DefaultCredentialsPath, mode);

        var exit = await ExtractCommand.Create(cli.Context).Parse(["--lake", Path.Combine(cli.Folder, "lake"), "--saved-tracks"]).InvokeAsync();

        Assert.True(exit == 0, $"exit {exit}: {cli.Errors}");
        Assert.Equal(exposed, cli.Errors.Contains($"may be read by other users of this machine (mode {Convert.ToString((int)mode, 8)}): make it owner-only with 'chmod 600 {cli.Context.DefaultCredentialsPath}'", StringComparison.Ordinal));
        SpotifyExtractorTests.AssertNoSecret(cli.Output + cli.Errors);
    }

    /// <summary>
    /// Secrets in environment variables (as an earlier version read them, and as other tools document) are not read: every
    /// program the shell starts inherits them. Without a credentials file the run says so, names the variables set and where
    /// the file goes, and asks Spotify nothing; so does a run whose <c>--credentials</c> names a file not written yet.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public async Task Credentials_in_environment_variables_are_not_read_and_the_error_says_where_the_file_goes(int seed)
    {
        var random = new Random(seed);
        var values = new Dictionary<string, string>
        {
            ["SPOTIFY_CLIENT_ID"] = SpotifyDouble.ClientId,
            ["SPOTIFY_CLIENT_SECRET"] = SpotifyDouble.ClientSecret,
            ["SPOTIFY_REFRESH_TOKEN"] = SpotifyDouble.InitialRefreshToken,
        };
        var set = values.Keys.Where(_ => random.Next(2) == 0).DefaultIfEmpty("SPOTIFY_CLIENT_SECRET").ToList();
        using var cli = new CliTestContext(_spotify, set.ToDictionary(name => name, name => values[name]));
        var login = random.Next(2) == 0;
        // Half of the runs name a credentials file of their own, in a folder with spaces, not written yet.
        var named = random.Next(2) == 0 ? Path.Combine(cli.Folder, "my secrets", $"spotify-{seed}.json") : null;
        string[] credentials = named is null ? [] : ["--credentials", named];

        var exit = login
            ? await AuthCommand.Create(cli.Context).Parse(["login", "--port", "1", "--saved-tracks", "--timeout", "1", .. credentials]).InvokeAsync()
            : await ExtractCommand.Create(cli.Context).Parse(["--lake", Path.Combine(cli.Folder, "lake"), "--saved-tracks", .. credentials]).InvokeAsync();

        Assert.True(exit == 66, $"exit {exit}: {cli.Errors}");
        Assert.Contains($"{string.Join(", ", set)} {(set.Count == 1 ? "is" : "are")} set, but spotify-etl reads no credentials from environment variables", cli.Errors, StringComparison.Ordinal);
        Assert.Contains($"Write them into {named ?? cli.Context.DefaultCredentialsPath} (", cli.Errors, StringComparison.Ordinal);
        if (named is not null)
        {
            Assert.Contains($"'spotify-etl auth login --credentials {ShellWord.Of(named)}' adds the refresh token", cli.Errors, StringComparison.Ordinal);
        }
        Assert.Empty(_spotify.TokenGrants);
        Assert.False(File.Exists(named ?? cli.Context.DefaultCredentialsPath));
        SpotifyExtractorTests.AssertNoSecret(cli.Output + cli.Errors);
    }

    [Fact]
    public async Task A_credentials_file_that_starts_with_a_byte_order_mark_is_read_and_a_rotated_token_written_back()
    {
        // A Windows editor, or PowerShell 5's Set-Content -Encoding UTF8, writes the mark first.
        using var cli = new CliTestContext(_spotify).WithCredentials();
        var path = cli.Context.DefaultCredentialsPath;
        var written = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, [0xEF, 0xBB, 0xBF, .. written]);
        _spotify.RotateRefreshTokenTo = "double-refresh-token-ROTATED";

        var exit = await ExtractCommand.Create(cli.Context).Parse(["--lake", Path.Combine(cli.Folder, "lake"), "--recently-played"]).InvokeAsync();

        Assert.True(exit == 0, $"exit {exit}: {cli.Errors}");
        using var saved = JsonDocument.Parse(await File.ReadAllBytesAsync(path));
        Assert.Equal("double-refresh-token-ROTATED", saved.RootElement.GetProperty("refresh_token").GetString());
    }

    /// <summary>
    /// A refresh token Spotify refuses, read from the default file or one given (its name with a space): the login that saves a
    /// new one into that very file is said first, with Spotify's reason; the stack's secret, no concern of a laptop, is not.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Extract_command_exits_77_saying_the_login_that_saves_a_new_token_into_the_file_it_read_on_invalid_grant(bool given)
    {
        using var cli = new CliTestContext(_spotify).WithCredentials();
        var file = cli.Context.DefaultCredentialsPath;
        var arguments = new List<string> { "--lake", Path.Combine(cli.Folder, "lake"), "--recently-played" };
        if (given)
        {
            file = Path.Combine(cli.Folder, "my app", "credentials.json");
            CliTestContext.WriteCredentials(file, SpotifyDouble.ClientId, SpotifyDouble.ClientSecret, SpotifyDouble.InitialRefreshToken);
            File.Delete(cli.Context.DefaultCredentialsPath);
            arguments.AddRange(["--credentials", file]);
        }
        _spotify.RefuseRefreshTokens = true;

        var exit = await ExtractCommand.Create(cli.Context).Parse([.. arguments]).InvokeAsync();

        Assert.Equal(77, exit);
        var login = given ? $"spotify-etl auth login --credentials {SpotifyEtl.Cli.Shell.ShellWord.Of(file)}" : "spotify-etl auth login";
        Assert.StartsWith($"spotify-etl: Spotify refused the refresh token (invalid_grant: Refresh token revoked). Run '{login}' to save a new one into {file}, then extract again.",
            cli.Errors, StringComparison.Ordinal);
        Assert.Contains("six months after authorization", cli.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("secretsmanager", cli.Errors, StringComparison.Ordinal);
        Assert.Empty(cli.Output);
    }

    [Fact]
    public async Task Extract_command_without_sources_or_credentials_says_what_is_missing()
    {
        using var cli = new CliTestContext(_spotify);

        Assert.Equal(64, await ExtractCommand.Create(cli.Context).Parse(["--lake", cli.Folder]).InvokeAsync());
        Assert.Contains("No sources", cli.Errors, StringComparison.Ordinal);
        Assert.Equal(66, await ExtractCommand.Create(cli.Context).Parse(["--lake", cli.Folder, "--saved-tracks"]).InvokeAsync());
        Assert.Contains($"No credentials file at {cli.Context.DefaultCredentialsPath}", cli.Errors, StringComparison.Ordinal);
        Assert.Contains($"then 'chmod 600 {SpotifyEtl.Cli.Shell.ShellWord.Of(cli.Context.DefaultCredentialsPath)}'", cli.Errors, StringComparison.Ordinal);
        Assert.Contains("'spotify-etl auth login' then adds the refresh token", cli.Errors, StringComparison.Ordinal);
        CliTestContext.WriteCredentials(cli.Context.DefaultCredentialsPath, SpotifyDouble.ClientId, "", null);
        Assert.Equal(64, await ExtractCommand.Create(cli.Context).Parse(["--lake", cli.Folder, "--saved-tracks"]).InvokeAsync());
        Assert.Contains("lack a client id or client secret", cli.Errors, StringComparison.Ordinal);
        Assert.Equal(64, await ExtractCommand.Create(cli.Context).Parse(["--lake", cli.Folder, "--top-tracks", "forever"]).InvokeAsync());
        Assert.Contains("not a time range", cli.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Extract_command_reads_as_many_top_items_as_asked_and_refuses_a_limit_out_of_range()
    {
        using var cli = new CliTestContext(_spotify).WithCredentials();
        _spotify.TopTrackCount = 300;
        var lake = Path.Combine(cli.Folder, "lake");

        var exit = await ExtractCommand.Create(cli.Context).Parse(["--lake", lake, "--top-tracks", "short_term", "--top-items-limit", "120"]).InvokeAsync();

        Assert.Equal(0, exit);
        var pages = Directory.GetFiles(Path.Combine(lake, "raw", "top_tracks"), "*.json", SearchOption.AllDirectories);
        Assert.Equal(3, pages.Length);
        // Exactly the limit: 50, 50 and 20, not three whole pages.
        Assert.Equal(120, pages.Sum(page => System.Text.Json.JsonDocument.Parse(File.ReadAllText(page)).RootElement.GetProperty("items").GetArrayLength()));
        // Refused while parsing, naming the option (spotify-etl exits 64 for every parse error).
        var refused = ExtractCommand.Create(cli.Context).Parse(["--lake", lake, "--saved-tracks", "--saved-tracks-full-pass-days", "0"]);
        Assert.Contains(refused.Errors, error => error.Message == "--saved-tracks-full-pass-days must be a whole number from 1 to 365, not '0'.");
    }

    [Fact]
    public async Task Extract_command_keeps_its_etags_in_the_lake_so_a_second_run_asks_conditionally_and_says_so()
    {
        using var cli = new CliTestContext(_spotify).WithCredentials();
        var lake = Path.Combine(cli.Folder, "lake");
        // Both runs read the machine's clock: a run after midnight would be a new day, with new requests.
        await UtcDay.WithRoomAsync(TimeSpan.FromMinutes(2));
        await ExtractCommand.Create(cli.Context).Parse(["--lake", lake, "--saved-tracks", "--playlist", Playlist]).InvokeAsync();
        Assert.Contains("full pass", cli.Output, StringComparison.Ordinal);

        // The same day again: the playlist's metadata is asked conditionally (304); saved tracks were read today already.
        var exit = await ExtractCommand.Create(cli.Context).Parse(["--lake", lake, "--saved-tracks", "--playlist", Playlist]).InvokeAsync();

        Assert.Equal(0, exit);
        // Two 304s were the first run's: the playlist's metadata and the saved tracks' first page, asked again after the pages
        // to see that they held still while they were read.
        Assert.Equal(3, _spotify.NotModifiedAnswers);
        Assert.Contains("Spotify requests: 1, not modified: 1", cli.Output, StringComparison.Ordinal);
        var manifests = Directory.GetFiles(Path.Combine(lake, "manifests")).Order().ToArray();
        using var second = JsonDocument.Parse(await File.ReadAllTextAsync(manifests[^1]));
        Assert.Equal(1, second.RootElement.GetProperty("not_modified").GetInt32());
    }

    [Fact]
    public async Task Extract_command_refuses_a_credentials_file_inside_a_git_repository()
    {
        using var cli = new CliTestContext(_spotify);
        Directory.CreateDirectory(Path.Combine(cli.Folder, "repo", ".git"));
        var credentials = Path.Combine(cli.Folder, "repo", "credentials.json");
        await File.WriteAllTextAsync(credentials, "{}");

        var exit = await ExtractCommand.Create(cli.Context).Parse(["--lake", cli.Folder, "--saved-tracks", "--credentials", credentials]).InvokeAsync();

        Assert.Equal(64, exit);
        Assert.Contains("outside any repository", cli.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Extract_command_refuses_a_credentials_file_that_is_a_symbolic_link_into_a_git_repository()
    {
        // Dotfiles managed by links: ~/.config/spotify-etl/credentials.json is a link to the file in the repository.
        foreach (var inRepository in new[] { true, false })
        {
            using var cli = new CliTestContext(_spotify);
            var repository = Path.Combine(cli.Folder, "dotfiles");
            Directory.CreateDirectory(Path.Combine(repository, "spotify"));
            if (inRepository)
            {
                Directory.CreateDirectory(Path.Combine(repository, ".git"));
            }
            await File.WriteAllTextAsync(Path.Combine(repository, "spotify", "credentials.json"), "{}");
            Directory.CreateDirectory(Path.Combine(cli.Folder, "config"));
            var path = Path.Combine(cli.Folder, "config", "credentials.json");
            File.CreateSymbolicLink(path, Path.Combine("..", "dotfiles", "spotify", "credentials.json"));

            var exit = await ExtractCommand.Create(cli.Context).Parse(["--lake", Path.Combine(cli.Folder, "lake"), "--saved-tracks", "--credentials", path]).InvokeAsync();

            // The repository by the path the link resolves to (on macOS the temporary folder is itself behind a link).
            AssertRefusedInsideRepository(inRepository, exit, cli.Errors, "inside the git repository at ");
        }
    }

    /// <summary>Refused (exit 64, saying where) when the file would be inside a repository; read otherwise, and found to hold no credentials.</summary>
    private static void AssertRefusedInsideRepository(bool inRepository, int exit, string errors, string refusal)
    {
        if (inRepository)
        {
            Assert.Equal(64, exit);
            Assert.Contains(refusal, errors, StringComparison.Ordinal);
        }
        else
        {
            // Accepted: the link was followed and the file read, whose "{}" holds no credentials.
            Assert.DoesNotContain("repository", errors, StringComparison.Ordinal);
            Assert.True(exit == 64 && errors.Contains("lack a client id or client secret", StringComparison.Ordinal), $"exit {exit}: {errors}");
        }
    }

    /// <summary>
    /// A credentials path that reaches a repository through a symbolic link: the link is the folder, an ancestor of it, a
    /// chain of links, a relative link, or a link inside the target; the same links to a folder outside any repository are
    /// accepted.
    /// </summary>
    [Theory]
    [InlineData("secrets", "repo/secrets", "secrets/credentials.json")]
    [InlineData("home", "repo", "home/secrets/credentials.json")]
    [InlineData("outer", "repo", "outer/deep/er/credentials.json")]
    [InlineData("chain", "secrets-link", "chain/credentials.json")]
    [InlineData("relative", "./repo/secrets", "relative/credentials.json")]
    public async Task Extract_command_refuses_a_credentials_file_a_symbolic_link_puts_inside_a_git_repository(string link, string target, string credentials)
    {
        foreach (var inRepository in new[] { true, false })
        {
            using var cli = new CliTestContext(_spotify);
            var repository = Path.Combine(cli.Folder, "repo");
            Directory.CreateDirectory(Path.Combine(repository, "secrets"));
            Directory.CreateDirectory(Path.Combine(repository, "deep", "er"));
            if (inRepository)
            {
                Directory.CreateDirectory(Path.Combine(repository, ".git"));
            }
            Directory.CreateSymbolicLink(Path.Combine(cli.Folder, "secrets-link"), Path.Combine(repository, "secrets"));
            Directory.CreateSymbolicLink(Path.Combine(cli.Folder, link), target.StartsWith("./", StringComparison.Ordinal) ? target : Path.Combine(cli.Folder, target));
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(cli.Folder, credentials))!);
            var path = Path.Combine(cli.Folder, credentials);
            await File.WriteAllTextAsync(path, "{}");

            var exit = await ExtractCommand.Create(cli.Context).Parse(["--lake", Path.Combine(cli.Folder, "lake"), "--saved-tracks", "--credentials", path]).InvokeAsync();

            // Through the link (home/.git is repo/.git) or where it leads: either names the repository the file would be in.
            AssertRefusedInsideRepository(inRepository, exit, cli.Errors, "inside the git repository at ");
        }
    }
}
