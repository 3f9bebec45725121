namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// Which processes work on a local lake, told by an advisory lock on <c>.tmp/lake.lock</c>: each holds it
/// shared while it runs, and the tidying that only a process alone on the lake may do (removing quarantine
/// reasons whose copy never landed) runs only when the lock can be taken exclusively. Another transform's
/// reason, written an instant before its copy, is then never mistaken for a leftover.
/// </summary>
internal static class LakeLock
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, FileStream> Held = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="aloneOnly"/> if no other process holds the lake, then holds it shared until the process ends.</summary>
    public static void Enter(string root, Action aloneOnly)
    {
        lock (Gate)
        {
            if (Held.ContainsKey(root))
            {
                return;
            }
            var folder = Path.Combine(root, SpotifyEtl.Storage.LocalFolderStore.TemporaryFolder);
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, SpotifyEtl.Storage.LocalFolderStore.LockFile);
            // Opening a FIFO would wait for a writer for ever, a folder or a link would fail as a disk problem. No process
            // holds a lock that is no file, so removing it is safe.
            if (SpotifyEtl.Storage.LocalEntry.NotARegularFile(path) is { } problem)
            {
                throw new CliException(ExitCodes.IoError, $"{path}, the lake's lock file, cannot be used: {problem}. Remove it, then run again.");
            }
            try
            {
                using var exclusive = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                aloneOnly();
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process works on the lake: what looks unfinished may be its work in progress.
            }
            // Shared: several processes may hold it at once (opened for reading, so the lock taken is a shared one).
            Held[root] = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
    }
}
