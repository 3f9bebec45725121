using System.Diagnostics;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Faults;

/// <summary>
/// `spotify-etl transform` on a laptop, killed (SIGKILL, as by the OOM killer or a closed laptop) while it
/// writes the lake's tables, then run again: the lake equals the one an uninterrupted run made.
/// </summary>
public sealed class KilledTransformTests : IDisposable
{
    private readonly TempFolder _killed = new();
    private readonly TempFolder _reference = new();

    [Fact]
    public async Task A_transform_process_killed_mid_write_loses_nothing_and_its_rerun_equals_the_uninterrupted_lake()
    {
        await new SampleGenerator(new LocalFolderStore(_reference["lake"])).WriteAsync(Sample);
        var reference = DemoCommandTests.RunCli("transform", "--input", _reference["lake/raw"], "--lake", _reference["lake"]);
        Assert.True(reference.ExitCode == 0, reference.Output + reference.Errors);

        // The kill has to land between the first file written and the end of the run. A loaded machine may
        // let the run finish first: that attempt proves nothing, so the lake is made afresh and tried again.
        int? exitCode = null;
        SortedDictionary<string, byte[]> rawBefore = [];
        for (var attempt = 1; exitCode is null && attempt <= 5; attempt++)
        {
            if (Directory.Exists(_killed["lake"]))
            {
                Directory.Delete(_killed["lake"], recursive: true);
            }
            await new SampleGenerator(new LocalFolderStore(_killed["lake"])).WriteAsync(Sample);
            rawBefore = _killed.Files("lake/raw");
            exitCode = RunUntilItWritesThenKill("transform", "--input", _killed["lake/raw"], "--lake", _killed["lake"]);
        }
        Assert.True(exitCode is not null, "The transform finished before it could be killed mid-write, five times: give it more input.");
        var rerun = DemoCommandTests.RunCli("transform", "--input", _killed["lake/raw"], "--lake", _killed["lake"]);

        Assert.True(rerun.ExitCode == 0, rerun.Output + rerun.Errors);
        FileTreeAssert.Same(rawBefore, _killed.Files("lake/raw"), "raw/ after the killed transform and its rerun");
        var expected = _reference.Files("lake/transformed");
        var actual = _killed.Files("lake/transformed");
        Assert.True(expected.Keys.SequenceEqual(actual.Keys),
            $"Files differ. Missing: {string.Join(", ", expected.Keys.Except(actual.Keys))}. Extra: {string.Join(", ", actual.Keys.Except(expected.Keys))}.");
        foreach (var (path, bytes) in expected)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(actual[path]), $"{path} differs from the uninterrupted run's");
        }
    }

    private static readonly SampleOptions Sample = new(Days: 12, Items: 400, Seed: 11);

    /// <summary>
    /// Starts the CLI and kills it as soon as anything appears under the lake's transformed/ folder.
    /// Returns its exit code, or null when the process ended by itself before it could be killed.
    /// </summary>
    private int? RunUntilItWritesThenKill(params string[] arguments)
    {
        using var process = Process.Start(SpotifyEtlProcess.StartInfo(arguments))!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var transformed = _killed["lake/transformed"];
        while (!process.HasExited)
        {
            if (Directory.Exists(transformed) && Directory.EnumerateFiles(transformed, "*", SearchOption.AllDirectories).Any())
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                // Killed, or it ended on its own between the look and the kill.
                return process.ExitCode == 0 ? null : process.ExitCode;
            }
            Thread.Sleep(2);
        }
        return null;
    }

    public void Dispose()
    {
        _killed.Dispose();
        _reference.Dispose();
    }
}
