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
    public static IReadOnlyList<string> Lines(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        var path = CommandPath(parsed);
        var diagnoses = Suggestion.Diagnose(parsed).ToList();
        var unmatched = parsed.UnmatchedTokens.ToHashSet(StringComparer.Ordinal);

        // An unknown verb: the words after it belong to the verb meant, and only the verb is wrong.
        var firstUnmatched = parsed.Tokens.FirstOrDefault(t => unmatched.Contains(t.Value))?.Value;
        if (command.Subcommands.Any(c => !c.Hidden) && firstUnmatched is { } verb && !verb.StartsWith('-'))
        {
            return [diagnoses.FirstOrDefault(d => d.Word == verb)?.Line
                ?? $"'{verb}' is not a verb of '{path}': it takes {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}."];
        }

        var meant = diagnoses.SelectMany(d => d.Meant).ToHashSet(StringComparer.Ordinal);
        var values = ValuesOfUnknownOptions(parsed, unmatched);
        var lines = new List<string>();
        foreach (var error in parsed.Errors)
        {
            var line = error.Message switch
            {
                var m when Unrecognized().Match(m) is { Success: true } match => UnknownWord(match.Groups[1].Value),
                // A required option the user wrote, misspelled or out of place, is what the line about that word says.
                "Required command was not provided." when parsed.Errors.Count > 1 => null,
                "Required command was not provided." => $"'{path}' needs a verb: {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}.",
                var m when RequiredOption().Match(m) is { Success: true } match => meant.Contains(match.Groups[1].Value) ? null : Needs(match.Groups[1].Value),
                var m when MissingArgument().Match(m) is { Success: true } => command.Arguments.FirstOrDefault(a => !a.Hidden) is { } argument
                    ? $"'{path}' needs <{argument.Name}>: {argument.Description}"
                    : error.Message,
                var m when MissingValue().Match(m) is { Success: true } match => $"{match.Groups[1].Value} needs a value{HelpOf(match.Groups[1].Value)}",
                var m when SingleValue().Match(m) is { Success: true } match => $"{match.Groups[1].Value} takes one value, and was given {match.Groups[2].Value}: write it once.",
                _ => CliErrors.ParseError(error.Message),
            };
            if (line is not null && !lines.Contains(line, StringComparer.Ordinal))
            {
                lines.Add(line);
            }
        }
        // A word the parser took for an argument though it reads as an option ("import --lak x": "--lak" as the export's
        // path) makes no error of its own; what it most likely was comes first all the same.
        lines.InsertRange(0, diagnoses.Select(d => d.Line).Where(line => !lines.Contains(line, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal));
        return lines.Count > 0 ? lines : [.. parsed.Errors.Select(error => CliErrors.ParseError(error.Message))];

        string? UnknownWord(string word)
        {
            if (diagnoses.FirstOrDefault(d => d.Word == word) is { } diagnosis)
            {
                return diagnosis.Line;
            }
            if (values.Contains(word))
            {
                return null;
            }
            return word.StartsWith('-')
                ? $"'{word.Split('=')[0]}' is not an option of '{path}'."
                : $"'{path}' takes no word '{word}' here: name each value with its option.";
        }

        string Needs(string option) => $"'{path}' needs {option}{HelpOf(option)}";

        string HelpOf(string option) => command.Options.FirstOrDefault(o => o.Name == option || o.Aliases.Contains(option)) is { } found
            ? $" <{found.HelpName ?? found.Name.TrimStart('-')}>: {found.Description}"
            : ".";
    }

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

    /// <summary>Words the parser could not match that follow an unknown option: its value, not a mistake of their own.</summary>
    private static HashSet<string> ValuesOfUnknownOptions(ParseResult parsed, HashSet<string> unmatched)
    {
        var values = new HashSet<string>(StringComparer.Ordinal);
        var tokens = parsed.Tokens;
        for (var i = 1; i < tokens.Count; i++)
        {
            var (before, word) = (tokens[i - 1].Value, tokens[i].Value);
            if (unmatched.Contains(word) && !word.StartsWith('-') && unmatched.Contains(before) && before.StartsWith('-') && !before.Contains('='))
            {
                values.Add(word);
            }
        }
        return values;
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
