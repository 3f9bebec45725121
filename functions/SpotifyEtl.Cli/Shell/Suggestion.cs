using System.CommandLine;
using System.CommandLine.Parsing;

namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// What a mistyped verb, option or query name most likely meant: <c>transfrom</c> is <c>transform</c>, <c>--lak</c> is
/// <c>--lake</c>, <c>skiprate</c> is <c>skip_rate</c>. A name is close when a few letters are missing, extra, swapped
/// or wrong (at most one in four of the word, and three at most), ignoring case, or when the word begins only one name.
/// </summary>
internal static class Suggestion
{
    /// <summary>The closest of <paramref name="names"/> to <paramref name="word"/> (all of them if tied); empty when none is close.</summary>
    public static IReadOnlyList<string> For(string word, IEnumerable<string> names)
    {
        var typed = word.ToLowerInvariant();
        var candidates = names.Distinct(StringComparer.Ordinal).ToList();
        if (typed.Trim('-').Length == 0 || candidates.Count == 0)
        {
            return [];
        }
        var distances = candidates.Select(name => (Name: name, Distance: Distance(typed, name.ToLowerInvariant()))).ToList();
        var best = distances.Min(d => d.Distance);
        if (best <= Math.Min(3, Math.Max(1, typed.Trim('-').Length / 4)))
        {
            return distances.Where(d => d.Distance == best).Select(d => d.Name).ToList();
        }
        // A beginning of one name only: "--in" is "--input", "rep" is "report".
        var begun = candidates.Where(name => typed.Trim('-').Length >= 2 && name.StartsWith(typed, StringComparison.OrdinalIgnoreCase)).ToList();
        return begun.Count == 1 ? begun : [];
    }

    /// <summary>What a word the command line could not match most likely was: the line saying so, and the names it meant.</summary>
    public sealed record Diagnosis(string Word, string Line, IReadOnlyList<string> Meant);

    /// <summary>A <see cref="Diagnosis"/> for each word the command line could not match that something is known of.</summary>
    public static IEnumerable<Diagnosis> Diagnose(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        var options = OptionNames(parsed.CommandResult).ToList();
        var verbs = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
        // A word the command line could not match, or one it took for an argument's value though it looks like an option
        // ("import --lak ..." or "import -lake ..." gives "--lak" or "-lake" as the export's path).
        var words = parsed.UnmatchedTokens.Concat(parsed.Tokens
            .Where(t => t.Type == TokenType.Argument && t.Value.Length > 1 && t.Value[0] == '-').Select(t => t.Value));
        // "--" makes every word after it an argument: a verb or an option written after it is one spelled right.
        var afterDoubleDash = parsed.Tokens.SkipWhile(t => t.Type != TokenType.DoubleDash).Select(t => t.Value).ToHashSet(StringComparer.Ordinal);
        foreach (var token in words.Distinct(StringComparer.Ordinal))
        {
            var word = token.StartsWith("--", StringComparison.Ordinal) && token.IndexOf('=', StringComparison.Ordinal) is > 0 and var equals
                ? token[..equals] : token;
            if (afterDoubleDash.Contains(token) && (options.Contains(word, StringComparer.Ordinal) || verbs.Contains(word, StringComparer.Ordinal)))
            {
                yield return new(token, $"'{word}' comes after '--', which makes every word after it an argument: leave '--' out.", [word]);
                continue;
            }
            if (word.StartsWith('-') && options.Contains(word, StringComparer.Ordinal))
            {
                // An option of the verb, written before it ("spotify-etl --lake x transform"). One the parser took as another
                // option's value ("transform --lake --json") is in its place: the line about that option says what went wrong.
                if (parsed.UnmatchedTokens.Contains(token, StringComparer.Ordinal))
                {
                    yield return new(token, $"'{word}' is an option of '{command.Name}': write it after '{command.Name}'.", [word]);
                }
                continue;
            }
            var meant = word.Length > 1 && word[0] == '-' && word[1] != '-' ? OneDash(word[1..], options) : For(word, word.StartsWith('-') ? options : verbs);
            if (meant.Count > 0)
            {
                yield return new(token, $"'{word}' is unknown here: did you mean {string.Join(" or ", meant.Select(m => $"'{m}'"))}?", meant);
            }
        }
    }

    /// <summary>
    /// What a word written with one dash meant: "-lake" is "--lake" (or what "--lake" is close to); "-l", one letter, is every
    /// option that begins with it, since this tool's options have no one-letter forms but help's.
    /// </summary>
    private static IReadOnlyList<string> OneDash(string rest, List<string> options) => rest.Length == 1
        ? options.Where(o => o.Length > 2 && char.ToLowerInvariant(o[2]) == char.ToLowerInvariant(rest[0])).Distinct(StringComparer.Ordinal).ToList()
        : For("--" + rest, options);

    /// <summary>The options a command takes, with their aliases: its own and the recursive ones of the commands above it.</summary>
    private static IEnumerable<string> OptionNames(CommandResult result)
    {
        IEnumerable<Option> options = result.Command.Options;
        for (var parent = result.Parent as CommandResult; parent is not null; parent = parent.Parent as CommandResult)
        {
            options = options.Concat(parent.Command.Options.Where(o => o.Recursive));
        }
        return options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(name => name.StartsWith("--", StringComparison.Ordinal));
    }

    /// <summary>Edits between two words: a letter added, removed or changed, or two beside each other swapped.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}
