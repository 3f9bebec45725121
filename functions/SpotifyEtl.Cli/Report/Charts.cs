using System.Globalization;
using System.Text;
using SpotifyEtl.Cli.Queries;
using static SpotifyEtl.Cli.Report.Svg;

namespace SpotifyEtl.Cli.Report;

/// <summary>
/// The report's charts, written as inline SVG from a named query's answer. Every drawn value is a
/// <c>.mark</c> element carrying the query's own text in <c>data-value</c>, so a test (or a person with
/// the developer tools) can check a chart against the table beside it. Colours come from the page's CSS,
/// which follows the reader's light or dark scheme.
/// </summary>
internal static partial class Charts
{
    /// <summary>The index of <paramref name="name"/> among the answer's columns; a column the query lacks is a report section out of step with it.</summary>
    internal static int Column(QueryResult result, string name)
    {
        var index = result.Columns.ToList().IndexOf(name);
        return index >= 0 ? index : throw new InvalidOperationException($"Query {result.Name} has no column {name}: the report section and the query disagree.");
    }

    /// <summary>
    /// Vertical bars over an ordered category (weeks): a value axis with round ticks, both axes titled. A category
    /// <paramref name="partial"/> picks (a week the lake holds only in part) is drawn paler, and the chart ends with <paramref name="note"/>
    /// of the ones it draws (a week cut off the chart is not said).
    /// </summary>
    public static string Columns(ChartLayout layout, QueryResult result, string labelColumn, string valueColumn, string xTitle, string yTitle, string unit,
        Func<string?, bool>? partial = null, Func<IReadOnlyList<string?>, string?>? note = null, bool whole = false, string? until = null)
    {
        var (l, v) = (Column(result, labelColumn), Column(result, valueColumn));
        var fit = (int)((layout.Width - AxisMargins) / MinimumBand);
        var all = ChartSlots.Of(result.Rows, l, until);
        // Empty places up to the latest period, as long as they leave the chart half its room: past that they would push
        // every bar off it, and the note alone says where the rows end.
        var lastRow = all.FindLastIndex(s => s.Row is not null);
        if (lastRow >= 0 && all.Count - 1 - lastRow > fit / 2)
        {
            all = all[..(lastRow + 1)];
        }
        var (slots, earlier) = ChartSlots.Latest(all, fit);
        var rows = slots.Where(s => s.Row is not null).Select(s => s.Row!).ToList();
        const int top = 12;
        var bottom = Bottom(slots);
        var (width, height, left, right) = (layout.Width, (layout.IsNarrow ? 156 : 216) + bottom, layout.IsNarrow ? 48.0 : 56, layout.IsNarrow ? 8 : 12);
        // The first label, slanted down to the left from the middle of its column, starts inside the chart.
        var every = LabelStep(slots, layout.AxisLabels);
        var firstBand = (width - left - right) / (double)Math.Max(slots.Count, 1);
        var firstLabelled = slots.Count == 0 ? 0 : (slots.Count - 1) % every;
        left = Math.Max(left, Math.Ceiling(SlantedReach(slots.ElementAtOrDefault(firstLabelled).Label ?? "") - firstBand / 2 - firstLabelled * firstBand + 2));
        var ticks = Ticks(rows.Select(r => Number(r[v])).DefaultIfEmpty(0).Max(), whole: whole);
        var max = ticks[^1];
        var plotWidth = width - left - right;
        var plotHeight = height - top - bottom;
        var svg = Open(width, height, $"{yTitle} by {LowerFirst(xTitle)}");
        foreach (var tick in ticks)
        {
            var y = top + plotHeight - tick / max * plotHeight;
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{F(left)}\" x2=\"{width - right}\" y1=\"{F(y)}\" y2=\"{F(y)}\"/>");
            Text(svg, left - 6, y + 4, TickLabel(tick, ticks), "end");
        }
        var band = plotWidth / (double)Math.Max(slots.Count, 1);
        for (var i = 0; i < slots.Count; i++)
        {
            var x = left + i * band + band * 0.1;
            if (slots[i].Row is { } row)
            {
                var h = Number(row[v]) / max * plotHeight;
                var (css, aside) = Partiality(partial, row[l]);
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect class=\"{css}\" x=\"{F(x)}\" y=\"{F(top + plotHeight - h)}\" width=\"{F(band * 0.8)}\" height=\"{F(h)}\" data-label=\"{Escape(row[l])}\" data-value=\"{Escape(row[v])}\">" +
                    $"<title>{Escape(Isolated(row[l]))}: {Escape(row[v])} {Escape(unit)}{aside}</title></rect>");
            }
            if ((slots.Count - 1 - i) % every == 0)
            {
                Text(svg, x + band * 0.4, top + plotHeight + 14, slots[i].Label ?? "", "end", rotate: -35);
            }
        }
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{F(left)}\" x2=\"{width - right}\" y1=\"{top + plotHeight}\" y2=\"{top + plotHeight}\"/>");
        Text(svg, left + plotWidth / 2.0, height - 4, xTitle, css: "axis-title");
        Text(svg, 14, top + plotHeight / 2.0, $"{yTitle} ({unit})", css: "axis-title", rotate: -90);
        // Rows that end before the latest period say so, whether the axis runs on to it or (too far) does not.
        var last = lastRow >= 0 ? all[lastRow].Label : null;
        var after = last is null || until is null || string.CompareOrdinal(until, last) <= 0 ? "" : $"<p class=\"note after-note\">Nothing after {ChartSlots.Period(last)} " +
            $"{Escape(last)}, to the latest snapshot's, {Escape(until)}: none was made, or none was extracted since.</p>";
        return Closed(svg, NoteOf(rows, l, partial, note), LatestNote(slots, earlier, result.Rows.Count) + after);
    }

    /// <summary>What the drawn rows <paramref name="partial"/> picks have in common, said by <paramref name="note"/>; null when none is drawn.</summary>
    private static string? NoteOf(List<IReadOnlyList<string?>> rows, int l, Func<string?, bool>? partial, Func<IReadOnlyList<string?>, string?>? note) =>
        rows.Where(r => partial?.Invoke(r[l]) == true).Select(r => r[l]).ToList() is [_, ..] drawn ? note?.Invoke(drawn) : null;

    /// <summary>
    /// What a chart cut to its latest places says under it: how many it shows of how many, from when. Places count the periods
    /// with nothing, which the table below does not list, so its rows are counted apart.
    /// </summary>
    private static string LatestNote(List<(string? Label, IReadOnlyList<string?>? Row)> slots, int earlier, int rows) =>
        earlier == 0 ? "" : $"<p class=\"note cut-note\">The latest {slots.Count} of {slots.Count + earlier} {ChartSlots.Noun(slots[0].Label)} (from "
            + $"{Escape(slots[0].Label)}, those with nothing counted too); the table below has all {rows} that hold anything.</p>";

    /// <summary>
    /// The narrowest column a place along a category axis gets: a longer axis (a library's saves reach back years) shows its
    /// latest places that fit, rather than bars too thin to see or point at.
    /// </summary>
    private const double MinimumBand = 3;

    /// <summary>The least distance between two places along a line chart's axis: a longer axis shows its latest places that fit.</summary>
    private const double MinimumStep = 4;

    /// <summary>What the axes take of a column chart's width at most: the value axis and its ticks (48 or 56), the right edge (8 or 12), and the room the first slanted label may add.</summary>
    private const int AxisMargins = 80;

    /// <summary>Plays by weekday (0 = Monday) and hour, from listening_clock's columns: a cell per hour, darker for more plays.</summary>
    public static string Heatmap(ChartLayout layout, QueryResult result) =>
        Heatmap(layout, result, "play_count", "plays", "Plays by weekday and hour of the day (UTC)", "the more plays");

    /// <summary>
    /// A value by weekday (column weekday, 0 = Monday; weekday_name) and hour (hour_of_day), the colour its share of
    /// <paramref name="fullScale"/> (a percentage's 100: one stream skipped of one is not the darkest of a scale that the
    /// hours' largest share sets), or of the largest value where there is none. A cell whose <paramref name="basis"/> (the
    /// column that counts what its share rests on) is under <see cref="Basis.Least"/> is drawn hollow, its share not coloured
    /// as if it said as much as a full hour's, and the chart ends with the basis's note.
    /// </summary>
    public static string Heatmap(ChartLayout layout, QueryResult result, string valueColumn, string unit, string description, string stronger,
        double? fullScale = null, Basis? basis = null)
    {
        var (d, n, h, v) = (Column(result, "weekday"), Column(result, "weekday_name"), Column(result, "hour_of_day"), Column(result, valueColumn));
        var b = basis is null ? -1 : Column(result, basis.Column);
        bool Few(IReadOnlyList<string?> row) => b >= 0 && Number(row[b]) < basis!.Least;
        const int top = 10;
        // On a phone the axis title takes two lines: the hours, then what the colour says.
        var (width, left, bottom) = (layout.Width, layout.IsNarrow ? 36 : 44, layout.IsNarrow ? 58 : 44);
        var cell = layout.IsNarrow ? (width - left - 4) / 24.0 : 24;
        var line = layout.IsNarrow ? 16 : cell;
        var height = top + 7 * line + bottom;
        var max = fullScale ?? Math.Max(result.Rows.Select(r => Number(r[v])).DefaultIfEmpty(1).Max(), double.Epsilon);
        var svg = Open(width, height, description);
        string[] days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        for (var day = 0; day < 7; day++)
        {
            Text(svg, left - 6, top + day * line + line * 0.65, days[day], "end", "label");
            for (var hour = 0; hour < 24; hour++)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"empty\" x=\"{F(left + hour * cell + 1)}\" y=\"{F(top + day * line + 1)}\" width=\"{F(cell - 2)}\" height=\"{F(line - 2)}\"/>");
            }
        }
        foreach (var row in result.Rows)
        {
            var day = (int)Number(row[d]);
            var hour = (int)Number(row[h]);
            var share = Math.Clamp(Number(row[v]) / max, 0, 1);
            var (css, opacity, aside) = Few(row)
                ? (" few", 0.0, $" (of {Escape(row[b])} {Escape(basis!.Unit)}: too few to read)")
                : ("", 0.15 + 0.85 * share, "");
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect class=\"mark heat{css}\" x=\"{F(left + hour * cell + 1)}\" y=\"{F(top + day * line + 1)}\" width=\"{F(cell - 2)}\" height=\"{F(line - 2)}\" fill-opacity=\"{F(opacity)}\" " +
                $"data-label=\"{Escape(row[n])} · {Escape(row[h])}\" data-value=\"{Escape(row[v])}\"><title>{Escape(Isolated(row[n]))} {Escape(row[h])}:00–{Escape(row[h])}:59 UTC: {Escape(row[v])} {Escape(unit)}{aside}</title></rect>");
        }
        for (var hour = 0; hour < 24; hour += 3)
        {
            Text(svg, left + hour * cell + cell / 2.0, top + 7 * line + 14, hour.ToString(CultureInfo.InvariantCulture));
        }
        if (layout.IsNarrow)
        {
            Text(svg, left + 12 * cell, height - 22, "Hour of the day (UTC)", css: "axis-title");
            Text(svg, width / 2.0, height - 6, $"Stronger colour: {stronger}", css: "axis-title");
        }
        else
        {
            Text(svg, left + 12 * cell, height - 6, $"Hour of the day (UTC); the stronger the colour, {stronger}", css: "axis-title");
        }
        return Closed(svg, result.Rows.Any(Few) ? basis!.Note : null);
    }

    /// <summary>
    /// A value over ordered weeks as a line with a dot per week, the latest weeks that fit the width; a week
    /// <paramref name="partial"/> picks is a hollow dot, as <see cref="Columns"/> has it. A week whose
    /// <paramref name="basis"/> is under <see cref="Basis.Least"/> (a share of two plays) is a dashed dot off the line that
    /// sets no scale: one play skipped of one is 100%, which would flatten every week of hundreds under it; one above the
    /// scale is drawn at its top, its title giving its value.
    /// </summary>
    public static string Line(ChartLayout layout, QueryResult result, string labelColumn, string valueColumn, string xTitle, string yTitle, string unit,
        Func<string?, bool>? partial = null, Func<IReadOnlyList<string?>, string?>? note = null, Basis? basis = null)
    {
        var (l, v) = (Column(result, labelColumn), Column(result, valueColumn));
        var b = basis is null ? -1 : Column(result, basis.Column);
        bool Few(IReadOnlyList<string?> row) => b >= 0 && Number(row[b]) < basis!.Least;
        const int top = 12;
        var (width, left, right) = (layout.Width, layout.IsNarrow ? 48 : 56, layout.IsNarrow ? 10 : 16);
        // The first week's label, slanted down to the left from its dot, starts inside the chart; the last dot keeps off the
        // edge. Weeks' labels are all of a length, so the latest's reach is the first's wherever the line is cut.
        var all = ChartSlots.Of(result.Rows, l);
        var inset = Math.Max(8, Math.Ceiling(SlantedReach(all.LastOrDefault().Label ?? "") - left + 2));
        var (slots, earlier) = ChartSlots.Latest(all, (int)((width - left - right - inset - 8) / MinimumStep) + 1);
        var rows = slots.Where(s => s.Row is not null).Select(s => s.Row!).ToList();
        var bottom = Bottom(slots);
        var height = (layout.IsNarrow ? 146 : 196) + bottom;
        var ticks = Ticks((rows.Any(r => !Few(r)) ? rows.Where(r => !Few(r)) : rows).Select(r => Number(r[v])).DefaultIfEmpty(0).Max());
        var max = ticks[^1];
        var (plotWidth, plotHeight) = (width - left - right, height - top - bottom);
        var svg = Open(width, height, $"{yTitle} by {LowerFirst(xTitle)}");
        foreach (var tick in ticks)
        {
            var y = top + plotHeight - tick / max * plotHeight;
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{F(left)}\" x2=\"{width - right}\" y1=\"{F(y)}\" y2=\"{F(y)}\"/>");
            Text(svg, left - 6, y + 4, TickLabel(tick, ticks), "end");
        }
        var step = slots.Count > 1 ? (plotWidth - inset - 8) / (double)(slots.Count - 1) : 0;
        double X(int slot) => slots.Count > 1 ? left + inset + slot * step : left + plotWidth / 2.0;
        double Y(IReadOnlyList<string?> row) => top + plotHeight - Math.Min(Number(row[v]), max) / max * plotHeight;
        // A week no row holds breaks the line: it had no value, which a line drawn across would give it. So does a week of
        // few plays, whose share the line would pass on as if it said as much as its neighbours'.
        foreach (var run in ChartSlots.Runs([.. slots.Select(s => s.Row is { } r && Few(r) ? (s.Label, null) : s)]))
        {
            svg.Append("<polyline class=\"line\" points=\"").AppendJoin(' ', run.Select(i => $"{F(X(i))},{F(Y(slots[i].Row!))}")).Append("\"/>");
        }
        var every = LabelStep(slots, layout.AxisLabels);
        for (var i = 0; i < slots.Count; i++)
        {
            if (slots[i].Row is { } row)
            {
                var (css, aside) = Partiality(partial, row[l]);
                if (Few(row))
                {
                    (css, aside) = (css + " few", aside + $" (of {Escape(row[b])} {Escape(basis!.Unit)}: too few to read{(Number(row[v]) > max ? "; drawn at the top of the scale" : "")})");
                }
                svg.Append(CultureInfo.InvariantCulture,
                    $"<circle class=\"{css}\" cx=\"{F(X(i))}\" cy=\"{F(Y(row))}\" r=\"4\" data-label=\"{Escape(row[l])}\" data-value=\"{Escape(row[v])}\"><title>{Escape(Isolated(row[l]))}: {Escape(row[v])} {Escape(unit)}{aside}</title></circle>");
            }
            if ((slots.Count - 1 - i) % every == 0)
            {
                Text(svg, X(i), top + plotHeight + 14, slots[i].Label ?? "", "end", rotate: -35);
            }
        }
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{F(left)}\" x2=\"{width - right}\" y1=\"{top + plotHeight}\" y2=\"{top + plotHeight}\"/>");
        Text(svg, left + plotWidth / 2.0, height - 4, xTitle, css: "axis-title");
        Text(svg, 14, top + plotHeight / 2.0, $"{yTitle} ({unit})", css: "axis-title", rotate: -90);
        string?[] notes = [NoteOf(rows, l, partial, note), rows.Any(Few) ? basis!.Note : null];
        return Closed(svg, notes.Any(n => n is not null) ? string.Join(" ", notes.OfType<string>()) : null, LatestNote(slots, earlier, result.Rows.Count));
    }

    /// <summary>How far left of its anchor a category label reaches, slanted as the axes draw it (35 degrees, anchored at its end).</summary>
    private static double SlantedReach(string label) =>
        TextWidth(label, ChartLayout.TickFont) * Math.Cos(Math.PI * 35 / 180) + ChartLayout.TickFont * Math.Sin(Math.PI * 35 / 180);

    /// <summary>
    /// The room under a plot for its slanted category labels and the axis title below them: a label's end hangs 14 units under
    /// the axis, its start lower by its length and its font's descent at 35 degrees, and the title's line (its baseline 4 units
    /// above the chart's edge) keeps 2 units below the lowest start. At least 64, the room a short label leaves.
    /// </summary>
    private static int Bottom(List<(string? Label, IReadOnlyList<string?>? Row)> slots)
    {
        var drop = slots.Select(s => TextWidth(s.Label ?? "", ChartLayout.TickFont)).DefaultIfEmpty(0).Max() * Math.Sin(Math.PI * 35 / 180)
            + 0.3 * ChartLayout.TickFont * Math.Cos(Math.PI * 35 / 180);
        return Math.Max(64, (int)Math.Ceiling(14 + drop + 2 + ChartLayout.LabelFont + 4));
    }

    /// <summary>A title inside a sentence: its first letter lower case, the rest as written ("Monday, UTC" keeps its capitals).</summary>
    private static string LowerFirst(string title) => title.Length == 0 ? title : char.ToLowerInvariant(title[0]) + title[1..];

    /// <summary>
    /// A mark's class and what its title adds: a category the lake holds only in part is a <c>partial</c> mark, a week or
    /// (a <c>yyyy-MM</c> label) a month.
    /// </summary>
    private static (string Css, string Aside) Partiality(Func<string?, bool>? partial, string? label) =>
        partial?.Invoke(label) == true
            ? ("mark partial", label is { Length: 7 } ? " (a month the history holds only in part)" : " (a week the lake holds only in part)")
            : ("mark", "");

    /// <summary>
    /// Every how many categories one is labelled, counted back from the last, so that the latest (the one a note most often
    /// speaks of) is always named: at most <paramref name="labels"/>, at a step of whole months (1, 2, 3, 4, 6, 12 ...) over
    /// months and of weeks (1, 2, 4, 8, 13, 26, 52 ...) over weeks, so the labels keep to one month of the year or one weekday.
    /// </summary>
    private static int LabelStep(List<(string? Label, IReadOnlyList<string?>? Row)> slots, int labels)
    {
        var least = Math.Max(1, (int)Math.Ceiling(slots.Count / (double)labels));
        int[] steps = slots.FirstOrDefault().Label?.Length == 7 ? [1, 2, 3, 4, 6, 12, 24, 36, 60, 120] : [1, 2, 4, 8, 13, 26, 52, 104, 260];
        return steps.FirstOrDefault(step => step >= least, least);
    }

    /// <summary>
    /// What a heatmap's or a line's shares rest on: the column that counts it, in what <paramref name="Unit"/>, the least
    /// count that colours a cell or puts a dot on the line, and the note under a chart with one below it.
    /// </summary>
    public sealed record Basis(string Column, string Unit, int Least, string Note);

    /// <summary>
    /// The chart's closing tag, then <paramref name="cutNote"/> (on names cut short) and its note below it where there is one,
    /// last: a figure's caption is its first or last child.
    /// </summary>
    private static string Closed(StringBuilder svg, string? note, string cutNote = "") =>
        svg.Append("</svg>").Append(cutNote).Append(note is null ? "" : $"<figcaption class=\"note partial-note\">{Escape(note)}</figcaption>").ToString();
}
