using System.Diagnostics;
using Xunit;

namespace SpotifyEtl.Tests.Support;

/// <summary>spotify-etl run as the process tests run it (<see cref="SpotifyEtlProcess"/>), under <c>strace -f -y</c>: what a test sees from outside the process.</summary>
internal static class StracedProcess
{
    /// <summary>
    /// Runs spotify-etl with <paramref name="arguments"/> under strace with <paramref name="options"/> (such as
    /// <c>-e trace=...</c>), its record written to <paramref name="trace"/>; returns its exit code and output.
    /// </summary>
    public static (int ExitCode, string Output, string Errors) Run(string trace, IEnumerable<string> options, string[] arguments,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var cli = SpotifyEtlProcess.StartInfo(arguments);
        var start = new ProcessStartInfo("strace") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = cli.WorkingDirectory };
        foreach (var argument in (string[])["-f", "-y", .. options, "-o", trace, cli.FileName, .. cli.ArgumentList])
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException($"strace could not be started ({exception.Message}): these tests need it (apt-get install strace; make test installs it).", exception);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(File.Exists(trace), $"strace wrote no trace: {errors}");
            return (process.ExitCode, output.Result, errors);
        }
    }
}
