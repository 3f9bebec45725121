using System.Diagnostics;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Faults;

/// <summary>
/// Two verbs of spotify-etl, each a process of its own, at once on one local lake (a scheduled transform overlapping
/// someone's import, current or second transform), the second started after a delay drawn from a seed: once both
/// have ended, the lake's tables equal those the two give one after the other, nothing raw is lost and no temporary
/// file is left. The verbs that write tables take turns (<c>.tmp/tables.lock</c>): a <c>current</c> that read the
/// partitions before a transform's new days deleted their digests, and an <c>import</c> and a transform at once left
/// plays out of <c>listening_history</c>. A reader (<c>query</c>, <c>report</c>) holds the tables shared while it reads them:
/// DuckDB reopens a file by its name for each part of a scan, and read a file a transform replaced meanwhile with the
/// replaced file's footer ("TProtocolException: Invalid data", "don't know what type": a query exited 1, a report kept
/// the error as a section's note and exited 0). A verb started while another tidies the lake alone waits for it (it
/// failed with exit 74, "Cannot write to the lake", naming the lake's lock as in use).
/// </summary>
public sealed class ConcurrentVerbsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("transform-input", "current", 3)]
    [InlineData("transform-input", "import", 5)]
    // A guard: two transforms at once already gave the tables of one after the other (each publication checks its inputs).
    [InlineData("transform-input", "transform", 2)]
    public async Task Two_writers_at_once_leave_the_tables_they_leave_one_after_the_other(string first, string second, int seed)
    {
        await MakeBaseAsync(seed);
        var sequential = Copy("sequential");
        var (firstExit, _) = Ended(Run(first, sequential));
        var (secondExit, _) = Ended(Run(second, sequential));
        var expected = Tables(sequential);
        var expectedRaw = Raw(sequential);
        var random = new Random(seed);
        for (var round = 0; round < Rounds; round++)
        {
            var lake = Copy($"round{round}");
            using var one = Start(first, lake);
            // The first round starts both at once, so that one round at least runs them together; the others after a delay
            // drawn from the seed.
            Thread.Sleep(round == 0 ? 0 : random.Next(0, MaxDelayMs));
            using var two = Start(second, lake);
            var (exitOne, errorsOne) = Wait(one);
            var (exitTwo, errorsTwo) = Wait(two);
            Assert.True(exitOne == firstExit && exitTwo == secondExit, $"round {round}: {first} exit {exitOne}: {errorsOne}\n{second} exit {exitTwo}: {errorsTwo}");
            FileTreeAssert.Same(expected, Tables(lake), $"round {round}: the tables, against the sequential run's");
            FileTreeAssert.Same(expectedRaw, Raw(lake), $"round {round}, raw/");
            AssertNoTemporaryFile(lake);
        }
    }

    [Theory]
    [InlineData("query", 7)]
    [InlineData("query", 8)]
    [InlineData("report", 9)]
    public async Task Readers_during_a_transform_each_answer_from_whole_files(string reader, int seed)
    {
        await MakeBaseAsync(seed);
        var random = new Random(seed);
        var during = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var lake = Copy($"round{round}");
            using var writer = Start("transform-input", lake);
            Thread.Sleep(random.Next(0, MaxDelayMs / 2));
            // Readers one after the other until the transform has ended: one of them reads while it replaces files.
            do
            {
                during += writer.HasExited ? 0 : 1;
                var read = SpotifyEtlProcess.RunWithin(TimeSpan.FromMinutes(2), Arguments(reader, lake));
                Assert.True(read.ExitCode == 0, $"round {round}: {reader} exit {read.ExitCode}: {read.Errors}");
                // The report keeps a section's failed query as its note and ends well: the page must hold none of DuckDB's errors.
                Assert.True(reader != "report" || !File.ReadAllText(lake + ".html").Contains("Invalid Error", StringComparison.Ordinal),
                    $"round {round}: a section of the report holds DuckDB's error for a file it read while it was replaced");
            }
            while (!writer.HasExited);
            var (exit, errors) = Wait(writer);
            Assert.True(exit == 0, errors);
            AssertNoTemporaryFile(lake);
        }
        Assert.True(during > 0, $"in none of {Rounds} rounds did a {reader} start before the transform ended: nothing ran at once");
    }

    [Theory]
    [InlineData(10)]
    public async Task Two_verbs_started_together_both_run_while_one_tidies_the_lake(int seed)
    {
        await MakeBaseAsync(seed);
        var lake = Copy("lake");
        // Objects set aside with their reasons: a verb that finds the lake to itself looks for reasons whose copy never
        // landed, holding the lake's lock exclusively the while; many make that while long enough to start another in.
        var quarantine = Path.Combine(lake, "quarantine", "raw", "playlist", "snapshot_date=2026-11-01", "set-aside");
        Directory.CreateDirectory(quarantine);
        for (var i = 0; i < 40_000; i++)
        {
            File.WriteAllBytes(Path.Combine(quarantine, $"p{i:00000}.json"), []);
            File.WriteAllBytes(Path.Combine(quarantine, $"p{i:00000}.json.reason.txt"), []);
        }
        var random = new Random(seed);
        var together = 0;
        for (var round = 0; round < Rounds; round++)
        {
            using var one = Start("transform", lake);
            Thread.Sleep(random.Next(0, 200));
            together += one.HasExited ? 0 : 1;
            using var two = Start("transform", lake);
            var (exitOne, errorsOne) = Wait(one);
            var (exitTwo, errorsTwo) = Wait(two);
            Assert.True(exitOne == 0 && exitTwo == 0, $"round {round}: exit {exitOne}: {errorsOne}\nexit {exitTwo}: {errorsTwo}");
        }
        Assert.True(together > 0, $"in none of {Rounds} rounds did the second transform start before the first ended: nothing ran at once");
    }

    private const int Rounds = 6;

    /// <summary>Each verb takes about half a second on these lakes, most of it before it touches the lake.</summary>
    private const int MaxDelayMs = 700;

    private static readonly SampleOptions BaseSample = new(Days: 6, Items: 150, LastDay: new DateOnly(2026, 11, 10));

    private async Task MakeBaseAsync(int seed)
    {
        await new SampleGenerator(new LocalFolderStore(_folder["base"])).WriteAsync(BaseSample with { Seed = seed });
        var transformed = DemoCommandTests.RunCli("transform", "--lake", _folder["base"]);
        Assert.True(transformed.ExitCode == 0, transformed.Errors);
        // New days, after the lake's: those a scheduled extraction lands; and an export to import.
        await new SampleGenerator(new LocalFolderStore(_folder["incoming"])).WriteAsync(new SampleOptions(Days: 4, Items: 400, Seed: seed, LastDay: new DateOnly(2026, 11, 14)));
        // And other playlists on the lake's own days (their ids differ by seed): every day's files are replaced by others.
        await new SampleGenerator(new LocalFolderStore(_folder["other"])).WriteAsync(BaseSample with { Seed = seed + 1000 });
        foreach (var file in Directory.EnumerateFiles(_folder["other/raw"], "*.json", SearchOption.AllDirectories)
                     .Where(file => Path.GetRelativePath(_folder["other/raw"], file).StartsWith("playlist", StringComparison.Ordinal)))
        {
            var to = Path.Combine(_folder["incoming/raw"], Path.GetRelativePath(_folder["other/raw"], file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        Directory.CreateDirectory(_folder["export"]);
        foreach (var (name, zip) in SampleExport.Write(new SampleExportOptions(Streams: 3000, Seed: seed, LastDay: new DateOnly(2026, 11, 12))).Zips)
        {
            File.WriteAllBytes(_folder[$"export/{name}"], zip);
        }
    }

    private string[] Arguments(string verb, string lake) => verb switch
    {
        "transform-input" => ["transform", "--input", _folder["incoming/raw"], "--lake", lake],
        "transform" => ["transform", "--lake", lake],
        "current" => ["current", "--lake", lake],
        "query" => ["query", "--json", "--lake", lake],
        "report" => ["report", "--lake", lake, "--out", lake + ".html"],
        "import" => ["import", .. Directory.GetFiles(_folder["export"]).Order(StringComparer.Ordinal), "--lake", lake],
        _ => throw new ArgumentException(verb),
    };

    private (int, string) Run(string verb, string lake)
    {
        var result = DemoCommandTests.RunCli(Arguments(verb, lake));
        return (result.ExitCode, result.Errors);
    }

    /// <summary>A verb run alone ends in success, or (import) in success with rows of the export it could not read.</summary>
    private static (int, string) Ended((int ExitCode, string Errors) result) =>
        result.ExitCode is 0 or 3 ? result : throw new Xunit.Sdk.XunitException($"exit {result.ExitCode}: {result.Errors}");

    private Process Start(string verb, string lake)
    {
        var process = Process.Start(SpotifyEtlProcess.StartInfo(Arguments(verb, lake)))!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }

    private static (int ExitCode, string Errors) Wait(Process process)
    {
        var errors = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("a verb still ran after two minutes");
        }
        process.WaitForExit();
        return (process.ExitCode, errors);
    }

    private string Copy(string name)
    {
        var target = _folder[name];
        foreach (var file in Directory.EnumerateFiles(_folder["base"], "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(_folder["base"], file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        return target;
    }

    private static SortedDictionary<string, byte[]> Tables(string lake) => FileTreeAssert.FilesUnder(lake, "transformed");

    private static SortedDictionary<string, byte[]> Raw(string lake) => FileTreeAssert.FilesUnder(lake, "raw");

    private static void AssertNoTemporaryFile(string lake)
    {
        var left = Directory.EnumerateFiles(lake, "*", SearchOption.AllDirectories)
            .Where(path => path.EndsWith(".tmp", StringComparison.Ordinal)).ToList();
        Assert.True(left.Count == 0, $"left: {string.Join(", ", left)}");
    }
}
