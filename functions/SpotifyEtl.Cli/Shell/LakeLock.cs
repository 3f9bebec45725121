namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// Which processes work on a local lake, told by an advisory lock on <c>.tmp/lake.lock</c>: each holds it
/// shared while it runs, and the tidying that only a process alone on the lake may do (removing quarantine
/// reasons whose copy never landed) runs only when the lock can be taken exclusively. Another transform's
/// reason, written an instant before its copy, is then never mistaken for a leftover. The verbs that write tables
/// (<c>transform</c>, <c>import</c>, <c>current</c>) also take <c>.tmp/tables.lock</c> exclusively, one after the other
/// (<see cref="EnterWriter"/>): each rebuilds tables from what others write (a day's digests, the history's months).
/// </summary>
internal static class LakeLock
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, FileStream> Held = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, FileStream> Writing = new(StringComparer.Ordinal);

    /// <summary>Under <see cref="SpotifyEtl.Storage.LocalFolderStore.TemporaryFolder"/>: held by the one process that writes the lake's tables.</summary>
    public const string WriterLockFile = "tables" + SpotifyEtl.Storage.LocalFolderStore.LeaseFileSuffix;

    /// <summary>How often a process waiting for another's lock looks again.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Holds the lake's tables for this process until it ends, waiting while another process holds them (saying so once
    /// on stderr); a Ctrl-C stops the wait. Returns whether it had to wait: what was read of the tables before may be stale.
    /// </summary>
    public static bool EnterWriter(string root, CancellationToken cancellationToken)
    {
        lock (Gate)
        {
            if (Writing.ContainsKey(root))
            {
                return false;
            }
            var (held, waited) = Wait(root, TablesLock(root), FileAccess.ReadWrite, FileShare.None, cancellationToken);
            Writing[root] = held;
            return waited;
        }
    }

    /// <summary>
    /// Holds the lake's tables shared while a reader (<c>query</c>, <c>report</c>) reads them, waiting while a writer holds
    /// them: DuckDB opens a file by its name again for each part of a scan, so a file replaced meanwhile would be read with
    /// the footer of the one it replaced. Null when this process is the writer, or the lake cannot be written (a
    /// read-only lake has no writer to wait for). Dispose it once the tables are read.
    /// </summary>
    public static IDisposable? EnterReader(string root, CancellationToken cancellationToken)
    {
        lock (Gate)
        {
            if (Writing.ContainsKey(root))
            {
                return null;
            }
        }
        try
        {
            // Opened for reading: the lock taken is a shared one, which other readers share.
            return Wait(root, TablesLock(root), FileAccess.Read, FileShare.ReadWrite, cancellationToken).Lock;
        }
        // This process's open-file limit is no read-only lake: it goes on to be told as what it is.
        catch (Exception exception) when (SpotifyEtl.Storage.LocalEntry.IsEntryFailure(exception))
        {
            // No lock to take (a read-only disk, a folder this user may not write): no writer of this lake can run either.
            return null;
        }
    }

    /// <summary>
    /// Waits while another process writes the lake's tables, and holds nothing after: for a verb about to tell the user that
    /// the lake has no table yet, which a first import still landing its files, or a first transform, has not written so far.
    /// Nothing to wait for when no writer ever ran on the lake (no lock file), or this process is the writer.
    /// </summary>
    public static void WaitForWriter(string root, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(root, SpotifyEtl.Storage.LocalFolderStore.TemporaryFolder, WriterLockFile)))
        {
            EnterReader(root, cancellationToken)?.Dispose();
        }
    }

    /// <summary>The path of the tables' lock file, its folder made; refused when something other than a file stands there.</summary>
    private static string TablesLock(string root)
    {
        var folder = Path.Combine(root, SpotifyEtl.Storage.LocalFolderStore.TemporaryFolder);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, WriterLockFile);
        return SpotifyEtl.Storage.LocalEntry.NotARegularFile(path) is { } problem
            ? throw new CliException(ExitCodes.IoError, $"{path}, the lock of the lake's tables, cannot be used: {problem}. Remove it, then run again.")
            : path;
    }

    /// <summary>
    /// Opens the lock file with <paramref name="share"/> (none: exclusive; read and write: shared), waiting while another
    /// process holds it against that, and saying so once on stderr; a Ctrl-C stops the wait. Also whether it waited.
    /// </summary>
    private static (FileStream Lock, bool Waited) Wait(string root, string path, FileAccess access, FileShare share, CancellationToken cancellationToken)
    {
        for (var waited = false; ; waited = true)
        {
            try
            {
                return (new FileStream(path, FileMode.OpenOrCreate, access, share), waited);
            }
            catch (IOException exception) when (SpotifyEtl.Storage.LocalEntry.HeldByAnother(exception))
            {
                if (!waited)
                {
                    // A reader waits only for a writer; a writer, for a writer or for readers.
                    CliErrors.Warn(Console.Error, share == FileShare.None
                        ? $"another spotify-etl is using the tables of {root} (writing them, or a query or report reading them): waiting for it to end."
                        : $"another spotify-etl is writing the tables of {root}: waiting for it to end.");
                }
            }
            cancellationToken.WaitHandle.WaitOne(Poll);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// Runs <paramref name="aloneOnly"/> if no other process holds the lake, letting go of this process's own hold to look (for
    /// a process done with the lake); returns whether it ran. Another process on the lake (an extract started on the same new
    /// folder) keeps it, and its lease and working files under <c>.tmp/</c>.
    /// </summary>
    public static bool IfAlone(string root, Action aloneOnly)
    {
        lock (Gate)
        {
            if (Held.Remove(root, out var own))
            {
                own.Dispose();
            }
            var path = Path.Combine(root, SpotifyEtl.Storage.LocalFolderStore.TemporaryFolder, SpotifyEtl.Storage.LocalFolderStore.LockFile);
            try
            {
                using var exclusive = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
                aloneOnly();
                return true;
            }
            catch (IOException exception) when (SpotifyEtl.Storage.LocalEntry.HeldByAnother(exception))
            {
                return false;
            }
        }
    }

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
            FileStream? exclusive = null;
            try
            {
                exclusive = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException exception) when (SpotifyEtl.Storage.LocalEntry.HeldByAnother(exception))
            {
                // Another process works on the lake: what looks unfinished may be its work in progress.
            }
            if (exclusive is not null)
            {
                using (exclusive)
                {
                    try
                    {
                        aloneOnly();
                    }
                    catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                    {
                        // A tidy of what an interrupted run left is no reason to refuse this run, nor to say nothing of it.
                        CliErrors.Warn(Console.Error, $"what an interrupted run left in the lake could not be tidied ({exception.Message.TrimEnd('.')}): it stays " +
                            "where it is, and this run goes on.");
                    }
                }
            }
            // Shared: several processes may hold it at once (opened for reading, so the lock taken is a shared one). Another
            // process that started an instant before holds it exclusively while it tidies: wait for it, never fail as a disk would.
            while (true)
            {
                try
                {
                    // Made again if gone: an import that made this folder and landed nothing removes it, lock and all, when
                    // it finds itself alone on it, which it can be in the instant before this process holds it.
                    Directory.CreateDirectory(folder);
                    Held[root] = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite);
                    break;
                }
                catch (IOException exception) when (SpotifyEtl.Storage.LocalEntry.HeldByAnother(exception) || exception is FileNotFoundException or DirectoryNotFoundException)
                {
                    Interruptible.Token.WaitHandle.WaitOne(Poll);
                    Interruptible.Token.ThrowIfCancellationRequested();
                }
            }
        }
    }
}
