using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// The .json files of an --input, walked by hand so that one bad entry does not end the walk: a
/// dangling symbolic link, a link loop or a folder that cannot be read is skipped with a warning on
/// stderr, and the rest go on. Linked folders are followed once each.
/// </summary>
internal static class RawInputs
{
    /// <param name="lake">
    /// The lake the input lands in, never read as input: a lake inside the input folder (<c>--input . --lake ./lake</c>) holds
    /// copies of raw objects landed before and what runs made, which would be read as raw objects of their own.
    /// </param>
    public static IEnumerable<string> Files(FileSystemInfo input, List<string> skipped, string? lake = null, CancellationToken cancellationToken = default)
    {
        var lakeFolder = lake is null ? null : RealPath.Of(lake);
        var lakeName = lakeFolder is null ? null : Path.GetFileName(lakeFolder);
        if (input is FileInfo file)
        {
            if (Usable(file, skipped) is not null)
            {
                yield return file.FullName;
            }
            yield break;
        }
        var visited = new HashSet<string>(StringComparer.Ordinal);
        // An input that holds a raw/ (a sample, a lake) is no part of another's raw zone, whatever the folders above it are named.
        var holdsRaw = Directory.Exists(Path.Combine(input.FullName, LakeLayout.Raw.TrimEnd('/')));
        var folders = new Stack<DirectoryInfo>();
        folders.Push((DirectoryInfo)input);
        while (folders.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var folder = folders.Pop();
            var real = Usable(folder, skipped);
            if (real is null)
            {
                continue;
            }
            if (!visited.Add(real))
            {
                Skip(folder.FullName, "it leads to a folder already read (a symbolic link loop, or a second link to the same folder)", skipped);
                continue;
            }
            FileSystemInfo[] entries;
            try
            {
                entries = folder.GetFileSystemInfos();
            }
            catch (Exception exception) when (LocalEntry.IsEntryFailure(exception))
            {
                Skip(folder.FullName, $"the folder cannot be read ({exception.Message.TrimEnd('.')})", skipped);
                continue;
            }
            // A lake given whole (a sample's, or another laptop's), or one inside the input: its tables, reports, quarantine and
            // state are what runs made, not raw objects; its raw/ and any other folder are read.
            var aLake = folder == input || entries.Any(entry => entry is DirectoryInfo && entry.Name == LakeLayout.Raw.TrimEnd('/'));
            foreach (var entry in entries.OrderByDescending(e => e.Name, StringComparer.Ordinal))
            {
                // A name that is no UTF-8 reaches .NET with U+FFFD in it, a name nothing has: it can be named, not opened.
                if (!entry.Exists && Storage.LocalEntry.UndecodableName(entry.FullName) is { } undecodable)
                {
                    Skip(entry.FullName, undecodable, skipped);
                    continue;
                }
                if (entry is DirectoryInfo child)
                {
                    if (aLake && LakeMade.Contains(child.Name))
                    {
                        continue;
                    }
                    // This tool's working folder at any depth (a lake's raw/ once given as a lake holds one): never raw objects.
                    if (child.Name == Storage.LocalFolderStore.TemporaryFolder)
                    {
                        continue;
                    }
                    // Only a folder of the lake's name, or a link, can be the lake: the others' real paths are not worked out.
                    if (lakeFolder is not null && (child.Name == lakeName || child.LinkTarget is not null)
                        && string.Equals(RealPath.Of(child.FullName), lakeFolder, StringComparison.Ordinal))
                    {
                        continue;
                    }
                    if (child.Name.EndsWith(".json", StringComparison.Ordinal) && IsEmpty(child))
                    {
                        // Named like an object and holding nothing: the object it stands in for would pass unseen.
                        Skip(child.FullName, "it is an empty folder where a raw object's file is expected", skipped);
                        continue;
                    }
                    folders.Push(child);
                }
                else if (entry.Name.EndsWith(".json", StringComparison.Ordinal))
                {
                    if (Usable(entry, skipped) is not null)
                    {
                        yield return entry.FullName;
                    }
                }
                else if (UnderRaw(entry.FullName, holdsRaw ? input.FullName : null))
                {
                    // Under raw/ every file is an object or a mistake: a mistake is named, never passed over.
                    Skip(entry.FullName, "its name does not end in .json, as every raw object's does", skipped);
                }
            }
        }
    }

    /// <summary>The folders of a lake that hold what runs made: skipped at the top of an input folder, and beside any raw/ in it.</summary>
    private static readonly HashSet<string> LakeMade = new(
        new[] { LakeLayout.Transformed, LakeLayout.Reports, LakeLayout.Quarantine, LakeLayout.Staging, LakeLayout.Manifests, LakeLayout.State }
            .Select(prefix => prefix.TrimEnd('/')).Append(Storage.LocalFolderStore.TemporaryFolder), StringComparer.Ordinal);

    /// <summary>The real path of an entry, following symbolic links; null (and a warning) when a link dangles or loops.</summary>
    private static string? Usable(FileSystemInfo entry, List<string> skipped)
    {
        var (followed, broken) = Storage.LocalEntry.Follow(entry);
        if (broken is not null)
        {
            Skip(entry.FullName, $"it is {broken}", skipped);
            return null;
        }
        return followed!.FullName;
    }

    /// <summary>Whether a folder holds nothing; one that cannot be listed is not known to be empty, and the walk reports it.</summary>
    private static bool IsEmpty(DirectoryInfo folder)
    {
        try
        {
            return !folder.EnumerateFileSystemInfos().Any();
        }
        catch (Exception exception) when (LocalEntry.IsEntryFailure(exception))
        {
            return false;
        }
    }

    /// <summary>
    /// Whether a file lies in a folder named <c>raw</c>, where landing takes every file for a raw object. Within an input
    /// that holds a <c>raw/</c> (<paramref name="holdingRaw"/>), only the folders at or below it count: those above it are
    /// the user's own (<c>~/data/raw/spotify</c>), whatever their names. Otherwise every folder of the path counts: an input
    /// below a <c>raw/</c> (<c>~/backup/raw/recently_played</c>) lands as part of it.
    /// </summary>
    private static bool UnderRaw(string path, string? holdingRaw)
    {
        var parent = holdingRaw is null ? null : Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(holdingRaw));
        var within = parent is null ? path : Path.GetRelativePath(parent, path);
        return Path.GetDirectoryName(within)?.Split(Path.DirectorySeparatorChar).Contains("raw", StringComparer.Ordinal) == true;
    }

    private static void Skip(string path, string why, List<string> skipped)
    {
        CliErrors.Warn(Console.Error, $"skipped {path}: {why}. Fix or remove it and run again; the other inputs were read.");
        skipped.Add(path);
    }
}
