using SpotifyEtl.Cli.Report;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A top folder of the lake on another file system keeps the tool's temporary files in a <c>.tmp/</c> of its own
/// (<see cref="LocalFolderStore"/>). What a killed writer leaves there is the tool's working file, not the lake's: the
/// count of objects set aside does not count it, and <c>sample</c> does not take it for raw objects another source wrote.
/// </summary>
public sealed class TopFolderWorkingFilesTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>A temporary file of a writer that is gone (a process id no system hands out), under the folder's own .tmp/.</summary>
    private string LeaveTemporaryFile(string topFolder)
    {
        var folder = _folder[$"lake/{topFolder}/{LocalFolderStore.TemporaryFolder}"];
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"2147483646.1-{Guid.NewGuid():N}.tmp");
        File.WriteAllText(path, "{\"items\": [");
        return path;
    }

    [Fact]
    public void A_killed_copys_temporary_file_under_quarantine_is_not_counted_as_an_object_set_aside()
    {
        LeaveTemporaryFile("quarantine");
        var setAside = _folder["lake/quarantine/raw/playlist/snapshot_date=2026-11-20/p1/20261120T060000Z-p0001.json"];
        Directory.CreateDirectory(Path.GetDirectoryName(setAside)!);
        File.WriteAllText(setAside, "{");
        File.WriteAllText(setAside + ".reason.txt", "not JSON");

        Assert.Equal(1, TransformedTables.CountQuarantined(_folder["lake"]));
    }

    [Theory]
    [InlineData("raw")]
    [InlineData("quarantine")]
    [InlineData("import")]
    public void A_demo_empties_its_own_lake_whose_folder_holds_a_killed_writers_temporary_file(string topFolder)
    {
        var first = DemoCommandTests.RunCli("demo", "--lake", _folder["lake"], "--days", "2", "--items", "20");
        Assert.True(first.ExitCode == 0, first.Errors);
        LeaveTemporaryFile(topFolder);

        var again = DemoCommandTests.RunCli("demo", "--lake", _folder["lake"], "--days", "2", "--items", "20");

        Assert.True(again.ExitCode == 0, again.Output + again.Errors);
    }

    [Fact]
    public void A_sample_goes_into_a_lake_whose_raw_folder_holds_only_a_killed_writers_temporary_file()
    {
        LeaveTemporaryFile("raw");

        var sample = DemoCommandTests.RunCli("sample", "--out", _folder["lake"], "--days", "1", "--items", "5");

        Assert.True(sample.ExitCode == 0, sample.Errors);
        Assert.NotEmpty(Directory.GetFiles(_folder["lake/raw"], "*.json", SearchOption.AllDirectories));
    }
}
