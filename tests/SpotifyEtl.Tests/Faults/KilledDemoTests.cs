using System.Diagnostics;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Faults;

/// <summary>
/// `make demo` killed by what no program can catch (SIGKILL, as by the out-of-memory killer or a closed laptop) while it
/// writes its sample or its export, then run again: the next demo knows everything in its lake as its own and starts
/// afresh, where it had refused the lake as holding raw data it did not write.
/// </summary>
public sealed class KilledDemoTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Where the kill lands: once this many raw objects (.json) or export zips (.zip) are in the lake's folder.</summary>
    public static TheoryData<string, int> KillPoints() => new()
    {
        { ".json", 1 }, { ".json", 37 }, { ".json", 120 }, { ".json", 200 }, { ".zip", 1 }, { ".zip", 2 },
    };

    [Theory]
    [MemberData(nameof(KillPoints))]
    public void A_demo_killed_while_it_writes_is_followed_by_a_demo_that_starts_its_lake_afresh(string extension, int files)
    {
        var lake = _folder["demo"];
        int? killed = null;
        // The kill has to land before the demo passes the point: a loaded machine may let it get there first, and that
        // attempt proves nothing, so the lake is removed and the demo tried again.
        for (var attempt = 1; killed is null && attempt <= 5; attempt++)
        {
            if (Directory.Exists(lake))
            {
                Directory.Delete(lake, recursive: true);
            }
            killed = RunUntilThenKill(lake, extension, files, "demo", "--lake", lake, "--days", "6", "--items", "1000", "--seed", $"{files}");
        }
        Assert.True(killed is not null, $"The demo passed {files} {extension} files before it could be killed, five times.");
        var fresh = DemoCommandTests.RunCli("demo", "--lake", _folder["fresh"], "--days", "2", "--items", "40");

        var again = DemoCommandTests.RunCli("demo", "--lake", lake, "--days", "2", "--items", "40");

        Assert.True(again.ExitCode == 0, $"killed at {files} {extension} files: {again.Errors}");
        Assert.Equal(Listing(_folder["fresh"], "raw"), Listing(lake, "raw"));
        Assert.Equal(Listing(_folder["fresh"], "import"), Listing(lake, "import"));
        Assert.Equal(0, fresh.ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("demo", "--lake", lake, "--days", "2", "--items", "40").ExitCode);
    }

    private static List<string> Listing(string lake, string zone) =>
        Directory.Exists(Path.Combine(lake, zone))
            ? Directory.EnumerateFiles(Path.Combine(lake, zone), "*", SearchOption.AllDirectories).Select(file => Path.GetRelativePath(lake, file)).Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>
    /// Starts the CLI and kills it as soon as the lake's folder holds <paramref name="count"/> files ending in
    /// <paramref name="extension"/>. Returns its exit code, or null when the process ended by itself before that.
    /// </summary>
    private static int? RunUntilThenKill(string lake, string extension, int count, params string[] arguments)
    {
        using var process = Process.Start(SpotifyEtlProcess.StartInfo(arguments))!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        while (!process.HasExited)
        {
            if (Written(lake, extension) >= count)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                return process.ExitCode == 0 ? null : process.ExitCode;
            }
            Thread.Sleep(1);
        }
        return null;
    }

    private static int Written(string lake, string extension)
    {
        try
        {
            return Directory.Exists(lake) ? Directory.EnumerateFiles(lake, "*" + extension, SearchOption.AllDirectories).Count() : 0;
        }
        catch (Exception exception) when (exception is DirectoryNotFoundException or IOException)
        {
            return 0; // a folder moved or removed while it was listed: look again
        }
    }
}
