using SpotifyEtl.Cli.Commands;
using SpotifyEtl.Tests.Spotify;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// What extract cannot run on is refused with its exit code and what to do, before anything is asked of Spotify. Two
/// extractions on one lake would each load the extraction state and save over the other's, so the second is refused
/// (exit 75) and the lock goes with the run that held it.
/// </summary>
public sealed class ExtractRefusalTests : IAsyncLifetime
{
    private const string Playlist = "3cEYpjA9oz9GiPac4AsH4n";
    private SpotifyDouble _spotify = null!;

    public async Task InitializeAsync()
    {
        _spotify = await SpotifyDouble.StartAsync();
        _spotify.AddPlaylist(Playlist, items: 30);
    }

    public async Task DisposeAsync() => await _spotify.DisposeAsync();


    [Fact]
    public async Task A_second_extract_on_a_lake_while_one_runs_exits_75_without_asking_Spotify_and_the_next_one_runs()
    {
        using var first = new CliTestContext(_spotify).WithCredentials();
        using var second = new CliTestContext(_spotify).WithCredentials();
        var lake = Path.Combine(first.Folder, "lake");
        using var firstAsked = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        _spotify.OnApiRequest = _ =>
        {
            firstAsked.Set();
            release.Wait(TimeSpan.FromSeconds(60));
        };

        var running = Task.Run(() => ExtractCommand.Create(first.Context).Parse(["--lake", lake, "--playlist", Playlist]).InvokeAsync());
        Assert.True(firstAsked.Wait(TimeSpan.FromSeconds(60)), "the first extraction never reached Spotify");
        var asked = _spotify.ApiRequests.Count;
        var refused = await ExtractCommand.Create(second.Context).Parse(["--lake", lake, "--playlist", Playlist]).InvokeAsync();
        release.Set();
        _spotify.OnApiRequest = null;

        Assert.True(refused == 75, $"exit {refused}: {second.Errors}");
        Assert.Contains("Another spotify-etl extract is running", second.Errors, StringComparison.Ordinal);
        Assert.Equal(asked, _spotify.ApiRequests.Count);
        var ran = await running;
        Assert.True(ran == 0, $"the first extraction: exit {ran}: {first.Errors}{first.Output}");
        Assert.Single(Directory.GetFiles(Path.Combine(lake, "manifests")));

        // The lock went with the first run: the next one runs (and finds the playlist unchanged).
        var next = await ExtractCommand.Create(second.Context).Parse(["--lake", lake, "--playlist", Playlist, "--json"]).InvokeAsync();
        Assert.Equal(0, next);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(lake, "manifests")).Length);
    }

    [Theory]
    [InlineData("--recently-played")]
    [InlineData("--saved-tracks")]
    [InlineData("--top-tracks", "medium_term")]
    [InlineData("--top-artists", "long_term")]
    public async Task Sources_of_the_account_without_a_refresh_token_exit_77_before_asking_Spotify_anything(params string[] source)
    {
        // A token still exported for an earlier version is named as ignored, on every other case.
        var exported = source.Length % 2 == 0;
        using var cli = new CliTestContext(_spotify, exported ? new() { ["SPOTIFY_REFRESH_TOKEN"] = SpotifyDouble.InitialRefreshToken } : null)
            .WithCredentials(refreshToken: null);

        var exit = await ExtractCommand.Create(cli.Context).Parse(["--lake", Path.Combine(cli.Folder, "lake"), "--playlist", Playlist, .. source]).InvokeAsync();

        Assert.Equal(77, exit);
        Assert.Contains($"{cli.Context.DefaultCredentialsPath} has no refresh_token", cli.Errors, StringComparison.Ordinal);
        Assert.Equal(exported, cli.Errors.Contains("SPOTIFY_REFRESH_TOKEN is set, but no credential is read from environment variables", StringComparison.Ordinal));
        Assert.Contains("auth login", cli.Errors, StringComparison.Ordinal);
        Assert.Empty(_spotify.TokenGrants);
        Assert.Empty(_spotify.ApiRequests);
    }

    [Theory]
    [InlineData("s3://spotify-raw")]
    [InlineData("S3://spotify-raw/raw/")]
    public void A_bucket_given_as_the_lake_is_refused_while_parsing_and_names_what_reads_S3(string bucket)
    {
        using var cli = new CliTestContext(_spotify).WithCredentials();

        // Refused while parsing (spotify-etl exits 64 for every parse error), so nothing runs and no folder "s3:" is made.
        var parsed = ExtractCommand.Create(cli.Context).Parse(["--lake", bucket, "--playlist", Playlist]);

        var error = Assert.Single(parsed.Errors);
        Assert.Contains("this verb works on a local folder", error.Message, StringComparison.Ordinal);
        Assert.Contains("spotify-etl report --lake", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("{\"playlists\": 3}")]
    public async Task A_damaged_extraction_state_exits_65_naming_the_file_and_what_to_do(string content)
    {
        using var cli = new CliTestContext(_spotify).WithCredentials();
        var lake = Path.Combine(cli.Folder, "lake");
        Directory.CreateDirectory(Path.Combine(lake, "state"));
        await File.WriteAllTextAsync(Path.Combine(lake, "state", "extraction-state.json"), content);

        var exit = await ExtractCommand.Create(cli.Context).Parse(["--lake", lake, "--playlist", Playlist]).InvokeAsync();

        Assert.Equal(65, exit);
        Assert.Contains("extraction-state.json", cli.Errors, StringComparison.Ordinal);
        // What to do: fix or delete it, or for a state cut short, put back a backup or delete it.
        Assert.Contains("delete it", cli.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected error", cli.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", cli.Errors, StringComparison.Ordinal);
        Assert.Empty(_spotify.ApiRequests);
    }
}
