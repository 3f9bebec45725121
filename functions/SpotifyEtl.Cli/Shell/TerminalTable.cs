using System.Globalization;
using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// A table of text drawn to fit a width, one line per row. Short columns (dates, numbers, ids: values of at most
/// <see cref="ShortWidth"/> columns) keep their values whole while the table can fit them; the longest text is cut
/// with an ellipsis, never wrapped. A table whose columns would not each keep <see cref="Readable"/> columns of their
/// header and values (a name cut to "Ro…", a header to "da…") is drawn a row at a time instead, as psql's expanded
/// display does: each row a box of its own, a line per column, the column's name beside its value (an answer without rows
/// whose names would be cut, the names on a line). What a terminal
/// would not show as it counts is made plain first: a tab or a line break is a space, an invisible format character
/// (a direction mark or override, a zero-width joiner) is dropped.
/// </summary>
internal sealed class TerminalTable
{
    /// <summary>Values this wide or narrower are a short column's, kept whole first.</summary>
    public const int ShortWidth = 24;

    /// <summary>Values this wide or narrower (a date, a number) are kept whole even when the other short columns cannot be.</summary>
    public const int NarrowWidth = 10;

    /// <summary>The columns a long column keeps at least, tried in turn until the short columns fit beside them.</summary>
    private static readonly int[] LongFloors = [3, 2, 1];

    /// <summary>The columns of its header and values each column of a table keeps at least, else the rows are drawn one at a time.</summary>
    public const int Readable = 8;

    /// <summary>What a cut text ends with.</summary>
    public const string Ellipsis = "…";

    private readonly List<string> _headers;
    private readonly List<IReadOnlyList<string>> _rows = [];

    public TerminalTable(IEnumerable<string> headers) => _headers = headers.Select(OneLine).ToList();

    public void AddRow(IEnumerable<string?> values) => _rows.Add(values.Select(value => OneLine(value ?? "")).ToList());

    /// <summary>
    /// The table drawn within <paramref name="width"/> columns with rounded borders, or, where a column would not keep
    /// <see cref="Readable"/> columns, its rows one at a time (<see cref="DrawRows"/>); <paramref name="cut"/> says whether
    /// a header or value had to be cut short.
    /// </summary>
    public IRenderable Draw(int width, out bool cut)
    {
        var count = _headers.Count;
        var headers = _headers.Select(Width).ToArray();
        var values = Enumerable.Range(0, count).Select(c => _rows.Select(row => Width(row[c])).DefaultIfEmpty(0).Max()).ToArray();
        // A border before each column and after the last, and a space either side of every value.
        var widths = Widths(headers, values, width - (3 * count) - 1);
        if (_rows.Count == 0 && Enumerable.Range(0, count).Any(c => widths[c] < headers[c]))
        {
            // No row, so the names are all there is to show: whole, on lines wrapped at the terminal's width as words are.
            cut = false;
            return new Rows(new Text($"columns: {string.Join(", ", _headers)}"));
        }
        if (Enumerable.Range(0, count).Any(c => widths[c] < Math.Min(Readable, Math.Max(headers[c], values[c]))))
        {
            return DrawRows(width, out cut);
        }
        var table = new Table().Border(TableBorder.Rounded);
        cut = false;
        for (var c = 0; c < count; c++)
        {
            var header = Cut(_headers[c], widths[c]);
            cut |= header != _headers[c];
            // A column of numbers is aligned as numbers, on the right, every value of it: a song named "1979" among names is a name.
            var numeric = _rows.Any(row => row[c].Length > 0) && _rows.All(row => row[c].Length == 0 || IsNumber(row[c]));
            table.AddColumn(new TableColumn(new Text(header)) { Width = widths[c], NoWrap = true, Alignment = numeric ? Justify.Right : Justify.Left });
        }
        foreach (var row in _rows)
        {
            var cells = new List<Text>(count);
            for (var c = 0; c < count; c++)
            {
                var value = Cut(row[c], widths[c]);
                cut |= value != row[c];
                cells.Add(new Text(value));
            }
            table.AddRow(cells);
        }
        return table;
    }

    /// <summary>
    /// Each row as a box of its own, within <paramref name="width"/> columns: a line per column, its name (whole while the
    /// names take at most half the width) and its value, cut with an ellipsis where it is longer than the rest of the line.
    /// Every box is as wide as the widest value of any row needs, so that they line up.
    /// </summary>
    private Rows DrawRows(int width, out bool cut)
    {
        // Two borders, a space either side of each of the two columns, and the border between them.
        var room = Math.Max(2, width - 7);
        var names = Math.Clamp(_headers.Max(Width), 1, Math.Max(1, room / 2));
        var valueWidth = Math.Clamp(_rows.SelectMany(row => row).Select(Width).DefaultIfEmpty(1).Max(), 1, Math.Max(1, room - names));
        cut = false;
        var boxes = new List<IRenderable>(_rows.Count);
        foreach (var row in _rows)
        {
            var box = new Table().Border(TableBorder.Rounded).HideHeaders()
                .AddColumn(new TableColumn("") { Width = names, NoWrap = true })
                .AddColumn(new TableColumn("") { Width = valueWidth, NoWrap = true });
            for (var c = 0; c < _headers.Count; c++)
            {
                var (name, value) = (Cut(_headers[c], names), Cut(row[c], valueWidth));
                cut |= name != _headers[c] || value != row[c];
                box.AddRow(new Text(name), new Text(value));
            }
            boxes.Add(box);
        }
        return new Rows(boxes);
    }

    /// <summary>
    /// The width of each column. Short columns get their values whole and the long ones a few columns first (on a terminal
    /// too narrow for that, the narrowest columns whole and the others one column); then every
    /// column grows towards its widest header or value, the narrowest first, as far as <paramref name="available"/>
    /// allows. Every column is at least one wide.
    /// </summary>
    public static int[] Widths(IReadOnlyList<int> headers, IReadOnlyList<int> values, int available)
    {
        var wanted = values.Select(v => Math.Max(1, v)).ToArray();
        // The long columns give way first, down to a few columns of text, then to one; then the short ones but the narrowest
        // (dates, numbers), and those only when even that does not fit.
        var floors = LongFloors.Select(least => wanted.Select(v => v <= ShortWidth ? v : Math.Min(v, least)).ToArray())
            .Append(wanted.Select(v => v <= NarrowWidth ? v : 1).ToArray())
            .FirstOrDefault(tried => tried.Sum() <= available) ?? wanted.Select(_ => 1).ToArray();
        return Fill(floors, wanted.Select((v, c) => Math.Max(v, headers[c])).ToArray(), available);
    }

    /// <summary>Each column from its floor towards its target, the narrowest targets met first, within <paramref name="available"/>.</summary>
    private static int[] Fill(int[] floors, int[] targets, int available)
    {
        if (targets.Sum() <= available)
        {
            return targets;
        }
        if (floors.Sum() >= available)
        {
            return floors;
        }
        int At(int cap, int c) => Math.Clamp(cap, floors[c], targets[c]);
        var low = 0;
        var high = targets.Max();
        while (low < high)
        {
            var cap = (low + high + 1) / 2;
            if (Enumerable.Range(0, floors.Length).Sum(c => At(cap, c)) <= available)
            {
                low = cap;
            }
            else
            {
                high = cap - 1;
            }
        }
        var widths = Enumerable.Range(0, floors.Length).Select(c => At(low, c)).ToArray();
        var left = available - widths.Sum();
        for (var c = 0; c < widths.Length && left > 0; c++)
        {
            if (widths[c] < targets[c])
            {
                widths[c]++;
                left--;
            }
        }
        return widths;
    }

    private static bool IsNumber(string text) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    /// <summary>The columns <paramref name="text"/> takes, counted as the table counts them.</summary>
    public static int Width(string text) => text.GetCellWidth();

    /// <summary><paramref name="text"/> within <paramref name="width"/> columns: whole, or cut and ended with an ellipsis.</summary>
    public static string Cut(string text, int width)
    {
        if (Width(text) <= width)
        {
            return text;
        }
        var kept = new StringBuilder();
        var used = 0;
        var room = width - Width(Ellipsis);
        // By text element, so that a letter keeps its combining marks and a pair of surrogates stays a pair.
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            var element = elements.GetTextElement();
            var columns = Width(element);
            if (used + columns > room)
            {
                break;
            }
            kept.Append(element);
            used += columns;
        }
        return kept.Append('…').ToString();
    }

    /// <summary>
    /// <paramref name="text"/> as one line a terminal shows as it is counted: control characters (a tab, a line break,
    /// an escape) and line or paragraph separators become a space; format characters, which take no column (direction
    /// marks, embeddings, overrides and isolates, zero-width joiners), are dropped.
    /// </summary>
    public static string OneLine(string text)
    {
        if (!text.Any(NeedsChange))
        {
            return text;
        }
        var line = new StringBuilder(text.Length);
        foreach (var character in text)
        {
            switch (char.GetUnicodeCategory(character))
            {
                case UnicodeCategory.Format:
                    break;
                case UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator:
                    line.Append(' ');
                    break;
                default:
                    line.Append(character);
                    break;
            }
        }
        return line.ToString();
    }

    private static bool NeedsChange(char character) =>
        char.GetUnicodeCategory(character) is UnicodeCategory.Format or UnicodeCategory.Control or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator;
}
