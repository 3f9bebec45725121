namespace SpotifyEtl.Storage;

/// <summary>
/// Every entry under a folder of the local lake, each once: files, and also what is no file (a symbolic
/// link, dangling or not, a FIFO, a socket), so that reading it reports it. Links to folders are entries,
/// not followed: a link loop cannot make the walk endless or list one file under many names. A folder that
/// cannot be listed is an entry too, reported when read.
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

    public static IEnumerable<string> Entries(string folder)
    {
        var folders = new Stack<string>();
        folders.Push(folder);
        while (folders.Count > 0)
        {
            var current = folders.Pop();
            List<FileSystemInfo>? entries;
            try
            {
                entries = [.. new DirectoryInfo(current).EnumerateFileSystemInfos("*", OneLevel)];
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                entries = null;
            }
            if (entries is null)
            {
                if (!string.Equals(current, folder, StringComparison.Ordinal))
                {
                    yield return current;
                }
                continue;
            }
            foreach (var entry in entries)
            {
                if (entry is DirectoryInfo && entry.LinkTarget is null)
                {
                    folders.Push(entry.FullName);
                }
                else
                {
                    yield return entry.FullName;
                }
            }
        }
    }
}
