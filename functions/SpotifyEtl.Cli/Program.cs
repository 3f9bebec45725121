using System.CommandLine;
using System.CommandLine.Help;
using SpotifyEtl.Cli.Commands;
using SpotifyEtl.Cli.Shell;

// A stdin, stdout or stderr the process was started without gets /dev/null in its place, before any file takes its number.
StandardStreams.FillClosed();

// A query over many days' partitions opens many files, and the standard streams' writers and the signal handling take
// some of their own: before they do, the soft open-file limit (ulimit -n) goes up to the hard one.
OpenFileLimit.Raise();

// A stderr or stdout that cannot be written (a full disk, a closed descriptor) ends no verb in an abort.
StandardStreams.Guard();

// Dates, numbers and lake keys in the invariant culture, whatever the machine's locale (InvariantCulture).
SpotifyEtl.Lake.InvariantCulture.Apply();

// From here on a Ctrl-C or a SIGTERM cancels the verb's work: neither is the end of the process without a word. A hard
// open-file limit too low even for that ends the process here, saying which limit to raise (exit 74).
if (Interruptible.CatchSignals() is { } unwatched)
{
    return CliErrors.Report(unwatched, StandardStreams.ErrorBeforeConsole());
}

var root = CliRoot.Create();
// Every verb stops on Ctrl-C with "Interrupted" and exit 130, on SIGTERM with "Terminated" and exit 143, whatever work
// it does before its first await.
Interruptible.Apply(root);

// A write past the file-size limit (ulimit -f) fails with EFBIG, and the error says what happened.
FileSizeLimit.FailWritesInsteadOfEnding();

// "--lake=~/spotify" reaches the tool with its ~ unexpanded: a folder named "~" here is never what was meant.
if (UnexpandedHome.Find(args) is { } unexpanded)
{
    await Console.Error.WriteLineAsync($"{CliErrors.Program}: {unexpanded}").ConfigureAwait(false);
    return ExitCodes.Usage;
}

ParseResult parsed;
try
{
    parsed = root.Parse(args, CliRoot.Parsing);
}
catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException && CurrentFolder.IsGone())
{
    // A relative path is made whole against the current folder while the command line is read: one removed after the
    // shell entered it has no path.
    await Console.Error.WriteLineAsync($"{CliErrors.Program}: {CurrentFolder.Gone}").ConfigureAwait(false);
    return ExitCodes.NoInput;
}
if (ParseErrors.VersionNotAlone(parsed) is { } versionNotAlone)
{
    await Console.Error.WriteLineAsync($"{CliErrors.Program}: {versionNotAlone}").ConfigureAwait(false);
    return ExitCodes.Usage;
}
if (parsed.Errors.Count == 0 && parsed.Action is not HelpAction && DashPath.Find(parsed) is { } dash)
{
    await Console.Error.WriteLineAsync($"{CliErrors.Program}: {dash}").ConfigureAwait(false);
    return ExitCodes.Usage;
}
if (parsed.Errors.Count > 0 && parsed.Action is not HelpAction)
{
    foreach (var line in ParseErrors.Lines(parsed))
    {
        await Console.Error.WriteLineAsync($"{CliErrors.Program}: {line}").ConfigureAwait(false);
    }
    var command = ParseErrors.CommandPath(parsed);
    await Console.Error.WriteLineAsync($"Run '{command} --help' for the options.").ConfigureAwait(false);
    return ExitCodes.Usage;
}
try
{
    // The signals are Interruptible's alone: the command line's own handling (a SIGINT and SIGTERM handler of its own,
    // racing Interruptible's) is off.
    var invocation = parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null },
        Interruptible.Token);
    // A signal, and the action did not stop within the grace period: the process ends all the same, and says why.
    return await Interruptible.WithinGracePeriodAsync(invocation).ConfigureAwait(false)
        ?? CliErrors.Report(new OperationCanceledException(), Console.Error);
}
catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException && CurrentFolder.IsGone())
{
    // A relative path a verb makes whole only when it reads it (import's PATH).
    await Console.Error.WriteLineAsync($"{CliErrors.Program}: {CurrentFolder.Gone}").ConfigureAwait(false);
    return ExitCodes.NoInput;
}
catch (Exception exception)
{
    return CliErrors.Report(exception, Console.Error, parsed.GetValue(CliOptions.Verbose));
}

