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
        await new SampleGenerator(new LocalFolderStore(_killed["lake"])).WriteAsync(new SampleOptions(Days: 12, Items: 400, Seed: 11));
        await new SampleGenerator(new LocalFolderStore(_reference["lake"])).WriteAsync(new SampleOptions(Days: 12, Items: 400, Seed: 11));
        var reference = DemoCommandTests.RunCli("transform", "--input", _reference["lake/raw"], "--lake", _reference["lake"]);
        Assert.True(reference.ExitCode == 0, reference.Output + reference.Errors);
        var rawBefore = _killed.Files("lake/raw");

        var exitCode = RunUntilItWritesThenKill("transform", "--input", _killed["lake/raw"], "--lake", _killed["lake"]);
        Assert.NotEqual(0, exitCode);
        var rerun = DemoCommandTests.RunCli("transform", "--input", _killed["lake/raw"], "--lake", _killed["lake"]);

        Assert.True(rerun.ExitCode == 0, rerun.Output + rerun.Errors);
        Assert.Equal(rawBefore, _killed.Files("lake/raw"));
        var expected = _reference.Files("lake/transformed");
        var actual = _killed.Files("lake/transformed");
        Assert.True(expected.Keys.SequenceEqual(actual.Keys),
            $"Files differ. Missing: {string.Join(", ", expected.Keys.Except(actual.Keys))}. Extra: {string.Join(", ", actual.Keys.Except(expected.Keys))}.");
        foreach (var (path, bytes) in expected)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(actual[path]), $"{path} differs from the uninterrupted run's");
        }
    }

    /// <summary>
    /// Starts the CLI and kills it as soon as anything appears under the lake's transformed/ folder.
    /// Returns its exit code; fails the test if the process ended before it could be killed.
    /// </summary>
    private int RunUntilItWritesThenKill(params string[] arguments)
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
                return process.ExitCode;
            }
            Thread.Sleep(2);
        }
        Assert.Fail("The transform finished before it could be killed mid-write: give it more input.");
        return 0;
    }

    public void Dispose()
    {
        _killed.Dispose();
        _reference.Dispose();
    }
}
