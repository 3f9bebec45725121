using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// Memory the run cannot have. A limit on the address space (ulimit -v, set on shared machines and by some batch
/// schedulers) made the runtime's server GC grow the transform's and the import's no-GC region into memory it could not
/// commit: the process ended in a segmentation fault, with nothing on stderr, at limits far above what the run uses.
/// Under such a limit the tool collects as usual; and memory that runs out is said as such, with what to do, not as an
/// unexpected error to report. The sweep catches the crash on the native build (make test's); on the JIT-compiled build,
/// whose host needs more room, it checks the answers under a limit only.
/// </summary>
public sealed class AddressSpaceLimitTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>
    /// The limits, in MB, a sweep tries: where the native build before the change ended in a segmentation fault on the
    /// two-day sample of 10,000 items in every run (four runs each at 1,050, 1,100, 1,150 and 1,200 MB on two cores; it
    /// got through at 1,250), and where the build with it passed every run. Near 1,000 MB the native build now and then
    /// cannot start a thread. The JIT-compiled build's host reserves more before this tool's code runs (it aborted at
    /// 3,000 MB and ran at 3,500), so its sweep starts higher.
    /// </summary>
    private static IEnumerable<int> Limits(int seed)
    {
        var random = new Random(seed);
        var floor = OpenFileLimitTests.Jit ? 4_000 : 1_050;
        return Enumerable.Range(0, 2).Select(_ => floor + random.Next(0, 151)).Order();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_transform_under_an_address_space_limit_writes_the_tables_of_an_unlimited_run(int seed)
    {
        // bash's ulimit -v is Linux's: macOS refuses it, and the tool is built and tested on Linux.
        Assert.True(OperatingSystem.IsLinux(), "this test sets an address-space limit with ulimit -v, which needs Linux");
        var sample = _folder["sample"];
        var made = DemoCommandTests.RunCli("sample", "--out", sample, "--days", "2", "--items", "10000", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(made.ExitCode == 0, made.Errors);
        var unlimitedLake = _folder["unlimited"];
        var unlimited = DemoCommandTests.RunCli("transform", "--input", Path.Combine(sample, "raw"), "--lake", unlimitedLake);
        Assert.True(unlimited.ExitCode == 0, unlimited.Errors);
        var expected = FileTreeAssert.FilesUnder(unlimitedLake, "transformed");

        foreach (var megabytes in Limits(seed))
        {
            var lake = _folder[$"limited-{megabytes}"];
            var limited = SpotifyEtlProcess.RunUnderBash(["transform", "--input", Path.Combine(sample, "raw"), "--lake", lake],
                // glibc reserves 64 MB of address space for each thread's malloc arena, and how many threads the pool starts
                // depends on the machine's load: two arenas keep that out of the sweep, which is about the collector.
                command => $"ulimit -v {megabytes * 1024} && MALLOC_ARENA_MAX=2 exec {command}");

            Assert.True(limited.ExitCode == 0, $"ulimit -v of {megabytes} MB: exit {limited.ExitCode} (139 is a segmentation fault); stderr: {limited.Errors}");
            FileTreeAssert.Same(expected, FileTreeAssert.FilesUnder(lake, "transformed"), $"the tables under ulimit -v of {megabytes} MB");
        }
    }

    [Fact]
    public void Memory_that_runs_out_is_told_with_what_to_do_and_exit_1_not_as_an_error_to_report()
    {
        using var errors = new StringWriter();

        // The runtime's own exception, as the runtime throws it: the rule against throwing it does not apply to a test's input.
#pragma warning disable CA2201
        var code = CliErrors.Report(new OutOfMemoryException(), errors);
#pragma warning restore CA2201

        Assert.Equal(ExitCodes.Failure, code);
        var message = errors.ToString();
        Assert.StartsWith("spotify-etl: Out of memory:", message, StringComparison.Ordinal);
        Assert.Contains("Whatever was written is complete", message, StringComparison.Ordinal);
        Assert.Contains("Free memory or raise the limit", message, StringComparison.Ordinal);
        Assert.Contains("run the command again", message, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected error", message, StringComparison.Ordinal);
        Assert.DoesNotContain("report it", message, StringComparison.Ordinal);
    }
}
