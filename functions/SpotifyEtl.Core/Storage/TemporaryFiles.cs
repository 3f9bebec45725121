using System.Diagnostics;
using System.Globalization;

namespace SpotifyEtl.Storage;

/// <summary>
/// The temporary files of the local lake, named <c>{pid}.{start}-{guid}.tmp</c> after the process that
/// writes them and the instant it started: a process id alone may be reused by another process once the
/// writer is gone, and a file of the dead writer would then be kept forever.
/// </summary>
internal static partial class TemporaryFiles
{
    private static string? s_owner;

    /// <summary>
    /// This process's id and start, worked out at the first use: a failure to read the start (the open-file limit) is then
    /// the caller's to tell, and asked again next time, not a type that cannot start or a name without the start, which
    /// other processes would take for a gone writer's.
    /// </summary>
    private static string Owner => s_owner ??= $"{Environment.ProcessId}.{StartOf(Environment.ProcessId)}";

    public static string NewName() => $"{Owner}-{Guid.NewGuid():N}.tmp";

    public static int RemoveStale(string root, string temporaryFolder)
    {
        var folder = Path.Combine(root, temporaryFolder);
        var removed = RemoveStaleIn(folder);
        // Files beside their targets are what an earlier version of the tool left when it was killed: one walk
        // of the lake finds them all, and the marker it leaves spares every later open a walk of every file.
        var swept = Path.Combine(folder, LocalFolderStore.SweptMarker);
        if (File.Exists(swept))
        {
            return removed;
        }
        // Walked as the lake is listed: a link loop or a path past the system's limit elsewhere in the lake stops nothing here.
        foreach (var file in LocalFolderWalk.Entries(root).Where(path => path.EndsWith(".tmp", StringComparison.Ordinal) && File.Exists(path)))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var dot = name.LastIndexOf('.');
            if (dot > 0 && name.Length - dot - 1 == 32 && Guid.TryParseExact(name[(dot + 1)..], "N", out _))
            {
                File.Delete(file);
                removed++;
            }
        }
        Directory.CreateDirectory(folder);
        File.WriteAllText(swept, "");
        return removed;
    }

    /// <summary>
    /// The files in a temporary folder whose writer no longer runs (the lake's lock, leases and marker are kept); how many.
    /// With <paramref name="ownNamesOnly"/>, only files named as this tool names its temporary files
    /// (<c>{pid}.{start}-{32 hex digits}.tmp</c>): a top folder's <c>.tmp/</c> may be a user's own.
    /// </summary>
    public static int RemoveStaleIn(string folder, bool ownNamesOnly = false)
    {
        var removed = 0;
        if (!Directory.Exists(folder))
        {
            return 0;
        }
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            var name = Path.GetFileName(file);
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            var kept = name is LocalFolderStore.LockFile or LocalFolderStore.SweptMarker || name.EndsWith(LocalFolderStore.LeaseFileSuffix, StringComparison.Ordinal);
            if (kept || (dash > 0 && IsRunning(name[..dash])) || (ownNamesOnly && !IsOwnName(name)))
            {
                continue;
            }
            File.Delete(file);
            removed++;
        }
        return removed;
    }

    /// <summary>Whether <paramref name="name"/> is one <see cref="NewName"/> gives: <c>{pid}.{start}-{32 hex digits}.tmp</c>.</summary>
    internal static bool IsOwnName(string name) => OwnName().IsMatch(name);

    [System.Text.RegularExpressions.GeneratedRegex("^[0-9]+\\.[0-9]+-[0-9a-f]{32}\\.tmp$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex OwnName();

    /// <summary>Whether the writer named <c>{pid}.{start}</c> (or a bare <c>{pid}</c>) still runs: the same id and the same start.</summary>
    internal static bool IsRunning(string owner)
    {
        var dot = owner.IndexOf('.', StringComparison.Ordinal);
        if (!int.TryParse(dot < 0 ? owner : owner[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return false;
        }
        if (pid == Environment.ProcessId)
        {
            return string.Equals(owner, Owner, StringComparison.Ordinal) || dot < 0;
        }
        var start = StartOf(pid);
        return start is not null && (dot < 0 || string.Equals(owner[(dot + 1)..], start, StringComparison.Ordinal));
    }

    /// <summary>
    /// When a process started, as text that every process works out the same; null when there is no such process.
    /// On Linux that is the start in clock ticks since boot, as the kernel keeps it: <see cref="Process.StartTime"/>
    /// there adds an estimate of when the machine booted that each process works out a little differently, so another
    /// process took a running writer for a gone one and deleted the file it was writing.
    /// </summary>
    internal static string? StartOf(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            return LinuxStartOf(pid);
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : process.StartTime.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Field 22 of <c>/proc/{pid}/stat</c> (<c>starttime</c>); null for no such process, or one that has ended (a zombie).</summary>
    private static string? LinuxStartOf(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        // The open-file limit says nothing of the process: taken for gone, a running writer's file would be removed.
        catch (Exception exception) when (LocalEntry.IsEntryFailure(exception))
        {
            return null;
        }
        // The command name (field 2) is in parentheses and may hold spaces or parentheses: the fields after it
        // start at the last ')', with the state (field 3) first.
        var close = stat.LastIndexOf(')');
        var fields = close < 0 ? [] : stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 19 && fields[0] != "Z" && fields[0] != "X" ? fields[19] : null;
    }
}
