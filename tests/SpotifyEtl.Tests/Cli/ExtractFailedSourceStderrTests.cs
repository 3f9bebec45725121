using System.Text.Json;
using SpotifyEtl.Cli.Commands;
using SpotifyEtl.Tests.Spotify;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>Each source that failed or stopped gets one line on stderr, in table and --json modes alike; stdout is as it was.</summary>
// The --json manifest goes to the process's standard output, which the test swaps: the class runs alone (its collection
// is defined below with parallelization off), so no other test's output lands in the swapped writer.
[Collection(nameof(ExtractFailedSourceStderrTests))]
public sealed class ExtractFailedSourceStderrTests : IAsyncLifetime
{
    private const string Playlist = "3cEYpjA9oz9GiPac4AsH4n";
    private const string Missing = "4dEYpjA9oz9GiPac4AsH4m";
    private SpotifyDouble _spotify = null!;

    public async Task InitializeAsync()
    {
        _spotify = await SpotifyDouble.StartAsync();
        _spotify.AddPlaylist(Playlist, items: 10);
    }

    public async Task DisposeAsync() => await _spotify.DisposeAsync();

    public static TheoryData<string, bool> Failures()
    {
        var data = new TheoryData<string, bool>();
        foreach (var failure in new[] { "missing_playlist", "forbidden", "unauthorized", "html", "token_html" })
        {
            data.Add(failure, false);
            data.Add(failure, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_failed_or_stopped_source_is_named_on_stderr_with_its_reason(string failure, bool json)
    {
        using var cli = new CliTestContext(_spotify).WithCredentials();
        var playlist = failure == "missing_playlist" ? Missing : Playlist;
        switch (failure)
        {
            case "forbidden":
                _spotify.Inject("playlists/", Enumerable.Range(0, 20).Select(_ => Fault.Forbidden()).ToArray());
                break;
            case "unauthorized":
                _spotify.ExpireAccessTokensAfterRequests = 0;
                break;
            case "html":
                _spotify.Inject("playlists/", Enumerable.Range(0, 20).Select(_ => (Fault)new Fault.RawFault(200, "text/html", "<html>maintenance</html>")).ToArray());
                break;
            case "token_html":
                _spotify.Inject("token", Enumerable.Range(0, 20).Select(_ => (Fault)new Fault.RawFault(200, "text/html", "<html>maintenance</html>")).ToArray());
                break;
        }
        var arguments = new List<string> { "--lake", Path.Combine(cli.Folder, "lake"), "--playlist", playlist };
        if (json)
        {
            arguments.Add("--json");
        }
        var stdout = new StringWriter();
        var before = Console.Out;
        Console.SetOut(stdout);
        int exit;
        try
        {
            exit = await ExtractCommand.Create(cli.Context).Parse(arguments.ToArray()).InvokeAsync();
        }
        finally
        {
            Console.SetOut(before);
        }

        Assert.Equal(failure == "token_html" ? 3 : 1, exit);
        var lines = cli.Errors.Split('\n').Where(line => line.StartsWith($"spotify-etl: playlist:{playlist}: ", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(lines);
        Assert.True(line.Length > $"spotify-etl: playlist:{playlist}: ".Length + 20, line);
        if (json)
        {
            using var manifest = JsonDocument.Parse(stdout.ToString());
            Assert.Equal(failure == "token_html" ? "stopped" : "failed", manifest.RootElement.GetProperty("sources")[0].GetProperty("status").GetString());
            Assert.DoesNotContain("spotify-etl:", stdout.ToString(), StringComparison.Ordinal);
        }
        else
        {
            Assert.DoesNotContain("spotify-etl:", cli.Output, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// A run that ends in an interruption (130) or with no token to be had (77) has written its manifest, and --json prints
    /// it as for any run: a script learns what landed (the manifest printed only on the way out of a run that ended itself).
    /// </summary>
    [Theory]
    [InlineData("interrupted", 130)]
    [InlineData("reauthorize", 77)]
    public async Task A_run_that_ends_in_an_interruption_or_a_reauthorization_prints_the_manifest_it_wrote_with_json(string ending, int expected)
    {
        using var cli = new CliTestContext(_spotify).WithCredentials();
        var lake = Path.Combine(cli.Folder, "lake");
        using var interrupt = new CancellationTokenSource();
        if (ending == "interrupted")
        {
            _spotify.OnApiRequest = path =>
            {
                if (path.Contains("/items", StringComparison.Ordinal))
                {
                    interrupt.Cancel();
                }
            };
        }
        else
        {
            _spotify.RefuseRefreshTokens = true;
        }
        var stdout = new StringWriter();
        var before = Console.Out;
        Console.SetOut(stdout);
        int exit;
        try
        {
            exit = await ExtractCommand.Create(cli.Context).Parse(["--lake", lake, "--playlist", Playlist, "--recently-played", "--json"])
                .InvokeAsync(cancellationToken: interrupt.Token);
        }
        finally
        {
            Console.SetOut(before);
            _spotify.OnApiRequest = null;
        }

        Assert.True(exit == expected, $"exit {exit}: {cli.Errors}");
        var written = await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(Path.Combine(lake, "manifests"))));
        using var printed = JsonDocument.Parse(stdout.ToString());
        using var manifest = JsonDocument.Parse(written);
        Assert.Equal(manifest.RootElement.GetProperty("run_id").GetString(), printed.RootElement.GetProperty("run_id").GetString());
        Assert.Equal(ending == "interrupted" ? "stopped" : "failed", printed.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(2, printed.RootElement.GetProperty("sources").GetArrayLength());
    }
}

/// <summary>The class that swaps the process's standard output runs with no other test alongside.</summary>
[CollectionDefinition(nameof(ExtractFailedSourceStderrTests), DisableParallelization = true)]
public sealed class ExtractFailedSourceStderrRunsAlone;
