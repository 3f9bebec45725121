using SpotifyEtl.Cli.Commands;
using SpotifyEtl.Cli.Queries;
using SpotifyEtl.Cli.Report;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Queries;

/// <summary>
/// query's tables on a terminal of a given width: a header or value cut short to fit is followed by one line saying so and
/// what shows it whole; tables that fit have no such line.
/// </summary>
public sealed class QueryTableWidthTests
{
    private const string Note = "Cut to fit";

    private static string Draw(IReadOnlyList<QueryResult> results, int width, bool unicode) =>
        PlainConsole.Draw(width, console => Render.Queries(results, false, console), unicode);

    private static string Word(Random random, int length) =>
        new(Enumerable.Range(0, length).Select(_ => (char)('a' + random.Next(26))).ToArray());

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Cut_values_are_followed_by_one_line_naming_json_and_tables_that_fit_are_not(int seed)
    {
        var random = new Random(seed);
        var unicode = random.Next(2) == 0;
        var count = 6 + random.Next(3);
        // Short headers and values fit an 80-column table of 6 to 8 columns.
        var results = Enumerable.Range(0, 1 + random.Next(3)).Select(q => new QueryResult($"q{q}", "?",
            Enumerable.Range(0, count).Select(_ => Word(random, 2 + random.Next(4))).ToList(),
            Enumerable.Range(0, random.Next(5)).Select(_ => (IReadOnlyList<string?>)Enumerable.Range(0, count).Select(_ => (string?)Word(random, 1 + random.Next(5))).ToList()).ToList())).ToList();
        var fits = Draw(results, 80, unicode);
        Assert.DoesNotContain(Note, fits, StringComparison.Ordinal);

        // A long value in one of them does not: longer than a line, it is cut whether its table is drawn whole or a row at a time.
        var wide = random.Next(results.Count);
        var row = Enumerable.Range(0, count).Select(c => (string?)(c == 0 ? Word(random, 90 + random.Next(100)) : Word(random, 1 + random.Next(5)))).ToList();
        results[wide] = results[wide] with { Rows = [.. results[wide].Rows, row] };
        var cut = Draw(results, 80, unicode);

        Assert.True(cut.Contains('…', StringComparison.Ordinal), cut);
        var notes = cut.Split('\n').Where(line => line.Contains(Note, StringComparison.Ordinal)).ToList();
        Assert.Equal("Cut to fit 80 columns (…): --json or a wider terminal shows values whole.", Assert.Single(notes).TrimEnd());
        Assert.EndsWith(notes[0], cut.TrimEnd(), StringComparison.Ordinal);
        // The demo, which has no --json of its own, names the query command that has, whole on its own line however long.
        var command = $"spotify-etl query --lake /tmp/{new string('d', 90)}/demo --query NAME";
        var demo = PlainConsole.Draw(80, console => Render.Queries(results, false, console, new Render.Shortened(10, command)), unicode).ReplaceLineEndings("\n").Split('\n');
        var said = Array.FindIndex(demo, line => line.Contains(Note, StringComparison.Ordinal));
        Assert.Equal("Cut to fit 80 columns (…): this command shows one answer, every row of it (with --json, every value whole); the report shows every answer:",
            string.Join(' ', demo.Skip(said).TakeWhile(line => !line.StartsWith("spotify-etl", StringComparison.Ordinal)).Select(line => line.TrimEnd())));
        Assert.Single(demo, line => line.TrimEnd() == command);
        // The same tables, wide enough: nothing is cut and nothing is said.
        Assert.DoesNotContain(Note, Draw(results, 1000, unicode), StringComparison.Ordinal);
    }

    /// <summary>An empty answer says what would fill it, as the report's section does, besides saying that it is empty.</summary>
    [Theory]
    [InlineData("top_tracks_movement", "Needs two rankings of top tracks")]
    [InlineData("playlist_changes", "No song arrived on or left a playlist: this query compares each")]
    [InlineData("no_such_section", null)]
    public void An_empty_answer_says_what_would_fill_it(string query, string? hint)
    {
        var empty = new QueryResult(query, "?", ["a", "b"], []);

        var drawn = string.Join(' ', PlainConsole.Draw(200, console => Render.Queries([empty], false, console), unicode: true)
            .Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));

        Assert.Contains("(no rows)", drawn, StringComparison.Ordinal);
        if (hint is not null)
        {
            Assert.Contains(hint, drawn, StringComparison.Ordinal);
        }
        // On a terminal narrower than the hint, it is wrapped to the terminal's width and read from the left, not broken to
        // the table's width and centred under it.
        var narrow = PlainConsole.Draw(60, console => Render.Queries([empty], false, console), unicode: true).ReplaceLineEndings("\n").Split('\n');
        var said = narrow.SkipWhile(line => !line.StartsWith("(no rows)", StringComparison.Ordinal)).TakeWhile(line => line.Length > 0).ToList();
        Assert.All(said, line => Assert.False(line.StartsWith(' ') || line.Length > 60, line));
        Assert.Equal(hint is null ? "(no rows)" : $"(no rows) {ReportSections.EmptyHint(query, false)}", string.Join(' ', said.Select(line => line.TrimEnd())));
    }

    /// <summary>
    /// The demo prints every answer at once: the first rows of each long one, saying how many it has, then the command that
    /// shows one whole; the query command prints every row.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_demo_prints_the_first_rows_of_a_long_answer_and_names_the_command_that_shows_it_whole(int seed)
    {
        var random = new Random(seed);
        var first = random.Next(1, 12);
        var results = Enumerable.Range(0, random.Next(2, 6)).Select(q => new QueryResult($"q{q}", "?", ["n"],
            Enumerable.Range(0, random.Next(0, 3 * first)).Select(i => (IReadOnlyList<string?>)[$"row{i}"]).ToList())).ToList();
        var command = "spotify-etl query --lake /tmp/demo --query NAME";

        var demo = PlainConsole.Draw(200, console => Render.Queries(results, false, console, new Render.Shortened(first, command)), unicode: true);
        var whole = Draw(results, 200, unicode: true);

        foreach (var result in results)
        {
            var shown = Math.Min(first, result.Rows.Count);
            Assert.Equal(shown, result.Rows.Count(row => demo.Contains($"│ {row[0]} ", StringComparison.Ordinal)));
            Assert.Equal(result.Rows.Count, result.Rows.Count(row => whole.Contains($"│ {row[0]} ", StringComparison.Ordinal)));
            Assert.Equal(shown < result.Rows.Count, demo.Contains($"(the first {shown} of {result.Rows.Count} rows)", StringComparison.Ordinal));
        }
        var anyLong = results.Any(result => result.Rows.Count > first);
        Assert.Equal(anyLong, demo.Contains($"Long answers show their first {first} rows: this command shows one answer, every row of it; the report shows every answer:", StringComparison.Ordinal));
        Assert.Equal(anyLong, demo.Contains(command, StringComparison.Ordinal));
        Assert.DoesNotContain("the first", whole, StringComparison.Ordinal);
    }

    /// <summary>A column of numbers reads as one, right-aligned, on any terminal; one holding a name among numbers is text.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_column_of_numbers_is_aligned_on_the_right_and_a_column_of_text_on_the_left(int seed)
    {
        var random = new Random(seed);
        var rows = Enumerable.Range(0, random.Next(2, 12)).Select(i => (IReadOnlyList<string?>)
            [Word(random, random.Next(3, 12)), $"{random.Next(1, 10) * (int)Math.Pow(10, random.Next(0, 5))}", i == 0 ? "1979" : $"{random.Next(100)}", i == 0 ? null : $"{random.NextDouble():0.##}"]).ToList();
        rows.Add([Word(random, 4), "7", "Song", "0.5"]);
        var result = new QueryResult("q", "?", ["name", "plays", "title", "share"], rows);

        var lines = Draw([result], 120, unicode: true).ReplaceLineEndings("\n").Split('\n').Where(line => line.StartsWith('│')).Skip(1).ToList();

        Assert.Equal(rows.Count, lines.Count);
        for (var r = 0; r < rows.Count; r++)
        {
            var cells = lines[r].Split('│')[1..^1];
            // name and title: text on the left; plays and share: numbers on the right (a null as an empty cell).
            Assert.StartsWith($" {rows[r][0]}", cells[0], StringComparison.Ordinal);
            Assert.EndsWith($"{rows[r][1]} ", cells[1], StringComparison.Ordinal);
            Assert.StartsWith($" {rows[r][2]}", cells[2], StringComparison.Ordinal);
            Assert.EndsWith($"{rows[r][3] ?? ""} ", cells[3], StringComparison.Ordinal);
        }
    }
}
