using System.CommandLine;
using System.CommandLine.Help;
using SpotifyEtl.Cli.Commands;
using SpotifyEtl.Cli.Shell;

var root = new RootCommand(
    "spotify-etl: Spotify Stack's extraction and transformation on a laptop. The lake is a folder that " +
    "mirrors the S3 layout: <lake>/raw/... (responses as landed) and <lake>/transformed/<table>/snapshot_date=YYYY-MM-DD/<table>.parquet.\n\n" +
    "Errors go to stderr; colour only on a terminal without NO_COLOR. Exit codes:\n" +
    string.Join('\n', ExitCodes.Table.Select(row => $"  {row.Code,3}  {row.Meaning}")));
root.Options.Add(CliOptions.Verbose);
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(SampleCommand.Create());
root.Subcommands.Add(TransformCommand.Create());
root.Subcommands.Add(ImportCommand.Create());
root.Subcommands.Add(QueryCommand.Create());
root.Subcommands.Add(ExtractCommand.Create());
root.Subcommands.Add(AuthCommand.Create());

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0 && parsed.Action is not HelpAction)
{
    foreach (var error in parsed.Errors)
    {
        await Console.Error.WriteLineAsync($"{CliErrors.Program}: {error.Message}").ConfigureAwait(false);
    }
    var command = string.Join(' ', parsed.CommandResult.Command is RootCommand ? [CliErrors.Program] : [CliErrors.Program, parsed.CommandResult.Command.Name]);
    await Console.Error.WriteLineAsync($"Run '{command} --help' for the options.").ConfigureAwait(false);
    return ExitCodes.Usage;
}
try
{
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
}
catch (Exception exception)
{
    return CliErrors.Report(exception, Console.Error, parsed.GetValue(CliOptions.Verbose));
}
