using System.Globalization;
using System.Text;
using SpotifyEtl.Cli.Commands;
using SpotifyEtl.Cli.Queries;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Queries;

/// <summary>
/// query's and demo's tables on terminals of random widths, with generated names that mix wide (CJK) letters, combining
/// marks, tabs, direction controls and long words: every line of a table takes the same columns on a terminal, each row
/// is one line, short columns (dates, numbers, ids) stay whole while they can, every column keeps 8 columns of its text
/// or is drawn a row at a time, and the note after the tables is there exactly when a value or header shows cut short.
/// </summary>
public sealed class QueryTableLayoutTests
{
    private const string Note = "Cut to fit";
    private const string Bidi = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f";
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_line_lines_up_rows_stay_one_line_and_short_columns_stay_whole(int seed)
    {
        var random = new Random(seed);
        var kinds = Enumerable.Range(0, 2 + random.Next(7)).Select(_ => random.Next(4)).ToList();
        var columns = kinds.Select((kind, c) => Header(random, kind, c)).ToList();
        var rows = Enumerable.Range(0, random.Next(1, 8))
            .Select(_ => (IReadOnlyList<string?>)kinds.Select(kind => random.Next(12) == 0 ? null : Value(random, kind)).ToList()).ToList();
        var result = new QueryResult("generated", "?", columns, rows);
        var count = kinds.Count;
        var width = 4 * count + 1 + random.Next(200);

        var drawn = Draw(result, width);

        var lines = drawn.Split('\n').Select(line => line.TrimEnd('\r')).ToList();
        var table = lines.Where(line => line.Length > 0 && "╭│├╰".Contains(line[0], StringComparison.Ordinal)).ToList();
        // A table whose columns would not each keep 8 columns of their header and values is drawn a row at a time.
        var shown = rows.Select(row => row.Select(value => Plain(value ?? "")).ToList()).ToList();
        var widths = TerminalTable.Widths([.. columns.Select(h => TerminalTable.Width(TerminalTable.OneLine(h)))],
            [.. Enumerable.Range(0, count).Select(c => rows.Max(row => TerminalTable.Width(TerminalTable.OneLine(row[c] ?? ""))))], width - 3 * count - 1);
        var targets = Enumerable.Range(0, count).Select(c => Math.Max(TerminalTable.Width(TerminalTable.OneLine(columns[c])),
            rows.Max(row => TerminalTable.Width(TerminalTable.OneLine(row[c] ?? ""))))).ToList();
        if (Enumerable.Range(0, count).Any(c => widths[c] < Math.Min(TerminalTable.Readable, targets[c])))
        {
            AssertDrawnRowAtATime(drawn, table, columns, shown, width);
            return;
        }
        Assert.True(table.Count == rows.Count + 4, $"{rows.Count} rows drawn as {table.Count - 4} lines at {width} columns:\n{drawn}");
        // Every column keeps 8 columns of its header and values, or all of them where they are narrower.
        var top = table[0].Split('┬');
        for (var c = 0; c < count; c++)
        {
            // A segment of the top border holds its column's text and a space either side, and the corner at either end.
            var text = Columns(top[c]) - (c == 0 ? 1 : 0) - (c == count - 1 ? 1 : 0) - 2;
            Assert.True(text >= Math.Min(TerminalTable.Readable, targets[c]), $"column {c} shows {text} columns of text at {width}:\n{drawn}");
        }
        foreach (var line in table)
        {
            Assert.True(line.IndexOfAny(['\t', .. Bidi]) < 0, $"a tab or direction control reaches the terminal: {line}");
            Assert.True(Columns(line) == Columns(table[0]), $"{Columns(line)} columns, not {Columns(table[0])}, at {width}:\n{drawn}");
        }
        Assert.True(Columns(table[0]) <= width, $"{Columns(table[0])} columns on a terminal of {width}:\n{drawn}");

        // Short columns (values of up to 24 columns) are whole when they fit with a column for each long one; failing that,
        // the narrowest (up to 10: dates, numbers) when they fit with a column for each other one.
        var widest = Enumerable.Range(0, count).Select(c => Math.Max(1, shown.Max(row => Columns(row[c])))).ToList();
        var body = table.Skip(3).Take(rows.Count).Select(line => line.Split('│')[1..^1]).ToList();
        foreach (var limit in (int[])[24, 10])
        {
            var whole = Enumerable.Range(0, count).Where(c => widest[c] <= limit).ToList();
            if (whole.Sum(c => widest[c]) + (count - whole.Count) + 3 * count + 1 <= width)
            {
                for (var r = 0; r < rows.Count; r++)
                {
                    foreach (var c in whole)
                    {
                        Assert.True(body[r][c].Trim() == shown[r][c].Trim(), $"'{body[r][c]}' shows '{shown[r][c]}' at {width}:\n{drawn}");
                    }
                }
                break;
            }
        }
        Assert.Equal(table.Any(line => line.Contains('…', StringComparison.Ordinal)), drawn.Contains(Note, StringComparison.Ordinal));
    }

    /// <summary>
    /// A row at a time: a box per row, a line per column holding its name and its value, every line as wide as the others and
    /// within the terminal; a value whole where the line has room for it; the note there exactly when something shows cut.
    /// </summary>
    private static void AssertDrawnRowAtATime(string drawn, List<string> box, List<string> columns, List<List<string>> shown, int width)
    {
        Assert.True(box.Count == shown.Count * (columns.Count + 2), $"{shown.Count} rows of {columns.Count} columns drawn as {box.Count} lines at {width}:\n{drawn}");
        Assert.DoesNotContain(box, line => line.StartsWith('├'));
        foreach (var line in box)
        {
            Assert.True(line.IndexOfAny(['\t', .. Bidi]) < 0, $"a tab or direction control reaches the terminal: {line}");
            Assert.True(Columns(line) == Columns(box[0]) && Columns(line) <= width, $"{Columns(line)} columns, not {Columns(box[0])}, at {width}:\n{drawn}");
        }
        var names = columns.Select(Plain).ToList();
        var nameRoom = (width - 7) / 2;
        for (var r = 0; r < shown.Count; r++)
        {
            var cells = box.Skip(r * (columns.Count + 2) + 1).Take(columns.Count).Select(line => line.Split('│')[1..^1]).ToList();
            for (var c = 0; c < columns.Count; c++)
            {
                if (names.All(n => Columns(n) <= nameRoom))
                {
                    Assert.Equal(names[c].Trim(), cells[c][0].Trim());
                }
                if (Columns(shown[r][c]) <= Columns(cells[c][1]) - 2)
                {
                    Assert.True(cells[c][1].Trim() == shown[r][c].Trim(), $"'{cells[c][1]}' shows '{shown[r][c]}' at {width}:\n{drawn}");
                }
            }
        }
        Assert.Equal(box.Any(line => line.Contains('…', StringComparison.Ordinal)), drawn.Contains(Note, StringComparison.Ordinal));
    }

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 60)];

    /// <summary>A terminal two hundred columns wide: a long name is cut with an ellipsis to one line, not wrapped.</summary>
    [Fact]
    public void A_long_name_is_cut_to_one_line_at_two_hundred_columns()
    {
        var name = string.Concat(Enumerable.Repeat("Supercalifragilisticexpialidocious ", 8));
        var result = new QueryResult("top_tracks", "?", ["played_year", "rank", "song", "first_played"],
            [["2026", "1", name, "2026-11-06"], ["2026", "2", "Short", "2026-11-07"]]);

        var drawn = Draw(result, 200);

        var lines = drawn.Split('\n').Where(line => line.StartsWith('│')).ToList();
        Assert.Equal(3, lines.Count);
        Assert.Contains("│ 2026-11-06 ", lines[1], StringComparison.Ordinal);
        Assert.Contains("Supercalifragilisticexpialidocious Super", lines[1], StringComparison.Ordinal);
        Assert.Contains("… │", lines[1], StringComparison.Ordinal);
        Assert.Contains("Cut to fit 200 columns", drawn, StringComparison.Ordinal);
    }

    private static string Draw(QueryResult result, int width) => PlainConsole.Draw(width, console => Render.Queries([result], false, console));

    private static string Header(Random random, int kind, int column) => kind switch
    {
        0 => random.Next(2) == 0 ? "first_played" : "day",
        1 => random.Next(2) == 0 ? "plays" : "rank",
        2 => "track_id",
        _ => random.Next(3) == 0 ? Name(random) : $"name_{column}",
    };

    /// <summary>
    /// Seven columns on an 80-column terminal, three of them names: drawn as one table, a playlist's name showed as "Ro…" and
    /// a header as "da…". A row at a time, every name and header shows whole, and nothing is said cut.
    /// </summary>
    [Fact]
    public void Seven_columns_of_names_and_dates_on_an_80_column_terminal_show_every_value_whole_a_row_at_a_time()
    {
        var result = new QueryResult("days_on_playlist", "?",
            ["playlist_name", "song_name", "artist_names", "days_on_playlist", "on_playlist_since", "first_seen", "last_seen"],
            [
                ["Road Trip, 2026", "Alors on danse", "Stromae, Bizarrap, Beyoncé and 2 more", "324", "2026-01-01", "2026-11-14", "2026-11-20"],
                ["夜のドライブ \"Night Drive\"", "Hoppípolla", "Sigur Rós", "315", "2026-01-06", "2026-11-14", "2026-11-16"],
            ]);

        var drawn = Draw(result, 80);

        Assert.DoesNotContain("…", drawn, StringComparison.Ordinal);
        Assert.DoesNotContain(Note, drawn, StringComparison.Ordinal);
        var lines = drawn.Split('\n').Select(line => line.TrimEnd('\r')).Where(line => line.StartsWith('│')).ToList();
        Assert.Equal(14, lines.Count);
        Assert.All(lines, line => Assert.True(Columns(line) <= 80, line));
        Assert.Contains(lines, line => line.Contains("│ days_on_playlist ", StringComparison.Ordinal) && line.Contains("│ 324 ", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("│ Stromae, Bizarrap, Beyoncé and 2 more ", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("│ 夜のドライブ \"Night Drive\" ", StringComparison.Ordinal));
    }

    /// <summary>An empty answer of seven long column names on a narrow terminal names every column whole, and says nothing is cut.</summary>
    [Theory]
    [InlineData(40)]
    [InlineData(80)]
    public void An_empty_answer_too_wide_for_the_terminal_names_its_columns_whole(int width)
    {
        string[] columns = ["playlist_name", "song_name", "artist_names", "days_on_playlist", "on_playlist_since", "first_seen", "last_seen"];
        var drawn = Draw(new QueryResult("days_on_playlist", "?", columns, []), width);

        var text = string.Join(' ', drawn.Split('\n').Select(line => line.Trim()));
        Assert.All(columns, column => Assert.Contains(column, text, StringComparison.Ordinal));
        Assert.DoesNotContain("…", drawn, StringComparison.Ordinal);
        Assert.DoesNotContain(Note, drawn, StringComparison.Ordinal);
        Assert.Contains("(no rows)", drawn, StringComparison.Ordinal);
        Assert.All(drawn.Split('\n'), line => Assert.True(Columns(line.TrimEnd('\r')) <= width, line));
    }

    /// <summary>A date, a number, an id, or a generated name.</summary>
    private static string Value(Random random, int kind) => kind switch
    {
        0 => new DateOnly(2020, 1, 1).AddDays(random.Next(2500)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        1 => random.Next(random.Next(2) == 0 ? 10 : 100_000).ToString(CultureInfo.InvariantCulture),
        2 => new string(Enumerable.Range(0, 22).Select(_ => Base62[random.Next(Base62.Length)]).ToArray()),
        _ => Name(random),
    };

    private static string Name(Random random)
    {
        var name = new StringBuilder();
        for (var part = 0; part < 1 + random.Next(6); part++)
        {
            switch (random.Next(7))
            {
                case 0:
                    name.Append(new string(Enumerable.Range(0, 1 + random.Next(40)).Select(_ => (char)random.Next(0x4e00, 0x9fa5)).ToArray()));
                    break;
                case 1:
                    name.Append(new string(Enumerable.Range(0, 1 + random.Next(10)).Select(_ => (char)random.Next(0x3041, 0x3097)).ToArray()));
                    break;
                case 2:
                    name.Append('e').Append((char)random.Next(0x300, 0x370)).Append('a').Append('\u0301');
                    break;
                case 3:
                    name.Append('\t');
                    break;
                case 4:
                    name.Append(Bidi[random.Next(Bidi.Length)]);
                    break;
                default:
                    name.Append(new string(Enumerable.Range(0, 1 + random.Next(random.Next(2) == 0 ? 8 : 120)).Select(_ => (char)('a' + random.Next(26))).ToArray()));
                    break;
            }
            name.Append(random.Next(3) == 0 ? "" : " ");
        }
        return name.ToString();
    }

    /// <summary>A value as a terminal shows it: a tab a space, format characters gone.</summary>
    private static string Plain(string value) =>
        new(value.Where(c => char.GetUnicodeCategory(c) != UnicodeCategory.Format).Select(c => c == '\t' ? ' ' : c).ToArray());

    /// <summary>
    /// The columns a terminal gives <paramref name="line"/>, for the characters these tests draw: CJK and kana two, combining
    /// marks and format characters none, a tab up to the next stop of eight.
    /// </summary>
    private static int Columns(string line)
    {
        var columns = 0;
        foreach (var c in line)
        {
            columns += c switch
            {
                '\t' => 8 - (columns % 8),
                >= '\u4e00' and <= '\u9fff' or >= '\u3040' and <= '\u309f' => 2,
                _ when char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format => 0,
                _ => 1,
            };
        }
        return columns;
    }
}
