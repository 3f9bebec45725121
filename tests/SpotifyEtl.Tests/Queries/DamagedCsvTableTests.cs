using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SpotifyEtl.Cli.Commands;
using SpotifyEtl.Cli.Queries;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using SpotifyEtl.Transformation.Current;
using Xunit;

namespace SpotifyEtl.Tests.Queries;

/// <summary>
/// A CSV table file spoiled on one line, the way a hand edit or a cut copy spoils it: every such file is reported as
/// damaged, by name, whichever table it belongs to and whether or not a question reads the spoiled column, and the
/// questions that do not read its table answer as before. DuckDB alone reads some of these as whole: over many files it
/// reads a file with a quote left open as holding no rows, and a quote inside a value or a last line cut short as data.
/// </summary>
public sealed partial class DamagedCsvTableTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [GeneratedRegex("--[^\n]*")]
    private static partial Regex Comment();

    /// <summary>A copy of the fixture's CSV lake: every table, the listening history and the current-state tables included.</summary>
    private string FixtureCopy(string name) => LakeDatabaseTests.CopyOfFixtureLake(_folder[name]);

    /// <summary>A lake the tool samples and transforms to CSV: seven days, so seven files per daily table.</summary>
    private string SampledCsvLake(string name)
    {
        var lake = _folder[name];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "7", "--items", "30", "--seed", "11").ExitCode);
        var transformed = DemoCommandTests.RunCli("transform", "--lake", lake, "--format", "csv");
        Assert.True(transformed.ExitCode == 0, transformed.Errors);
        return lake;
    }

    /// <summary>The queries that answered (a query a damaged file left without an answer is there with its error, and rows null).</summary>
    private static Dictionary<string, string> Answers(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateArray().Where(a => a.GetProperty("error").ValueKind == JsonValueKind.Null)
            .ToDictionary(a => a.GetProperty("name").GetString()!, a => a.GetRawText());

    private static string Text(QueryResult result) =>
        $"{string.Join('|', result.Columns)}\n{string.Join('\n', result.Rows.Select(row => string.Join('|', row.Select(v => v ?? "(null)"))))}";

    /// <summary>Whether the named query reads the table, by its SQL (comments aside): a FROM or a JOIN naming it.</summary>
    internal static bool Reads(NamedQuery query, string table) =>
        Regex.IsMatch(Comment().Replace(query.Sql, ""), $@"\b(FROM|JOIN)\s+{table}\b", RegexOptions.IgnoreCase);

    [Fact]
    public void A_text_value_a_query_cannot_convert_exits_65_naming_its_file_and_the_questions_that_do_not_read_it_still_answer()
    {
        var lake = SampledCsvLake("lake");
        var healthy = Answers(DemoCommandTests.RunCli("query", "--lake", lake, "--json").Output);
        var file = Directory.EnumerateFiles(Path.Combine(lake, "transformed", "plays"), "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ElementAt(3);
        var lines = File.ReadAllLines(file);
        lines[1] = "yesterday" + lines[1][lines[1].IndexOf(',', StringComparison.Ordinal)..];
        File.WriteAllLines(file, lines);
        var relative = Path.GetRelativePath(lake, file).Replace('\\', '/');

        var query = DemoCommandTests.RunCli("query", "--lake", lake, "--json");
        var page = _folder["report.html"];
        var report = DemoCommandTests.RunCli("report", "--lake", lake, "--out", page);

        Assert.True(query.ExitCode == 65, $"exit {query.ExitCode}: {query.Errors}");
        Assert.Equal($"spotify-etl: Table 'plays' cannot be read: its file {relative} is damaged (line 2, ", query.Errors[..(query.Errors.IndexOf("line 2, ", StringComparison.Ordinal) + 8)]);
        Assert.Contains("'yest'", query.Errors, StringComparison.Ordinal);
        Assert.Contains($"Write it again: transform again (spotify-etl transform --lake {lake})", query.Errors, StringComparison.Ordinal);
        Assert.Single(query.Errors.TrimEnd().Split('\n'));
        var answered = Answers(query.Output);
        foreach (var named in NamedQueries.All)
        {
            if (Reads(named, "plays"))
            {
                Assert.DoesNotContain(named.Name, answered.Keys);
            }
            else
            {
                Assert.Equal(healthy[named.Name], answered[named.Name]);
            }
        }
        Assert.True(report.ExitCode == 65, $"exit {report.ExitCode}: {report.Errors}");
        Assert.Contains($"The report is written to {page} without the sections these tables feed. Table 'plays' cannot be read: its file {relative} is damaged",
            report.Errors, StringComparison.Ordinal);
        var html = File.ReadAllText(page);
        Assert.Contains($"its file {relative} is damaged", html, StringComparison.Ordinal);
        Assert.DoesNotContain("failed on DuckDB", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_quote_left_open_in_a_day_of_plays_is_no_day_without_plays()
    {
        var lake = SampledCsvLake("lake");
        var file = Directory.EnumerateFiles(Path.Combine(lake, "transformed", "plays"), "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ElementAt(2);
        var lines = File.ReadAllLines(file);
        lines[1] = "\"" + lines[1];
        File.WriteAllLines(file, lines);
        var relative = Path.GetRelativePath(lake, file).Replace('\\', '/');

        var query = DemoCommandTests.RunCli("query", "--lake", lake, "--json");
        var report = DemoCommandTests.RunCli("report", "--lake", lake, "--out", _folder["report.html"]);

        Assert.True(query.ExitCode == 65, $"exit {query.ExitCode}: {query.Errors}");
        Assert.Equal($"spotify-etl: Table 'plays' cannot be read: its file {relative} is damaged (line 2: the quote that opens played_at is not closed on the line). " +
                     $"Write it again: transform again (spotify-etl transform --lake {lake}), which rebuilds every day from raw/.", query.Errors.TrimEnd());
        Assert.DoesNotContain("listening_clock", Answers(query.Output).Keys);
        Assert.Equal(65, report.ExitCode);
        Assert.Contains($"its file {relative} is damaged", report.Errors, StringComparison.Ordinal);
    }

    /// <summary>The ways a line is spoiled, for a table's columns: each takes the line's fields and returns the spoiled line.</summary>
    private static IEnumerable<(string How, Func<List<string>, Random, string> Spoil)> Spoilings(IReadOnlyList<(string Name, ColumnType Type)> columns)
    {
        yield return ("a stray quote at the start", (fields, _) => "\"" + Line(fields));
        yield return ("a stray quote in the middle", (fields, random) =>
        {
            var line = Line(fields);
            return line.Insert(1 + random.Next(line.Length - 1), "\"");
        });
        yield return ("a stray quote at the end", (fields, _) => Line(fields) + "\"");
        yield return ("a missing column", (fields, random) =>
        {
            fields.RemoveAt(random.Next(fields.Count));
            return Line(fields);
        });
        yield return ("an extra column", (fields, random) =>
        {
            fields.Insert(random.Next(fields.Count + 1), "extra");
            return Line(fields);
        });
        for (var c = 0; c < columns.Count; c++)
        {
            var index = c;
            if (columns[c].Type != ColumnType.Text)
            {
                string[] words = columns[c].Type == ColumnType.WholeNumber ? ["abc", "1.5", "99999999999", "12x"] : ["abc", "maybe", "2"];
                yield return ($"a wrong value in {columns[c].Name}", (fields, random) =>
                {
                    fields[index] = words[random.Next(words.Length)];
                    return Line(fields);
                });
            }
        }
    }

    /// <summary>The fields of a CSV line, quotes undone.</summary>
    private static List<string> Fields(string line)
    {
        var fields = new List<string>();
        var value = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            if (quoted && line[i] == '"' && i + 1 < line.Length && line[i + 1] == '"')
            {
                value.Append('"');
                i++;
            }
            else if (line[i] == '"')
            {
                quoted = !quoted;
            }
            else if (line[i] == ',' && !quoted)
            {
                fields.Add(value.ToString());
                value.Clear();
            }
            else
            {
                value.Append(line[i]);
            }
        }
        fields.Add(value.ToString());
        return fields;
    }

    private static string Line(IEnumerable<string> fields) =>
        string.Join(',', fields.Select(f => f.IndexOfAny([',', '"']) >= 0 ? "\"" + f.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : f));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Every_table_file_spoiled_on_one_line_is_named_as_damaged_and_the_questions_that_do_not_read_its_table_answer_as_before(int seed)
    {
        var lake = FixtureCopy("lake");
        var healthy = (await QueryRunner.RunAsync(lake, null, CancellationToken.None)).Results.ToDictionary(r => r.Name, Text);
        Assert.Equal(NamedQueries.All.Count, healthy.Count);
        var random = new Random(seed);
        foreach (var (table, columns) in TableNames.Columns.Concat(CurrentTables.Columns))
        {
            // Files with at least one row: a header alone has no line to spoil.
            var files = Directory.EnumerateFiles(Path.Combine(lake, "transformed", table), "*.csv", SearchOption.AllDirectories)
                .Where(file => File.ReadAllText(file).TrimEnd().Contains('\n', StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
            Assert.NotEmpty(files);
            var spoilings = Spoilings(columns).Append(("the last line cut short", null!)).ToList();
            // Every question is asked for one of the table's spoilings (asking them all for each takes minutes); for the
            // others, a query over the table.
            var askAll = random.Next(spoilings.Count);
            for (var s = 0; s < spoilings.Count; s++)
            {
                var (how, spoil) = spoilings[s];
                var file = files[random.Next(files.Count)];
                var good = File.ReadAllBytes(file);
                var text = Encoding.UTF8.GetString(good);
                var lines = text.Split('\n').ToList();
                var count = lines.Count - 1; // the text ends with a line break: the last of these is empty
                if (spoil is null)
                {
                    // Between one character (the line break) and all but the first character of the last line.
                    File.WriteAllText(file, text[..^(1 + random.Next(lines[count - 1].Length))]);
                }
                else
                {
                    var row = 1 + random.Next(count - 1);
                    var ending = lines[row].EndsWith('\r') ? "\r" : "";
                    lines[row] = spoil(Fields(lines[row].TrimEnd('\r')), random) + ending;
                    File.WriteAllText(file, string.Join('\n', lines));
                }
                var what = $"{Path.GetRelativePath(lake, file)}, {how} (seed {seed})";
                var damaged = $"Table '{table}' cannot be read: its file {Path.GetRelativePath(lake, file).Replace('\\', '/')} is damaged (";

                if (s == askAll)
                {
                    var answers = await QueryRunner.RunAsync(lake, null, CancellationToken.None);

                    Assert.True(answers.Damaged.Count == 1, $"{what}: {string.Join(" / ", answers.Damaged)}");
                    Assert.StartsWith(damaged, answers.Damaged[0], StringComparison.Ordinal);
                    Assert.Contains("Write it again: ", answers.Damaged[0], StringComparison.Ordinal);
                    Assert.Equal(65, Assert.Throws<SpotifyEtl.Cli.Shell.CliException>(answers.ThrowIfDamaged).ExitCode);
                    var reading = NamedQueries.All.Where(q => Reads(q, table)).Select(q => q.Name).ToHashSet();
                    Assert.Equal(healthy.Keys.Where(name => !reading.Contains(name)).Order(), answers.Results.Select(r => r.Name).Order());
                    Assert.All(answers.Results, r => Assert.True(healthy[r.Name] == Text(r), $"{what}: {r.Name} changed"));
                }
                else
                {
                    using var database = LakeDatabase.Open(lake);
                    var refused = Assert.Throws<LakeException>(() => database.Read($"SELECT COUNT(*) FROM {table}", table));
                    Assert.True(refused.Message.StartsWith(damaged, StringComparison.Ordinal), $"{what}: {refused.Message}");
                }
                File.WriteAllBytes(file, good);
            }
        }
    }
}
