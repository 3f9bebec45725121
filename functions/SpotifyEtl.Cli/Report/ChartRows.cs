using System.Globalization;
using static SpotifyEtl.Cli.Report.Svg;

namespace SpotifyEtl.Cli.Report;

/// <summary>
/// The charts of one labelled row per item: bars for a ranking, dots on a date axis. On a wide screen a label sits left
/// of its row, right-aligned, in a column as wide as the widest label needs (at most about a third of the chart); on a
/// phone it takes the whole width above its row. A label too long for its room is cut by its estimated width, a label
/// joining names each of them (<see cref="Svg.FitJoined"/>), so that it starts inside the chart whatever script it is
/// written in; a note under such a chart says where the whole name is: the table under it, which a reader opens by
/// keyboard or touch as well as by mouse.
/// </summary>
internal static partial class Charts
{
    private const double Gap = 6;

    /// <summary>Where a chart of labelled rows draws: the plot's left edge, each row's height, and the label's room.</summary>
    private readonly record struct Rows(ChartLayout Layout, double Left, int RowHeight, double LabelRoom)
    {
        public static Rows For(ChartLayout layout, IEnumerable<string> labels)
        {
            if (layout.IsNarrow)
            {
                return new Rows(layout, 8, 38, layout.Width - 8);
            }
            var room = Math.Min(layout.Width * 0.34, labels.Select(l => TextWidth(l, ChartLayout.LabelFont)).DefaultIfEmpty(0).Max());
            return new Rows(layout, Math.Max(room + Gap + 2, 40), 24, room);
        }

        /// <summary>Under a chart that cut a label, a note that the whole name is in the table under the chart; else nothing.</summary>
        public string CutNote(IEnumerable<string> names)
        {
            var room = LabelRoom;
            return names.Any(name => FitJoined(name, room, ChartLayout.LabelFont) != name)
                ? "<p class=\"note cut-note\">Names cut short with “…” are whole in the table below.</p>" : "";
        }

        /// <summary>The top of the row's mark (a bar, or the dot's line), below its label on a phone.</summary>
        public double MarkTop(int i, double top) => top + i * RowHeight + (Layout.IsNarrow ? 18 : 3);

        public void Label(System.Text.StringBuilder svg, int i, double top, string name)
        {
            var y = top + i * RowHeight;
            if (Layout.IsNarrow)
            {
                Text(svg, 2, y + 13, EachIsolated(FitJoined(name, LabelRoom, ChartLayout.LabelFont)), "start", "label");
            }
            else
            {
                Text(svg, Left - Gap, y + RowHeight * 0.65, EachIsolated(FitJoined(name, LabelRoom, ChartLayout.LabelFont)), "end", "label");
            }
        }
    }

    /// <summary>Horizontal bars for a ranking of counts: one labelled row per item, values on a titled axis with whole-number ticks.</summary>
    public static string Ranking(ChartLayout layout, IReadOnlyList<IReadOnlyList<string?>> rows, Func<IReadOnlyList<string?>, string> label, int valueIndex,
        string xTitle, string unit, string description, string? note = null)
    {
        const int top = 8, bottom = 40;
        var frame = Rows.For(layout, rows.Select(label));
        var (width, left, right) = (layout.Width, frame.Left, 40);
        var height = top + rows.Count * frame.RowHeight + bottom;
        var ticks = Ticks(rows.Select(r => Number(r[valueIndex])).DefaultIfEmpty(0).Max(), whole: true);
        var max = ticks[^1];
        var plotWidth = width - left - right;
        var bar = layout.IsNarrow ? 14 : frame.RowHeight - 6;
        var svg = Open(width, height, description);
        foreach (var tick in ticks)
        {
            var x = left + tick / max * plotWidth;
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{F(x)}\" x2=\"{F(x)}\" y1=\"{top}\" y2=\"{top + rows.Count * frame.RowHeight}\"/>");
            Text(svg, x, top + rows.Count * frame.RowHeight + 14, TickLabel(tick, ticks));
        }
        for (var i = 0; i < rows.Count; i++)
        {
            var name = label(rows[i]);
            var value = rows[i][valueIndex];
            var w = Number(value) / max * plotWidth;
            var y = frame.MarkTop(i, top);
            frame.Label(svg, i, top, name);
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect class=\"mark\" x=\"{F(left)}\" y=\"{F(y)}\" width=\"{F(w)}\" height=\"{bar}\" data-label=\"{Escape(name)}\" data-value=\"{Escape(value)}\">" +
                $"<title>{Escape(Isolated(name))}: {Escape(value)} {Escape(unit)}</title></rect>");
            Text(svg, left + w + 4, y + bar - 4, value ?? "", "start", "value");
        }
        Text(svg, left + plotWidth / 2.0, height - 6, $"{xTitle} ({unit})", css: "axis-title");
        return Closed(svg, note, frame.CutNote(rows.Select(label)));
    }

    /// <summary>
    /// When each artist was first played (in the lake, or in the imported history): a dot per artist on a date axis, its ends labelled with the first and last date
    /// (one date in the middle when every dot falls on the same day), and between them the years or months that begin there (<see cref="DateTicks"/>).
    /// The dots keep clear of the labels and the edge, and the chart ends with <paramref name="note"/> where there is one.
    /// </summary>
    public static string Timeline(ChartLayout layout, IReadOnlyList<IReadOnlyList<string?>> rows, int labelIndex, int dateIndex, string description,
        string axisTitle = "Date of the first play in the lake (UTC)", string dotTitle = "first play in the lake", string? note = null)
    {
        const int top = 8, bottom = 40, radius = 5, inset = radius + 5;
        var frame = Rows.For(layout, rows.Select(r => r[labelIndex] ?? ""));
        var (width, right) = (layout.Width, layout.IsNarrow ? 8 : 24);
        var height = top + rows.Count * frame.RowHeight + bottom;
        // A date, or the date of a timestamp (yyyy-MM-ddTHH:mm:ssZ).
        var dates = rows.Select(r => r[dateIndex] is { Length: >= 10 } text
            && DateOnly.TryParseExact(text.AsSpan(0, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date.DayNumber : 0).ToList();
        var (first, last) = (dates.DefaultIfEmpty(0).Min(), dates.DefaultIfEmpty(0).Max());
        // The dots' span, inside the plot by a dot and a gap on either side.
        var (from, to) = (frame.Left + inset, width - right - inset);
        double X(int day) => first == last ? (from + to) / 2.0 : from + (day - first) / (double)(last - first) * (to - from);
        var svg = Open(width, height, description);
        for (var i = 0; i < rows.Count; i++)
        {
            var y = layout.IsNarrow ? frame.MarkTop(i, top) + radius + 2 : top + i * frame.RowHeight + frame.RowHeight / 2.0;
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{F(frame.Left)}\" x2=\"{width - right}\" y1=\"{F(y)}\" y2=\"{F(y)}\"/>");
            frame.Label(svg, i, top, rows[i][labelIndex] ?? "");
            svg.Append(CultureInfo.InvariantCulture,
                $"<circle class=\"mark\" cx=\"{F(X(dates[i]))}\" cy=\"{F(y)}\" r=\"{radius}\" data-label=\"{Escape(rows[i][labelIndex])}\" data-value=\"{Escape(rows[i][dateIndex])}\"><title>{Escape(Isolated(rows[i][labelIndex]))}: {dotTitle} {Escape(rows[i][dateIndex])}</title></circle>");
        }
        var axis = top + rows.Count * frame.RowHeight + 14;
        string Day(int day) => DateOnly.FromDayNumber(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (first == last)
        {
            Text(svg, X(first), axis, Day(first));
        }
        else
        {
            Text(svg, from - inset, axis, Day(first), "start");
            Text(svg, to + inset, axis, Day(last), "end");
            // Between the ends, clear of them: the range beyond the end labels and a gap.
            var ends = TextWidth(Day(first), ChartLayout.TickFont) + TickGap;
            foreach (var (day, label) in DateTicks(first, last, X, from - inset + ends, to + inset - ends))
            {
                Text(svg, X(day), axis, label);
            }
        }
        Text(svg, (frame.Left + width - right) / 2.0, height - 6, axisTitle, css: "axis-title");
        return Closed(svg, note, frame.CutNote(rows.Select(r => r[labelIndex] ?? "")));
    }

    private const double TickGap = 8;

    /// <summary>
    /// The dates between two days (day numbers) that a date axis labels: the first of each year (<c>yyyy</c>) over two years
    /// or more, else of each month (<c>yyyy-MM</c>); every one, every second, or every n-th, the first stride at which each
    /// label keeps a gap from the next, all inside [<paramref name="left"/>, <paramref name="right"/>] (where the end labels are not).
    /// </summary>
    internal static List<(int Day, string Label)> DateTicks(int first, int last, Func<int, double> x, double left, double right)
    {
        var years = last - first >= 730;
        var candidates = new List<(int Day, string Label)>();
        var start = DateOnly.FromDayNumber(first);
        for (var date = years ? new DateOnly(start.Year + 1, 1, 1) : new DateOnly(start.Year, start.Month, 1).AddMonths(1);
             date.DayNumber < last; date = years ? date.AddYears(1) : date.AddMonths(1))
        {
            var label = date.ToString(years ? "yyyy" : "yyyy-MM", CultureInfo.InvariantCulture);
            var half = TextWidth(label, ChartLayout.TickFont) / 2;
            if (x(date.DayNumber) - half >= left && x(date.DayNumber) + half <= right)
            {
                candidates.Add((date.DayNumber, label));
            }
        }
        for (var stride = 1; stride <= candidates.Count; stride++)
        {
            var chosen = candidates.Where((_, i) => i % stride == 0).ToList();
            if (chosen.Zip(chosen.Skip(1)).All(p => x(p.Second.Day) - x(p.First.Day) >= (TextWidth(p.First.Label, ChartLayout.TickFont) + TextWidth(p.Second.Label, ChartLayout.TickFont)) / 2 + TickGap))
            {
                return chosen;
            }
        }
        return [];
    }
}
