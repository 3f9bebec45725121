using System.IO.Enumeration;

namespace SpotifyEtl.Storage;

/// <summary>
/// Every entry under a folder of the local lake, each once: files, and also what is no file (a symbolic
/// link, dangling or not, a FIFO, a socket), so that reading it reports it. Links to folders are entries,
/// not followed: a link loop cannot make the walk endless or list one file under many names. A folder that
/// cannot be listed (permissions, a path past the system's limit) is an entry too, reported when read, and so is an
/// empty folder named like an object.
/// </summary>
internal static class LocalFolderWalk
{
    private static readonly EnumerationOptions OneLevel = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = false,
        AttributesToSkip = 0,
        ReturnSpecialDirectories = false,
    };

    /// <param name="listStart">Whether <paramref name="folder"/> itself failing to list throws (that failure), rather than yield nothing.</param>
    public static IEnumerable<string> Entries(string folder, bool listStart = false)
    {
        var folders = new Stack<string>();
        folders.Push(folder);
        while (folders.Count > 0)
        {
            var current = folders.Pop();
            List<(string Path, bool Descend)>? entries;
            try
            {
                entries = [.. new FileSystemEnumerable<(string, bool)>(current,
                    (ref FileSystemEntry entry) => (Path.Join(current, entry.FileName), entry.IsDirectory && (entry.Attributes & FileAttributes.ReparsePoint) == 0), OneLevel)];
            }
            catch (Exception exception) when (exception is ArgumentException || LocalEntry.IsEntryFailure(exception))
            {
                // The folder's own failure. One of this process's limits is no folder's: it ends the walk, where an entry
                // reported as unreadable would leave its day's objects out of a rebuild of the day.
                if (listStart && ReferenceEquals(current, folder))
                {
                    throw;
                }
                entries = null;
            }
            // An empty folder named like an object (x.json/) is an entry too, reported when read: the object it stands
            // where would otherwise pass unseen. (One with entries is walked: they are reported by their own names.) So is one
            // whose entries' names are listed and none of them can be looked at (read permission without search): the folder
            // is what to mend, not each entry.
            if (entries is null || (entries.Count == 0 && current.EndsWith(".json", StringComparison.Ordinal)) ||
                (entries.Count > 0 && LocalEntry.OutOfSight(entries[0].Path)))
            {
                if (!string.Equals(current, folder, StringComparison.Ordinal))
                {
                    yield return current;
                }
                continue;
            }
            foreach (var (path, descend) in entries)
            {
                if (descend)
                {
                    folders.Push(path);
                }
                else
                {
                    yield return path;
                }
            }
        }
    }

    /// <summary>
    /// The folder that hides <paramref name="folder"/>, which does not appear to exist, from this user: the deepest one on the
    /// way down from <paramref name="root"/> that exists and that this user may not list, or may list but not search (its
    /// entries' names are there, not the entries); null where <paramref name="folder"/> is simply not there.
    /// </summary>
    public static string? BlockedOnTheWay(string root, string folder)
    {
        var top = Path.TrimEndingDirectorySeparator(root);
        var above = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(folder));
        while (above is not null && above.Length >= top.Length && !Directory.Exists(above))
        {
            above = Path.GetDirectoryName(above);
        }
        if (above is null || above.Length < top.Length)
        {
            return null;
        }
        return LocalEntry.CanList(above) ? null : above;
    }

    /// <summary>
    /// Whether a folder below one of the lake's top folders, on the path down to <paramref name="folder"/>, is a symbolic
    /// link. The root and its top folders (raw/, transformed/) may be links, such as to a folder on another disk: the
    /// walk of the lake starts inside them.
    /// </summary>
    public static bool ThroughLink(string root, string folder)
    {
        var top = Path.TrimEndingDirectorySeparator(root);
        for (var current = Path.TrimEndingDirectorySeparator(folder); current.Length > top.Length; current = Path.GetDirectoryName(current) ?? "")
        {
            var parent = Path.GetDirectoryName(current) ?? "";
            if (parent.Length > top.Length && new DirectoryInfo(current).LinkTarget is not null)
            {
                return true;
            }
        }
        return false;
    }
}
