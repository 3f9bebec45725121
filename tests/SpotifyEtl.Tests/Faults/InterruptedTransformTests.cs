using System.Diagnostics;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Faults;

/// <summary>
/// `spotify-etl transform --input DIR` stopped by Ctrl-C (a real SIGINT to a real process) or by a request to terminate
/// (a real SIGTERM) while it lands the input's files: it ends as every verb does, with the "Interrupted" line and exit
/// 130, or the "Terminated" line and exit 143, each file it landed whole, and the run again finishes the work.
/// </summary>
public sealed class InterruptedTransformTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public Task Ctrl_C_while_transform_lands_its_input_says_interrupted_exits_130_and_leaves_whole_files() =>
        SignalWhileTransformLandsItsInput(Signals.Sigint);

    [Fact]
    public Task SIGTERM_while_transform_lands_its_input_says_terminated_exits_143_and_leaves_whole_files() =>
        SignalWhileTransformLandsItsInput(Signals.Sigterm);

    private async Task SignalWhileTransformLandsItsInput(int signal)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return; // POSIX signals only
        }
        // Many small objects: the landing lasts long enough for the signal to fall inside it.
        await new SampleGenerator(new LocalFolderStore(_folder["input"])).WriteAsync(new SampleOptions(Days: 240, Items: 1, Seed: 5));
        var input = _folder.Files("input/raw");

        // The signal has to land after the first file landed and before the tables are written. A loaded machine may
        // let the landing finish first: that attempt proves nothing, so the lake is made afresh and tried again.
        (int ExitCode, string Errors)? interrupted = null;
        for (var attempt = 1; interrupted is null && attempt <= 5; attempt++)
        {
            if (Directory.Exists(_folder["lake"]))
            {
                Directory.Delete(_folder["lake"], recursive: true);
            }
            interrupted = RunUntilItLandsThenSignal(signal, "transform", "--input", _folder["input"], "--lake", _folder["lake"]);
        }
        Assert.True(interrupted is not null, "The landing finished before it could be interrupted, five times: give it more input.");

        InterruptedVerbTests.AssertStoppedBy(signal, (interrupted.Value.ExitCode, "", interrupted.Value.Errors));
        var landed = _folder.Files("lake/raw");
        Assert.NotEmpty(landed);
        foreach (var (path, bytes) in landed)
        {
            var inInput = "input/" + path["lake/".Length..];
            Assert.True(input.TryGetValue(inInput, out var original) && bytes.AsSpan().SequenceEqual(original), $"{path} is not whole, or no input's");
        }

        var rerun = DemoCommandTests.RunCli("transform", "--input", _folder["input"], "--lake", _folder["lake"]);
        Assert.True(rerun.ExitCode == 0, rerun.Output + rerun.Errors);
        Assert.Equal(input.Keys.Select(path => path["input/".Length..]), _folder.Files("lake/raw").Keys.Select(path => path["lake/".Length..]));
    }

    /// <summary>
    /// Starts the CLI and sends it <paramref name="signal"/> as soon as its lake's raw/ folder appears, while no table is written yet.
    /// Returns its exit code and stderr, or null when the signal could not be sent inside the landing.
    /// </summary>
    private (int ExitCode, string Errors)? RunUntilItLandsThenSignal(int signal, params string[] arguments)
    {
        using var process = Process.Start(SpotifyEtlProcess.StartInfo(arguments))!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        var errors = process.StandardError.ReadToEndAsync();
        var raw = _folder["lake/raw"];
        var transformed = _folder["lake/transformed"];
        var sent = false;
        while (!process.HasExited)
        {
            if (Directory.Exists(raw))
            {
                if (!Directory.Exists(transformed))
                {
                    sent = Signals.Send(process.Id, signal);
                }
                break;
            }
            Thread.Sleep(2);
        }
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "The transform did not end after the signal.");
        process.WaitForExit();
        // Signalled inside the landing, or it ended on its own, having finished.
        return sent && process.ExitCode != 0 ? (process.ExitCode, errors.Result) : null;
    }

    public void Dispose() => _folder.Dispose();
}
