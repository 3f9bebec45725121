using SpotifyEtl.Tests.Cli;
using Xunit;

namespace SpotifyEtl.Tests.Queries;

/// <summary>
/// DuckDB's readers take every path as a glob pattern: a lake whose folder's name holds <c>*</c>, <c>?</c> or <c>[</c>
/// must still answer from its own tables, not from every lake beside it whose name the pattern matches.
/// </summary>
public sealed class GlobCharactersInLakePathTests
{
    private static readonly string[] Tokens = ["*", "?", "[1]", "**", "[", "]", "[ab]"];

    [Fact]
    public void A_lake_whose_path_holds_glob_characters_answers_from_its_own_tables_beside_lakes_its_name_would_match()
    {
        using var folder = new Support.TempFolder();
        var lake = Transformed(folder["lake"], days: 1, items: 30);
        var other = Transformed(folder["other"], days: 2, items: 60);
        var expected = DemoCommandTests.RunCli("query", "--lake", lake, "--json");
        Assert.True(expected.ExitCode == 0, expected.Errors);
        var random = new Random(17);

        for (var i = 0; i < 6; i++)
        {
            var (name, matched) = Named(random);
            var parent = folder[$"case{i}"];
            Copy(lake, Path.Combine(parent, name));
            foreach (var sibling in matched.Where(sibling => sibling != name))
            {
                Copy(other, Path.Combine(parent, sibling));
            }

            var run = DemoCommandTests.RunCli("query", "--lake", Path.Combine(parent, name), "--json");

            Assert.True(run.ExitCode == 0, $"{name}: {run.Errors}");
            Assert.True(expected.Output == run.Output, $"{name}, beside {string.Join(", ", matched)}, answered from other tables");
        }
    }

    [Fact]
    public void A_lake_whose_path_holds_a_backslash_answers_from_its_tables_and_with_a_glob_character_too_is_refused_saying_why()
    {
        using var folder = new Support.TempFolder();
        var lake = Transformed(folder["lake"], days: 1, items: 30);
        var expected = DemoCommandTests.RunCli("query", "--lake", lake, "--json");
        var random = new Random(29);

        for (var i = 0; i < 4; i++)
        {
            var (name, _) = Named(random);
            var plain = $"{(char)('c' + i)}\\lake{i}";
            var parent = folder[$"case{i}"];
            Copy(lake, Path.Combine(parent, plain));
            Copy(lake, Path.Combine(parent, name + "\\" + i));

            var answered = DemoCommandTests.RunCli("query", "--lake", Path.Combine(parent, plain), "--json");
            var refused = DemoCommandTests.RunCli("query", "--lake", Path.Combine(parent, name + "\\" + i), "--json");

            Assert.True(answered.ExitCode == 0, $"{plain}: {answered.Errors}");
            Assert.Equal(expected.Output, answered.Output);
            Assert.Equal(65, refused.ExitCode);
            Assert.Contains("holds both a backslash and one of * ? [", refused.Errors, StringComparison.Ordinal);
            Assert.DoesNotContain("transform again", refused.Errors, StringComparison.Ordinal);
        }
        // The demo refuses such a lake before it writes anything, where the queries of its fourth step would.
        var demoLake = Path.Combine(folder["demo"], Named(random).Name + "\\lake");
        var demo = DemoCommandTests.RunCli("demo", "--lake", demoLake, "--days", "1", "--items", "5");
        Assert.Equal(65, demo.ExitCode);
        Assert.Contains("holds both a backslash and one of * ? [", demo.Errors, StringComparison.Ordinal);
        Assert.False(Directory.Exists(demoLake));
    }

    /// <summary>A folder name with glob characters in it, and names of folders beside it that the name, read as a pattern, matches.</summary>
    private static (string Name, List<string> Matched) Named(Random random)
    {
        var name = "";
        var matched = "";
        for (var part = 0; part < random.Next(2, 5); part++)
        {
            var letters = new string(Enumerable.Range(0, random.Next(1, 4)).Select(_ => (char)('c' + random.Next(20))).ToArray());
            var token = Tokens[random.Next(Tokens.Length)];
            name += letters + token;
            matched += letters + token switch
            {
                "*" or "**" => new string('x', random.Next(0, 3)),
                "?" => "y",
                "[1]" => "1",
                "[ab]" => "a",
                _ => token,
            };
        }
        return (name, [matched, matched + "-old"]);
    }

    private static string Transformed(string lake, int days, int items)
    {
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", $"{days}", "--items", $"{items}").ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        return lake;
    }

    private static void Copy(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
