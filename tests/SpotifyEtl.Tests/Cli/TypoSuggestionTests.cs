using System.CommandLine;
using SpotifyEtl.Cli.Commands;
using SpotifyEtl.Cli.Queries;
using SpotifyEtl.Cli.Shell;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A mistyped verb, option or query name is answered with the name it most likely meant, for every verb, option and
/// named query of the tool and typos of every kind (a letter left out, doubled, changed, added, or two swapped); a word
/// close to nothing gets no guess, and a query named as its file is named (any case, with .sql, under queries/) is run.
/// </summary>
public sealed class TypoSuggestionTests
{
    private const string Letters = "abcdefghijklmnopqrstuvwxyz_";

    /// <summary>Every command below the root with its path of words: "transform", "auth login".</summary>
    internal static IEnumerable<(string[] Path, Command Command)> Commands(Command command, string[] path)
    {
        foreach (var sub in command.Subcommands.Where(c => !c.Hidden))
        {
            string[] subPath = [.. path, sub.Name];
            yield return (subPath, sub);
            foreach (var below in Commands(sub, subPath))
            {
                yield return below;
            }
        }
    }

    /// <summary>Typos of <paramref name="name"/> with one edit each, past its leading dashes; none that is itself a name.</summary>
    private static IEnumerable<string> Typos(string name, Random random, HashSet<string> names)
    {
        var dashes = name.Length - name.TrimStart('-').Length;
        var (head, body) = (name[..dashes], name[dashes..]);
        for (var round = 0; round < 6; round++)
        {
            var at = random.Next(body.Length);
            var letter = Letters[random.Next(Letters.Length)];
            var typo = (round % 4) switch
            {
                0 when body.Length > 3 => body.Remove(at, 1),
                1 when body.Length > 1 => Swap(body, Math.Min(at, body.Length - 2)),
                2 => body[..at] + letter + body[(at + 1)..],
                _ => body.Insert(at, letter.ToString()),
            };
            if (!names.Contains(head + typo) && typo != body)
            {
                yield return head + typo;
            }
        }
    }

    private static string Swap(string body, int at) => body[..at] + body[at + 1] + body[at] + body[(at + 2)..];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_mistyped_verb_or_option_of_any_command_is_answered_with_the_name_it_meant(int seed)
    {
        var random = new Random(seed);
        var root = CliRoot.Create();
        var checkedWords = 0;
        foreach (var (path, command) in Commands(root, []).Prepend(([], root)))
        {
            var verbs = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var verb in verbs)
            {
                foreach (var typo in Typos(verb, random, verbs))
                {
                    AssertMeant(root, [.. path, typo], typo, verb);
                    checkedWords++;
                }
            }
            var options = command.Options.Where(o => !o.Hidden && o.Name.StartsWith("--", StringComparison.Ordinal)).Select(o => o.Name)
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var option in options)
            {
                foreach (var typo in Typos(option, random, options))
                {
                    AssertMeant(root, [.. path, typo], typo, option);
                    checkedWords++;
                }
            }
        }
        Assert.True(checkedWords > 100, $"only {checkedWords} typos were tried");
    }

    /// <summary>The line said of each word the command line could not match.</summary>
    private static IEnumerable<string> LinesOf(System.CommandLine.ParseResult parsed) => Suggestion.Diagnose(parsed).Select(d => d.Line);

    private static void AssertMeant(RootCommand root, string[] arguments, string typo, string meant)
    {
        var suggestions = LinesOf(root.Parse(arguments)).ToList();
        Assert.True(suggestions.Any(line => line.StartsWith($"'{typo}' is unknown here: did you mean", StringComparison.Ordinal) && line.Contains($"'{meant}'", StringComparison.Ordinal)),
            $"{string.Join(' ', arguments)}: expected a suggestion of {meant}, got: {string.Join(" | ", suggestions)}");
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void A_mistyped_query_name_is_answered_with_the_query_it_meant(int seed)
    {
        var random = new Random(seed);
        var names = NamedQueries.All.Select(q => q.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
        {
            foreach (var typo in Typos(name, random, names))
            {
                var refusal = Assert.Throws<CliException>(() => QueryRunner.Select(typo));
                Assert.Equal(ExitCodes.Usage, refusal.ExitCode);
                Assert.Contains($"No named query '{typo}'. Did you mean ", refusal.Message, StringComparison.Ordinal);
                Assert.Contains($"'{name}'", refusal.Message[..refusal.Message.IndexOf("Choose one of", StringComparison.Ordinal)], StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData(6)]
    [InlineData(7)]
    public void A_word_close_to_no_name_gets_no_guess(int seed)
    {
        var random = new Random(seed);
        var root = CliRoot.Create();
        for (var i = 0; i < 40; i++)
        {
            // Letters that begin no name and are rare in them, too many to be a typo of one.
            var word = new string(Enumerable.Range(0, random.Next(6, 14)).Select(_ => "qxzjvkwy"[random.Next(8)]).ToArray());
            Assert.Empty(LinesOf(root.Parse([word])));
            Assert.Empty(LinesOf(root.Parse(["transform", "--" + word])));
            var refusal = Assert.Throws<CliException>(() => QueryRunner.Select(word));
            Assert.DoesNotContain("Did you mean", refusal.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_query_named_as_its_file_is_named_is_that_query()
    {
        foreach (var query in NamedQueries.All)
        {
            foreach (var written in new[] { query.Name.ToUpperInvariant(), query.Name + ".sql", $"queries/{query.Name}.sql", $"./queries/{query.Name}.sql", $"./{query.Name}.sql", $" {query.Name} " })
            {
                Assert.Equal(query.Name, Assert.Single(QueryRunner.Select(written)).Name);
            }
        }
    }

    [Fact]
    public void A_query_file_elsewhere_is_not_taken_for_the_named_query_of_its_name()
    {
        foreach (var written in new[] { "~/my-sql/top_artists.sql", "/tmp/sql/skip_rate.sql", "../skip_rate.sql", "./sql/skip_rate.sql", "../queries/skip_rate.sql" })
        {
            var refusal = Assert.Throws<CliException>(() => QueryRunner.Select(written));
            Assert.Equal(ExitCodes.Usage, refusal.ExitCode);
            Assert.StartsWith($"No named query '{written}'.", refusal.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_option_written_before_its_verb_is_told_to_go_after_it_not_corrected_to_itself()
    {
        var root = CliRoot.Create();
        var tried = 0;
        foreach (var (path, command) in Commands(root, []).Where(c => c.Command.Subcommands.Count == 0))
        {
            foreach (var option in command.Options.Where(o => !o.Hidden && o.Name.StartsWith("--", StringComparison.Ordinal)))
            {
                var lines = LinesOf(root.Parse([option.Name, "/tmp/somewhere", .. path])).ToList();
                Assert.Contains($"'{option.Name}' is an option of '{command.Name}': write it after '{command.Name}'.", lines);
                Assert.DoesNotContain(lines, line => line.Contains("did you mean", StringComparison.Ordinal));
                tried++;
            }
        }
        Assert.True(tried > 20, $"only {tried} options were tried");
    }

    [Fact]
    public void A_verb_or_option_written_after_a_double_dash_is_told_to_leave_the_double_dash_out_not_corrected_to_itself()
    {
        var root = CliRoot.Create();
        var tried = 0;
        foreach (var (path, command) in Commands(root, []).Where(c => c.Command.Subcommands.Count == 0))
        {
            // "spotify-etl -- transform": the verb after it; "spotify-etl transform -- --lake x": the verb's option after it.
            var verbAfter = LinesOf(root.Parse(["--", .. path])).ToList();
            Assert.Contains($"'{path[0]}' comes after '--', which makes every word after it an argument: leave '--' out.", verbAfter);
            foreach (var option in command.Options.Where(o => !o.Hidden && o.Name.StartsWith("--", StringComparison.Ordinal)))
            {
                var lines = LinesOf(root.Parse([.. path, "--", option.Name, "/tmp/somewhere"])).ToList();
                Assert.Contains($"'{option.Name}' comes after '--', which makes every word after it an argument: leave '--' out.", lines);
                Assert.DoesNotContain(lines, line => line.Contains("did you mean", StringComparison.Ordinal) || line.Contains("write it after", StringComparison.Ordinal));
                tried++;
            }
        }
        Assert.True(tried > 20, $"only {tried} options were tried");
    }

    [Fact]
    public void The_tool_says_what_a_mistyped_verb_meant_on_stderr_with_the_usage_exit_code()
    {
        var run = DemoCommandTests.RunCli("transfrom", "--lake", "lake");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("spotify-etl: 'transfrom' is unknown here: did you mean 'transform'?", run.Errors, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }
}
