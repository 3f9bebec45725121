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
        var start = html.IndexOf($"<section id=\"{section}\"", StringComparison.Ordinal);
        var body = html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)];
        return SvgElement().Matches(body).Select(m => m.Value).ToList();
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

    [GeneratedRegex("<svg class=\"chart\".*?</svg>", RegexOptions.Singleline)]
    private static partial Regex SvgElement();

    [GeneratedRegex("<text class=\"tick\" x=\"([^\"]*)\"[^>]*>([^<]*)</text>")]
    private static partial Regex TickText();

    [GeneratedRegex("<circle class=\"mark\" cx=\"([^\"]*)\"")]
    private static partial Regex Dot();
}
