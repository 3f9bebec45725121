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
        RefuseUndecodablePaths(root);
        return root;
    }

    /// <summary>
    /// How the command line is read: a word that starts with @ is that word (a lake in a folder named "@backup"), where the
    /// parser by default reads the file it names in its place, as more arguments, and a folder of that name ended it.
    /// </summary>
    public static ParserConfiguration Parsing { get; } = new() { ResponseFileTokenReplacer = null };

    /// <summary>
    /// A path on the command line whose bytes are no UTF-8 (a Latin-1 folder name): .NET hands it on with each bad byte as
    /// U+FFFD, so the verb would read a folder of another name ("does not exist") or write one ("sample --out" made a folder
    /// the user never named). Refused by name, told from a path that holds U+FFFD itself (valid UTF-8) by the process's own
    /// arguments as the system passed them, unless a file or folder of the name .NET sees stands there.
    /// </summary>
    private static void RefuseUndecodablePaths(Command command)
    {
        var paths = command.Options.Where(IsPath).Select(option => (Symbol)option)
            .Concat(command.Arguments.Where(argument => typeof(FileSystemInfo).IsAssignableFrom(argument.ValueType.GetElementType() ?? argument.ValueType))).ToList();
        if (paths.Count > 0)
        {
            command.Validators.Add(result =>
            {
                foreach (var path in paths)
                {
                    var tokens = path is Option option ? result.GetResult(option)?.Tokens : result.GetResult((Argument)path)?.Tokens;
                    foreach (var value in (tokens ?? []).Select(token => token.Value).Where(value => value.Contains('\uFFFD', StringComparison.Ordinal)))
                    {
                        if (!Path.Exists(value) && ArgumentsNotUtf8().Any(argument => argument.Contains(value, StringComparison.Ordinal)))
                        {
                            result.AddError($"{(path is Option ? path.Name : $"<{path.Name}>")} {value}: this path is not UTF-8 (each byte that is not shows as \uFFFD), " +
                                            "and this tool can name only UTF-8 paths: rename the folder or file in UTF-8 (convmv -f latin1 -t utf8), or choose another.");
                        }
                    }
                }
            });
        }
        foreach (var verb in command.Subcommands)
        {
            RefuseUndecodablePaths(verb);
        }
    }

    /// <summary>
    /// Two mistakes a script makes with an option of a value when the variable meant for it is empty, each refused:
    /// <list type="bullet">
    /// <item>written twice, the second time with none ("--lake a --lake"), refused as "--lake a --lake b" is: the parser
    /// takes the first value and says nothing, and the verb would run on a folder other than the one the script meant;</item>
    /// <item>followed by another option ("sample --out --json"): the parser takes "--json" as the folder, makes a folder of
    /// that name and drops the flag, and the verb succeeds with neither what the script asked nor the folder it meant. A
    /// value that is an option's name is still written, as "./--json". A repeatable option is refused so too: "--top-tracks
    /// --credentials c.json" took "--credentials" as a range and left "c.json" a word of its own, all the parser said.</item>
    /// </list>
    /// </summary>
    private static void RefuseSingleValueMistakes(Command command, IEnumerable<Option> inherited)
    {
        // Only the names written with a dash: help's "/h" and "/?" are paths a folder may have.
        var names = command.Options.Concat(inherited).SelectMany(option => option.Aliases.Prepend(option.Name))
            .Where(name => name.StartsWith('-')).ToHashSet(StringComparer.Ordinal);
        var valued = command.Options.Where(option => option.Arity.MaximumNumberOfValues >= 1 && option.ValueType != typeof(bool)).ToList();
        if (valued.Count > 0)
        {
            command.Validators.Add(result =>
            {
                foreach (var option in valued)
                {
                    var given = result.GetResult(option);
                    if (option.Arity.MaximumNumberOfValues == 1 && given is { IdentifierTokenCount: > 1 and var times, Tokens.Count: <= 1 })
                    {
                        result.AddError($"{option.Name} takes one value, and is written {times} times: write it once, with its value.");
                    }
                    // A repeatable option ("--playlist A --playlist --json") is taken the same way, once per time it is written.
                    else if (given?.Tokens.FirstOrDefault(token => names.Contains(token.Value))?.Value is { } word)
                    {
                        result.AddError($"{option.Name} needs a value, and was given {word}, an option itself: write {option.Name} with its value " +
                                        $"(a script's empty variable before {word} leaves it out).{(IsPath(option) ? $" A folder or file named {word} is written ./{word}." : "")}");
                    }
                    // A repeatable option written last with no value ("--playlist A --playlist"): the parser counts the one value as enough.
                    else if (option.Arity.MaximumNumberOfValues > 1 && !option.AllowMultipleArgumentsPerToken && given is { IdentifierTokenCount: var written } && written > given.Tokens.Count)
                    {
                        result.AddError($"{option.Name} is written {written} times with {given.Tokens.Count} value{(given.Tokens.Count == 1 ? "" : "s")}: " +
                                        $"each needs its value (a script's empty variable leaves one out).");
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

    /// <summary>The arguments of this process whose bytes are no UTF-8, as .NET decodes them (each bad byte U+FFFD); none where the system does not say.</summary>
    private static List<string> ArgumentsNotUtf8()
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes("/proc/self/cmdline");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return [];
        }
        var found = new List<string>();
        for (var start = 0; start < bytes.Length;)
        {
            var end = Array.IndexOf(bytes, (byte)0, start);
            var argument = bytes.AsSpan(start, (end < 0 ? bytes.Length : end) - start);
            if (!System.Text.Unicode.Utf8.IsValid(argument))
            {
                found.Add(System.Text.Encoding.UTF8.GetString(argument));
            }
            start = end < 0 ? bytes.Length : end + 1;
        }
        return found;
    }

    private static bool IsPath(Option option) =>
        typeof(FileSystemInfo).IsAssignableFrom(Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType) || option.Name == "--lake";
}
