using System.Diagnostics;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A demo holds its lake's tables from before it empties the lake until it ends: a second demo of the same lake waits for
/// the first (or for a query reading it) before it empties anything, and a query of a lake a demo is rebuilding waits for
/// the whole demo. A second demo used to empty the lake under the first, which then failed as if a table file were
/// damaged (exit 65), the disk full (exit 74) or raw/ had appeared; a query answered exit 0 from a half-built lake, its
/// history questions empty.
/// </summary>
public sealed class DemoHoldsItsLakeTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string[] Demo(string lake) => ["demo", "--lake", lake, "--days", "2", "--items", "40", "--seed", "11"];

    private static (int ExitCode, string Output, string Errors) Answers(string lake) => DemoCommandTests.RunCli("query", "--lake", lake, "--json");

    [Fact]
    public async Task A_demo_of_a_lake_in_use_empties_nothing_until_the_other_command_has_ended()
    {
        var lake = _folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli(Demo(lake)).ExitCode);
        var before = Answers(lake);
        Assert.Equal(0, before.ExitCode);
        var files = Snapshot(lake);

        Process demo;
        Task<string> output;
        // Held here as a query reading the lake, or another demo building it, holds it.
        using (new FileStream(Path.Combine(lake, LocalFolderStore.TemporaryFolder, LakeLock.WriterLockFile), FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            (demo, _) = await SpotifyEtlProcess.StartWaiting(Demo(lake), "the demo beside the command holding its lake");
            output = demo.StandardOutput.ReadToEndAsync();
            // Every file of the lake as the first demo left it (the locks aside), none emptied while the other command runs.
            var waiting = Snapshot(lake);
            Assert.Equal(files.Keys, waiting.Keys);
            Assert.All(files, file => Assert.Equal(file.Value, waiting[file.Key]));
            Assert.False(demo.HasExited);
        }
        var rest = await demo.StandardError.ReadToEndAsync();
        await demo.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(demo.ExitCode == 0, $"exit {demo.ExitCode}: {rest}");
        Assert.Contains($"Report: {Path.Combine(lake, "report.html")}", await output, StringComparison.Ordinal);
        Assert.Equal(before.Output, Answers(lake).Output);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_query_of_a_lake_a_demo_is_rebuilding_answers_as_the_whole_lake_does(int seed)
    {
        var lake = _folder[$"lake{seed}"];
        Assert.Equal(0, DemoCommandTests.RunCli(Demo(lake)).ExitCode);
        var whole = Answers(lake);
        Assert.Equal(0, whole.ExitCode);
        var random = new Random(seed);

        using var demo = Process.Start(SpotifyEtlProcess.StartInfo(Demo(lake)))!;
        demo.OutputDataReceived += (_, _) => { };
        demo.BeginOutputReadLine();
        // After a delay drawn from the seed, within the demo's first steps: a query then meets the lake emptied, or its
        // sample written and not yet transformed, unless it reads the lake before the demo takes it or waits for the demo.
        Thread.Sleep(random.Next(0, 300));
        Assert.False(demo.HasExited, "the demo ended before the query started: nothing ran at once");
        var during = Answers(lake);
        var errors = demo.StandardError.ReadToEnd();
        demo.WaitForExit();

        Assert.True(demo.ExitCode == 0, $"the demo: exit {demo.ExitCode}: {errors}");
        Assert.True(during.ExitCode == 0, $"the query during the demo: exit {during.ExitCode}: {during.Errors}");
        Assert.Equal(whole.Output, during.Output);
    }

    /// <summary>The lake's files and their bytes, but for its locks (one of which this test holds).</summary>
    private static SortedDictionary<string, byte[]> Snapshot(string lake) => new(
        Directory.EnumerateFiles(lake, "*", SearchOption.AllDirectories).Where(path => !path.EndsWith(LocalFolderStore.LeaseFileSuffix, StringComparison.Ordinal))
            .ToDictionary(path => Path.GetRelativePath(lake, path), File.ReadAllBytes), StringComparer.Ordinal);
}
