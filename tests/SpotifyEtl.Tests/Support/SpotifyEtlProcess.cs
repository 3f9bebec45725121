using System.Diagnostics;

namespace SpotifyEtl.Tests.Support;

/// <summary>
/// How the tests start spotify-etl in a process of its own, as a user runs it. By default that is the
/// tests' own build (<c>dotnet spotify-etl.dll</c>); with <c>SPOTIFY_ETL_CLI</c> naming an executable
/// (<c>make test</c> sets it to the native build of <c>make cli</c>), that executable, so the binary
/// users run is the one the process tests check.
/// </summary>
internal static class SpotifyEtlProcess
{
    public const string Variable = "SPOTIFY_ETL_CLI";

    /// <summary>
    /// Starts spotify-etl and reads its stderr until it says it is waiting for another process's lock (held by the test);
    /// returns the process, still running, and what it said so far. Fails when it ends, or says nothing, first.
    /// </summary>
    public static async Task<(Process Process, string Errors)> StartWaiting(IEnumerable<string> arguments, string what)
    {
        var process = Process.Start(StartInfo(arguments))!;
        var errors = new System.Text.StringBuilder();
        while (!errors.ToString().Contains("waiting for it to end", StringComparison.Ordinal))
        {
            var line = await process.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Xunit.Assert.True(line is not null, $"{what} ended before it waited for the lock: {errors}");
            errors.AppendLine(line);
        }
        return (process, errors.ToString());
    }

    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var executable = Environment.GetEnvironmentVariable(Variable);
        ProcessStartInfo start;
        if (string.IsNullOrEmpty(executable))
        {
            start = new ProcessStartInfo("dotnet");
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "spotify-etl.dll"));
        }
        else
        {
            start = File.Exists(executable)
                ? new ProcessStartInfo(Path.GetFullPath(executable))
                : throw new FileNotFoundException($"{Variable} names {executable}, which does not exist: run 'make cli' or unset it.");
        }
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = RepositoryPaths.Root;
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return InterruptibleAtTheTerminal(start);
    }

    /// <summary>
    /// The start as a terminal's foreground command runs: with Ctrl-C's SIGINT and the terminal's SIGHUP at their defaults.
    /// A shell without job control (a script, <c>sh -c</c>) starts its background jobs (<c>make test &gt; log &amp;</c>) with
    /// SIGINT ignored, <c>nohup</c> its command with SIGHUP ignored, every process under them inherits that, and .NET does
    /// not catch a signal that was ignored when its process started: the tests' Ctrl-C or SIGHUP would reach no
    /// spotify-etl. Where this process ignores either, coreutils' <c>env --default-signal</c> gives the child both defaults
    /// back.
    /// </summary>
    private static ProcessStartInfo InterruptibleAtTheTerminal(ProcessStartInfo start)
    {
        if (!IgnoresInterrupts.Value)
        {
            return start;
        }
        var wrapped = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = start.RedirectStandardOutput,
            RedirectStandardError = start.RedirectStandardError,
            WorkingDirectory = start.WorkingDirectory,
        };
        wrapped.ArgumentList.Add("--default-signal=INT,HUP");
        wrapped.ArgumentList.Add(start.FileName);
        foreach (var argument in start.ArgumentList)
        {
            wrapped.ArgumentList.Add(argument);
        }
        return wrapped;
    }

    /// <summary>Whether this process ignores SIGINT or SIGHUP (Linux: the SigIgn mask of /proc/self/status, signal n its bit n - 1).</summary>
    private static readonly Lazy<bool> IgnoresInterrupts = new(() =>
    {
        var line = File.Exists("/proc/self/status") ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal)) : null;
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & ((1UL << (Signals.Sigint - 1)) | (1UL << (Signals.Sighup - 1)))) != 0;
    });

    /// <summary>
    /// The command line of <paramref name="start"/> as bash reads it, each word quoted (a quote inside one too), for a test
    /// that has bash redirect its streams or set its limits.
    /// </summary>
    public static string ShellCommand(ProcessStartInfo start) =>
        string.Join(' ', new[] { start.FileName }.Concat(start.ArgumentList).Select(word => $"'{word.Replace("'", "'\\''", StringComparison.Ordinal)}'"));

    /// <summary>
    /// Runs spotify-etl to its end under bash, in the script <paramref name="script"/> makes of its quoted command line
    /// (<c>ulimit -n 20 &amp;&amp; exec {command}</c>, or the command with its streams redirected). One still going after two
    /// minutes is killed, and its exit code is -1: a hang fails the test that ran it, not the whole run.
    /// The shell first closes every file it inherited above the standard streams: the test host holds some without
    /// close-on-exec at times (a pipe, a native library's file), and one at a low number would take a
    /// slot under the limit the script sets, failing the shell's own redirection ("cannot duplicate fd") or the tool's
    /// first file in place of the file the test meant to be refused.
    /// </summary>
    public static (int ExitCode, string Output, string Errors) RunUnderBash(IEnumerable<string> arguments, Func<string, string> script)
    {
        var start = StartInfo(arguments);
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", $"{CloseInheritedFiles}{script(ShellCommand(start))}"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = start.WorkingDirectory,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, output.Result, $"still running after two minutes, killed; its stderr: {errors.Result}");
        }
        return (process.ExitCode, output.Result, errors.Result);
    }

    /// <summary>Bash that closes every open file of the shell above 2 (the listing's own, closed by then, included: harmless).</summary>
    private const string CloseInheritedFiles =
        "if [[ -d /proc/$$/fd ]]; then for file in /proc/$$/fd/*; do file=${file##*/}; (( file > 2 )) && exec {file}>&-; done; unset file; fi; ";

    /// <summary>Runs spotify-etl to its end with <paramref name="folder"/> as its current folder, as a user in that folder would.</summary>
    public static (int ExitCode, string Output, string Errors) RunIn(string folder, params string[] arguments)
    {
        var start = StartInfo(arguments);
        start.WorkingDirectory = folder;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, errors);
    }

    /// <summary>
    /// Runs spotify-etl to its end, as a user would; one still going after <paramref name="limit"/> is killed with its
    /// children and fails the test (a walk that follows a link loop, a read that waits on a FIFO).
    /// </summary>
    public static (int ExitCode, string Output, string Errors) RunWithin(TimeSpan limit, params string[] arguments) =>
        RunWithin(limit, new Dictionary<string, string>(), arguments);

    /// <summary><see cref="RunWithin(TimeSpan, string[])"/>, with extra environment variables.</summary>
    public static (int ExitCode, string Output, string Errors) RunWithin(TimeSpan limit, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = StartInfo(arguments);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        return RunWithin(limit, start);
    }

    /// <summary>Runs <paramref name="start"/> (a spotify-etl, or a command that ends in one) to its end, as <see cref="RunWithin(TimeSpan, string[])"/> does.</summary>
    public static (int ExitCode, string Output, string Errors) RunWithin(TimeSpan limit, ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Xunit.Assert.Fail($"{string.Join(' ', start.ArgumentList.Prepend(Path.GetFileName(start.FileName)))} still ran after {limit.TotalSeconds:0} s");
        }
        process.WaitForExit();
        return (process.ExitCode, output.Result, errors.Result);
    }
}
