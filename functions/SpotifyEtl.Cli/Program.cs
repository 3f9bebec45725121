using System.CommandLine;
using System.CommandLine.Help;
using SpotifyEtl.Cli.Commands;
using SpotifyEtl.Cli.Shell;

// A stderr or stdout that cannot be written (a full disk, a closed descriptor) ends no verb in an abort.
StandardStreams.Guard();

// Dates, numbers and lake keys in the invariant culture, whatever the machine's locale (InvariantCulture).
SpotifyEtl.Lake.InvariantCulture.Apply();

// From here on a Ctrl-C or a SIGTERM cancels the verb's work: neither is the end of the process without a word.
using var signals = Interruptible.CatchSignals();

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

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0 && parsed.Action is not HelpAction)
{
    // An unknown command also makes "Required command was not provided": the unknown word is the error to read first.
    var errors = parsed.Errors.OrderBy(error => error.Message.StartsWith("Required command", StringComparison.Ordinal) ? 1 : 0).ToList();
    if (errors.Count > 1)
    {
        errors.RemoveAll(error => error.Message.StartsWith("Required command", StringComparison.Ordinal));
    }
    foreach (var error in errors)
    {
        await Console.Error.WriteLineAsync($"{CliErrors.Program}: {CliErrors.ParseError(error.Message)}").ConfigureAwait(false);
    }
    // The whole path of the command, "spotify-etl auth login", not its last word.
    var names = new List<string>();
    for (System.CommandLine.Parsing.SymbolResult? result = parsed.CommandResult; result is System.CommandLine.Parsing.CommandResult { Command: var current }; result = result.Parent)
    {
        names.Insert(0, current is RootCommand ? CliErrors.Program : current.Name);
    }
    var command = string.Join(' ', names);
    foreach (var meant in Suggestion.ForUnmatched(parsed))
    {
        await Console.Error.WriteLineAsync($"{CliErrors.Program}: {meant}").ConfigureAwait(false);
    }
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
catch (Exception exception)
{
    return CliErrors.Report(exception, Console.Error, parsed.GetValue(CliOptions.Verbose));
}

