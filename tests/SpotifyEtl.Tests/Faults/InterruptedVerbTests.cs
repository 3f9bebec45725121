using SpotifyEtl.Cli.Shell;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Faults;

/// <summary>
/// Ctrl-C (a real SIGINT to a real process) at a moment drawn from a seed, while `import` reads and lands a large
/// export, while `sample` writes many days, and while `demo` writes its sample: each says "Interrupted" on stderr and
/// exits 130, whatever it was doing; every raw file import and sample left is whole; and the same command run again
/// finishes the work, giving what an uninterrupted run gives.
/// </summary>
public sealed class InterruptedVerbTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Ctrl_C_during_import_says_interrupted_exits_130_and_the_rerun_builds_the_whole_history(int seed)
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
        var interrupted = Interrupt(finishedExit: reference.ExitCode, attempt => TimeSpan.FromMilliseconds(random.Next(0, 100 / attempt)),
            ["import", .. inputs, "--lake", _folder["lake"]]);

        AssertInterrupted(interrupted);
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
    public void Ctrl_C_during_sample_says_interrupted_exits_130_and_the_rerun_writes_the_whole_sample(int seed)
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
        var interrupted = Interrupt(finishedExit: 0, attempt => TimeSpan.FromMilliseconds(random.Next(0, 120 / attempt)),
            ["sample", "--out", _folder["lake"], .. sample]);

        AssertInterrupted(interrupted);
        AssertEveryFileWhole("lake/raw", "reference/raw");
        var rerun = DemoCommandTests.RunCli(["sample", "--out", _folder["lake"], .. sample]);
        Assert.True(rerun.ExitCode == 0, $"exit {rerun.ExitCode}: {rerun.Errors}");
        Assert.Equal(reference.Output.Replace(_folder["reference"], _folder["lake"], StringComparison.Ordinal), rerun.Output);
        AssertSameFiles("lake/raw", "reference/raw");
    }

    [Theory]
    [InlineData(7)]
    [InlineData(8)]
    public void Ctrl_C_during_demo_says_interrupted_exits_130_and_the_rerun_makes_the_whole_demo(int seed)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return; // POSIX signals only
        }
        var random = new Random(seed);
        string[] demo = ["--days", $"{40 + random.Next(20)}", "--items", "10", "--seed", $"{seed}"];

        // Within a tenth of a second of the sample's first raw object: while the demo writes its sample into the lake.
        var interrupted = Interrupt(finishedExit: 0, attempt => TimeSpan.FromMilliseconds(random.Next(0, 100 / attempt)),
            ["demo", "--lake", _folder["lake"], .. demo], trigger: "lake/raw");

        AssertInterrupted(interrupted);
        var rerun = DemoCommandTests.RunCli(["demo", "--lake", _folder["lake"], .. demo]);
        Assert.True(rerun.ExitCode == 0, $"exit {rerun.ExitCode}: {rerun.Errors}");
        Assert.Contains($"Report: {_folder["lake"]}", rerun.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Runs the verb and interrupts it <paramref name="delay"/> after the folder it writes (or <paramref name="trigger"/>) appears. A loaded machine may
    /// let the run finish first (it exits with <paramref name="finishedExit"/>): that attempt proves nothing, so the
    /// folder is removed and the run tried again, sooner.
    /// </summary>
    private (int ExitCode, string Output, string Errors) Interrupt(int finishedExit, Func<int, TimeSpan> delay, string[] arguments, string trigger = "lake")
    {
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            if (Directory.Exists(_folder["lake"]))
            {
                Directory.Delete(_folder["lake"], recursive: true);
            }
            if (Sigint.RunAndInterrupt(_folder[trigger], delay(attempt), arguments) is { } run && run.ExitCode != finishedExit)
            {
                return run;
            }
        }
        Assert.Fail($"spotify-etl {arguments[0]} finished before it could be interrupted, five times: give it more work.");
        return default;
    }

    private static void AssertInterrupted((int ExitCode, string Output, string Errors) run)
    {
        Assert.True(run.ExitCode == ExitCodes.Interrupted, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains($"{CliErrors.Program}: Interrupted.", run.Errors, StringComparison.Ordinal);
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
