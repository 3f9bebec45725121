using System.Globalization;

namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// How many files this process may hold open at once (ulimit -n). A query over a lake of many days opens a file per
/// partition it reads, several at a time, and a shell's soft limit is often far below what the system allows (1,024 on
/// many Linux distributions, 256 on macOS): the process raises its soft limit to its hard one when it starts, as the Go
/// runtime does for its programs. A limit still too low (a hard limit set low) is told as what it is, not as a damaged
/// table file or a full disk.
/// </summary>
internal static class OpenFileLimit
{
    /// <summary>How EMFILE (this process's limit) and ENFILE (the system's) read, in the runtime's messages and in DuckDB's.</summary>
    public const string Exhausted = SpotifyEtl.Storage.LocalEntry.TooManyOpenFiles;

    /// <summary>The soft limit asked for at most: Linux's default ceiling (fs.nr_open) is 1,048,576.</summary>
    private const ulong Ceiling = 1 << 20;

    /// <summary>macOS refuses a soft limit above OPEN_MAX, whatever the hard limit says.</summary>
    private const ulong MacOsCeiling = 10240;

    /// <summary>Raises the soft limit to the hard one; where it cannot (no libc, a refusal), the limit stays as it was.</summary>
    public static void Raise()
    {
        if (ProcessLimits.Read(ProcessLimits.OpenFiles) is not { } limit)
        {
            return;
        }
        var wanted = Math.Min(limit.Maximum, OperatingSystem.IsLinux() ? Ceiling : MacOsCeiling);
        if (wanted > limit.Current)
        {
            _ = ProcessLimits.Set(ProcessLimits.OpenFiles, limit with { Current = wanted });
        }
    }

    /// <summary>What follows an error whose message holds <see cref="Exhausted"/>: what happened, and what to do.</summary>
    public static string Advice()
    {
        var current = ProcessLimits.Read(ProcessLimits.OpenFiles) is { } limit ? $", {limit.Current.ToString("N0", CultureInfo.InvariantCulture)} here" : "";
        return $"more files were open at once than this process may hold (ulimit -n{current}), or than the system allows. " +
            "Nothing was damaged by it: raise the limit (ulimit -n 65536, or as far as ulimit -Hn allows) and run the command again.";
    }

    /// <summary>
    /// An error of too many open files is no damage to the file being read: the command ends there (exit 74, the advice
    /// above), rather than name a whole table file as damaged and to be written again.
    /// </summary>
    /// <param name="failed">What failed, as a sentence's start: "Table 'songs' could not be read".</param>
    public static void ThrowIfExhausted(string error, string failed)
    {
        if (error.Contains(Exhausted, StringComparison.Ordinal))
        {
            throw new IOException($"{failed} ({Exhausted})");
        }
    }
}
