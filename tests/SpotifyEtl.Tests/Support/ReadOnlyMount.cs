using System.Diagnostics;

namespace SpotifyEtl.Tests.Support;

/// <summary>
/// A command run with one folder on a read-only file system, as a lake on a disk mounted read-only (a container's
/// <c>:ro</c> volume, ext4 remounted read-only after an error) is: <c>unshare</c> gives the command a mount namespace of
/// its own, binds the folder onto itself there and remounts the bind read-only. Root itself cannot write to it, and
/// nothing outside the command sees the mount. A mount namespace takes root: root in the process; else a user namespace
/// of the command's own, where the system allows them (Ubuntu's AppArmor and Docker's default seccomp profile do not);
/// else sudo without a password (as on GitHub's runners). A user who has none of these cannot run the tests that use
/// it, and the command's error says which was tried.
/// </summary>
internal static class ReadOnlyMount
{
    private const string Script = "mount --bind \"$1\" \"$1\" && mount -o remount,ro,bind \"$1\" && shift && exec \"$@\"";

    public static ProcessStartInfo Wrap(ProcessStartInfo start, string folder)
    {
        var wrapped = new ProcessStartInfo(Prefix.Value[0])
        {
            RedirectStandardOutput = start.RedirectStandardOutput,
            RedirectStandardError = start.RedirectStandardError,
            WorkingDirectory = start.WorkingDirectory,
        };
        foreach (var word in Prefix.Value.Skip(1).Concat(["sh", "-c", Script, "sh", folder, start.FileName]).Concat(start.ArgumentList))
        {
            wrapped.ArgumentList.Add(word);
        }
        foreach (var (name, value) in start.Environment)
        {
            wrapped.Environment[name] = value;
        }
        return wrapped;
    }

    /// <summary>The command that gives what follows a mount namespace of its own, chosen once.</summary>
    private static readonly Lazy<string[]> Prefix = new(() =>
        Environment.UserName == "root" ? ["unshare", "--mount"]
        : Succeeds("unshare", "--user", "--map-root-user", "--mount", "true") ? ["unshare", "--user", "--map-root-user", "--mount"]
        // sudo keeps the environment the tests give the command (its credentials, Spotify's addresses) with --preserve-env.
        : ["sudo", "-n", "--preserve-env", "unshare", "--mount"]);

    private static bool Succeeds(string program, params string[] arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
