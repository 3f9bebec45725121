using System.Diagnostics;
using System.Net.Sockets;

namespace SpotifyEtl.Tests.Support;

/// <summary>Entries that are no regular file, made where a test wants one: a FIFO, a socket, a folder, links.</summary>
internal static class SpecialEntries
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
                // Bound under another name and moved: closing a socket removes the entry it bound, not one moved away from it.
                // The entry stays, with nothing listening on it.
                var bound = Path.Combine(Path.GetDirectoryName(path)!, $"s{Guid.NewGuid():N}"[..12]);
                using (var socket = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
                {
                    socket.Bind(new UnixDomainSocketEndPoint(bound));
                    File.Move(bound, path);
                }
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

    /// <summary>What the entry at <paramref name="path"/> is, as the lake names it; null for a regular file or nothing.</summary>
    public static string? Describe(string path) => SpotifyEtl.Storage.LocalEntry.NotARegularFile(path);
}
