using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A lake folder an import made and landed nothing in is removed again, but not from under another process on it: an
/// extract started on the same new folder holds the lake (shared, as every verb does) and keeps its lease, its working
/// files and the folder; once it is gone, the folder goes.
/// </summary>
public sealed class UnusedLakeRemovalTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void A_lake_folder_made_for_nothing_is_left_to_another_process_that_holds_it_then_removed(int workingFiles)
    {
        var lake = new DirectoryInfo(_folder["made-for-nothing"]);
        LocalLake.Open(lake);
        var temporary = Path.Combine(lake.FullName, LocalFolderStore.TemporaryFolder);
        // The other process's lease and the pages it is writing.
        var theirs = new List<string> { Path.Combine(temporary, "extraction" + LocalFolderStore.LeaseFileSuffix) };
        theirs.AddRange(Enumerable.Range(0, workingFiles).Select(i => Path.Combine(temporary, $"{Environment.ProcessId}.1-{i:x32}.tmp")));
        theirs.ForEach(file => File.WriteAllText(file, "held"));

        using (new FileStream(Path.Combine(temporary, LocalFolderStore.LockFile), FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            LocalLake.RemoveIfUnused(lake);

            Assert.All(theirs, file => Assert.True(File.Exists(file), $"{file} was removed from under the process holding the lake"));
        }

        LocalLake.RemoveIfUnused(lake);

        Assert.False(Directory.Exists(lake.FullName), "the folder made for nothing stays once the lake is no one's");
    }
}
