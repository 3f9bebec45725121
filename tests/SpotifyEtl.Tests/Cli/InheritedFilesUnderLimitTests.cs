using System.Diagnostics;
using System.Runtime.InteropServices;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A test that sets an open-file limit counts the files of the process it starts, and that process is forked from the
/// test host: a file the host holds open without close-on-exec at that moment (a pipe, a native library's file, one
/// another test is opening) is inherited, and where it holds a low number, under <c>ulimit -n 5</c>
/// it takes a slot the command needed (bash: "cannot duplicate fd: Too many open files"). The limit tests start their
/// shells through <see cref="SpotifyEtlProcess.RunUnderBash"/>, which closes every inherited file above the standard
/// streams first, so what they count is the tool's files alone. These tests leave such files open on purpose, so they run
/// alone, after the parallel ones.
/// </summary>
[CollectionDefinition(nameof(InheritedFilesUnderLimitTests), DisableParallelization = true)]
[Collection(nameof(InheritedFilesUnderLimitTests))]
public sealed partial class InheritedFilesUnderLimitTests
{
    /// <summary>
    /// Files left open without close-on-exec: a few at the lowest free numbers, and one far above them. Which numbers are
    /// free is the host's; the shell closes them whatever they are.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_file_the_test_host_leaves_inheritable_never_reaches_the_command_a_limit_test_runs(int seed)
    {
        Assert.True(OperatingSystem.IsLinux(), "this test lists a process's open files in /proc, which needs Linux");
        var random = new Random(seed);
        var leaked = new List<int>();
        try
        {
            for (var count = 1 + random.Next(4); count > 0; count--)
            {
                leaked.Add(Inheritable(Open("/dev/null", ReadOnly), "open"));
            }
            // And one at the lowest free number from a high one up: F_DUPFD takes a free number itself, so no file of the
            // host is replaced, and leaves close-on-exec off as dup2 would.
            leaked.Add(Inheritable(Control(leaked[0], DuplicateFrom, 200 + random.Next(800)), "fcntl(F_DUPFD)"));

            // The files really reach a child: a shell started as any other process of the tests lists them.
            using (var plain = Process.Start(new ProcessStartInfo("bash", ["-c", "ls /proc/$$/fd"]) { RedirectStandardOutput = true })!)
            {
                var open = plain.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
                plain.WaitForExit();
                Assert.All(leaked, descriptor => Assert.Contains($"{descriptor}", open));
            }

            // The shell RunUnderBash starts, which then becomes the tool, holds the standard streams alone.
            var listed = SpotifyEtlProcess.RunUnderBash(["--version"], command => $"ls /proc/$$/fd && exec {command}");
            Assert.True(listed.ExitCode == 0, listed.Errors);
            var files = listed.Output.Split('\n').TakeWhile(line => line.Length > 0 && line.All(char.IsAsciiDigit)).Select(int.Parse).Order();
            Assert.Equal([0, 1, 2], files);
        }
        finally
        {
            foreach (var descriptor in leaked)
            {
                _ = Close(descriptor);
            }
        }
    }

    /// <summary>The file <paramref name="descriptor"/> names, or the test's failure with the call's error.</summary>
    private static int Inheritable(int descriptor, string call)
    {
        Assert.True(descriptor > 2, $"{call} failed: errno {Marshal.GetLastPInvokeError()}");
        return descriptor;
    }

    private const int ReadOnly = 0; // O_RDONLY, without O_CLOEXEC: inherited by every child
    private const int DuplicateFrom = 0; // F_DUPFD

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Control(int descriptor, int command, int argument);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int descriptor);
}
