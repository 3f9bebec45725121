using System.Text.RegularExpressions;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Spotify;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// What reaches the disk before its name, seen from outside the process: spotify-etl run under strace, whose record of
/// its fsync and rename calls says whether the bytes of each file nothing rebuilds (every raw page an extraction lands,
/// its manifest, the extraction state, the credentials file with a rotated token, the mark of an unfinished transform)
/// were flushed before the file was moved into place, and that the table files a transform writes (rebuilt from
/// <c>raw/</c> at will) are not: a flush per table file would cost the transform much of its speed. The in-process
/// tests see the writes go through <c>DurableFile</c>; these see the flush itself.
/// </summary>
public sealed partial class FlushedToDiskTests : IAsyncLifetime, IDisposable
{
    private const string PlaylistId = "3cEYpjA9oz9GiPac4AsH4n";
    private readonly TempFolder _folder = new();
    private SpotifyDouble _spotify = null!;

    public async Task InitializeAsync()
    {
        _spotify = await SpotifyDouble.StartAsync();
        _spotify.AddPlaylist(PlaylistId, items: 120);
        _spotify.Plays.AddRange([1_763_700_000_000, 1_763_700_300_000]);
        _spotify.RotateRefreshTokenTo = "double-refresh-token-ROTATED";
    }

    public async Task DisposeAsync() => await _spotify.DisposeAsync();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Every_file_nothing_rebuilds_is_flushed_before_its_rename_and_no_table_file_is()
    {
        var lake = _folder["lake"];
        var environment = new Dictionary<string, string>(CliTestContext.ProcessWithCredentials(_folder.Path, SpotifyDouble.ClientId, SpotifyDouble.ClientSecret, SpotifyDouble.InitialRefreshToken))
        {
            ["SPOTIFY_API_BASE_URL"] = _spotify.Endpoints.ApiBase.ToString(),
            ["SPOTIFY_ACCOUNTS_BASE_URL"] = _spotify.Endpoints.AccountsBase.ToString(),
            ["HOME"] = _folder.Path,
        };

        var extract = Traced(environment, "extract", "--lake", lake, "--playlist", PlaylistId, "--recently-played", "--top-tracks", "short_term", "--saved-tracks");
        var transform = Traced(new Dictionary<string, string>(), "transform", "--lake", lake);

        Assert.True(extract.ExitCode == 0, extract.Errors);
        Assert.True(transform.ExitCode == 0, transform.Errors);
        var durable = extract.Moves.Concat(transform.Moves).Where(move => Relative(lake, move.Destination) is { } key
            && (key.StartsWith("raw/", StringComparison.Ordinal) || key.StartsWith("manifests/", StringComparison.Ordinal) || key.StartsWith("state/", StringComparison.Ordinal))
            || move.Destination.EndsWith("credentials.json", StringComparison.Ordinal)).ToList();
        // Each kind is there: pages of every source, the manifest, the state, the rotated token, the transform's mark.
        string[] expected = ["raw/playlist/", "raw/playlist_items/", "raw/recently_played/", "raw/top_tracks/", "raw/saved_tracks/", "manifests/",
            "state/extraction-state", "state/unfinished-transform", "credentials.json"];
        Assert.All(expected, kind => Assert.Contains(durable, move => move.Destination.Contains(kind, StringComparison.Ordinal)));
        Assert.Equal(Directory.GetFiles(Path.Combine(lake, "raw"), "*.json", SearchOption.AllDirectories).Length,
            durable.Count(move => Relative(lake, move.Destination)?.StartsWith("raw/", StringComparison.Ordinal) == true));
        Assert.All(durable, move => Assert.True(move.FlushedBefore, $"{move.Destination} was moved into place before its bytes were flushed"));

        var tables = transform.Moves.Where(move => Relative(lake, move.Destination)?.StartsWith("transformed/", StringComparison.Ordinal) == true).ToList();
        Assert.True(tables.Count >= 8, $"only {tables.Count} table files were written");
        Assert.All(tables, move => Assert.False(move.FlushedBefore, $"{move.Destination}, a table file, was flushed"));
    }

    private static string? Relative(string lake, string path) =>
        path.StartsWith(lake + "/", StringComparison.Ordinal) ? path[(lake.Length + 1)..] : null;

    /// <summary>A file moved into place, and whether the file moved was flushed (fsync or fdatasync) before the move.</summary>
    private sealed record Move(string Destination, bool FlushedBefore);

    private sealed record TracedRun(int ExitCode, string Errors, List<Move> Moves);

    /// <summary>spotify-etl run as the process tests run it, under <c>strace -f</c>, with its renames and flushes in the order they happened.</summary>
    private TracedRun Traced(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var trace = Path.Combine(_folder.Path, $"trace-{arguments[0]}.txt");
        var (exitCode, _, errors) = StracedProcess.Run(trace, ["-e", "trace=fsync,fdatasync,rename,renameat,renameat2"], arguments, environment);
        var flushed = new HashSet<string>(StringComparer.Ordinal);
        var moves = new List<Move>();
        foreach (var line in File.ReadLines(trace))
        {
            if (Flush().Match(line) is { Success: true } flush)
            {
                flushed.Add(flush.Groups["path"].Value);
            }
            else if (Rename().Match(line) is { Success: true } rename)
            {
                // Each move needs a flush of its own: the same name (state.json.new) written again is flushed again.
                moves.Add(new Move(rename.Groups["to"].Value, flushed.Remove(rename.Groups["from"].Value)));
            }
        }
        return new TracedRun(exitCode, errors, moves);
    }

    // strace -y names a descriptor's file: fsync(12</lake/state/x.json.new>) = 0, or, when another thread's call came
    // between, fsync(12</lake/state/x.json.new> <unfinished ...>.
    [GeneratedRegex(@"\b(?:fsync|fdatasync)\(\d+<(?<path>[^>]+)>")]
    private static partial Regex Flush();

    // rename("from", "to"), or renameat/renameat2 with a descriptor before each path; a call another thread interrupted
    // ends "<unfinished ...>", its paths already written.
    [GeneratedRegex(@"\brename(?:at2?)?\((?:[^""]*?, )?""(?<from>[^""]+)"", (?:[^""]*?, )?""(?<to>[^""]+)""")]
    private static partial Regex Rename();
}
