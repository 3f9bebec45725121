using System.Globalization;
using System.Text;
using SpotifyEtl.Cli.Queries;
using static SpotifyEtl.Cli.Report.Svg;

namespace SpotifyEtl.Cli.Report;

/// <summary>
/// The report as one self-contained HTML page: inline CSS and SVG, no script, no font or image to
/// fetch (a Content-Security-Policy forbids any), light and dark schemes, readable on a phone.
/// </summary>
internal static class HtmlReport
{
    public static string Render(ReportInput input, IReadOnlyList<ReportSection> sections)
    {
        sections = InPageOrder(input, sections);
        var html = new StringBuilder(64 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
            .Append("<meta name=\"color-scheme\" content=\"light dark\">")
            .Append("<title>Spotify Stack: listening report</title><style>").Append(Style).Append("</style></head><body><main>")
            .Append("<header><h1>Listening report</h1>")
            .Append(CultureInfo.InvariantCulture, $"<p class=\"source\">From the lake <code>{Escape(input.Source)}</code>{Latest(input)}. Times are UTC.</p>");
        html.Append("<nav aria-label=\"Sections\"><ul>");
        foreach (var section in sections)
        {
            html.Append(CultureInfo.InvariantCulture, $"<li><a href=\"#{section.Id}\">{Escape(section.Title)}</a></li>");
        }
        html.Append("</ul></nav></header>");

        string? group = null;
        foreach (var section in sections)
        {
            if (section.Group != group)
            {
                group = section.Group;
                html.Append(CultureInfo.InvariantCulture, $"<h2 class=\"group\">{Escape(group)}</h2>");
                if (group == ReportSections.Quality)
                {
                    html.Append(QualityPanel.Render(input));
                }
            }
            Section(html, section, input.Answers[section.Query], input.Span ?? LakeSpan.Unknown, HoldsHistory(input));
        }
        html.Append("<footer><p>Written by <code>spotify-etl report</code> from the named queries in <code>queries/</code>, ")
            .Append("the same SQL as the Athena named queries and the Snowflake views.</p></footer></main></body></html>\n");
        return html.ToString();
    }

    private static string Latest(ReportInput input)
    {
        var quality = input.Answers.GetValueOrDefault("data_quality")?.Result;
        var latest = quality?.Rows.Select(r => r[0]).Max(StringComparer.Ordinal);
        return latest is null ? "" : $", latest snapshot {Escape(latest)}";
    }

    /// <summary>
    /// The sections as the page shows them: in their own order, except on a lake of an imported listening history and no
    /// play from Spotify's API yet (a listener who has their data export and no extraction), which opens on the history
    /// rather than on the Listening group's sections, each empty until an extraction fills it.
    /// </summary>
    internal static IReadOnlyList<ReportSection> InPageOrder(ReportInput input, IReadOnlyList<ReportSection> sections) =>
        HoldsHistory(input) && input.Answers.GetValueOrDefault("listening_per_week")?.Result?.Rows.Count is 0
            ? [.. sections.Where(s => s.Group == ReportSections.History), .. sections.Where(s => s.Group != ReportSections.History)]
            : sections;

    /// <summary>Whether the lake holds an imported listening history: a month of it has hours.</summary>
    private static bool HoldsHistory(ReportInput input) =>
        input.Answers.GetValueOrDefault("history_hours_per_month")?.Result?.Rows.Count > 0;

    /// <summary>The rows of an answer without a chart shown open; a longer one is folded.</summary>
    internal const int OpenTableRows = 30;

    private static void Section(StringBuilder html, ReportSection section, QueryAnswer answer, LakeSpan span, bool holdsHistory)
    {
        html.Append(CultureInfo.InvariantCulture, $"<section id=\"{section.Id}\" data-query=\"{section.Query}\"><h3>{Escape(section.Title)}</h3><p>{Escape(section.Intro)}</p>");
        if (answer.Result is not { } result)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"note unavailable\">Not available: {Escape(answer.Unavailable)}</p></section>");
            return;
        }
        if (result.Rows.Count == 0)
        {
            var hint = holdsHistory ? section.EmptyHintWithHistory ?? section.EmptyHint : section.EmptyHint;
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"note empty-answer\">{Escape(hint)}</p></section>");
            return;
        }
        // Drawn for a wide screen and for a phone; the stylesheet shows the one that fits.
        var wide = section.Chart?.Invoke(result, span, ChartLayout.Wide);
        if (wide is null && result.Rows.Count <= OpenTableRows)
        {
            Table(html, result, section.Title);
        }
        else if (wide is null)
        {
            // A long answer without a chart (data_quality holds a row per table and day, thousands after a year) is folded,
            // so that the page is not mostly one table; its summary says how long it is.
            html.Append(CultureInfo.InvariantCulture, $"<details><summary>The table ({result.Rows.Count:N0} rows)</summary>");
            Table(html, result, section.Title);
            html.Append("</details>");
        }
        else
        {
            html.Append("<figure class=\"chart-wide\">").Append(wide).Append("</figure>")
                .Append("<figure class=\"chart-narrow\">").Append(section.Chart!(result, span, ChartLayout.Narrow)).Append("</figure>");
            html.Append(CultureInfo.InvariantCulture, $"<details><summary>The numbers as a table ({result.Rows.Count:N0} {(result.Rows.Count == 1 ? "row" : "rows")})</summary>");
            Table(html, result, section.Title);
            html.Append("</details>");
        }
        html.Append("</section>");
    }

    /// <summary>
    /// A query's whole answer, every value as the query gave it; its scrolling box is named by the section's title too, since
    /// two sections may show one query's answer (a screen reader lists the regions by name).
    /// </summary>
    public static void Table(StringBuilder html, QueryResult result, string? title = null)
    {
        html.Append(CultureInfo.InvariantCulture, $"{TableBox(title is null ? result.Question : $"{title}: {result.Question}")}<table data-query=\"{result.Name}\"><caption>{Escape(result.Question)} <code>{result.Name}</code></caption><thead><tr>");
        foreach (var column in result.Columns)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th scope=\"col\">{Escape(column)}</th>");
        }
        html.Append("</tr></thead><tbody>");
        // A column of numbers is aligned as numbers, every value of it: a song named "1979" among names is a name.
        var numeric = result.Columns.Select((_, i) => result.Rows.All(row => row[i] is not { } text || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double _))).ToList();
        foreach (var row in result.Rows)
        {
            html.Append("<tr>");
            for (var i = 0; i < row.Count; i++)
            {
                var value = row[i];
                // A value wider than its cell wraps inside it (see the stylesheet): every reader sees it whole, with or without a pointer.
                html.Append(value is null ? "<td class=\"null\"></td>"
                    : numeric[i] ? $"<td class=\"num\">{Escape(value)}</td>" : $"<td>{Escape(value)}</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</tbody></table></div>");
    }

    /// <summary>
    /// The box a table scrolls in when it is wider than the page: a named region in the keyboard's tab order, so that a
    /// reader without a mouse can reach it and scroll it with the arrow keys, and a screen reader says which table it holds.
    /// </summary>
    public static string TableBox(string name) => $"<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"{Escape(name)}\">";

    // A cell is at most 24em wide and isolated from its neighbours' text direction: names are Spotify's and the
    // listener's, and a very long one (or a right-to-left override in one) must not push or turn the rest of the row.
    // A longer value wraps in its cell, between words or inside a word too long for a line, and is never cut. A table is
    // as wide as its columns want (each at most 24em), so short values such as dates stay on one line; one wider than
    // the page scrolls in its box.
    private const string Style =
        ":root{color-scheme:light dark;--bg:#fff;--fg:#191919;--muted:#5a5a5a;--accent:#17813f;--grid:#dcdcdc;--card:#f2f2f2;--link:#0b62c4}" +
        "@media (prefers-color-scheme:dark){:root{--bg:#121212;--fg:#ececec;--muted:#a8a8a8;--accent:#1ed760;--grid:#353535;--card:#1f1f1f;--link:#7ab7ff}}" +
        "*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}" +
        "main{max-width:800px;margin:0 auto;padding:16px}a{color:var(--link)}h1{margin:.2em 0}h2.group{margin-top:2em;border-bottom:2px solid var(--accent)}" +
        "h3{margin:1.4em 0 .2em}.source,.note,caption{color:var(--muted)}nav ul{display:flex;flex-wrap:wrap;gap:.3em 1em;padding:0;list-style:none;font-size:14px}" +
        "figure{margin:.5em 0}figcaption{font-size:13px}figure p.note{font-size:13px;margin:.2em 0}svg.chart{display:block;width:100%;height:auto}" +
        // Below a 640-pixel column the wide charts' text would shrink under 11 pixels: the phone's drawing shows instead.
        ".chart-narrow{display:none}@media (max-width:671px){.chart-wide{display:none}.chart-narrow{display:block;max-width:480px}}" +
        // A pale mark (a week held in part, a heatmap's cell or a line's week of few plays) is outlined in the full colour, which stands out at
        // 3:1 or more from the page and from an empty cell in either scheme.
        ".mark{fill:var(--accent)}rect.partial{fill-opacity:.4;stroke:var(--accent);stroke-width:1.5}rect.heat{stroke:var(--accent);stroke-width:1}rect.heat.few{stroke-dasharray:2 2}circle.partial,circle.few{fill:var(--bg);stroke:var(--accent);stroke-width:2}circle.few{stroke-dasharray:2 2}.line{fill:none;stroke:var(--accent);stroke-width:2}" +
        ".grid{stroke:var(--grid)}.axis{stroke:var(--muted)}.tick,.value{fill:var(--muted);font-size:11px}.label,.axis-title{fill:var(--fg);font-size:12px}" +
        ".empty{fill:var(--card)}details{margin:.3em 0}summary{cursor:pointer;color:var(--link)}.table-wrap{overflow-x:auto;max-width:100%}" +
        // A table wider than its box shades the edge it continues past, which no overlay scrollbar shows until it is used:
        // covers of the page's colour scroll with the table and hide each shade where the table ends (no script needed).
        ".table-wrap{background:linear-gradient(to right,var(--bg) 14px,transparent) left/40px 100% no-repeat local,linear-gradient(to left,var(--bg) 14px,transparent) right/40px 100% no-repeat local," +
        "radial-gradient(farthest-side at 0 50%,rgba(128,128,128,.5),transparent) left/14px 100% no-repeat scroll,radial-gradient(farthest-side at 100% 50%,rgba(128,128,128,.5),transparent) right/14px 100% no-repeat scroll}" +
        "table{width:max-content;border-collapse:collapse;font-size:13px;margin:.4em 0}caption{text-align:left;font-size:12px}th,td{padding:3px 8px;border-bottom:1px solid var(--grid);text-align:left;max-width:24em;overflow-wrap:break-word;unicode-bidi:isolate}" +
        // A cell's direction is its own text's first letter's (plaintext): a Hebrew name ending in "!" shows it at its end, on the left.
        "td{unicode-bidi:plaintext}" +
        "td.num{white-space:nowrap;text-align:right;font-variant-numeric:tabular-nums}.panel{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:8px;margin:.6em 0}" +
        ".panel div{background:var(--card);padding:8px 12px;border-radius:6px}.panel b{display:block;font-size:22px}footer{margin-top:3em;font-size:13px;color:var(--muted)}" +
        // On paper nothing scrolls and nothing unfolds: every table prints open (the notes point to them), as wide as the page,
        // its long values wrapped; a figure is not split across pages, nor a heading parted from what follows it.
        "@media print{.table-wrap{overflow:visible;background:none}table{width:100%;font-size:10px}th,td{max-width:none;overflow-wrap:anywhere;white-space:normal}" +
        "td.num{white-space:nowrap}@supports selector(::details-content){details::details-content{content-visibility:visible;display:contents}details>summary{display:none}}" +
        "figure{break-inside:avoid}h2,h3{break-after:avoid}}" +
        // In forced colours (a high-contrast theme) the browser sets the page's colours but not a chart's fills and strokes: the
        // charts take the reader's system colours too. Marks are the selection colour, a pale mark hollow, an empty cell outlined.
        "@media (forced-colors:active){.mark{fill:Highlight}.mark.heat{stroke:Highlight}.mark.partial,circle.few{fill:Canvas;fill-opacity:1;stroke:Highlight}" +
        ".line{stroke:Highlight}.grid{stroke:GrayText}.axis{stroke:CanvasText}.tick,.value,.label,.axis-title{fill:CanvasText}.empty{fill:Canvas;stroke:GrayText;stroke-width:1}}";
}
