using System.Runtime.InteropServices;

namespace SpotifyEtl.Storage;

/// <summary>
/// What stands at a path of the local lake, checked before it is opened: opening a FIFO blocks until a
/// writer comes, a device may never end, and a link may dangle or loop. Only a regular file (or a link to
/// one) is an object; anything else is named for what it is.
/// </summary>
public static partial class LocalEntry
{
    /// <summary>
    /// Whether opening a lock file failed because another process holds the lock (EWOULDBLOCK from the system's lock;
    /// Windows' sharing or lock violation), the one failure a wait ends. A read-only file system, a failing disk or a
    /// path in the way fail with the same exception type, and waiting for them would never end.
    /// </summary>
    public static bool HeldByAnother(IOException exception) => OperatingSystem.IsWindows()
        ? exception.HResult is unchecked((int)0x80070020) or unchecked((int)0x80070021)
        : exception.HResult == (OperatingSystem.IsLinux() ? 11 : 35);

    /// <summary>The largest object read: one buffer of bytes (about 2 GiB).</summary>
    public static long MaxObjectBytes { get; } = Array.MaxLength;

    /// <summary>Null when <paramref name="path"/> is a readable regular file (or a link to one) or does not exist; otherwise why it is no object.</summary>
    public static string? Problem(string path) => Problem(path, checkSize: true);

    /// <summary>
    /// As <see cref="Problem(string)"/>, whatever the file's size: null for a regular file (or a link to one) or nothing at
    /// all; otherwise what stands there instead (a folder, a FIFO, a dangling link ...), which a reader must not open.
    /// </summary>
    public static string? NotARegularFile(string path) => Problem(path, checkSize: false);

    /// <summary>
    /// The file at <paramref name="folder"/> or at a folder above it, stopping at <paramref name="root"/> (not looked at), if
    /// any: what stands where a folder of the path belongs, which creating it reports only as a missing part of the path.
    /// </summary>
    public static string? FileAtOrAbove(string folder, string root = "")
    {
        for (var at = folder; !string.IsNullOrEmpty(at) && at.Length > root.Length; at = Path.GetDirectoryName(at))
        {
            if (File.Exists(at))
            {
                return at;
            }
        }
        return null;
    }

    private static string? Problem(string path, bool checkSize)
    {
        if (IsSmallRegularFile(path))
        {
            return null; // the object every read expects, told by one system call; anything else is looked at closely
        }
        FileSystemInfo entry = new FileInfo(path);
        try
        {
            var (followed, broken) = Follow(entry);
            if (broken is not null)
            {
                return $"it is {broken}";
            }
            entry = followed!;
            if (Directory.Exists(entry.FullName))
            {
                if (!CanList(entry.FullName))
                {
                    return UnlistableFolderException.Reason;
                }
                return "it is a folder (or a link to one) where an object's file is expected; the lake does not follow links to folders";
            }
            if (!entry.Exists)
            {
                return UndecodableName(path);
            }
        }
        catch (Exception exception) when (exception is PathTooLongException || (exception is IOException && exception.Message.Contains("too long", StringComparison.OrdinalIgnoreCase)))
        {
            return "its path is longer than the system allows";
        }
        if (FileType(entry.FullName) is { } type and not RegularFile)
        {
            return $"it is {TypeName(type)}, not a regular file";
        }
        var length = checkSize ? ((FileInfo)entry).Length : 0;
        return length > MaxObjectBytes
            ? $"it is {length:N0} bytes, more than the {MaxObjectBytes:N0} one object may hold (no Spotify response comes near)"
            : null;
    }

    /// <summary>
    /// Why a path the walk of a folder gave cannot be opened although its folder lists it: a name whose bytes are no UTF-8,
    /// which .NET hands on with each bad byte as U+FFFD, a name no file has. Null for any other path, one whose name holds
    /// U+FFFD itself (valid UTF-8) included: that one exists, or its folder does not list it.
    /// </summary>
    public static string? UndecodableName(string path)
    {
        if (!path.Contains('\uFFFD', StringComparison.Ordinal) || Path.Exists(path) || Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(path)) is not { } folder)
        {
            return null;
        }
        try
        {
            var listed = Directory.EnumerateFileSystemEntries(folder).Contains(Path.TrimEndingDirectorySeparator(path), StringComparer.Ordinal);
            return listed
                ? "its name is not UTF-8 (each byte that is not is shown as \uFFFD), so it cannot be opened by name; " +
                  "rename it in UTF-8 (convmv -f latin1 -t utf8, or mv with the name typed again), then run again"
                : null;
        }
        catch (Exception exception) when (IsEntryFailure(exception))
        {
            return null;
        }
    }

    /// <summary>
    /// What an entry leads to: itself, or the end of its chain of symbolic links; or, for a link that leads nowhere, why, as
    /// "a dangling symbolic link (…)" or "a symbolic link that cannot be followed (…)". A chain is named by its missing end:
    /// of a -> b -> gone, it is gone that does not exist, not b.
    /// </summary>
    public static (FileSystemInfo? Entry, string? Broken) Follow(FileSystemInfo entry)
    {
        if (entry.LinkTarget is null)
        {
            return (entry, null);
        }
        FileSystemInfo? final;
        try
        {
            final = entry.ResolveLinkTarget(returnFinalTarget: true);
        }
        catch (IOException exception) when (exception is not PathTooLongException)
        {
            return (null, "a symbolic link that cannot be followed (a loop of links)");
        }
        if (final is null || !(final.Exists || Directory.Exists(final.FullName)))
        {
            // /dev/stdin, or a shell's <(...), fed by a pipe: Linux names its end pipe:[inode], a name no file has.
            var end = final?.FullName ?? entry.LinkTarget;
            return (null, Path.GetFileName(end) is var name && (name.StartsWith("pipe:[", StringComparison.Ordinal) || name.StartsWith("socket:[", StringComparison.Ordinal))
                ? "a pipe, not a file (standard input, or a shell's <(...)): save what it carries to a file, and name that file"
                : $"a dangling symbolic link (it leads to {end}, which does not exist)");
        }
        return (final, null);
    }

    /// <summary>
    /// Whether this user may list the folder's entries and look at them (read and search permission on it): with read alone
    /// their names are listed, and none of them can be opened.
    /// </summary>
    public static bool CanList(string folder)
    {
        try
        {
            using var entries = Directory.EnumerateFileSystemEntries(folder).GetEnumerator();
            if (entries.MoveNext())
            {
                _ = File.GetAttributes(entries.Current);
            }
            return true;
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return true; // the entry went between the listing and the look (a temporary file renamed into place)
        }
        catch (Exception exception) when (IsEntryFailure(exception))
        {
            // This process's open-file limit is no folder's: it goes on to be said as what it is.
            return false;
        }
    }

    /// <summary>Whether the entry at <paramref name="path"/> is out of sight: its folder may be listed, not searched.</summary>
    public static bool OutOfSight(string path)
    {
        try
        {
            _ = File.GetAttributes(path);
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>How EMFILE (this process's open-file limit, ulimit -n) and ENFILE (the system's) read in the runtime's messages.</summary>
    public const string TooManyOpenFiles = "Too many open files";

    /// <summary>Whether a failure is the process's open-file limit: no entry's own, and gone under a higher limit.</summary>
    public static bool OutOfFiles(Exception exception) =>
        exception is IOException && exception.Message.Contains(TooManyOpenFiles, StringComparison.Ordinal);

    /// <summary>Whether a connection failed for the open-file limit: a socket is a file too, refused as EMFILE or ENFILE.</summary>
    public static bool OutOfFilesForConnection(Exception exception) => ExceptionChain.Of(exception).Any(inner =>
        inner is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.TooManyOpenSockets });

    /// <summary>
    /// Whether a failure to open, read or list an entry is the entry's own (a missing file, a permission, a disk's error),
    /// so that the entry may be refused, skipped or told about while the rest go on. The process's open-file limit
    /// (<see cref="OutOfFiles"/>) is no entry's: every catch of an entry's failure filters with this, so that the limit goes
    /// on to be said as what it is, never as a bad file.
    /// </summary>
    public static bool IsEntryFailure(Exception exception) =>
        exception is IOException or UnauthorizedAccessException && !OutOfFiles(exception);

    /// <summary>The reason an open or read of an entry failed, when the failure is the entry's own.</summary>
    public static string? ReadProblem(Exception exception) => exception switch
    {
        UnauthorizedAccessException => "this user may not read it (permission denied)",
        PathTooLongException => "its path is longer than the system allows",
        IOException when exception.Message.Contains("too long", StringComparison.OrdinalIgnoreCase) => "its path is longer than the system allows",
        IOException when exception.Message.Contains("symbolic links", StringComparison.OrdinalIgnoreCase) => "it is a symbolic link that cannot be followed (a loop of links)",
        _ => null,
    };

    private const int RegularFile = 0x8000;

    private static string TypeName(int type) => type switch
    {
        0x1000 => "a FIFO (named pipe)",
        0xC000 => "a socket",
        0x2000 => "a character device",
        0x6000 => "a block device",
        0x4000 => "a folder",
        _ => "a special file",
    };

    /// <summary>The file type bits (S_IFMT) of the final target; null where that cannot be told.</summary>
    private static int? FileType(string path) =>
        Stat(path, followLinks: true) is { } stat ? stat.Type : null;

    /// <summary>A regular file itself (not a link) of at most <see cref="MaxObjectBytes"/>; false where that cannot be told.</summary>
    private static bool IsSmallRegularFile(string path) =>
        Stat(path, followLinks: false) is { Type: RegularFile } stat && stat.Size <= (ulong)MaxObjectBytes;

    /// <summary>The file type bits (S_IFMT) that mark a symbolic link.</summary>
    public const int SymbolicLink = 0xA000;

    /// <summary>
    /// The entry's type bits (S_IFMT), permission bits (sticky, set-id and rwx), owner and size, the link itself unless
    /// <paramref name="followLinks"/>; null elsewhere than on Linux or when it cannot be told (nothing there, no access).
    /// </summary>
    public static EntryStatus? Stat(string path, bool followLinks)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        var buffer = new byte[256];
        try
        {
            // One statx, whose layout is the same on every Linux architecture: AT_FDCWD with an absolute path,
            // AT_SYMLINK_NOFOLLOW unless following; mask STATX_TYPE | STATX_MODE | STATX_UID | STATX_SIZE | STATX_MNT_ID.
            if (Statx(-100, path, followLinks ? 0 : 0x100, 0x1 | 0x2 | 0x8 | 0x200 | MountIdMask, buffer) != 0)
            {
                return null;
            }
            var mode = BitConverter.ToUInt16(buffer, 28);
            // stx_dev_major and stx_dev_minor, which statx fills whatever the mask; stx_mnt_id where the kernel says it
            // filled it (stx_mask, Linux 5.8 on), else 0.
            var device = ((ulong)BitConverter.ToUInt32(buffer, 136) << 32) | BitConverter.ToUInt32(buffer, 140);
            var mount = (BitConverter.ToUInt32(buffer, 0) & MountIdMask) != 0 ? BitConverter.ToUInt64(buffer, 144) : 0;
            return new EntryStatus(mode & 0xF000, mode & 0xFFF, BitConverter.ToUInt32(buffer, 20), BitConverter.ToUInt64(buffer, 40), device, mount);
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>STATX_MNT_ID: the mount's id, in stx_mnt_id.</summary>
    private const uint MountIdMask = 0x1000;

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, [Out] byte[] buffer);
}

/// <summary>
/// What <see cref="LocalEntry.Stat"/> tells of an entry: its type bits (S_IFMT), permission bits, owner's uid, size, the
/// file system's device number and the mount's id (0 where the kernel does not tell it).
/// </summary>
public readonly record struct EntryStatus(int Type, int Permissions, uint Owner, ulong Size, ulong Device, ulong Mount);
