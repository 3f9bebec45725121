using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Faults;

/// <summary>
/// Ctrl-C (a real SIGINT to a real process) or a request to terminate (a real SIGTERM: <c>kill</c>, <c>docker stop</c>)
/// at a moment drawn from a seed, while `import` reads and lands a large export, while `sample` writes many days, while
/// `demo` writes its sample, and while a verb waits for another's hold on the tables: after a Ctrl-C each says
/// "Interrupted" on stderr and exits 130, after a SIGTERM "Terminated" and 143, whatever it was doing; every raw file
/// import and sample left is whole; and the same command run again finishes the work, giving what an uninterrupted run
/// gives.
/// </summary>
public sealed class InterruptedVerbTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Ctrl_C_during_import_says_interrupted_exits_130_and_the_rerun_builds_the_whole_history(int seed) =>
        SignalDuringImport(Signals.Sigint, seed);

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void SIGTERM_during_import_says_terminated_exits_143_and_the_rerun_builds_the_whole_history(int seed) =>
        SignalDuringImport(Signals.Sigterm, seed);

    private void SignalDuringImport(int signal, int seed)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return; // POSIX signals only
        }
        var random = new Random(seed);
        var inputs = new List<string>();
        foreach (var (name, zip) in SampleExport.Write(new SampleExportOptions(Streams: 10_000, Seed: seed)).Zips)
        {
            inputs.Add(_folder[name]);
            File.WriteAllBytes(inputs[^1], zip);
        }
        var reference = DemoCommandTests.RunCli(["import", .. inputs, "--lake", _folder["reference"]]);
        Assert.True(reference.ExitCode is 0 or 3, reference.Output + reference.Errors);

        // Within a tenth of a second of the lake being made: while the export's zips are opened and their first files read.
        var interrupted = Interrupt(signal, finishedExit: reference.ExitCode, attempt => TimeSpan.FromMilliseconds(random.Next(0, 100 / attempt)),
            ["import", .. inputs, "--lake", _folder["lake"]]);

        AssertStoppedBy(signal, interrupted);
        AssertEveryFileWhole("lake/raw", "reference/raw");
        var rerun = DemoCommandTests.RunCli(["import", .. inputs, "--lake", _folder["lake"]]);
        Assert.True(rerun.ExitCode == reference.ExitCode, $"exit {rerun.ExitCode}: {rerun.Errors}");
        AssertSameFiles("lake/raw", "reference/raw");
        AssertSameFiles("lake/transformed", "reference/transformed");
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Ctrl_C_during_sample_says_interrupted_exits_130_and_the_rerun_writes_the_whole_sample(int seed) =>
        SignalDuringSample(Signals.Sigint, seed);

    [Theory]
    [InlineData(14)]
    [InlineData(15)]
    public void SIGTERM_during_sample_says_terminated_exits_143_and_the_rerun_writes_the_whole_sample(int seed) =>
        SignalDuringSample(Signals.Sigterm, seed);

    private void SignalDuringSample(int signal, int seed)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return; // POSIX signals only
        }
        var random = new Random(seed);
        string[] sample = ["--days", $"{60 + random.Next(60)}", "--items", $"{1 + random.Next(20)}", "--seed", $"{seed}"];
        var reference = DemoCommandTests.RunCli(["sample", "--out", _folder["reference"], .. sample]);
        Assert.True(reference.ExitCode == 0, reference.Output + reference.Errors);

        // Within a tenth of a second of the folder being made: while the sample's library is drawn and its first days written.
        var interrupted = Interrupt(signal, finishedExit: 0, attempt => TimeSpan.FromMilliseconds(random.Next(0, 120 / attempt)),
            ["sample", "--out", _folder["lake"], .. sample]);

        AssertStoppedBy(signal, interrupted);
        AssertEveryFileWhole("lake/raw", "reference/raw");
        var rerun = DemoCommandTests.RunCli(["sample", "--out", _folder["lake"], .. sample]);
        Assert.True(rerun.ExitCode == 0, $"exit {rerun.ExitCode}: {rerun.Errors}");
        Assert.Equal(reference.Output.Replace(_folder["reference"], _folder["lake"], StringComparison.Ordinal), rerun.Output);
        AssertSameFiles("lake/raw", "reference/raw");
    }

    [Theory]
    [InlineData(7)]
    [InlineData(8)]
    public void Ctrl_C_during_demo_says_interrupted_exits_130_and_the_rerun_makes_the_whole_demo(int seed) =>
        SignalDuringDemo(Signals.Sigint, seed);

    [Theory]
    [InlineData(17)]
    public void SIGTERM_during_demo_says_terminated_exits_143_and_the_rerun_makes_the_whole_demo(int seed) =>
        SignalDuringDemo(Signals.Sigterm, seed);

    /// <summary>The terminal closed under a demo (or its ssh session ended): a request to stop, as SIGTERM is.</summary>
    [Theory]
    [InlineData(27)]
    [InlineData(28)]
    public void SIGHUP_during_demo_says_terminated_exits_143_and_the_rerun_makes_the_whole_demo(int seed) =>
        SignalDuringDemo(Signals.Sighup, seed);

    private void SignalDuringDemo(int signal, int seed)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return; // POSIX signals only
        }
        var random = new Random(seed);
        string[] demo = ["--days", $"{40 + random.Next(20)}", "--items", "10", "--seed", $"{seed}"];

        // Within a tenth of a second of the sample's first raw object: while the demo writes its sample into the lake.
        var interrupted = Interrupt(signal, finishedExit: 0, attempt => TimeSpan.FromMilliseconds(random.Next(0, 100 / attempt)),
            ["demo", "--lake", _folder["lake"], .. demo], trigger: "lake/raw");

        AssertStoppedBy(signal, interrupted);
        var rerun = DemoCommandTests.RunCli(["demo", "--lake", _folder["lake"], .. demo]);
        Assert.True(rerun.ExitCode == 0, $"exit {rerun.ExitCode}: {rerun.Errors}");
        Assert.Contains($"Report: {_folder["lake"]}", rerun.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// A verb waiting while another process holds the tables (<c>.tmp/tables.lock</c>, held here as a writer holds it):
    /// the signal stops the wait at once, nothing is written, and once the hold has ended the same command gives what an
    /// uninterrupted run gives.
    /// </summary>
    [Theory]
    [InlineData(Signals.Sigint, "transform")]
    [InlineData(Signals.Sigterm, "transform")]
    [InlineData(Signals.Sigterm, "query")]
    public async Task A_signal_while_a_verb_waits_for_the_tables_stops_the_wait_and_the_rerun_gives_what_a_run_gives(int signal, string verb)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return; // POSIX signals only
        }
        await new SampleGenerator(new LocalFolderStore(_folder["reference"])).WriteAsync(new SampleOptions(Days: 5, Items: 3, Seed: 19));
        if (verb == "query")
        {
            Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", _folder["reference"]).ExitCode);
        }
        foreach (var (path, bytes) in _folder.Files("reference"))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_folder["lake" + path["reference".Length..]])!);
            File.WriteAllBytes(_folder["lake" + path["reference".Length..]], bytes);
        }
        string[] arguments = [verb, "--lake", _folder["lake"]];
        var uninterrupted = DemoCommandTests.RunCli([verb, "--lake", _folder["reference"]]);
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.Output + uninterrupted.Errors);
        var before = Outside(_folder.Files("lake").Keys);

        (int ExitCode, string Output, string Errors)? stopped;
        Directory.CreateDirectory(_folder["lake/.tmp"]);
        using (new FileStream(_folder["lake/.tmp/tables.lock"], FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            stopped = Signals.RunAndSignalOnLine(signal, "waiting for it to end", arguments);
        }

        Assert.True(stopped is not null, $"spotify-etl {verb} did not wait for the tables.");
        AssertStoppedBy(signal, stopped.Value);
        Assert.Equal(before, Outside(_folder.Files("lake").Keys));
        var rerun = DemoCommandTests.RunCli(arguments);
        Assert.True(rerun.ExitCode == 0, $"exit {rerun.ExitCode}: {rerun.Errors}");
        Assert.Equal(uninterrupted.Output.Replace(_folder["reference"], _folder["lake"], StringComparison.Ordinal), rerun.Output);
        AssertSameFiles("lake/transformed", "reference/transformed");
    }

    /// <summary>
    /// A signal while `report` runs its queries stops it before the next one: it ends as every verb ends on that signal,
    /// and writes no page (the one an earlier run wrote stays as it was).
    /// </summary>
    [Theory]
    [InlineData(Signals.Sigint, 21)]
    [InlineData(Signals.Sigterm, 22)]
    public async Task A_signal_while_report_runs_its_queries_stops_it_without_writing_a_page(int signal, int seed)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return; // POSIX signals only
        }
        await new SampleGenerator(new LocalFolderStore(_folder["lake"])).WriteAsync(new SampleOptions(Days: 5, Items: 60, Seed: seed));
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", _folder["lake"]).ExitCode);
        var page = _folder["report.html"];
        var random = new Random(seed);
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            File.WriteAllText(page, "an earlier page");
            // From the moment the report holds the tables to read them (its lock file made): while the queries run.
            Directory.Delete(_folder["lake/.tmp"], recursive: true);
            var delay = TimeSpan.FromMilliseconds(random.Next(0, 200 / attempt));
            if (Signals.RunAndSignal(signal, _folder["lake/.tmp/tables.lock"], delay, "report", "--lake", _folder["lake"], "--out", page) is { } run && run.ExitCode != 0)
            {
                AssertStoppedBy(signal, run);
                Assert.Equal("an earlier page", File.ReadAllText(page));
                return;
            }
        }
        Assert.Fail("spotify-etl report finished before it could be interrupted, five times: give it more work.");
    }

    /// <summary>The paths of the lake's own files, not those of its temporary folder (its locks).</summary>
    private static List<string> Outside(IEnumerable<string> paths) => paths.Where(path => !path.StartsWith("lake/.tmp/", StringComparison.Ordinal)).ToList();

    /// <summary>
    /// Runs the verb and sends it <paramref name="signal"/> <paramref name="delay"/> after the folder it writes (or <paramref name="trigger"/>) appears. A loaded machine may
    /// let the run finish first (it exits with <paramref name="finishedExit"/>): that attempt proves nothing, so the
    /// folder is removed and the run tried again, sooner.
    /// </summary>
    private (int ExitCode, string Output, string Errors) Interrupt(int signal, int finishedExit, Func<int, TimeSpan> delay, string[] arguments, string trigger = "lake")
    {
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            if (Directory.Exists(_folder["lake"]))
            {
                Directory.Delete(_folder["lake"], recursive: true);
            }
            if (Signals.RunAndSignal(signal, _folder[trigger], delay(attempt), arguments) is { } run && run.ExitCode != finishedExit)
            {
                return run;
            }
        }
        Assert.Fail($"spotify-etl {arguments[0]} finished before it could be interrupted, five times: give it more work.");
        return default;
    }

    /// <summary>The run ended as every verb ends on <paramref name="signal"/>: its exit code, its line on stderr, no stack trace.</summary>
    internal static void AssertStoppedBy(int signal, (int ExitCode, string Output, string Errors) run)
    {
        var (exitCode, line) = Signals.Expected(signal);
        Assert.True(run.ExitCode == exitCode, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains(line, run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Errors, StringComparison.Ordinal);
    }

    /// <summary>Every file the interrupted run left under <paramref name="under"/> is whole: the bytes the uninterrupted run wrote there.</summary>
    private void AssertEveryFileWhole(string under, string reference)
    {
        if (!Directory.Exists(_folder[under]))
        {
            return;
        }
        var expected = _folder.Files(reference);
        foreach (var (path, bytes) in _folder.Files(under))
        {
            var counterpart = reference + path[under.Length..];
            Assert.True(expected.TryGetValue(counterpart, out var whole) && bytes.AsSpan().SequenceEqual(whole), $"{path} is not whole, or not the run's");
        }
    }

    private void AssertSameFiles(string under, string reference)
    {
        var expected = _folder.Files(reference);
        var actual = _folder.Files(under);
        Assert.Equal(expected.Keys.Select(path => path[reference.Length..]), actual.Keys.Select(path => path[under.Length..]));
        foreach (var (path, bytes) in actual)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(expected[reference + path[under.Length..]]), $"{path} differs from the uninterrupted run's");
        }
    }
}
