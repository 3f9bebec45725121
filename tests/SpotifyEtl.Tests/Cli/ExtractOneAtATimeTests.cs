using System.Text.Json;
using SpotifyEtl.Cli.Commands;
using SpotifyEtl.Tests.Spotify;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// Two extractions on one lake would each load the extraction state and save over the other's: the second is
/// refused with exit 75 before it asks Spotify anything, and the lock goes with the run that held it.
/// </summary>
public sealed class ExtractOneAtATimeTests : IAsyncLifetime
{
    private const string Playlist = "3cEYpjA9oz9GiPac4AsH4n";
    private SpotifyDouble _spotify = null!;

    public async Task InitializeAsync()
    {
        _spotify = await SpotifyDouble.StartAsync();
        _spotify.AddPlaylist(Playlist, items: 30);
    }

    public async Task DisposeAsync() => await _spotify.DisposeAsync();

    private static Dictionary<string, string> Credentials => new()
    {
        ["SPOTIFY_CLIENT_ID"] = SpotifyDouble.ClientId,
        ["SPOTIFY_CLIENT_SECRET"] = SpotifyDouble.ClientSecret,
        ["SPOTIFY_REFRESH_TOKEN"] = SpotifyDouble.InitialRefreshToken,
    };

    [Fact]
    public async Task A_second_extract_on_a_lake_while_one_runs_exits_75_without_asking_Spotify_and_the_next_one_runs()
    {
        using var first = new CliTestContext(_spotify, Credentials);
        using var second = new CliTestContext(_spotify, Credentials);
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
        Assert.Equal(0, await running);
        Assert.Single(Directory.GetFiles(Path.Combine(lake, "manifests")));

        // The lock went with the first run: the next one runs (and finds the playlist unchanged).
        var next = await ExtractCommand.Create(second.Context).Parse(["--lake", lake, "--playlist", Playlist, "--json"]).InvokeAsync();
        Assert.Equal(0, next);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(lake, "manifests")).Length);
    }
}
