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
    /// <summary>The folder of a lake that holds the copies an import landed of the data export.</summary>
    public static string ExportCopies(string lake) => Path.Combine(lake, LakeLayout.Raw, StackContract.RawSources.SpotifyExport);

    /// <param name="option">The option that named the folder, for the message when it cannot be used.</param>
    public static LocalFolderStore Open(DirectoryInfo folder, string option = "--lake")
    {
        RefuseAsALake(folder, option);
        try
        {
            Directory.CreateDirectory(folder.FullName);
            var store = new LocalFolderStore(folder.FullName);
            store.RemoveStaleTemporaryFiles();
            LakeLock.Enter(folder.FullName, () => RemoveUnfinishedQuarantines(folder.FullName));
            return store;
        }
        // This process's open-file limit is no fault of the folder's: it goes on to be told as what it is.
        catch (Exception exception) when (LocalEntry.IsEntryFailure(exception))
        {
            throw new CliException(ExitCodes.IoError,
                $"Cannot write to {(option == "--lake" ? "the lake " : "")}{folder.FullName}: {exception.Message.TrimEnd('.')}. Make it a writable folder, or choose another {option}.");
        }
    }

    /// <summary>
    /// Removes a lake folder this run made that holds nothing but the tool's working files (its locks under <c>.tmp/</c>, empty
    /// folders): a run that landed nothing leaves no folder that later verbs would take for a lake with nothing in it yet. Only
    /// the files it listed go, then the folders left empty, and only while no other process holds the lake
    /// (<see cref="LakeLock.IfAlone"/>): an extract started on the same new folder keeps its lease, its working files and
    /// the folder.
    /// </summary>
    public static void RemoveIfUnused(DirectoryInfo folder)
    {
        try
        {
            LakeLock.IfAlone(folder.FullName, () => RemoveUnused(folder));
        }
        catch (Exception exception) when (LocalEntry.IsEntryFailure(exception))
        {
            // Left as it is: a lock file this user cannot open, or one removed meanwhile, is no lake the run harmed.
        }
    }

    private static void RemoveUnused(DirectoryInfo folder)
    {
        try
        {
            var files = Directory.GetFiles(folder.FullName, "*", SearchOption.AllDirectories);
            var temporary = Path.Combine(folder.FullName, LocalFolderStore.TemporaryFolder) + Path.DirectorySeparatorChar;
            if (!files.All(file => file.StartsWith(temporary, StringComparison.Ordinal)))
            {
                return;
            }
            foreach (var file in files)
            {
                File.Delete(file);
            }
            // Deepest first; a folder that is no longer empty is left.
            foreach (var empty in Directory.GetDirectories(folder.FullName, "*", SearchOption.AllDirectories).OrderByDescending(f => f.Length).Append(folder.FullName))
            {
                if (!Directory.EnumerateFileSystemEntries(empty).Any())
                {
                    Directory.Delete(empty);
                }
            }
        }
        catch (Exception exception) when (LocalEntry.IsEntryFailure(exception))
        {
            // Left as it is, or in part: a folder this user cannot empty, or one another process writes in, is no lake the run harmed.
        }
    }

    /// <summary>
    /// The refusals of <see cref="Open"/>, which come before it makes anything: for a verb that decides only later whether
    /// it has anything to write, so that a mistaken --lake is named whatever the inputs hold.
    /// </summary>
    public static void RefuseAsALake(DirectoryInfo folder, string option = "--lake")
    {
        MustNotBeAFile(folder.FullName, option);
        if (option == "--lake")
        {
            // A lake made in the folder above lakes would be mixed with them: refused as the verbs that read a lake refuse it.
            MustHoldALake(folder.FullName, " A new lake needs a folder of its own.");
        }
    }

    /// <summary>
    /// A lake named by a path that is a file is refused as such (exit 74), not reported missing; so is a lake where one
    /// of its folders (raw/, transformed/, ...) is a file, not reported empty or unwritable. A --lake that is a lake's
    /// own raw/ or transformed/ folder, or any other folder a lake keeps (or a sample --out that is one), is refused too (exit 66), with the lake to give instead
    /// (<see cref="MustNotBeInsideALake"/>).
    /// </summary>
    public static void MustNotBeAFile(string path, string option = "--lake")
    {
        // A link that leads nowhere is no file, though File.Exists says it is one (it looks at the link itself).
        if (LocalEntry.Follow(new FileInfo(path)).Broken is { } link)
        {
            throw new CliException(ExitCodes.NoInput,
                $"{Path.GetFullPath(path)} is {link}: make the folder it points to, or name another folder for {option}.");
        }
        if (File.Exists(path))
        {
            throw new CliException(ExitCodes.IoError, $"{Path.GetFullPath(path)} is a file, not a folder: name a folder for {option}.");
        }
        // A file above it: the system says only that part of the path cannot be found.
        for (var above = Path.GetDirectoryName(Path.GetFullPath(path)); above is not null; above = Path.GetDirectoryName(above))
        {
            if (File.Exists(above))
            {
                throw new CliException(ExitCodes.IoError, $"{above} is a file, not a folder, so {Path.GetFullPath(path)} cannot be a folder under it: name a folder for {option} elsewhere.");
            }
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
        MustNotBeInsideALake(path, option);
    }

    /// <summary>
    /// A folder named raw or transformed that holds none of the folders a lake keeps but holds what a lake's raw/ or
    /// transformed/ does (partitions, <c>source/snapshot_date=.../</c> or <c>table/ended_month=.../</c>, or the imported
    /// export's files) is that folder of the lake above it, not a lake: refused before anything is written to it (a sweep
    /// marker, a lock, a quarantine), which its parent's next transformation would take for raw objects. A new, empty or
    /// unrelated folder of that name may still become a lake.
    /// </summary>
    private static void MustNotBeInsideALake(string path, string option)
    {
        var given = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        // Where the path leads as well as how it is written: a symbolic link to a lake's raw/playlist is that folder.
        var real = RealPath.Of(given);
        foreach (var full in real == given ? [given] : new[] { given, real })
        {
            var shown = full == given ? given : $"{given} (a link to {full})";
            var name = Path.GetFileName(full);
            if (name is ("raw" or "transformed") && Directory.Exists(full) && !IsLake(full) && HoldsLakeContent(full))
            {
                throw new CliException(ExitCodes.NoInput, $"{shown} is the lake's {name}/ folder, not the lake: give {option} {Path.GetDirectoryName(full)}.");
            }
            // Any other folder a lake keeps ("--lake lake/state", "--lake lake/.tmp"): a lake there would be read as the lake's own
            // files, or removed with its scratch files.
            if (Path.GetDirectoryName(full) is { } around && IsFolderOfALake(full, around, scratchToo: true))
            {
                throw new CliException(ExitCodes.NoInput, $"{shown} is the {name}/ folder of the lake {around}, not a lake: give {option} {around} " +
                    "to use that lake, or a folder outside it.");
            }
            // Deeper inside one of a lake's folders ("--lake lake/raw/playlist", "--lake lake/transformed/songs"): a lake made there
            // would be read by the lake around it as its own raw objects or tables, and set aside or mixed into its answers.
            for (var folder = Path.GetDirectoryName(full); folder is not null && Path.GetDirectoryName(folder) is { } parent; folder = parent)
            {
                if (IsFolderOfALake(folder, parent))
                {
                    throw new CliException(ExitCodes.NoInput, $"{shown} is inside {folder}, the {Path.GetFileName(folder)}/ folder of the lake {parent}: a lake there would be " +
                        $"read by that lake as its own {(Path.GetFileName(folder) == "transformed" ? "tables" : "data")}. Give {option} a folder outside it (or {parent} itself, to use that lake).");
                }
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="folder"/> is one of the folders the lake <paramref name="parent"/> keeps: a folder of a lake's
    /// name where the parent holds the lock every verb of a lake takes (so a folder of the user's that is named raw/ and
    /// holds partitioned data of their own, outside any lake, is no lake's).
    /// </summary>
    /// <param name="scratchToo">Whether the lake's scratch folder (.tmp/) counts: a lake there, not deeper, where the tool's own working files live.</param>
    private static bool IsFolderOfALake(string folder, string parent, bool scratchToo = false)
    {
        var name = Path.GetFileName(folder) + "/";
        return Folders.Contains(name, StringComparer.Ordinal) && (scratchToo || name != LocalFolderStore.TemporaryFolder + "/")
            && File.Exists(Path.Combine(parent, LocalFolderStore.TemporaryFolder, LocalFolderStore.LockFile));
    }

    private static bool HoldsLakeContent(string folder)
    {
        try
        {
            return Directory.EnumerateDirectories(folder).Any(child => Path.GetFileName(child) == StackContract.RawSources.SpotifyExport
                || Directory.EnumerateDirectories(child).Any(partition => Path.GetFileName(partition).Contains('=', StringComparison.Ordinal)));
        }
        catch (Exception exception) when (LocalEntry.IsEntryFailure(exception))
        {
            return false;
        }
    }

    /// <summary>
    /// A folder that holds no lake (none of raw/, transformed/, ...) but has lakes among its own folders, such as the folder
    /// above a demo's lake: refused (exit 66) with those lakes named, instead of advice that fails in its turn, or, for a
    /// verb that makes the lake it writes (import, extract, sample), instead of a new lake mixed with those below it.
    /// </summary>
    /// <param name="advice">Said after the lakes named, if anything.</param>
    /// <param name="option">The option that named the folder, which the lakes are offered for.</param>
    public static void MustHoldALake(string folder, string advice = "", string option = "--lake")
    {
        if (!Directory.Exists(folder) || IsLake(folder))
        {
            return;
        }
        List<string> lakes;
        try
        {
            lakes = Directory.EnumerateDirectories(folder).Where(IsLake).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception exception) when (LocalEntry.IsEntryFailure(exception))
        {
            return;
        }
        if (lakes.Count > 0)
        {
            var shown = string.Join(" or ", lakes.Take(3).Select(lake => $"{option} {lake}"));
            throw new CliException(ExitCodes.NoInput,
                $"{Path.GetFullPath(folder)} holds no lake; did you mean {shown}{(lakes.Count > 3 ? $" (or one of {lakes.Count - 3} more)" : "")}?{advice}");
        }
    }

    /// <summary>Whether the folder holds one of the folders a lake keeps (raw/, transformed/, quarantine/, ...).</summary>
    public static bool IsLake(string folder) =>
        Folders.Any(prefix => prefix != LocalFolderStore.TemporaryFolder + "/" && Directory.Exists(Path.Combine(folder, prefix.TrimEnd('/'))));

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
        foreach (var reason in LakeFiles.Under(quarantine).Where(file => file.EndsWith(LakeLayout.ReasonSuffix, StringComparison.Ordinal)))
        {
            if (!File.Exists(reason[..^LakeLayout.ReasonSuffix.Length]))
            {
                File.Delete(reason);
            }
        }
    }
}
