using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// Opens a local lake for a verb that writes to it: the folder must be writable (else exit 74 with the
/// folder named), and what a killed run left behind is tidied first: temporary files of processes that
/// are gone, and quarantine reasons whose copy never landed (the next transformation of that day
/// quarantines the object again, reason and copy), the latter only when no other process works on the lake.
/// </summary>
internal static class LocalLake
{
    /// <param name="option">The option that named the folder, for the message when it cannot be used.</param>
    public static LocalFolderStore Open(DirectoryInfo folder, string option = "--lake")
    {
        MustNotBeAFile(folder.FullName, option);
        try
        {
            Directory.CreateDirectory(folder.FullName);
            var store = new LocalFolderStore(folder.FullName);
            store.RemoveStaleTemporaryFiles();
            LakeLock.Enter(folder.FullName, () => RemoveUnfinishedQuarantines(folder.FullName));
            return store;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.IoError,
                $"Cannot write to {(option == "--lake" ? "the lake " : "")}{folder.FullName}: {exception.Message.TrimEnd('.')}. Make it a writable folder, or choose another {option}.");
        }
    }

    /// <summary>
    /// A lake named by a path that is a file is refused as such (exit 74), not reported missing; so is a lake where one
    /// of its folders (raw/, transformed/, ...) is a file, not reported empty or unwritable.
    /// </summary>
    public static void MustNotBeAFile(string path, string option = "--lake")
    {
        if (File.Exists(path))
        {
            throw new CliException(ExitCodes.IoError, $"{Path.GetFullPath(path)} is a file, not a folder: name a folder for {option}.");
        }
        foreach (var prefix in Folders)
        {
            var folder = Path.Combine(Path.GetFullPath(path), prefix.TrimEnd('/'));
            if (File.Exists(folder))
            {
                throw new CliException(ExitCodes.IoError,
                    $"{folder} is a file where the lake keeps its {prefix} folder: move it out of the lake (or remove it), then run again.");
            }
        }
    }

    /// <summary>The folders a local lake keeps (<see cref="LakeLayout"/>), each of which must be a folder if it is there at all.</summary>
    private static readonly string[] Folders =
    [
        LakeLayout.Raw, LakeLayout.Transformed, LakeLayout.Quarantine, LakeLayout.Staging, LakeLayout.Reports,
        LakeLayout.Manifests, LakeLayout.State, LakeLayout.Import, LocalFolderStore.TemporaryFolder + "/",
    ];

    private static void RemoveUnfinishedQuarantines(string root)
    {
        var quarantine = Path.Combine(root, LakeLayout.Quarantine.TrimEnd('/'));
        if (!Directory.Exists(quarantine))
        {
            return;
        }
        foreach (var reason in Directory.EnumerateFiles(quarantine, "*" + LakeLayout.ReasonSuffix, SearchOption.AllDirectories))
        {
            if (!File.Exists(reason[..^LakeLayout.ReasonSuffix.Length]))
            {
                File.Delete(reason);
            }
        }
    }
}
