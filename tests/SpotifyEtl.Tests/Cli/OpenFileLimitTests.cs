using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// The open-file limit (ulimit -n): a query opens a file per partition it reads, several at once, and a lake with years
/// of history has many. A low soft limit is raised to the hard one, so the answers are those of an unlimited run; a hard
/// limit too low ends the command with exit 74 and the limit to raise, never with a whole table file named as damaged
/// and to be written again (which would not help, and would have a user rewrite a lake that is fine).
/// </summary>
public sealed class OpenFileLimitTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>A demo lake: every table, and an imported history of many monthly partitions.</summary>
    private string DemoLake()
    {
        var lake = _folder["lake"];
        var demo = DemoCommandTests.RunCli("demo", "--lake", lake, "--days", "3", "--items", "20");
        Assert.True(demo.ExitCode == 0, demo.Errors);
        return lake;
    }

    /// <summary>
    /// Whether the processes are the JIT-compiled build (no SPOTIFY_ETL_CLI): the .NET host loads its compiler and the
    /// assemblies as it goes, and under a low hard limit it fails, or waits forever on a worker thread it could not start,
    /// before any of this tool's code runs. The native build loads nothing: below 7 files its runtime's own set-up (the
    /// signal handling's pipe) fails, and from there on every failure is this tool's to report.
    /// </summary>
    private static bool Jit => string.IsNullOrEmpty(Environment.GetEnvironmentVariable(SpotifyEtlProcess.Variable));

    /// <summary>Where a hard-limit sweep of the JIT-compiled build starts: above what its host needs to start and load.</summary>
    private const int JitFloor = 160;

    /// <summary>spotify-etl run by bash after <c>ulimit</c> with <paramref name="limit"/> (such as <c>-n 20</c>).</summary>
    private static (int ExitCode, string Output, string Errors) RunLimited(string limit, params string[] arguments) =>
        SpotifyEtlProcess.RunUnderBash(arguments, command => $"ulimit {limit} && exec {command}");

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(24)]
    public void A_soft_limit_below_what_a_query_needs_is_raised_and_the_answers_are_those_of_an_unlimited_run(int soft)
    {
        var lake = DemoLake();
        var unlimited = DemoCommandTests.RunCli("query", "--lake", lake, "--json");

        var limited = RunLimited($"-Sn {soft}", "query", "--lake", lake, "--json");

        Assert.True(unlimited.ExitCode == 0, unlimited.Errors);
        Assert.True(limited.ExitCode == 0, $"soft limit {soft}: exit {limited.ExitCode}, {limited.Errors}");
        Assert.Equal(unlimited.Output, limited.Output);
    }

    /// <summary>
    /// Hard limits from one that stops the tool at its first files up to one it answers under, in generated steps: every run
    /// either answers as an unlimited run does, or ends with exit 74 saying which limit to raise, whichever file (a folder's
    /// listing, a table's view, a query's scan) met it.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_hard_limit_too_low_ends_with_exit_74_naming_the_limit_and_no_file_is_called_damaged(int seed)
    {
        var random = new Random(seed);
        var lake = DemoLake();
        var unlimited = DemoCommandTests.RunCli("query", "--lake", lake, "--json");
        Assert.True(unlimited.ExitCode == 0, unlimited.Errors);
        Sweep((Jit ? JitFloor : 8) + random.Next(4), () => 3 + random.Next(6), "the query", limit =>
        {
            var run = RunLimited($"-n {limit}", "query", "--lake", lake, "--json");
            if (run.ExitCode == 0)
            {
                Assert.Equal(unlimited.Output, run.Output);
            }
            return (run.ExitCode, run.Errors);
        });
    }

    /// <summary>
    /// A transform in place under hard limits in generated steps: every run either writes the tables an unlimited run
    /// writes, or ends with exit 74 saying which limit to raise, never calling raw/ unlistable, setting an object aside or
    /// leaving an entry unread (which would rebuild a day from part of its objects).
    /// </summary>
    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void A_transform_under_a_hard_limit_too_low_ends_with_exit_74_and_sets_nothing_aside(int seed)
    {
        var random = new Random(seed);
        var sample = _folder["sample"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", sample, "--days", "3", "--items", "150", "--seed", $"{seed}").ExitCode);
        var unlimitedLake = _folder["unlimited"];
        TempFolder.CopyTree(sample, unlimitedLake);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", unlimitedLake).ExitCode);
        var unlimited = DemoCommandTests.RunCli("query", "--lake", unlimitedLake, "--json").Output;
        Sweep(Jit ? JitFloor : 7, () => 1 + random.Next(4), "the transform", limit =>
        {
            var lake = _folder[$"lake-{limit}"];
            TempFolder.CopyTree(sample, lake);
            var run = RunLimited($"-n {limit}", "transform", "--lake", lake);
            var quarantine = Path.Combine(lake, "quarantine");
            Assert.False(Directory.Exists(quarantine) && Directory.EnumerateFiles(quarantine, "*", SearchOption.AllDirectories).Any(), $"hard limit {limit}: {run.Errors}");
            Assert.DoesNotContain("could not be read and", run.Errors, StringComparison.Ordinal);
            if (run.ExitCode == 0)
            {
                Assert.Equal(unlimited, DemoCommandTests.RunCli("query", "--lake", lake, "--json").Output);
            }
            Directory.Delete(lake, recursive: true);
            return (run.ExitCode, run.Errors);
        });
    }

    /// <summary>
    /// Runs <paramref name="run"/> (its own checks made) under hard limits from <paramref name="first"/>, each
    /// <paramref name="step"/> above the one before, until one succeeds: every run that fails ends with exit 74 naming the
    /// limit and what to do, and none calls a file damaged, a folder unlistable or ends in a stack trace. At least one run
    /// must fail, or the sweep tested nothing (the JIT-compiled build's sweep starts where its host has what it needs).
    /// </summary>
    private static void Sweep(int first, Func<int> step, string what, Func<int, (int ExitCode, string Errors)> run)
    {
        var (stopped, succeeded) = (0, false);
        for (var limit = first; limit <= 400 && !succeeded; limit += step())
        {
            var (exitCode, errors) = run(limit);
            foreach (var misleading in (string[])["is damaged", "Write it again", "cannot list", "   at "])
            {
                Assert.DoesNotContain(misleading, errors, StringComparison.Ordinal);
            }
            if (exitCode == 0)
            {
                succeeded = true;
                continue;
            }
            Assert.True(exitCode == 74, $"{what} under a hard limit of {limit}: exit {exitCode}, {errors}");
            Assert.Contains($"(ulimit -n, {limit} here)", errors, StringComparison.Ordinal);
            Assert.Contains("Nothing was damaged by it: raise the limit", errors, StringComparison.Ordinal);
            stopped++;
        }
        Assert.True(succeeded, $"no hard limit up to 400 let {what} succeed");
        Assert.True(stopped > 0 || Jit, $"no hard limit was low enough to stop {what}: the sweep tested nothing");
    }
}
