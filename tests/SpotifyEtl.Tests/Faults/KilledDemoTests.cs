using System.Diagnostics;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Faults;

/// <summary>
/// `make demo` killed by what no program can catch (SIGKILL, as by the out-of-memory killer) at any step of its work,
/// then run again: the next demo knows everything in its lake as its own and starts afresh, where it had refused the lake
/// as holding raw data it did not write.
/// </summary>
public sealed class KilledDemoTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>
    /// Where the kill lands: the lake as it is when the demo is killed (Trigger), and as it must still be once the process has
    /// gone (Landed: the demo had not passed the point yet), else the attempt is made again. HeldAt: the demo is held still
    /// for 5 s right after the Nth file whose path holds Folder and ends with Name lands (<see cref="RenamePause"/>), at points
    /// the demo passes in a few milliseconds: on a machine busy with the rest of the suite every attempt to see the first zip
    /// before the import's first file had come too late.
    /// </summary>
    private static readonly Dictionary<string, (Func<string, bool> Trigger, Func<string, bool> Landed, (string Folder, string Name, int Nth)? HeldAt)> Points = new()
    {
        // In the sample, before the transform: after its 1st, 37th, 120th raw object.
        ["sample, 1 object"] = (lake => Count(lake, "*.json") >= 1, lake => !Exists(lake, "transformed"), null),
        ["sample, 37 objects"] = (lake => Count(lake, "*.json") >= 37, lake => !Exists(lake, "transformed"), null),
        ["sample, 120 objects"] = (lake => Count(lake, "*.json") >= 120, lake => !Exists(lake, "transformed"), null),
        ["transform"] = (lake => Count(Path.Combine(lake, "transformed"), "*") >= 1, lake => !Exists(lake, "import"), null),
        // The export: its first zip, its second, the import begun (its mark of an unfinished import written, nothing landed
        // yet), then the history files its import lands beside the raw objects.
        ["export, 1 zip"] = (lake => Count(Path.Combine(lake, "import"), "*.zip") >= 1, lake => !Exists(lake, "raw/spotify_export"), ("import", ".zip", 1)),
        ["export, 2 zips"] = (lake => Count(Path.Combine(lake, "import"), "*.zip") >= 2, lake => !Exists(lake, "raw/spotify_export"), ("import", ".zip", 2)),
        ["import begun"] = (lake => File.Exists(Path.Combine(lake, "state", "unfinished-import.txt")), lake => !Exists(lake, "raw/spotify_export"),
            ("state", "unfinished-import.txt", 1)),
        ["import"] = (lake => Count(Path.Combine(lake, "raw", "spotify_export"), "*") >= 1, lake => !File.Exists(Path.Combine(lake, "report.html")), null),
    };

    public static TheoryData<string> KillPoints() => [.. Points.Keys];

    [Theory]
    [MemberData(nameof(KillPoints))]
    public void A_demo_killed_while_it_writes_is_followed_by_a_demo_that_starts_its_lake_afresh(string point)
    {
        var lake = _folder["demo"];
        var (trigger, landed, heldAt) = Points[point];
        var killed = false;
        var attempts = new List<string>();
        var library = heldAt is null ? null : RenamePause.Compile(_folder.Path);
        var held = _folder["held"];
        // The kill has to land before the demo passes the point: a loaded machine may let it get further first, and that
        // attempt proves nothing, so the lake is removed and the demo tried again.
        for (var attempt = 1; !killed && attempt <= 8; attempt++)
        {
            if (Directory.Exists(lake))
            {
                Directory.Delete(lake, recursive: true);
            }
            File.Delete(held);
            var hold = library is null ? (Action<ProcessStartInfo>?)null
                : start => RenamePause.Apply(start, library, $"{Path.DirectorySeparatorChar}{heldAt!.Value.Folder}{Path.DirectorySeparatorChar}", heldAt.Value.Name, heldAt.Value.Nth, held);
            var stopped = RunUntilThenKill(lake, trigger, lowest: attempt > 1, hold, "demo", "--lake", lake, "--days", "6", "--items", "1000", "--seed", $"{attempt}");
            killed = stopped && landed(lake);
            var pause = library is null ? "" : File.Exists(held) ? " (held there)" : " (never held there: was the library preloaded?)";
            attempts.Add(stopped ? $"killed, {(killed ? "in time" : "too late")}{pause}: {string.Join(", ", Listing(lake, "import").Concat(Listing(lake, "raw/spotify_export")).Take(4))}" : $"ended by itself first{pause}");
        }
        Assert.True(killed, $"The demo could not be killed at '{point}' in eight attempts: {string.Join("; ", attempts)}");

        var again = DemoCommandTests.RunCli("demo", "--lake", lake, "--days", "2", "--items", "40");

        Assert.True(again.ExitCode == 0, $"killed at '{point}': {again.Errors}");
        Assert.Equal(FreshDemo.Value, [.. Listing(lake, "raw"), .. Listing(lake, "import")]);
    }

    /// <summary>The raw and import files of a demo made in an empty folder, with the arguments each test's second demo takes.</summary>
    private static readonly Lazy<List<string>> FreshDemo = new(() =>
    {
        using var folder = new TempFolder();
        var fresh = DemoCommandTests.RunCli("demo", "--lake", folder["fresh"], "--days", "2", "--items", "40");
        Assert.True(fresh.ExitCode == 0, fresh.Errors);
        return [.. Listing(folder["fresh"], "raw"), .. Listing(folder["fresh"], "import")];
    });

    /// <summary>A demo killed in its sample leaves a folder every verb takes as the lake it names, not as one holding lakes.</summary>
    [Fact]
    public void A_demo_killed_in_its_sample_leaves_a_folder_other_verbs_take_as_its_lake()
    {
        var lake = _folder["demo"];
        var killed = false;
        for (var attempt = 1; !killed && attempt <= 8; attempt++)
        {
            if (Directory.Exists(lake))
            {
                Directory.Delete(lake, recursive: true);
            }
            killed = RunUntilThenKill(lake, lake => Count(lake, "*.json") >= 20, lowest: attempt > 1, hold: null, "demo", "--lake", lake, "--days", "6", "--items", "1000") && !Exists(lake, "transformed");
        }
        Assert.True(killed, "The demo could not be killed in its sample in eight attempts.");

        // Each says the lake has no tables yet (exit 66, as a lake no transform has reached), naming it, not the lakes in it.
        foreach (var verb in new[] { new[] { "query" }, ["report", "--out", _folder["report.html"]], ["current"] })
        {
            var run = DemoCommandTests.RunCli([.. verb, "--lake", lake]);

            Assert.True(run.ExitCode == 66, $"{verb[0]}: exit {run.ExitCode}: {run.Errors}");
            Assert.DoesNotContain("did you mean", run.Errors, StringComparison.Ordinal);
            Assert.Contains(lake, run.Errors, StringComparison.Ordinal);
        }
    }

    private static bool Exists(string lake, string path) => Directory.Exists(Path.Combine(lake, path));

    private static List<string> Listing(string lake, string zone) =>
        Directory.Exists(Path.Combine(lake, zone))
            ? Directory.EnumerateFiles(Path.Combine(lake, zone), "*", SearchOption.AllDirectories).Select(file => Path.GetRelativePath(lake, file)).Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>
    /// Starts the CLI (as <paramref name="hold"/> sets it up, where given) and kills it as soon as <paramref name="trigger"/>
    /// holds of the lake. Returns whether it was killed, false when the process ended by itself first.
    /// </summary>
    private static bool RunUntilThenKill(string lake, Func<string, bool> trigger, bool lowest, Action<ProcessStartInfo>? hold, params string[] arguments)
    {
        var start = SpotifyEtlProcess.StartInfo(arguments);
        hold?.Invoke(start);
        using var process = Process.Start(start)!;
        if (lowest)
        {
            // Once an attempt came too late: the demo at the lowest priority, this loop at the tests'. On a machine busy with
            // the rest of the suite the demo then waits for the cores, not the loop, which sees a point a few milliseconds
            // wide before the demo is past it. Not at first: a starved demo makes a quiet machine's run slower.
            process.PriorityClass = ProcessPriorityClass.Idle;
        }
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        while (!process.HasExited)
        {
            if (trigger(lake))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                return process.ExitCode != 0;
            }
            Thread.Sleep(1);
        }
        return false;
    }

    private static int Count(string folder, string pattern)
    {
        try
        {
            return Directory.Exists(folder) ? Directory.EnumerateFiles(folder, pattern, SearchOption.AllDirectories).Count() : 0;
        }
        catch (Exception exception) when (exception is DirectoryNotFoundException or IOException)
        {
            return 0; // a folder moved or removed while it was listed: look again
        }
    }
}
