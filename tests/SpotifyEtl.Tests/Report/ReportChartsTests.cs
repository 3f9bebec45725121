using System.Text.RegularExpressions;
using SpotifyEtl.Cli.Queries;
using SpotifyEtl.Cli.Report;
using Xunit;

namespace SpotifyEtl.Tests.Report;

/// <summary>The charts' axes and labels as a reader sees them, on answers made for the purpose.</summary>
public sealed partial class ReportChartsTests
{
    private static string Render(string query, string[] columns, string[][] rows, params string[] sectionIds)
    {
        var result = new QueryResult(query, "?", columns, rows);
        var answers = new Dictionary<string, QueryAnswer> { [query] = new(result, null) };
        return HtmlReport.Render(new ReportInput("test", answers, 0), ReportSections.All.Where(s => sectionIds.Contains(s.Id)).ToList());
    }

    /// <summary>Every chart a section draws (one per screen width it is drawn for).</summary>
    private static List<string> Charts(string html, string section)
    {
        return SvgElement().Matches(Section(html, section)).Select(m => m.Value).ToList();
    }

    private static string[] TickTexts(string svg) => TickText().Matches(svg).Select(m => m.Groups[2].Value).ToArray();

    [Fact]
    public void An_artist_heard_once_has_an_axis_of_whole_plays_and_a_single_first_day_is_one_date_under_the_dots()
    {
        var html = Render("top_artists", ["play_year", "year_rank", "artist_name", "play_count", "first_heard"],
            [["2026", "1", "Quevedo", "1", "2026-11-20"], ["2026", "2", "Mitski", "1", "2026-11-20"]], "top-artists", "first-heard");

        var rankings = Charts(html, "top-artists");
        Assert.NotEmpty(rankings);
        Assert.All(rankings, svg => Assert.Equal(["0", "1"], TickTexts(svg)));

        var timelines = Charts(html, "first-heard");
        Assert.NotEmpty(timelines);
        foreach (var svg in timelines)
        {
            // One date, not "2026-11-20 … 2026-11-20", and the dots above it rather than at the axis' left end.
            var date = Assert.Single(TickText().Matches(svg));
            Assert.Equal("2026-11-20", date.Groups[2].Value);
            Assert.Contains("text-anchor=\"middle\"", date.Value, StringComparison.Ordinal);
            var x = date.Groups[1].Value;
            Assert.All(Dot().Matches(svg), dot => Assert.Equal(x, dot.Groups[1].Value));
        }
    }

    [Fact]
    public void A_dot_of_the_lakes_first_plays_says_first_play_in_the_lake_and_one_of_the_history_says_first_heard()
    {
        var lake = Render("top_artists", ["play_year", "year_rank", "artist_name", "play_count", "first_heard"],
            [["2026", "1", "Quevedo", "1", "2026-11-20"]], "first-heard");
        var history = Render("history_first_heard", ["artist_name", "plays", "first_heard"],
            [["Quevedo", "40", "2016-03-01"]], "history-first-heard");

        Assert.All(Charts(lake, "first-heard"), svg => Assert.Contains(": first play in the lake 2026-11-20</title>", svg, StringComparison.Ordinal));
        Assert.All(Charts(history, "history-first-heard"), svg => Assert.Contains(": first heard 2016-03-01</title>", svg, StringComparison.Ordinal));
        Assert.NotEmpty(Charts(lake, "first-heard"));
        Assert.NotEmpty(Charts(history, "history-first-heard"));
    }

    [Fact]
    public void A_chart_that_cuts_a_name_says_the_table_under_it_holds_it_whole_and_one_that_cuts_none_says_nothing()
    {
        // 37 ideographs: wider than the label's room in either drawing (about 218 units beside the bars, 332 above them).
        const string whole = "夜に駆ける東京の雨と長い夜のドライブの楽団と星空の下で歌う仲間たちの物語";
        string[] columns = ["play_year", "year_rank", "artist_name", "play_count", "first_heard"];
        var cut = Render("top_artists", columns, [["2026", "1", whole, "3", "2026-11-20"], ["2026", "2", "Mitski", "1", "2026-11-20"]], "top-artists");
        var kept = Render("top_artists", columns, [["2026", "1", "Quevedo", "3", "2026-11-20"], ["2026", "2", "Mitski", "1", "2026-11-20"]], "top-artists");

        var section = Section(cut, "top-artists");
        Assert.Equal(2, Charts(cut, "top-artists").Count);
        Assert.All(Charts(cut, "top-artists"), svg => Assert.Contains("…</text>", svg, StringComparison.Ordinal));
        // Each drawing's note follows it, inside its figure, and the table under both holds the name whole in a cell of its own.
        Assert.Equal(2, Regex.Count(section, Regex.Escape("</svg><p class=\"note cut-note\">Names cut short with “…” are whole in the table below.</p></figure>")));
        Assert.Contains($"<td>{System.Net.WebUtility.HtmlEncode(whole)}</td>", section, StringComparison.Ordinal);
        Assert.DoesNotContain("cut-note", Section(kept, "top-artists"), StringComparison.Ordinal);
    }

    private static string Section(string html, string section)
    {
        var start = html.IndexOf($"<section id=\"{section}\"", StringComparison.Ordinal);
        return html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)];
    }

    [GeneratedRegex("<svg class=\"chart\".*?</svg>", RegexOptions.Singleline)]
    private static partial Regex SvgElement();

    [GeneratedRegex("<text class=\"tick\" x=\"([^\"]*)\"[^>]*>([^<]*)</text>")]
    private static partial Regex TickText();

    [GeneratedRegex("<circle class=\"mark\" cx=\"([^\"]*)\"")]
    private static partial Regex Dot();
}
