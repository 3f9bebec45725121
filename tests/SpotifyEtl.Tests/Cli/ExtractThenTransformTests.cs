using SpotifyEtl.Tests.Spotify;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// The two halves meet only through raw storage: `spotify-etl extract` against the Spotify double (a real
/// HTTP server) lands files that `spotify-etl transform` turns into the tables an analyst queries.
/// </summary>
public sealed class ExtractThenTransformTests : IAsyncLifetime, IDisposable
{
    private const string PlaylistId = "3cEYpjA9oz9GiPac4AsH4n";
    private readonly TempFolder _folder = new();
    private SpotifyDouble _spotify = null!;

    public async Task InitializeAsync()
    {
        _spotify = await SpotifyDouble.StartAsync();
        _spotify.AddPlaylist(PlaylistId, items: 60);
        _spotify.Plays.AddRange([1_763_700_000_000, 1_763_700_300_000, 1_763_700_600_000]);
    }

    public async Task DisposeAsync() => await _spotify.DisposeAsync();

    public void Dispose() => _folder.Dispose();

    private Dictionary<string, string> Environment => new(CliTestContext.ProcessWithCredentials(_folder.Path, SpotifyDouble.ClientId, SpotifyDouble.ClientSecret, SpotifyDouble.InitialRefreshToken))
    {
        ["SPOTIFY_API_BASE_URL"] = _spotify.Endpoints.ApiBase.ToString(),
        ["SPOTIFY_ACCOUNTS_BASE_URL"] = _spotify.Endpoints.AccountsBase.ToString(),
        ["HOME"] = _folder.Path,
    };

    [Fact]
    public void Extract_json_prints_the_runs_manifest_alone_on_stdout()
    {
        var run = DemoCommandTests.RunCli(Environment, "extract", "--lake", _folder["lake"], "--playlist", PlaylistId, "--json");

        Assert.True(run.ExitCode == 0, run.Errors);
        using var manifest = System.Text.Json.JsonDocument.Parse(run.Output);
        Assert.Equal("succeeded", manifest.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(File.ReadAllText(Assert.Single(Directory.GetFiles(_folder["lake/manifests"], "*", SearchOption.AllDirectories))).Trim(), run.Output.Trim());
    }

    [Fact]
    public void My_playlists_extracts_the_accounts_own_playlists_into_the_playlist_tables_and_leaves_anothers_out()
    {
        var own = _spotify.AddPlaylist("7dGJo4pcD2V6oG8kP0tJRR", items: 12);
        _spotify.AddPlaylist("0vvXsWCC9xrXsKd4FyS8kM", items: 9, ownedByUser: false);
        _spotify.AddPlaylist("1wwXsWCC9xrXsKd4FyS8kM", items: 7, ownedByUser: false).Collaborative = true;
        var lake = _folder["lake"];

        var extract = DemoCommandTests.RunCli(Environment, "extract", "--lake", lake, "--my-playlists", "--json");
        var transform = DemoCommandTests.RunCli("transform", "--lake", lake);

        Assert.True(extract.ExitCode == 0, extract.Output + extract.Errors);
        Assert.True(transform.ExitCode == 0, transform.Output + transform.Errors);
        using var manifest = System.Text.Json.JsonDocument.Parse(extract.Output);
        Assert.Equal(["my_playlists", $"playlist:{PlaylistId}", $"playlist:{own.Id}"],
            manifest.RootElement.GetProperty("sources").EnumerateArray().Select(source => source.GetProperty("source").GetString()));
        using var duck = new DuckDb();
        var entries = duck.Query($"SELECT playlist_id, count(*) FROM read_parquet('{Path.Combine(lake, "transformed", "playlist_entries")}/*/*.parquet') GROUP BY 1 ORDER BY 1").Rows
            .Select(row => (row[0], row[1])).ToList();
        Assert.Equal([(PlaylistId, "60"), (own.Id, "12")], entries);
    }

    [Fact]
    public void Refused_credentials_exit_77_with_the_reason_on_stderr_in_plain_text_and_nothing_on_stdout()
    {
        _spotify.RefuseRefreshTokens = true;

        var run = DemoCommandTests.RunCli(Environment, "extract", "--lake", _folder["lake"], "--recently-played");

        Assert.Equal(77, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.StartsWith("spotify-etl: ", run.Errors, StringComparison.Ordinal);
        Assert.Contains("spotify-etl auth login", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Errors, StringComparison.Ordinal);
        Assert.Single(run.Errors.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Extracted_responses_become_tables_with_every_page_every_play_and_every_artist()
    {
        var lake = _folder["lake"];
        var environment = Environment;

        var extract = DemoCommandTests.RunCli(environment, "extract", "--lake", lake, "--playlist", PlaylistId, "--recently-played", "--saved-tracks");
        var transform = DemoCommandTests.RunCli("transform", "--input", Path.Combine(lake, "raw"), "--lake", lake);

        Assert.True(extract.ExitCode == 0, extract.Output + extract.Errors);
        Assert.True(transform.ExitCode == 0, transform.Output + transform.Errors);
        SpotifyExtractorTests.AssertNoSecret(extract.Output + extract.Errors);
        using var duck = new DuckDb();
        string Count(string table, string where = "true") =>
            duck.Query($"SELECT count(*) FROM read_parquet('{Path.Combine(lake, "transformed", table)}/*/*.parquet') WHERE {where}").Rows[0][0]!;
        Assert.Equal("60", Count("playlist_entries", $"playlist_id = '{PlaylistId}' AND playlist_snapshot_id = 'snapshot-1'"));
        Assert.Equal("1", Count("playlists"));
        Assert.Equal("3", Count("plays"));
        // 60 playlist songs, 3 played and 3 saved, each credited to two artists: the second artist is kept for every one.
        Assert.Equal("66", Count("songs"));
        Assert.Equal("66", Count("song_artists", "artist_position = 2"));
        Assert.Equal("1", Count("albums", "release_date = '2004-01-01' AND release_date_precision = 'year'"));
    }
}
