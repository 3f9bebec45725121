using System.Diagnostics;
using System.Runtime.InteropServices;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A test that sets an open-file limit counts the files of the process it starts, and that process is forked from the
/// test host: a file the host holds open without close-on-exec at that moment (the test platform's pipe, a native
/// library's file, one another test is opening) is inherited, and where it holds a low number, under <c>ulimit -n 5</c>
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
        var leaked = Enumerable.Range(0, 1 + random.Next(4)).Select(_ => Open("/dev/null", ReadOnly)).ToList();
        var high = Open("/dev/null", ReadOnly);
        try
        {
            Assert.All(leaked.Append(high), descriptor => Assert.True(descriptor > 2, $"open failed: errno {Marshal.GetLastPInvokeError()}"));
            // A number no file of the host has (dup2 would close one), so that only the tests' own files move.
            var taken = Directory.EnumerateFileSystemEntries("/proc/self/fd").Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
            var number = 200 + random.Next(800);
            while (taken.Contains($"{number}"))
            {
                number++;
            }
            var far = Duplicate(high, number);
            Assert.True(far > 2, $"dup2 failed: errno {Marshal.GetLastPInvokeError()}");
            leaked.Add(far);

            // The files really reach a child: a shell started as any other process of the tests lists them.
            using (var plain = Process.Start(new ProcessStartInfo("bash", ["-c", "ls /proc/$$/fd"]) { RedirectStandardOutput = true })!)
            {
                var open = plain.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
                plain.WaitForExit();
                Assert.All(leaked, descriptor => Assert.Contains($"{descriptor}", open));
            }

            // Under RunUnderBash, the shell that sets the limit and then becomes the tool holds the standard streams alone.
            var listed = SpotifyEtlProcess.RunUnderBash(["--version"], command => $"ls /proc/$$/fd && exec {command}");
            Assert.True(listed.ExitCode == 0, listed.Errors);
            var files = listed.Output.Split('\n').TakeWhile(line => line.Length > 0 && line.All(char.IsAsciiDigit)).Select(int.Parse).Order();
            Assert.Equal([0, 1, 2], files);
        }
        finally
        {
            foreach (var descriptor in leaked.Append(high))
            {
                _ = Close(descriptor);
            }
        }
    }

    private const int ReadOnly = 0; // O_RDONLY, without O_CLOEXEC: inherited by every child

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    private static partial int Duplicate(int descriptor, int to);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int descriptor);
}
