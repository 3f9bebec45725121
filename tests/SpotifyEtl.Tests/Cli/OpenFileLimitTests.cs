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
    /// before any of this tool's code runs. The native build loads only the system's C libraries, one file at a time: from
    /// 4 files on (stdin, stdout, stderr and one more) every failure is this tool's to report, the signal handling's pipe
    /// included. Under 4 the system's loader cannot start it (exit 127, "error while loading shared libraries").
    /// </summary>
    internal static bool Jit => string.IsNullOrEmpty(Environment.GetEnvironmentVariable(SpotifyEtlProcess.Variable));

    /// <summary>Where a hard-limit sweep of the JIT-compiled build starts: above what its host needs to start and load.</summary>
    internal const int JitFloor = 160;

    /// <summary>spotify-etl run by bash after <c>ulimit</c> with <paramref name="limit"/> (such as <c>-n 20</c>).</summary>
    private static (int ExitCode, string Output, string Errors) RunLimited(string limit, params string[] arguments) =>
        SpotifyEtlProcess.RunUnderBash(arguments, command => $"ulimit {limit} && exec {command}");

    /// <summary>
    /// The soft limit is raised before anything else opens a file: a soft limit of 4 (the standard streams and one more)
    /// leaves the runtime no room for the signal handling's pipe, which the process makes at its start.
    /// </summary>
    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(24)]
    public void A_soft_limit_below_what_a_query_needs_is_raised_and_the_answers_are_those_of_an_unlimited_run(int soft)
    {
        var lake = DemoLake();
        var unlimited = DemoCommandTests.RunCli("query", "--lake", lake, "--json");

        // The JIT-compiled build's host needs more than a few files before this tool's code runs (Jit, below).
        var limited = RunLimited($"-Sn {(Jit ? Math.Max(soft, JitFloor) : soft)}", "query", "--lake", lake, "--json");

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
    /// The error of a limit met as the process starts goes to stderr where the shell's own writes to the same file go on
    /// after it: a stderr sent to a file keeps the line whole, followed by what the shell writes next.
    /// </summary>
    [Fact]
    public void The_error_of_a_limit_met_at_the_start_is_followed_in_a_shared_stderr_file_by_what_the_shell_writes_next()
    {
        if (Jit)
        {
            return; // the JIT-compiled build's host cannot start under a limit this low (Jit, above)
        }
        var log = _folder["errors.log"];
        var (exitCode, _, errors) = SpotifyEtlProcess.RunUnderBash(["--version"],
            command => $"ulimit -n 5 && {{ {command}; echo \"exit $?\" >&2; }} 2> '{log}'");

        Assert.True(exitCode == 0, errors);
        var lines = File.ReadAllLines(log);
        Assert.True(lines.Length == 2, $"expected the error and the shell's line after it: {string.Join(" | ", lines)}");
        Assert.StartsWith("spotify-etl: ", lines[0], StringComparison.Ordinal);
        Assert.Contains("(ulimit -n, 5 here)", lines[0], StringComparison.Ordinal);
        Assert.Equal("exit 74", lines[1]);
    }

    /// <summary>
    /// Every hard limit from 4 files (the standard streams and one more) up to the first under which the verb does its work:
    /// each run either does it as an unlimited run does or ends with exit 74 naming the limit, wherever the limit was met
    /// (the signal handling's pipe at start-up, the lake's lock, a raw object or an export's file read, DuckDB's library
    /// unpacked into a cache of its own for each run, a table's files, the report's page), never in a stack trace, never
    /// with a file skipped as unreadable or a folder called unwritable. A verb whose work is to refuse with advice (a lake
    /// not yet transformed, a lake of tables without raw/, a folder above lakes) gives the advice an unlimited run gives,
    /// word for word, or exit 74: never advice drawn from a listing the limit cut short.
    /// </summary>
    [Theory]
    [InlineData("version")]
    [InlineData("sample")]
    [InlineData("transform")]
    [InlineData("land")]
    [InlineData("import")]
    [InlineData("import-unzipped")]
    [InlineData("query")]
    [InlineData("current")]
    [InlineData("report")]
    [InlineData("query-untransformed")]
    [InlineData("transform-tables-only")]
    [InlineData("query-above-lakes")]
    public void Every_hard_limit_from_four_files_up_ends_the_verb_with_its_work_done_or_exit_74_naming_the_limit(string verb)
    {
        // The transforms start from a sample's raw objects, the import from an export's archives, into an empty lake; the
        // other verbs read a demo lake, whose every table and history take the query's files to where DuckDB's library is
        // unpacked.
        var sample = _folder["sample"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", sample, "--days", "2", "--items", "40", "--seed", "5").ExitCode);
        Directory.CreateDirectory(_folder["export"]);
        foreach (var (name, zip) in SpotifyEtl.SampleLibrary.SampleExport.Write(new SpotifyEtl.SampleLibrary.SampleExportOptions(Streams: 400, Seed: 5)).Zips)
        {
            File.WriteAllBytes(_folder[$"export/{name}"], zip);
            // The export as a listener who unzipped it gives it: its files read one by one as they are landed.
            System.IO.Compression.ZipFile.ExtractToDirectory(_folder[$"export/{name}"], _folder["unzipped"], overwriteFiles: true);
        }
        var demo = verb is "transform" or "land" or "import" or "import-unzipped" or "query-untransformed" ? null : DemoLake();
        string[] Arguments(string run, string lake) => verb switch
        {
            "version" => ["--version"],
            "sample" => ["sample", "--out", Path.Combine(run, "out"), "--days", "1", "--items", "20"],
            "land" => ["transform", "--input", Path.Combine(sample, "raw"), "--lake", lake],
            "import" => ["import", .. Directory.GetFiles(_folder["export"]).Order(StringComparer.Ordinal), "--lake", lake],
            "import-unzipped" => ["import", _folder["unzipped"], "--lake", lake],
            "query" => ["query", "--lake", lake, "--json"],
            "query-untransformed" => ["query", "--lake", lake],
            "transform-tables-only" => ["transform", "--lake", lake],
            "query-above-lakes" => ["query", "--lake", run],
            "report" => ["report", "--lake", lake, "--out", Path.Combine(run, "report.html")],
            _ => [verb, "--lake", lake],
        };
        void Prepare(string lake)
        {
            if (verb is "transform" or "query-untransformed")
            {
                TempFolder.CopyTree(sample, lake);
            }
            else if (verb == "transform-tables-only")
            {
                TempFolder.CopyTree(Path.Combine(demo!, "transformed"), Path.Combine(lake, "transformed"));
            }
            else if (demo is not null)
            {
                TempFolder.CopyTree(demo, lake);
            }
        }
        var reference = _folder["unlimited"];
        Prepare(Path.Combine(reference, "lake"));
        // The sample export holds rows the import cannot read, by design: it ends with exit 3 and says so, limited or not.
        // The refusals end with their own exits, a lake with no tables or a folder above lakes 66, a lake without raw objects
        // 65; their advice names the folder of the run, so it is compared with the run's own folder in its place.
        var whole = DemoCommandTests.RunCli(Arguments(reference, Path.Combine(reference, "lake")));
        var advice = verb is "query-untransformed" or "transform-tables-only" or "query-above-lakes";
        var expected = verb switch
        {
            "import" or "import-unzipped" => 3,
            "query-untransformed" or "query-above-lakes" => 66,
            "transform-tables-only" => 65,
            _ => 0,
        };
        Assert.True(whole.ExitCode == expected, $"{verb} unlimited: exit {whole.ExitCode} where {expected} was expected, {whole.Errors}");
        var unlimited = DemoCommandTests.RunCli("query", "--lake", Path.Combine(reference, "lake"), "--json").Output;
        Sweep(Jit ? JitFloor : 4, () => 1, verb, limit =>
        {
            var run = _folder[$"run-{limit}"];
            var lake = Path.Combine(run, "lake");
            Prepare(lake);
            var cache = Path.Combine(run, "cache");
            var (exitCode, output, errors) = SpotifyEtlProcess.RunUnderBash(Arguments(run, lake),
                command => $"export XDG_CACHE_HOME='{cache}' && ulimit -n {limit} && exec {command}");
            Assert.DoesNotContain("cannot be read", errors, StringComparison.Ordinal);
            var finished = exitCode == whole.ExitCode && !errors.Contains("ulimit -n", StringComparison.Ordinal);
            if (finished && advice)
            {
                Assert.Equal(whole.Errors.Replace(reference, run, StringComparison.Ordinal), errors);
            }
            else if (finished && verb is not ("version" or "sample" or "report"))
            {
                Assert.Equal(unlimited, verb == "query" ? output : DemoCommandTests.RunCli("query", "--lake", lake, "--json").Output);
            }
            if (Directory.Exists(run))
            {
                Directory.Delete(run, recursive: true);
            }
            return (finished ? 0 : exitCode, errors);
        });
    }

    /// <summary>
    /// Runs <paramref name="run"/> (its own checks made) under hard limits from <paramref name="first"/>, each
    /// <paramref name="step"/> above the one before, until one succeeds: every run that fails ends with exit 74 naming the
    /// limit and what to do, and none calls a file damaged, a folder unlistable or ends in a stack trace. At least one run
    /// must fail, or the sweep tested nothing (the JIT-compiled build's sweep starts where its host has what it needs).
    /// </summary>
    internal static void Sweep(int first, Func<int> step, string what, Func<int, (int ExitCode, string Errors)> run)
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
