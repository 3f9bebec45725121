using System.Diagnostics;
using System.Runtime.InteropServices;
using Xunit;

namespace SpotifyEtl.Tests.Support;

/// <summary>
/// A signal as a user or a system sends it: a real SIGINT (Ctrl-C) or SIGTERM (<c>kill</c>, <c>docker stop</c>) to a real
/// spotify-etl process, at a chosen moment of its run.
/// </summary>
internal static partial class Signals
{
    /// <summary>The terminal the process runs in closed (or its ssh session ended).</summary>
    public const int Sighup = 1;

    public const int Sigint = 2;

    public const int Sigterm = 15;

    /// <summary>
    /// Starts spotify-etl with <paramref name="arguments"/>, waits until <paramref name="trigger"/> (a file or folder the
    /// run makes) exists, then <paramref name="delay"/> more, and sends <paramref name="signal"/>. Returns its exit code,
    /// stdout and stderr, or null when the run ended before the signal could be sent.
    /// </summary>
    public static (int ExitCode, string Output, string Errors)? RunAndSignal(int signal, string trigger, TimeSpan delay, params string[] arguments) =>
        RunAndSignal(signal, trigger, delay, new Dictionary<string, string>(), arguments);

    /// <summary>As above, with <paramref name="environment"/> set for the process.</summary>
    public static (int ExitCode, string Output, string Errors)? RunAndSignal(int signal, string trigger, TimeSpan delay, IReadOnlyDictionary<string, string> environment,
        params string[] arguments)
    {
        var start = SpotifyEtlProcess.StartInfo(arguments);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        while (!process.HasExited && !Path.Exists(trigger))
        {
            Thread.Sleep(1);
        }
        var watch = Stopwatch.StartNew();
        while (!process.HasExited && watch.Elapsed < delay)
        {
            Thread.Sleep(1);
        }
        var sent = !process.HasExited && Send(process.Id, signal);
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), $"spotify-etl {arguments[0]} did not end after the signal.");
        process.WaitForExit();
        return sent ? (process.ExitCode, output.Result, errors.Result) : null;
    }

    /// <summary>
    /// Starts spotify-etl with <paramref name="arguments"/> and sends it <paramref name="signal"/> once it has written a
    /// line holding <paramref name="line"/> to stderr. Returns its exit code, stdout and stderr, or null when the run
    /// ended without writing that line.
    /// </summary>
    public static (int ExitCode, string Output, string Errors)? RunAndSignalOnLine(int signal, string line, params string[] arguments)
    {
        using var process = Process.Start(SpotifyEtlProcess.StartInfo(arguments))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = new System.Text.StringBuilder();
        var sent = false;
        // A run the signal does not end would keep its stderr open, and this loop reading it, for ever: it is killed two
        // minutes after it started, which ends the loop and fails the test.
        var killed = false;
        using var watchdog = new Timer(_ =>
        {
            try
            {
                if (!process.HasExited)
                {
                    Volatile.Write(ref killed, true);
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // It ended meanwhile.
            }
        }, null, TimeSpan.FromMinutes(2), Timeout.InfiniteTimeSpan);
        while (process.StandardError.ReadLine() is { } written)
        {
            errors.AppendLine(written);
            if (!sent && written.Contains(line, StringComparison.Ordinal))
            {
                sent = Send(process.Id, signal);
            }
        }
        process.WaitForExit();
        watchdog.Dispose();
        Assert.False(Volatile.Read(ref killed), $"spotify-etl {arguments[0]} did not end within two minutes{(sent ? ", a signal sent" : "")}; it was killed. Its stderr:\n{errors}");
        return sent ? (process.ExitCode, output.Result, errors.ToString()) : null;
    }

    /// <summary>Sends <paramref name="signal"/> to the process <paramref name="pid"/>; false when it could not (it has ended).</summary>
    public static bool Send(int pid, int signal) => Kill(pid, signal) == 0;

    /// <summary>The exit code and the start of the stderr line of a verb stopped by <paramref name="signal"/>.</summary>
    public static (int ExitCode, string Line) Expected(int signal) => signal is Sigterm or Sighup
        ? (SpotifyEtl.Cli.Shell.ExitCodes.Terminated, $"{SpotifyEtl.Cli.Shell.CliErrors.Program}: Terminated.")
        : (SpotifyEtl.Cli.Shell.ExitCodes.Interrupted, $"{SpotifyEtl.Cli.Shell.CliErrors.Program}: Interrupted.");

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
