using System.Globalization;
using System.Text.RegularExpressions;
using SpotifyEtl.Cli.Queries;
using SpotifyEtl.Cli.Report;
using Xunit;

namespace SpotifyEtl.Tests.Report;

/// <summary>
/// A weekly chart over years (a library's saves reach back to its first): bars a reader can see and point at, the latest
/// weeks that fit, and a note saying which, where every week was drawn a hairline before.
/// </summary>
public sealed partial class ReportLongAxisTests
{
    [Theory]
    [InlineData(1, 12)]
    [InlineData(2, 80)]
    [InlineData(3, 200)]
    [InlineData(4, 620)]
    [InlineData(5, 1100)]
    public void Saved_tracks_over_any_number_of_weeks_are_drawn_as_bars_of_a_visible_width(int seed, int weeks)
    {
        var random = new Random(seed);
        var first = new DateOnly(2014, 1, 6).AddDays(7 * random.Next(0, 40));
        // Saves on some weeks only: the weeks between are empty places on the axis.
        var rows = Enumerable.Range(0, weeks).Where(w => w == 0 || w == weeks - 1 || random.Next(3) == 0)
            .Select(w => new[] { first.AddDays(7 * w).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), $"{random.Next(1, 30)}", "2014-01-06T10:00:00Z", $"Song {w}" })
            .Reverse().ToArray();
        var section = SavedTracksSection(rows, null);

        var charts = Chart().Matches(section).Select(m => m.Value).ToList();
        Assert.NotEmpty(charts);
        foreach (var chart in charts)
        {
            var bars = Bar().Matches(chart).Select(m => (Label: m.Groups[2].Value, Width: double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))).ToList();
            Assert.NotEmpty(bars);
            Assert.All(bars, bar => Assert.True(bar.Width >= 2.4, $"a bar {bar.Width} wide"));
            // The latest week is always drawn; a week left out is one earlier than every week drawn.
            Assert.Contains(rows[0][0], bars.Select(b => b.Label));
            var drawn = bars.Select(b => b.Label).ToHashSet(StringComparer.Ordinal);
            var left = rows.Select(r => r[0]).Where(label => !drawn.Contains(label)).ToList();
            Assert.All(left, label => Assert.True(string.CompareOrdinal(label, drawn.Min(StringComparer.Ordinal)) < 0, label));
        }
        // Whatever a chart leaves out is said below it (a phone's chart leaves out more), and the table under it keeps every week.
        var notes = Note().Matches(section).Select(m => (Shown: int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Of: int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
            Rows: int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture))).ToList();
        Assert.All(notes, note => Assert.True(note.Shown < note.Of && note.Of == weeks && note.Rows == rows.Length, $"{note.Shown} of {note.Of}, {note.Rows} rows"));
        Assert.Equal(weeks > 100, notes.Count > 0);
        Assert.All(rows, row => Assert.Contains($">{row[0]}<", section, StringComparison.Ordinal));
    }

    /// <summary>
    /// Saves that end weeks before the lake's latest snapshot: the axis runs on to the snapshot's week, its weeks after the
    /// last save empty places, and a note says nothing was saved after that week; it ended at the last save, as if the lake did.
    /// </summary>
    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(15)]
    [InlineData(16)]
    public void Saved_tracks_that_end_before_the_latest_snapshot_leave_the_weeks_after_them_empty_up_to_its_week(int seed)
    {
        var random = new Random(seed);
        var latest = new DateOnly(2026, 11, 20).AddDays(-random.Next(0, 400));
        var latestWeek = latest.AddDays(-(((int)latest.DayOfWeek + 6) % 7));
        var quiet = random.Next(3) == 0 ? 0 : random.Next(2) == 0 ? random.Next(1, 40) : random.Next(1, 400);
        var lastSave = latestWeek.AddDays(-7 * quiet);
        var rows = Enumerable.Range(0, random.Next(1, 30)).Select(k => lastSave.AddDays(-7 * k * random.Next(1, 4))).Distinct()
            .Select(week => new[] { week.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), $"{random.Next(1, 9)}", "2014-01-06T10:00:00Z", "Song" }).ToArray();
        var section = SavedTracksSection(rows, new LakeSpan(null, latest));

        var charts = Chart().Matches(section).Select(m => m.Value).ToList();
        Assert.NotEmpty(charts);
        foreach (var chart in charts)
        {
            // The axis's last label is its last place: the latest snapshot's week, where the weeks after the last save leave the
            // chart half its room (a phone's chart has about 86 places); else the last save's week. The last save is always drawn.
            var labels = Regex.Matches(chart, ">([0-9]{4}-[0-9]{2}-[0-9]{2})</text>").Select(m => m.Groups[1].Value).ToList();
            Assert.Contains(labels[^1], new[] { latestWeek, lastSave }.Select(week => week.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
            Assert.True(quiet > 40 || labels[^1] == latestWeek.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), $"{quiet} weeks without a save: the axis ends at {labels[^1]}");
            Assert.Contains(lastSave.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Bar().Matches(chart).Select(m => m.Groups[2].Value));
        }
        var said = $"Nothing after the week of {lastSave:yyyy-MM-dd}, to the latest snapshot's, {latestWeek:yyyy-MM-dd}: none was made, or none was extracted since.";
        Assert.Equal(quiet > 0 ? charts.Count : 0, Regex.Count(section, Regex.Escape(said)));
    }

    /// <summary>The saved-tracks section of a report of these rows of its question, on a lake of this span (unknown where null).</summary>
    private static string SavedTracksSection(string[][] rows, LakeSpan? span)
    {
        var result = new QueryResult("saved_tracks_per_week", "?", ["week_start", "songs_saved", "first_saved_at", "first_song_saved"], rows);
        var html = HtmlReport.Render(new ReportInput("test", new Dictionary<string, QueryAnswer> { [result.Name] = new(result, null) }, 0, span),
            ReportSections.All.Where(s => s.Id == "saved-tracks").ToList());
        var start = html.IndexOf("<section id=\"saved-tracks\"", StringComparison.Ordinal);
        return html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)];
    }

    [GeneratedRegex("The latest ([0-9]+) of ([0-9]+) weeks \\(from [0-9-]+, those with nothing counted too\\); the table below has all ([0-9]+) that hold anything")]
    private static partial Regex Note();

    [GeneratedRegex("<svg class=\"chart\".*?</svg>", RegexOptions.Singleline)]
    private static partial Regex Chart();

    [GeneratedRegex("<rect class=\"mark[^\"]*\" x=\"[^\"]*\" y=\"[^\"]*\" width=\"([^\"]*)\" height=\"[^\"]*\" data-label=\"([^\"]*)\"")]
    private static partial Regex Bar();
}
