using System.Diagnostics;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A stderr or stdout that cannot be written (a full disk, a closed descriptor: a cron job logging to a full disk, a
/// service started without them) ends no verb in an abort: each ends with the exit code it has with working streams,
/// and one whose stdout fails says that it is stdout (exit 74), never a path of the lake.
/// </summary>
public sealed class UnwritableStandardStreamsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>A command line, made afresh in its own folder for each run, and whether it writes to stdout.</summary>
    private sealed record Case(string Name, Func<string, string[]> Arguments, bool WritesOutput);

    private string SampleCopy(string folder, int items = 40)
    {
        var sample = _folder[$"sample-{items}"];
        if (!Directory.Exists(sample))
        {
            var made = DemoCommandTests.RunCli("sample", "--out", sample, "--days", "2", "--items", items.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(made.ExitCode == 0, made.Errors);
        }
        var copy = Path.Combine(folder, "lake");
        TempFolder.CopyTree(sample, copy);
        return copy;
    }

    private IEnumerable<Case> Cases() =>
    [
        new("a lake that does not exist", folder => ["transform", "--lake", Path.Combine(folder, "missing")], false),
        new("a mistyped verb", _ => ["transfrom"], false),
        new("help", _ => ["--help"], true),
        new("a sample", folder => ["sample", "--out", Path.Combine(folder, "sample"), "--days", "1", "--items", "20"], true),
        new("a transform that warns of a link to nothing in raw/", folder =>
        {
            var lake = SampleCopy(folder);
            File.CreateSymbolicLink(Path.Combine(lake, "raw", "dangling.json"), Path.Combine(folder, "nothing-here.json"));
            return ["transform", "--lake", lake];
        }, true),
        new("a report to stdout", folder =>
        {
            var lake = SampleCopy(folder);
            var transformed = DemoCommandTests.RunCli("transform", "--lake", lake);
            Assert.True(transformed.ExitCode == 0, transformed.Errors);
            return ["report", "--lake", lake, "--out", "-"];
        }, true),
    ];

    /// <summary>Runs the command with its streams redirected by bash as <paramref name="redirect"/> says.</summary>
    private static (int ExitCode, string Errors) Run(string[] arguments, string redirect)
    {
        // Whatever the tool could not write is lost; what bash itself says goes to the test's own stderr pipe.
        var (exitCode, _, errors) = SpotifyEtlProcess.RunUnderBash(arguments, command => $"exec 3>&2; {command} {redirect}");
        return (exitCode, errors);
    }

    [Fact]
    public void Every_verb_ends_with_its_own_exit_code_when_stderr_or_stdout_cannot_be_written_and_a_failed_stdout_is_told_as_such()
    {
        var failures = new List<string>();
        var runs = 0;
        foreach (var @case in Cases())
        {
            var expected = Run(@case.Arguments(_folder[$"run-{runs++}"]), "").ExitCode;
            foreach (var (stream, redirect) in new[]
                     {
                         ("stderr on a full disk", "2>/dev/full"), ("stderr closed", "2>&-"),
                         ("stdout on a full disk", ">/dev/full 2>&3"), ("stdout closed", ">&- 2>&3"),
                     })
            {
                var (code, errors) = Run(@case.Arguments(_folder[$"run-{runs++}"]), redirect);
                var stdoutFails = stream.StartsWith("stdout", StringComparison.Ordinal) && @case.WritesOutput;
                var wanted = stdoutFails ? 74 : expected;
                // Told as stdout's failure, not as a path to make writable.
                var told = !stdoutFails || (errors.Contains("spotify-etl: Cannot write to standard output", StringComparison.Ordinal)
                    && !errors.Contains("the path named", StringComparison.Ordinal) && !errors.Contains("Make that folder writable", StringComparison.Ordinal));
                if (code != wanted || !told || errors.Contains("   at ", StringComparison.Ordinal))
                {
                    failures.Add($"{@case.Name}, {stream}: exit {code} (wanted {wanted}); stderr: {errors.Trim()}");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task A_signal_to_a_transform_whose_stderr_is_on_a_full_disk_ends_it_as_terminated_not_aborted()
    {
        var random = new Random(2711);
        var interrupted = new List<int>();
        for (var run = 0; run < 8 && interrupted.Count < 3; run++)
        {
            // Enough items that the work after the lock outlasts the delay: a transform of about a fifth of a second.
            var lake = SampleCopy(_folder[$"signal-{run}"], items: 2000);
            var start = SpotifyEtlProcess.StartInfo(["transform", "--lake", lake]);
            var command = SpotifyEtlProcess.ShellCommand(start);
            // exec: the process signalled is spotify-etl itself, whose "Terminated." cannot be written.
            using var process = Process.Start(new ProcessStartInfo("bash", ["-c", $"exec {command} >/dev/null 2>/dev/full"])
            {
                WorkingDirectory = start.WorkingDirectory,
            })!;
            // Once the transform holds the tables (its lock file made), long after its signal handlers are in place.
            var trigger = Path.Combine(lake, ".tmp", "tables.lock");
            while (!process.HasExited && !File.Exists(trigger))
            {
                await Task.Delay(1);
            }
            await Task.Delay(random.Next(0, 40));
            var sent = !process.HasExited && Signals.Send(process.Id, Signals.Sigterm);
            await process.WaitForExitAsync();
            if (sent && process.ExitCode != 0)
            {
                interrupted.Add(process.ExitCode);
            }
        }
        Assert.NotEmpty(interrupted);
        // 143, as every verb ends on SIGTERM; never 134, the abort of a failed write to stderr.
        Assert.All(interrupted, code => Assert.Equal(143, code));
    }
}
