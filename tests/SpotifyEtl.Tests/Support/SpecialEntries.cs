using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace SpotifyEtl.Tests.Support;

/// <summary>Entries that are no regular file, made where a test wants one: a FIFO, a socket, a folder, links.</summary>
internal static partial class SpecialEntries
{
    public const string Fifo = "fifo";
    public const string Socket = "socket";
    public const string Folder = "folder";
    public const string LinkToAFolder = "link to a folder";
    public const string DanglingLink = "dangling link";

    /// <summary>Makes an entry of <paramref name="kind"/> at <paramref name="path"/>; a link points into <paramref name="elsewhere"/>.</summary>
    public static void Make(string path, string kind, string elsewhere)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        switch (kind)
        {
            case Fifo:
                using (var mkfifo = Process.Start("mkfifo", [path]))
                {
                    mkfifo.WaitForExit();
                }
                break;
            case Socket:
                // The entry stays once the socket is closed, with nothing listening on it.
                BindSocket(path).Dispose();
                break;
            case Folder:
                Directory.CreateDirectory(path);
                break;
            case LinkToAFolder:
                Directory.CreateDirectory(elsewhere);
                File.CreateSymbolicLink(path, elsewhere);
                break;
            case DanglingLink:
                File.CreateSymbolicLink(path, Path.Combine(elsewhere, "gone"));
                break;
            default:
                throw new ArgumentException($"No such kind of entry: {kind}", nameof(kind));
        }
    }

    /// <summary>
    /// A Unix socket bound at <paramref name="path"/>, however long the path: a socket's path may not pass 107 bytes, and a
    /// test's folder under the machine's temporary folder can be longer. It is bound through a descriptor of its folder
    /// (<c>/proc/self/fd/N/name</c>) under a random name of its own, then renamed to <paramref name="path"/>: closing the
    /// socket removes the name it was bound at (through a descriptor closed by then, or reused: that name is nowhere), not
    /// the one it was moved to, so the entry stays.
    /// </summary>
    public static System.Net.Sockets.Socket BindSocket(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var name = $"s{Guid.NewGuid():N}"[..12];
        var descriptor = Open(folder, PathOnly | CloseOnExec);
        if (descriptor < 0)
        {
            throw new IOException($"Cannot open the folder {folder} (errno {Marshal.GetLastPInvokeError()}).");
        }
        var socket = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint($"/proc/self/fd/{descriptor}/{name}"));
            File.Move(Path.Combine(folder, name), path);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    private const int PathOnly = 0x200000;    // O_PATH
    private const int CloseOnExec = 0x80000;  // O_CLOEXEC

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int descriptor);

    /// <summary>What the entry at <paramref name="path"/> is, as the lake names it; null for a regular file or nothing.</summary>
    public static string? Describe(string path) => SpotifyEtl.Storage.LocalEntry.NotARegularFile(path);
}
