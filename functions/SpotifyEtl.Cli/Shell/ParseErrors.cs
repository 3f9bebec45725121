using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// What a command line the parser refused did wrong, one line per mistake, each saying what to do. The parser reports
/// the consequences of one mistake as mistakes of their own: "transform --lak x" is an unknown "--lak", an unknown "x"
/// and a missing "--lake". Here that is one line, "'--lak' is unknown here: did you mean '--lake'?": the value after an
/// unknown option is that option's, a required option the user wrote misspelled or in the wrong place is not missing,
/// and after an unknown verb nothing else is judged (its options are another verb's).
/// </summary>
internal static partial class ParseErrors
{
    /// <summary>
    /// "--version" written with other words ("spotify-etl junk --version", "spotify-etl --version --json"): the parser
    /// clears the errors of every other word for it, and the version was printed with exit 0, a script's mistake unseen.
    /// The line that says so, or null where --version is alone or not written.
    /// </summary>
    public static string? VersionNotAlone(ParseResult parsed)
    {
        if (parsed.RootCommandResult.Command.Options.OfType<VersionOption>().FirstOrDefault() is not { } version || parsed.GetResult(version) is null)
        {
            return null;
        }
        var others = parsed.Tokens.Where(token => token.Value != version.Name && !version.Aliases.Contains(token.Value)).Select(token => $"'{token.Value}'").ToList();
        return others.Count == 0 ? null : $"--version is written alone ('{CliErrors.Program} --version'), not with {string.Join(", ", others)}.";
    }

    public static IReadOnlyList<string> Lines(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        var path = CommandPath(parsed);
        var verbs = command.Subcommands.Where(c => !c.Hidden).ToList();
        var diagnoses = Suggestion.Diagnose(parsed).ToList();
        var tokens = parsed.Tokens;
        var unknown = UnmatchedPositions(parsed);

        // An unknown verb: the words after it belong to the verb meant, and only the verb is wrong.
        if (verbs.Count > 0 && unknown.Count > 0 && tokens[unknown[0]].Value is var verb && !verb.StartsWith('-'))
        {
            return [diagnoses.FirstOrDefault(d => d.Word == verb)?.Line
                ?? $"'{verb}' is not a verb of '{path}': it takes {string.Join(", ", verbs.Select(c => c.Name))}."];
        }

        var lines = new List<string>();
        // An option no verb has, where a verb belongs ("spotify-etl -x"): one line names it and the verbs, as one mistake.
        var stray = false;
        // Each word the parser could not match, in order: a mistake of its own, or the value of the unknown option before it.
        for (var at = 0; at < unknown.Count; at++)
        {
            var word = tokens[unknown[at]].Value;
            var diagnosis = diagnoses.FirstOrDefault(d => d.Word == word);
            if (!word.StartsWith('-'))
            {
                Add(diagnosis?.Line ?? $"'{path}' takes no word '{word}' here: name each value with its option.");
                continue;
            }
            var name = word.Split('=')[0];
            // An option of a verb below this command, written before the verb ("auth --port 9000 login"), or with none.
            var below = path == CliErrors.Program ? [] : path.Split(' ')[1..];
            var elsewhere = Leaves(command, below).Where(leaf => FindOption(leaf.Command, name) is not null).Select(leaf => string.Join(' ', leaf.Path)).ToList();
            stray |= diagnosis is null && elsewhere.Count == 0 && verbs.Count > 0;
            Add(diagnosis?.Line ?? (elsewhere.Count > 0
                ? $"'{name}' is an option of {Listed(elsewhere)}: write it after the verb."
                : verbs.Count > 0 ? $"'{name}' is not an option of '{path}', which needs a verb: {string.Join(", ", verbs.Select(c => c.Name))}."
                : $"'{name}' is not an option of '{path}'."));
            // "--lak x": x is the value of the option meant, unless that option takes none (a flag) or the value came with "=".
            var meant = diagnosis is { Meant: [var one] } ? FindOption(command, one) : elsewhere.Count > 0 ? FindOption(command, name) : null;
            if (!word.Contains('=') && at + 1 < unknown.Count && unknown[at + 1] == unknown[at] + 1 && !tokens[unknown[at + 1]].Value.StartsWith('-')
                && meant?.ValueType != typeof(bool))
            {
                at++;
            }
        }

        // A required option the user wrote, misspelled or out of place, is what the line about that word says.
        var written = diagnoses.SelectMany(d => d.Meant).ToHashSet(StringComparer.Ordinal);
        foreach (var error in parsed.Errors)
        {
            Add(error.Message switch
            {
                var m when Unrecognized().IsMatch(m) => null,
                "Required command was not provided." when verbs.Any(v => written.Contains(v.Name)) => null,
                // One line per mistake: an unknown option where a verb belongs ("spotify-etl -x") is the mistake, and the
                // help it points to lists the verbs.
                "Required command was not provided." when stray => null,
                "Required command was not provided." => $"'{path}' needs a verb: {string.Join(", ", verbs.Select(c => c.Name))}.",
                var m when RequiredOption().Match(m) is { Success: true } match => written.Contains(match.Groups[1].Value) ? null : Needs(match.Groups[1].Value),
                var m when MissingArgument().IsMatch(m) => command.Arguments.FirstOrDefault(a => !a.Hidden) is { } argument
                    ? $"'{path}' needs <{argument.Name}>: {argument.Description}"
                    : error.Message,
                var m when MissingValue().Match(m) is { Success: true } match => $"{match.Groups[1].Value} needs a value{HelpOf(match.Groups[1].Value)}",
                var m when SingleValue().Match(m) is { Success: true } match => $"{match.Groups[1].Value} takes one value, and was given {match.Groups[2].Value}: write it once.",
                _ => CliErrors.ParseError(error.Message),
            });
        }
        // A word the parser took for an argument though it reads as an option ("import --lak x": "--lak" as the export's
        // path) makes no error of its own; what it most likely was comes first all the same.
        lines.InsertRange(0, diagnoses.Select(d => d.Line).Where(line => !lines.Contains(line, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal));
        return lines.Count > 0 ? lines : [.. parsed.Errors.Select(error => CliErrors.ParseError(error.Message))];

        void Add(string? line)
        {
            if (line is not null && !lines.Contains(line, StringComparer.Ordinal))
            {
                lines.Add(line);
            }
        }

        string Needs(string option) => $"'{path}' needs {option}{HelpOf(option)}";

        string HelpOf(string option) => FindOption(command, option) is { } found
            ? $" <{found.HelpName ?? found.Name.TrimStart('-')}>: {found.Description}"
            : ".";
    }

    /// <summary>"'a'", "'a' and 'b'", "'a', 'b' and 'c'".</summary>
    private static string Listed(List<string> names) =>
        names.Count == 1 ? $"'{names[0]}'" : $"{string.Join(", ", names.SkipLast(1).Select(n => $"'{n}'"))} and '{names[^1]}'";

    /// <summary>The option of <paramref name="command"/>, or of one verb below it, by its name or an alias.</summary>
    private static Option? FindOption(Command command, string name) =>
        command.Options.FirstOrDefault(o => o.Name == name || o.Aliases.Contains(name))
        ?? command.Subcommands.Select(sub => FindOption(sub, name)).FirstOrDefault(found => found is not null);

    /// <summary>The verbs below a command that take no verb themselves, with their paths from it ("auth login" from the root).</summary>
    private static IEnumerable<(string[] Path, Command Command)> Leaves(Command command, string[] path) =>
        command.Subcommands.Where(c => !c.Hidden).SelectMany(sub => sub.Subcommands.Count == 0
            ? [([.. path, sub.Name], sub)]
            : Leaves(sub, [.. path, sub.Name]));

    /// <summary>
    /// The positions in the tokens of the words the parser could not match. It names them by their text alone, so each is
    /// placed at its first occurrence that no option took as its value.
    /// </summary>
    private static List<int> UnmatchedPositions(ParseResult parsed)
    {
        var remaining = parsed.UnmatchedTokens.GroupBy(t => t, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var positions = new List<int>();
        var tokens = parsed.Tokens;
        for (var i = 0; i < tokens.Count; i++)
        {
            var valueOfAnOption = i > 0 && tokens[i].Type == TokenType.Argument && (TakesValue(parsed, tokens[i - 1])
                // "--lake --days 1": "--days" was taken as the lake, and "1" is its value, not a word of its own (the line about
                // the option taken as a value says it).
                || (i > 1 && tokens[i - 2].Type == TokenType.Option && TakesValue(parsed, tokens[i - 2]) && tokens[i - 1].Value.StartsWith('-')
                    && TakesValue(parsed, tokens[i - 1], asWritten: true)));
            if (!valueOfAnOption && remaining.TryGetValue(tokens[i].Value, out var left) && left > 0)
            {
                positions.Add(i);
                remaining[tokens[i].Value] = left - 1;
            }
        }
        return positions;
    }

    /// <summary>Whether the token is an option that takes a value (written as an option, or, with <paramref name="asWritten"/>, taken as another's value).</summary>
    private static bool TakesValue(ParseResult parsed, Token token, bool asWritten = false) =>
        (asWritten || token.Type == TokenType.Option) && FindOption(parsed.RootCommandResult.Command, token.Value) is { } option && option.ValueType != typeof(bool);

    /// <summary>The whole path of the command, "spotify-etl auth login", not its last word.</summary>
    public static string CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (SymbolResult? result = parsed.CommandResult; result is CommandResult { Command: var current }; result = result.Parent)
        {
            names.Insert(0, current is RootCommand ? CliErrors.Program : current.Name);
        }
        return string.Join(' ', names);
    }

    [GeneratedRegex(@"^Unrecognized command or argument '(.*)'\.$")]
    private static partial Regex Unrecognized();

    [GeneratedRegex(@"^Option '([^']+)' is required\.$")]
    private static partial Regex RequiredOption();

    [GeneratedRegex(@"^Required argument missing for command: '([^']+)'\.$")]
    private static partial Regex MissingArgument();

    [GeneratedRegex(@"^Required argument missing for option: '([^']+)'\.$")]
    private static partial Regex MissingValue();

    [GeneratedRegex(@"^Option '([^']+)' expects a single argument but (\d+) were provided\.$")]
    private static partial Regex SingleValue();
}
