using System.Diagnostics;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// The lake's lock file or the credentials file that is no file (a folder, a link to one, a dangling link, a FIFO): the
/// verb names it and says what to do, at once. A FIFO is never opened: that would wait for a writer for ever, deaf to Ctrl-C.
/// </summary>
public sealed class LakeEntriesThatAreNoFileTests : IDisposable
{
    private static readonly string[] Kinds = ["folder", "link to a folder", "dangling link", "fifo"];
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task A_lock_file_that_is_no_file_is_named_with_exit_74(int seed)
    {
        var random = new Random(seed);
        var lake = _folder["lake"];
        await new SampleGenerator(new LocalFolderStore(lake)).WriteAsync(new SampleOptions(Days: 1, Items: 3, Seed: seed));
        Assert.Equal(0, Run("transform", "--lake", lake).ExitCode);
        var kind = Kinds[seed % Kinds.Length];
        var lockFile = Path.Combine(lake, LocalFolderStore.TemporaryFolder, LocalFolderStore.LockFile);
        File.Delete(lockFile);
        Make(lockFile, kind);
        var verb = random.Next(2) == 0 ? "transform" : "current";

        var run = Run(verb, "--lake", lake);

        Assert.True(run.ExitCode == 74, $"{verb} with a lock that is a {kind}: exit {run.ExitCode}: {run.Errors}");
        Assert.Contains("the lake's lock file, cannot be used", run.Errors, StringComparison.Ordinal);
        Assert.Contains("Remove it", run.Errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("folder")]
    [InlineData("link to a folder")]
    [InlineData("dangling link")]
    [InlineData("fifo")]
    public void A_credentials_file_that_is_no_file_is_named_with_exit_65(string kind)
    {
        var credentials = _folder["config/credentials.json"];
        Make(credentials, kind);

        var run = Run("extract", "--lake", _folder["lake"], "--recently-played", "--credentials", credentials);

        Assert.True(run.ExitCode == 65, $"credentials that are a {kind}: exit {run.ExitCode}: {run.Errors}");
        Assert.Contains(kind.EndsWith("folder", StringComparison.Ordinal)
            ? $"{credentials} is a folder, not a credentials file: name the file itself, such as --credentials {credentials}/credentials.json."
            : "cannot be read as a credentials file", run.Errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dangling link")]
    [InlineData("fifo")]
    public void An_import_over_a_history_month_that_is_no_file_is_not_held_by_it(string kind)
    {
        // The import counts the table's rows before it rebuilds the table: an entry where a month's file belongs is not opened
        // (a FIFO would hold the import for ever), and the import still rebuilds the history. (A folder there is refused by
        // name, as wherever the lake keeps a file.)
        var export = Directory.CreateDirectory(_folder["export"]).FullName;
        File.WriteAllText(Path.Combine(export, "Streaming_History_Audio_2024.json"), """
            [{"ts": "2024-03-01T10:00:00Z", "ms_played": 200000, "master_metadata_track_name": "Song", "master_metadata_album_artist_name": "Artist", "spotify_track_uri": "spotify:track:a1"},
             {"ts": "2024-04-02T11:00:00Z", "ms_played": 90000, "master_metadata_track_name": "Other", "master_metadata_album_artist_name": "Artist", "spotify_track_uri": "spotify:track:a2"}]
            """);
        var lake = _folder["lake"];
        Assert.Equal(0, Run("import", export, "--lake", lake).ExitCode);
        var month = Path.Combine(lake, "transformed", "listening_history", "ended_month=2024-03", "listening_history.parquet");
        File.Delete(month);
        Make(month, kind);

        var again = SpotifyEtlProcess.RunWithin(TimeSpan.FromMinutes(1), "import", export, "--lake", lake);

        Assert.True(again.ExitCode == 0, $"a month that is a {kind}: exit {again.ExitCode}: {again.Errors}");
        Assert.DoesNotContain("rows added by this import", again.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(month) && new FileInfo(month).Length > 0, "the month's file is written again");
    }

    private void Make(string path, string kind)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        switch (kind)
        {
            case "folder":
                Directory.CreateDirectory(path);
                break;
            case "link to a folder":
                Directory.CreateDirectory(_folder["elsewhere"]);
                File.CreateSymbolicLink(path, _folder["elsewhere"]);
                break;
            case "dangling link":
                File.CreateSymbolicLink(path, _folder["gone"]);
                break;
            default:
                using (var mkfifo = Process.Start("mkfifo", path))
                {
                    mkfifo.WaitForExit();
                }
                break;
        }
    }

    private static (int ExitCode, string Errors) Run(params string[] arguments)
    {
        var run = SpotifyEtlProcess.RunWithin(TimeSpan.FromMinutes(1), arguments);
        return (run.ExitCode, run.Errors);
    }
}
