using System.CommandLine;
using SpotifyEtl.Cli.Shell;

namespace SpotifyEtl.Cli.Commands;

/// <summary>The command line: the root command with its verbs and their options.</summary>
internal static class CliRoot
{
    public static RootCommand Create()
    {
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
        root.Subcommands.Add(CurrentCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(ExtractCommand.Create());
        root.Subcommands.Add(AuthCommand.Create());
        RefuseSingleValueMistakes(root, []);
        return root;
    }

    /// <summary>
    /// Two mistakes a script makes with an option of one value when the variable meant for it is empty, each refused:
    /// <list type="bullet">
    /// <item>written twice, the second time with none ("--lake a --lake"), refused as "--lake a --lake b" is: the parser
    /// takes the first value and says nothing, and the verb would run on a folder other than the one the script meant;</item>
    /// <item>followed by another option ("sample --out --json"): the parser takes "--json" as the folder, makes a folder of
    /// that name and drops the flag, and the verb succeeds with neither what the script asked nor the folder it meant. A
    /// value that is an option's name is still written, as "./--json".</item>
    /// </list>
    /// </summary>
    private static void RefuseSingleValueMistakes(Command command, IEnumerable<Option> inherited)
    {
        // Only the names written with a dash: help's "/h" and "/?" are paths a folder may have.
        var names = command.Options.Concat(inherited).SelectMany(option => option.Aliases.Prepend(option.Name))
            .Where(name => name.StartsWith('-')).ToHashSet(StringComparer.Ordinal);
        var single = command.Options.Where(option => option.Arity.MaximumNumberOfValues == 1 && option.ValueType != typeof(bool)).ToList();
        if (single.Count > 0)
        {
            command.Validators.Add(result =>
            {
                foreach (var option in single)
                {
                    var given = result.GetResult(option);
                    if (given is { IdentifierTokenCount: > 1 and var times, Tokens.Count: <= 1 })
                    {
                        result.AddError($"{option.Name} takes one value, and is written {times} times: write it once, with its value.");
                    }
                    else if (given?.Tokens is [{ Value: var word }] && names.Contains(word))
                    {
                        result.AddError($"{option.Name} needs a value, and was given {word}, an option itself: write {option.Name} with its value " +
                                        $"(a script's empty variable before {word} leaves it out).{(IsPath(option) ? $" A folder or file named {word} is written ./{word}." : "")}");
                    }
                }
            });
        }
        var recursive = inherited.Concat(command.Options.Where(option => option.Recursive)).ToList();
        foreach (var verb in command.Subcommands)
        {
            RefuseSingleValueMistakes(verb, recursive);
        }
    }

    private static bool IsPath(Option option) =>
        typeof(FileSystemInfo).IsAssignableFrom(Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType) || option.Name == "--lake";
}
