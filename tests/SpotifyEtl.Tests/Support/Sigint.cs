using System.Diagnostics;
using System.Runtime.InteropServices;
using Xunit;

namespace SpotifyEtl.Tests.Support;

/// <summary>Ctrl-C as a user gives it: a real SIGINT to a real spotify-etl process, at a chosen moment of its run.</summary>
internal static partial class Sigint
{
    /// <summary>
    /// Starts spotify-etl with <paramref name="arguments"/>, waits until <paramref name="trigger"/> (a file or folder the
    /// run makes) exists, then <paramref name="delay"/> more, and sends SIGINT. Returns its exit code, stdout and stderr,
    /// or null when the run ended before the signal could be sent.
    /// </summary>
    public static (int ExitCode, string Output, string Errors)? RunAndInterrupt(string trigger, TimeSpan delay, params string[] arguments)
    {
        using var process = Process.Start(SpotifyEtlProcess.StartInfo(arguments))!;
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
        var sent = !process.HasExited && Kill(process.Id, Signal) == 0;
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), $"spotify-etl {arguments[0]} did not end after the signal.");
        process.WaitForExit();
        return sent ? (process.ExitCode, output.Result, errors.Result) : null;
    }

    private const int Signal = 2;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
