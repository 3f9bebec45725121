using System.Diagnostics;

namespace SpotifyEtl.Tests.Support;

/// <summary>
/// A command run with one folder on a read-only file system, as a lake on a disk mounted read-only (a container's
/// <c>:ro</c> volume, ext4 remounted read-only after an error) is: <c>unshare</c> gives the command a mount namespace of
/// its own (in a user namespace of its own, so no root is needed), binds the folder onto itself there and remounts the
/// bind read-only. Root itself cannot write to it, and nothing outside the command sees the mount.
/// </summary>
internal static class ReadOnlyMount
{
    private const string Script = "mount --bind \"$1\" \"$1\" && mount -o remount,ro,bind \"$1\" && shift && exec \"$@\"";

    public static ProcessStartInfo Wrap(ProcessStartInfo start, string folder)
    {
        var wrapped = new ProcessStartInfo("unshare")
        {
            RedirectStandardOutput = start.RedirectStandardOutput,
            RedirectStandardError = start.RedirectStandardError,
            WorkingDirectory = start.WorkingDirectory,
        };
        foreach (var word in new[] { "--user", "--map-root-user", "--mount", "sh", "-c", Script, "sh", folder, start.FileName }.Concat(start.ArgumentList))
        {
            wrapped.ArgumentList.Add(word);
        }
        foreach (var (name, value) in start.Environment)
        {
            wrapped.Environment[name] = value;
        }
        return wrapped;
    }
}
