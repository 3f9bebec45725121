using SpotifyEtl.Storage;

namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// One extraction at a time on a local lake, told by an exclusive advisory lock on <c>.tmp/extract.lock</c>, which
/// the system lets go of when the process ends, however it ends. Two at once would each load the extraction state,
/// move its cursors as if the other had not run, and save over each other.
/// </summary>
internal sealed class ExtractLock : IDisposable
{
    private readonly FileStream _held;

    private ExtractLock(FileStream held) => _held = held;

    /// <summary>Takes the lock of the lake at <paramref name="root"/>, or ends the command with exit 75 when another extraction holds it.</summary>
    public static ExtractLock Take(string root)
    {
        var folder = Path.Combine(root, LocalFolderStore.TemporaryFolder);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, LocalFolderStore.ExtractLockFile);
        try
        {
            return new ExtractLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException exception) when (File.Exists(path) && exception is not (PathTooLongException or DirectoryNotFoundException))
        {
            throw new CliException(ExitCodes.Busy,
                $"Another spotify-etl extract is running on the lake {root}. Run again when it has ended; two at once would save over each other's extraction state.");
        }
    }

    public void Dispose() => _held.Dispose();
}
