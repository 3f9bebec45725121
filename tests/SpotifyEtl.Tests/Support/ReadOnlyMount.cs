using System.Diagnostics;

namespace SpotifyEtl.Tests.Support;

/// <summary>
/// A command run with one folder on a read-only file system, as a lake on a disk mounted read-only (a container's
/// <c>:ro</c> volume, ext4 remounted read-only after an error) is: <c>unshare</c> gives the command a mount namespace of
/// its own, binds the folder onto itself there and remounts the bind read-only. Root itself cannot write to it, and
/// nothing outside the command sees the mount. A mount namespace takes root: root in the process; else a user namespace
/// of the command's own, where the system allows them (Ubuntu's AppArmor and Docker's default seccomp profile do not);
/// else sudo without a password (as on GitHub's runners), the command then run as this user again (<c>setpriv</c>), so
/// that nothing it makes (DuckDB's library cache) is root's. A user who has none of these cannot run the tests that use
/// it, and the command's error says which was tried.
/// </summary>
internal static class ReadOnlyMount
{
    public static ProcessStartInfo Wrap(ProcessStartInfo start, string folder) =>
        WrapIn(start, folder, "mount --bind \"$1\" \"$1\" && mount -o remount,ro,bind \"$1\"");

    /// <summary>
    /// The command run with <paramref name="folder"/> (made if missing) on a file system of <paramref name="megabytes"/> MB of
    /// its own (tmpfs), in the same kind of mount namespace: a disk nearly full, whatever this machine's disks have free.
    /// </summary>
    public static ProcessStartInfo OnASmallDisk(ProcessStartInfo start, string folder, int megabytes)
    {
        Directory.CreateDirectory(folder);
        return WrapIn(start, folder, $"mount -t tmpfs -o size={megabytes}m tmpfs \"$1\"");
    }

    private static ProcessStartInfo WrapIn(ProcessStartInfo start, string folder, string mount)
    {
        var (prefix, run) = Prefix.Value;
        var script = $"{mount} && shift && exec {run}\"$@\"";
        var wrapped = new ProcessStartInfo(prefix[0])
        {
            RedirectStandardOutput = start.RedirectStandardOutput,
            RedirectStandardError = start.RedirectStandardError,
            WorkingDirectory = start.WorkingDirectory,
        };
        foreach (var word in prefix.Skip(1).Concat(["sh", "-c", script, "sh", folder, start.FileName]).Concat(start.ArgumentList))
        {
            wrapped.ArgumentList.Add(word);
        }
        foreach (var (name, value) in start.Environment)
        {
            wrapped.Environment[name] = value;
        }
        return wrapped;
    }

    /// <summary>The command that gives what follows a mount namespace of its own, and what runs the command in it; chosen once.</summary>
    private static readonly Lazy<(string[] Prefix, string Run)> Prefix = new(() =>
        Environment.UserName == "root" ? (["unshare", "--mount"], "")
        : Output("unshare", "--user", "--map-root-user", "--mount", "true") is not null ? (["unshare", "--user", "--map-root-user", "--mount"], "")
        // sudo keeps the environment the tests give the command (its credentials, Spotify's addresses) with --preserve-env.
        : (["sudo", "-n", "--preserve-env", "unshare", "--mount"], $"setpriv --reuid={Output("id", "-u")} --regid={Output("id", "-g")} --init-groups "));

    /// <summary>What a command printed, trimmed; null when it failed or is missing.</summary>
    private static string? Output(string program, params string[] arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            var output = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
