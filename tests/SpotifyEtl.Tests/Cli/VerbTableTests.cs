using System.CommandLine;
using System.CommandLine.Help;
using System.Text.RegularExpressions;
using SpotifyEtl.Cli.Commands;
using SpotifyEtl.Cli.Spotify;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// The verb table of docs/cli.md names every option each verb takes, and no option it does not: an option left out is
/// one a user never learns of, and one named that the verb lacks is a usage error (exit 64) waiting for whoever copies
/// it. The sources' options (<c>--playlist</c>, <c>--recently-played</c>, ...) are named once, as <c>[source options]</c>.
/// </summary>
public sealed partial class VerbTableTests
{
    public static TheoryData<string> Verbs()
    {
        var data = new TheoryData<string>();
        foreach (var (path, _) in Commands(CliRoot.Create(), ""))
        {
            data.Add(path);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public void The_guide_names_each_option_of_the_verb_and_no_other(string verb)
    {
        var command = Commands(CliRoot.Create(), "").Single(c => c.Path == verb).Command;
        var synopsis = Synopsis(verb);
        var sourceNames = SourceOptionNames();
        var defined = command.Options.Where(Shown).Select(option => option.Name).ToHashSet(StringComparer.Ordinal);

        var undocumented = defined
            .Where(name => !OptionName().Matches(synopsis).Any(m => m.Value == name))
            .Where(name => !(sourceNames.Contains(name) && synopsis.Contains("[source options]", StringComparison.Ordinal)))
            .ToList();
        Assert.True(undocumented.Count == 0, $"docs/cli.md: `{verb}` does not name {string.Join(", ", undocumented)}");

        var unknown = OptionName().Matches(synopsis).Select(m => m.Value).Where(name => !defined.Contains(name)).Distinct().ToList();
        Assert.True(unknown.Count == 0, $"docs/cli.md: `{verb}` names {string.Join(", ", unknown)}, which it does not take");
        if (synopsis.Contains("[source options]", StringComparison.Ordinal))
        {
            Assert.Subset(defined, sourceNames);
        }
    }

    [Fact]
    public void Every_verb_of_the_guide_is_a_verb_of_the_tool()
    {
        var verbs = Commands(CliRoot.Create(), "").Select(c => c.Path).ToHashSet(StringComparer.Ordinal);
        var rows = TableRows().Select(row => VerbOf(row)).ToList();

        Assert.NotEmpty(rows);
        Assert.All(rows, verb => Assert.Contains(verb, verbs));
        Assert.Equal(verbs.Order(StringComparer.Ordinal), rows.Order(StringComparer.Ordinal));
    }

    /// <summary>Every command with an action, by its words after the program's name ("transform", "auth login").</summary>
    private static IEnumerable<(string Path, Command Command)> Commands(Command parent, string prefix)
    {
        foreach (var command in parent.Subcommands)
        {
            var path = prefix + command.Name;
            if (command.Action is not null)
            {
                yield return (path, command);
            }
            foreach (var nested in Commands(command, path + " "))
            {
                yield return nested;
            }
        }
    }

    /// <summary>The options a user types: not help, and not the root's --verbose, which every verb takes and the guide names once.</summary>
    private static bool Shown(Option option) => !option.Hidden && option is not HelpOption && option.Name != "--verbose";

    private static HashSet<string> SourceOptionNames()
    {
        var probe = new Command("probe");
        new SourceOptions().AddTo(probe);
        return probe.Options.Select(option => option.Name).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The first cell of the verb's row: its synopsis, such as <c>`transform --lake DIR [--input FILE_OR_DIR] ...`</c>.</summary>
    private static string Synopsis(string verb)
    {
        var rows = TableRows().Where(row => VerbOf(row) == verb).ToList();
        Assert.True(rows.Count == 1, $"docs/cli.md: the verb table has {rows.Count} rows for `{verb}`");
        return rows[0];
    }

    private static string VerbOf(string synopsis) =>
        string.Join(' ', synopsis.Trim('`').Split(' ').TakeWhile(word => word.Length > 0 && char.IsAsciiLetterLower(word[0])));

    private static List<string> TableRows()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "docs", "cli.md"));
        var header = Array.IndexOf(lines, "| verb | what it does |");
        Assert.True(header >= 0, "docs/cli.md has no verb table (| verb | what it does |)");
        return lines.Skip(header + 2).TakeWhile(line => line.StartsWith('|'))
            .Select(line => FirstCell().Match(line).Groups[1].Value)
            .ToList();
    }

    /// <summary>The first cell, which may hold escaped bars (<c>parquet\|csv</c>).</summary>
    [GeneratedRegex(@"^\| (`(?:[^`])*`) \|")]
    private static partial Regex FirstCell();

    [GeneratedRegex(@"--[a-z][a-z-]*")]
    private static partial Regex OptionName();
}
