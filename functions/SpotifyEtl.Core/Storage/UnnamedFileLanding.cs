using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SpotifyEtl.Storage;

/// <summary>
/// Lands a file on Linux as an unnamed file (<c>O_TMPFILE</c>) in its target's folder, given its name only
/// once it holds every byte (<c>linkat</c>). A reader never sees half a file, as with a temporary file
/// renamed into place, but nothing is created in a shared folder, nothing is renamed across folders (a
/// rename between two folders takes the file system's rename lock, so parallel landings waited on each
/// other), and a process killed midway leaves nothing behind: the unnamed file goes with its descriptor.
/// The copy is the cheapest the file system offers: a clone of the blocks where it can (btrfs, XFS), a copy
/// inside the kernel (<c>copy_file_range</c>) otherwise. The file is created read-only, with no mode to
/// change afterwards.
/// <para>
/// A target already there (a replay of the same input) is left untouched when it holds the same bytes, so a
/// replay rewrites nothing. Every other answer than success leaves the target as it was and returns false,
/// and the caller lands the file the portable way: a target with other bytes (which a rename replaces and
/// <c>linkat</c> does not), a kernel or file system without unnamed files, no <c>/proc</c>, or an error the
/// portable way reports in .NET's words.
/// </para>
/// </summary>
internal static partial class UnnamedFileLanding
{
    private const int ReadOnly = 0;          // O_RDONLY
    private const int WriteOnly = 1;         // O_WRONLY
    private const int CloseOnExec = 0x80000; // O_CLOEXEC (02000000)
    private const int AtCurrentFolder = -100; // AT_FDCWD
    private const int FollowLink = 0x400;    // AT_SYMLINK_FOLLOW
    private const nuint Clone = 0x40049409;  // FICLONE
    private const int NoEntry = 2;           // ENOENT
    private const int Exists = 17;           // EEXIST
    private const int IsFolder = 21;         // EISDIR
    private const int NotSupported = 95;     // EOPNOTSUPP
    private const long CopyChunk = 1L << 30;
    private const int CompareChunk = 1 << 20;

    /// <summary>O_TMPFILE, which includes O_DIRECTORY and so differs between architectures; 0 where it is not known.</summary>
    private static readonly int UnnamedFile = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 0x410000,   // __O_TMPFILE 020000000 | O_DIRECTORY 0200000
        Architecture.Arm64 => 0x404000, // __O_TMPFILE 020000000 | O_DIRECTORY 040000
        _ => 0,
    };

    /// <summary>
    /// Linux on a known architecture, with <c>/proc</c> to name a descriptor by (a container may leave it out).
    /// Cleared once the kernel or the file system turns unnamed files down: the rest of the run goes the
    /// portable way at once.
    /// </summary>
    private static volatile bool s_available = Possible();

    /// <summary>Whether this process still tries unnamed files (tests turn it off to exercise the portable way).</summary>
    internal static bool Enabled
    {
        get => s_available;
        set => s_available = value && Possible();
    }

    private static bool Possible() => OperatingSystem.IsLinux() && UnnamedFile != 0 && Directory.Exists("/proc/self/fd");

    /// <summary>Copies <paramref name="source"/> to <paramref name="target"/>, with the read-only <paramref name="mode"/>, whole or not at all.</summary>
    /// <returns>False where the target was left untouched for the portable way to land.</returns>
    public static bool TryLand(string source, string target, UnixFileMode mode)
    {
        if (!s_available)
        {
            return false;
        }
        var input = Open(source, ReadOnly | CloseOnExec, 0);
        if (input < 0)
        {
            return false;
        }
        try
        {
            var folder = Path.GetDirectoryName(target)!;
            var output = Open(folder, UnnamedFile | WriteOnly | CloseOnExec, (uint)mode);
            if (output < 0 && Marshal.GetLastPInvokeError() == NoEntry)
            {
                Directory.CreateDirectory(folder);
                output = Open(folder, UnnamedFile | WriteOnly | CloseOnExec, (uint)mode);
            }
            if (output < 0)
            {
                // EISDIR (a kernel before 3.11 reads the flag as O_DIRECTORY), EOPNOTSUPP (a file system without
                // them): no later file will do better. Anything else (a full disk, no permission) is the portable
                // way's to report.
                if (Marshal.GetLastPInvokeError() is IsFolder or NotSupported)
                {
                    s_available = false;
                }
                return false;
            }
            try
            {
                if (!Copy(input, output))
                {
                    return false;
                }
                if (Link(output, target))
                {
                    return true;
                }
                // Landed before (a replay of the same input): the same bytes stay as they are, untouched, and
                // different ones are replaced the portable way.
                return Marshal.GetLastPInvokeError() == Exists && SameBytes(input, target);
            }
            finally
            {
                _ = Close(output);
            }
        }
        finally
        {
            _ = Close(input);
        }
    }

    private static bool Copy(int input, int output)
    {
        if (Ioctl(output, Clone, input) == 0)
        {
            return true;
        }
        while (true)
        {
            var copied = CopyFileRange(input, 0, output, 0, (nuint)CopyChunk, 0);
            if (copied == 0)
            {
                return true; // the end of the input
            }
            if (copied < 0)
            {
                // EXDEV (another file system, before Linux 5.19), EINVAL, ENOSYS: the portable way copies through memory.
                return false;
            }
        }
    }

    /// <summary>Whether the file at <paramref name="path"/> holds exactly the input's bytes; false where it cannot be read.</summary>
    private static bool SameBytes(int input, string path)
    {
        var ours = BytePool.Rent(CompareChunk);
        var theirs = BytePool.Rent(CompareChunk);
        try
        {
            using var landed = File.OpenHandle(path);
            using var source = new SafeFileHandle(input, ownsHandle: false);
            var length = RandomAccess.GetLength(source);
            if (RandomAccess.GetLength(landed) != length)
            {
                return false;
            }
            for (long offset = 0; offset < length;)
            {
                var read = RandomAccess.Read(source, ours.AsSpan(0, CompareChunk), offset);
                if (read <= 0 || !ReadExactly(landed, theirs.AsSpan(0, read), offset) || !ours.AsSpan(0, read).SequenceEqual(theirs.AsSpan(0, read)))
                {
                    return false;
                }
                offset += read;
            }
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        finally
        {
            BytePool.Return(ours);
            BytePool.Return(theirs);
        }
    }

    private static bool ReadExactly(SafeFileHandle file, Span<byte> buffer, long offset)
    {
        while (!buffer.IsEmpty)
        {
            var read = RandomAccess.Read(file, buffer, offset);
            if (read <= 0)
            {
                return false;
            }
            buffer = buffer[read..];
            offset += read;
        }
        return true;
    }

    private static bool Link(int output, string target) =>
        LinkAt(AtCurrentFolder, $"/proc/self/fd/{output}", AtCurrentFolder, target, FollowLink) == 0;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int descriptor);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int descriptor, nuint request, int argument);

    [LibraryImport("libc", EntryPoint = "copy_file_range", SetLastError = true)]
    private static partial nint CopyFileRange(int input, nint inputOffset, int output, nint outputOffset, nuint length, uint flags);

    [LibraryImport("libc", EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LinkAt(int fromFolder, string from, int toFolder, string to, int flags);
}
