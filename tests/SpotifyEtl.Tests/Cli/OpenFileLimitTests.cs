using SpotifyEtl.Cli.Shell;
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
        // The JIT-compiled build (no SPOTIFY_ETL_CLI) loads its compiler and assemblies as it goes, and under a low limit the
        // .NET host fails before any of this tool's code can say anything (no "spotify-etl:" line); the native build loads none.
        // Below 7 files the runtime's own set-up (its signal handling's pipe) fails in either: the sweep starts above.
        var jit = string.IsNullOrEmpty(Environment.GetEnvironmentVariable(SpotifyEtlProcess.Variable));
        var (told, answered) = (0, false);
        for (var limit = 8 + random.Next(4); limit <= 400 && !answered; limit += 3 + random.Next(6))
        {
            var run = RunLimited($"-n {limit}", "query", "--lake", lake, "--json");
            var what = $"hard limit {limit}: exit {run.ExitCode}, {run.Errors}";
            Assert.DoesNotContain("is damaged", run.Errors, StringComparison.Ordinal);
            Assert.DoesNotContain("Write it again", run.Errors, StringComparison.Ordinal);
            if (run.ExitCode == 0)
            {
                Assert.Equal(unlimited.Output, run.Output);
                answered = true;
            }
            else if (!(jit && !run.Errors.Contains(CliErrors.Program + ":", StringComparison.Ordinal)))
            {
                Assert.True(run.ExitCode == 74, what);
                Assert.Contains($"(ulimit -n, {limit} here)", run.Errors, StringComparison.Ordinal);
                Assert.Contains("Nothing was damaged by it: raise the limit", run.Errors, StringComparison.Ordinal);
                Assert.DoesNotContain("   at ", run.Errors, StringComparison.Ordinal);
                told++;
            }
        }
        Assert.True(answered, "no limit up to 400 let the query answer");
        Assert.True(told > 0, "no limit was low enough to stop the query: the sweep tested nothing");
    }
}
