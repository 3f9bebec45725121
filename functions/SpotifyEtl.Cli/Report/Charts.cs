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
internal static class Charts
{
    private static int Column(QueryResult result, string name)
    {
        var index = result.Columns.ToList().IndexOf(name);
        return index >= 0 ? index : throw new InvalidOperationException($"Query {result.Name} has no column {name}: the report section and the query disagree.");
    }

    /// <summary>
    /// Vertical bars over an ordered category (weeks): a value axis with round ticks, both axes titled. A category
    /// <paramref name="partial"/> picks (a week the lake holds only in part) is drawn paler, and the chart ends with <paramref name="note"/>.
    /// </summary>
    public static string Columns(QueryResult result, string labelColumn, string valueColumn, string xTitle, string yTitle, string unit,
        Func<string?, bool>? partial = null, string? note = null)
    {
        var (l, v) = (Column(result, labelColumn), Column(result, valueColumn));
        var rows = result.Rows.OrderBy(r => r[l], StringComparer.Ordinal).ToList();
        const int width = 640, height = 280, left = 56, right = 12, top = 12, bottom = 64;
        var ticks = Ticks(rows.Select(r => Number(r[v])).DefaultIfEmpty(0).Max());
        var max = ticks[^1];
        var plotWidth = width - left - right;
        var plotHeight = height - top - bottom;
        var svg = Open(width, height, $"{yTitle} by {LowerFirst(xTitle)}");
        foreach (var tick in ticks)
        {
            var y = top + plotHeight - tick / max * plotHeight;
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{left}\" x2=\"{width - right}\" y1=\"{F(y)}\" y2=\"{F(y)}\"/>");
            Text(svg, left - 6, y + 4, F(tick), "end");
        }
        var band = plotWidth / (double)Math.Max(rows.Count, 1);
        var every = Math.Max(1, (int)Math.Ceiling(rows.Count / 12.0));
        for (var i = 0; i < rows.Count; i++)
        {
            var value = Number(rows[i][v]);
            var h = value / max * plotHeight;
            var x = left + i * band + band * 0.1;
            var (css, aside) = Partiality(partial, rows[i][l]);
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect class=\"{css}\" x=\"{F(x)}\" y=\"{F(top + plotHeight - h)}\" width=\"{F(band * 0.8)}\" height=\"{F(h)}\" data-label=\"{Escape(rows[i][l])}\" data-value=\"{Escape(rows[i][v])}\">" +
                $"<title>{Escape(Isolated(rows[i][l]))}: {Escape(rows[i][v])} {Escape(unit)}{aside}</title></rect>");
            if (i % every == 0)
            {
                Text(svg, x + band * 0.4, top + plotHeight + 14, rows[i][l] ?? "", "end", rotate: -35);
            }
        }
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{left}\" x2=\"{width - right}\" y1=\"{top + plotHeight}\" y2=\"{top + plotHeight}\"/>");
        Text(svg, left + plotWidth / 2.0, height - 4, xTitle, css: "axis-title");
        Text(svg, 14, top + plotHeight / 2.0, $"{yTitle} ({unit})", css: "axis-title", rotate: -90);
        return Closed(svg, rows.Any(r => partial?.Invoke(r[l]) == true) ? note : null);
    }

    /// <summary>Horizontal bars for a ranking: one labelled row per item, values on a titled axis.</summary>
    public static string Ranking(IReadOnlyList<IReadOnlyList<string?>> rows, Func<IReadOnlyList<string?>, string> label, int valueIndex, string xTitle, string unit, string description)
    {
        const int width = 640, left = 210, right = 40, top = 8, rowHeight = 24, bottom = 40;
        var height = top + rows.Count * rowHeight + bottom;
        var ticks = Ticks(rows.Select(r => Number(r[valueIndex])).DefaultIfEmpty(0).Max());
        var max = ticks[^1];
        var plotWidth = width - left - right;
        var svg = Open(width, height, description);
        foreach (var tick in ticks)
        {
            var x = left + tick / max * plotWidth;
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{F(x)}\" x2=\"{F(x)}\" y1=\"{top}\" y2=\"{top + rows.Count * rowHeight}\"/>");
            Text(svg, x, top + rows.Count * rowHeight + 14, F(tick));
        }
        for (var i = 0; i < rows.Count; i++)
        {
            var name = label(rows[i]);
            var value = rows[i][valueIndex];
            var w = Number(value) / max * plotWidth;
            var y = top + i * rowHeight;
            Text(svg, left - 6, y + rowHeight * 0.65, Shorten(name, 30), "end", "label");
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect class=\"mark\" x=\"{left}\" y=\"{F(y + 3)}\" width=\"{F(w)}\" height=\"{rowHeight - 6}\" data-label=\"{Escape(name)}\" data-value=\"{Escape(value)}\">" +
                $"<title>{Escape(Isolated(name))}: {Escape(value)} {Escape(unit)}</title></rect>");
            Text(svg, left + w + 4, y + rowHeight * 0.65, value ?? "", "start", "value");
        }
        Text(svg, left + plotWidth / 2.0, height - 6, $"{xTitle} ({unit})", css: "axis-title");
        return svg.Append("</svg>").ToString();
    }

    /// <summary>Plays by weekday (0 = Monday) and hour, from listening_clock's columns: a cell per hour, darker for more plays.</summary>
    public static string Heatmap(QueryResult result) =>
        Heatmap(result, "play_count", "plays", "Plays by weekday and hour of the day (UTC)", "the more plays");

    /// <summary>A value by weekday (column weekday, 0 = Monday; weekday_name) and hour (hour_of_day), the colour its share of the largest.</summary>
    public static string Heatmap(QueryResult result, string valueColumn, string unit, string description, string stronger)
    {
        var (d, n, h, v) = (Column(result, "weekday"), Column(result, "weekday_name"), Column(result, "hour_of_day"), Column(result, valueColumn));
        const int width = 640, left = 44, top = 10, cell = 24, bottom = 44;
        var height = top + 7 * cell + bottom;
        var max = Math.Max(result.Rows.Select(r => Number(r[v])).DefaultIfEmpty(1).Max(), double.Epsilon);
        var svg = Open(width, height, description);
        string[] days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        for (var day = 0; day < 7; day++)
        {
            Text(svg, left - 6, top + day * cell + cell * 0.65, days[day], "end", "label");
            for (var hour = 0; hour < 24; hour++)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"empty\" x=\"{left + hour * cell + 1}\" y=\"{top + day * cell + 1}\" width=\"{cell - 2}\" height=\"{cell - 2}\"/>");
            }
        }
        foreach (var row in result.Rows)
        {
            var day = (int)Number(row[d]);
            var hour = (int)Number(row[h]);
            var share = Number(row[v]) / max;
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect class=\"mark heat\" x=\"{left + hour * cell + 1}\" y=\"{top + day * cell + 1}\" width=\"{cell - 2}\" height=\"{cell - 2}\" fill-opacity=\"{F(0.15 + 0.85 * share)}\" " +
                $"data-label=\"{Escape(row[n])} · {Escape(row[h])}\" data-value=\"{Escape(row[v])}\"><title>{Escape(Isolated(row[n]))} {Escape(row[h])}:00–{Escape(row[h])}:59 UTC: {Escape(row[v])} {Escape(unit)}</title></rect>");
        }
        for (var hour = 0; hour < 24; hour += 3)
        {
            Text(svg, left + hour * cell + cell / 2.0, top + 7 * cell + 14, hour.ToString(CultureInfo.InvariantCulture));
        }
        Text(svg, left + 12 * cell, height - 6, $"Hour of the day (UTC); the stronger the colour, {stronger}", css: "axis-title");
        return svg.Append("</svg>").ToString();
    }

    /// <summary>A value over ordered weeks as a line with a dot per week; a week <paramref name="partial"/> picks is a hollow dot, as <see cref="Columns"/> has it.</summary>
    public static string Line(QueryResult result, string labelColumn, string valueColumn, string xTitle, string yTitle, string unit,
        Func<string?, bool>? partial = null, string? note = null)
    {
        var (l, v) = (Column(result, labelColumn), Column(result, valueColumn));
        var rows = result.Rows.OrderBy(r => r[l], StringComparer.Ordinal).ToList();
        const int width = 640, height = 260, left = 56, right = 16, top = 12, bottom = 64;
        var ticks = Ticks(rows.Select(r => Number(r[v])).DefaultIfEmpty(0).Max());
        var max = ticks[^1];
        var (plotWidth, plotHeight) = (width - left - right, height - top - bottom);
        var svg = Open(width, height, $"{yTitle} by {LowerFirst(xTitle)}");
        foreach (var tick in ticks)
        {
            var y = top + plotHeight - tick / max * plotHeight;
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{left}\" x2=\"{width - right}\" y1=\"{F(y)}\" y2=\"{F(y)}\"/>");
            Text(svg, left - 6, y + 4, F(tick), "end");
        }
        var step = rows.Count > 1 ? plotWidth / (double)(rows.Count - 1) : 0;
        var points = rows.Select((r, i) => (X: left + (rows.Count > 1 ? i * step : plotWidth / 2.0), Y: top + plotHeight - Number(r[v]) / max * plotHeight)).ToList();
        svg.Append("<polyline class=\"line\" points=\"").AppendJoin(' ', points.Select(p => $"{F(p.X)},{F(p.Y)}")).Append("\"/>");
        var every = Math.Max(1, (int)Math.Ceiling(rows.Count / 12.0));
        for (var i = 0; i < rows.Count; i++)
        {
            var (css, aside) = Partiality(partial, rows[i][l]);
            svg.Append(CultureInfo.InvariantCulture,
                $"<circle class=\"{css}\" cx=\"{F(points[i].X)}\" cy=\"{F(points[i].Y)}\" r=\"4\" data-label=\"{Escape(rows[i][l])}\" data-value=\"{Escape(rows[i][v])}\"><title>{Escape(Isolated(rows[i][l]))}: {Escape(rows[i][v])} {Escape(unit)}{aside}</title></circle>");
            if (i % every == 0)
            {
                Text(svg, points[i].X, top + plotHeight + 14, rows[i][l] ?? "", "end", rotate: -35);
            }
        }
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{left}\" x2=\"{width - right}\" y1=\"{top + plotHeight}\" y2=\"{top + plotHeight}\"/>");
        Text(svg, left + plotWidth / 2.0, height - 4, xTitle, css: "axis-title");
        Text(svg, 14, top + plotHeight / 2.0, $"{yTitle} ({unit})", css: "axis-title", rotate: -90);
        return Closed(svg, rows.Any(r => partial?.Invoke(r[l]) == true) ? note : null);
    }

    /// <summary>A title inside a sentence: its first letter lower case, the rest as written ("Monday, UTC" keeps its capitals).</summary>
    private static string LowerFirst(string title) => title.Length == 0 ? title : char.ToLowerInvariant(title[0]) + title[1..];

    /// <summary>A mark's class and what its title adds: a category the lake holds only in part is a <c>partial</c> mark.</summary>
    private static (string Css, string Aside) Partiality(Func<string?, bool>? partial, string? label) =>
        partial?.Invoke(label) == true ? ("mark partial", " (a week the lake holds only in part)") : ("mark", "");

    /// <summary>The chart's closing tag, and its note below it where there is one.</summary>
    private static string Closed(StringBuilder svg, string? note) =>
        svg.Append("</svg>").Append(note is null ? "" : $"<figcaption class=\"note partial-note\">{Escape(note)}</figcaption>").ToString();

    /// <summary>When each artist was first heard: a dot per artist on a date axis.</summary>
    public static string Timeline(IReadOnlyList<IReadOnlyList<string?>> rows, int labelIndex, int dateIndex, string description,
        string axisTitle = "Date of the first play in the lake (UTC)")
    {
        const int width = 640, left = 210, right = 40, top = 8, rowHeight = 24, bottom = 40;
        var height = top + rows.Count * rowHeight + bottom;
        // A date, or the date of a timestamp (yyyy-MM-ddTHH:mm:ssZ).
        var dates = rows.Select(r => r[dateIndex] is { Length: >= 10 } text
            && DateOnly.TryParseExact(text.AsSpan(0, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date.DayNumber : 0).ToList();
        var (first, last) = (dates.DefaultIfEmpty(0).Min(), dates.DefaultIfEmpty(0).Max());
        var span = Math.Max(last - first, 1);
        var plotWidth = width - left - right;
        var svg = Open(width, height, description);
        for (var i = 0; i < rows.Count; i++)
        {
            var y = top + i * rowHeight + rowHeight / 2.0;
            var x = left + (dates[i] - first) / (double)span * plotWidth;
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{left}\" x2=\"{width - right}\" y1=\"{F(y)}\" y2=\"{F(y)}\"/>");
            Text(svg, left - 6, y + 4, Shorten(rows[i][labelIndex] ?? "", 30), "end", "label");
            svg.Append(CultureInfo.InvariantCulture,
                $"<circle class=\"mark\" cx=\"{F(x)}\" cy=\"{F(y)}\" r=\"5\" data-label=\"{Escape(rows[i][labelIndex])}\" data-value=\"{Escape(rows[i][dateIndex])}\"><title>{Escape(Isolated(rows[i][labelIndex]))}: first heard {Escape(rows[i][dateIndex])}</title></circle>");
        }
        Text(svg, left, top + rows.Count * rowHeight + 14, DateOnly.FromDayNumber(first).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "start");
        Text(svg, width - right, top + rows.Count * rowHeight + 14, DateOnly.FromDayNumber(last).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "end");
        Text(svg, left + plotWidth / 2.0, height - 6, axisTitle, css: "axis-title");
        return svg.Append("</svg>").ToString();
    }
}
