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

    /// <summary>
    /// A song on a playlist is labelled by its name, the artists it credits and its playlist, in that order; a playlist with no
    /// name or a song without credits (NULL in either format) is left out of the label, not said as "Song · · List".
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_song_on_a_playlist_is_labelled_by_its_name_its_artists_and_its_playlist_leaving_out_what_is_missing(int seed)
    {
        var random = new Random(seed);
        string?[][] rows = [.. Enumerable.Range(0, random.Next(4, 14))
            .Select(i => new[] { random.Next(3) == 0 ? null : $"List {i}", $"Song {i}", random.Next(3) == 0 ? null : $"Artist {i}, Band {i}", $"{40 - i}", "2026-01-01", "2026-01-01" })
            .Append([null, "Lonely", null, "3", "2026-01-01", "2026-01-01"])];
        var html = Render("days_on_playlist", ["playlist_name", "song_name", "artist_names", "days_on_playlist", "on_playlist_since", "first_seen"], rows!, "days-on-playlist");

        var labels = Regex.Matches(Section(html, "days-on-playlist"), "data-label=\"([^\"]*)\"").Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
        var expected = rows.Select(r => string.Join(" · ", new[] { r[1], r[2], r[0] }.Where(p => p is not null))).ToList();
        Assert.Equal(expected, labels.Distinct());
        Assert.Contains("Lonely", labels);
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

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_name_that_reads_as_a_number_is_aligned_as_the_names_beside_it_and_counts_as_numbers(int seed)
    {
        // Songs named "1979", "22", "NaN" or "1e3" among others: the table's cells follow their column, not their own text.
        var random = new Random(seed);
        string[] names = ["1979", "22", "NaN", "1e3", "Intro", "Bohemian Rhapsody", "7/11"];
        var rows = Enumerable.Range(0, random.Next(3, 12)).Select(i => new[] { "2026", $"{i + 1}", i == 0 ? "Intro" : names[random.Next(names.Length)], "Artist", $"{random.Next(1, 99)}", "2026-11-20" }).ToArray();
        var html = Render("top_tracks", ["play_year", "year_rank", "song_name", "artist_names", "play_count", "first_played"], rows, "top-tracks");

        var cells = Regex.Matches(Section(html, "top-tracks"), "<tr>(.*?)</tr>").Skip(1)
            .Select(row => Regex.Matches(row.Groups[1].Value, "<td( class=\"num\")?>([^<]*)</td>").Select(c => (Numeric: c.Groups[1].Success, Text: c.Groups[2].Value)).ToList()).ToList();
        Assert.Equal(rows.Length, cells.Count);
        Assert.All(cells, row => Assert.Equal([true, true, false, false, true, false], row.Select(c => c.Numeric)));
    }

    [Fact]
    public void A_top_track_is_labelled_with_its_artists_and_one_none_of_whose_artists_is_named_with_its_name_alone()
    {
        var html = Render("top_tracks", ["play_year", "year_rank", "song_name", "artist_names", "play_count", "first_played"],
            [["2026", "1", "Intro", "", "6", "2026-11-20"], ["2026", "2", "Bzrp 53", "Bizarrap, Shakira", "4", "2026-11-20"]], "top-tracks");

        var section = System.Net.WebUtility.HtmlDecode(Section(html, "top-tracks"));
        Assert.Contains("Bzrp 53 · Bizarrap, Shakira", section, StringComparison.Ordinal);
        Assert.Contains("Intro", section, StringComparison.Ordinal);
        Assert.DoesNotContain("Intro ·", section, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(HtmlReport.OpenTableRows)]
    [InlineData(HtmlReport.OpenTableRows + 1)]
    [InlineData(3 * 366 * 10)]
    public void A_table_without_a_chart_is_shown_open_up_to_a_page_of_rows_and_folded_past_it_whole(int rows)
    {
        // data_quality has a row per table and day: after a year of daily runs it was most of the page, always open.
        string[][] answer = [.. Enumerable.Range(0, rows).Select(i => new[] { $"2026-{1 + i % 12:D2}-01", $"table_{i}", "10", "10" })];
        var html = Render("data_quality", ["snapshot_date", "table_name", "row_count", "distinct_keys"], answer, "data-quality");

        var section = Section(html, "data-quality");
        var folded = section.Contains("<details><summary>", StringComparison.Ordinal);
        Assert.Equal(rows > HtmlReport.OpenTableRows, folded);
        if (folded)
        {
            Assert.Contains($"The table ({rows:N0} rows)", section, StringComparison.Ordinal);
        }
        Assert.Equal(rows, Regex.Count(section, "<tr>") - 1);
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

    /// <summary>
    /// The weekly and monthly charts give each week or month its place, a week or month no row holds too: a bar chart
    /// leaves its place empty and a line breaks there, so a month without listening is a gap, not a bar's neighbour.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_week_or_month_with_no_row_is_an_empty_place_on_the_axis_and_a_break_in_the_line(int seed)
    {
        var random = new Random(seed);
        var first = new DateOnly(2025, 12, 1 + random.Next(7));
        first = first.AddDays(-(((int)first.DayOfWeek + 6) % 7)); // a Monday
        var weeks = Enumerable.Range(0, 30).Where(_ => random.Next(3) > 0).Prepend(0).Distinct().ToList();
        var months = Enumerable.Range(0, 30).Where(_ => random.Next(3) > 0).Prepend(0).Distinct().ToList();
        string Week(int k) => first.AddDays(7 * k).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        string Month(int k) => new DateOnly(2023, 1, 1).AddMonths(k).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

        var hours = Render("listening_per_week", ["week_start", "plays", "hours"], [.. weeks.Select(k => new[] { Week(k), "3", $"{1 + random.Next(9)}.5" })], "listening-over-time");
        var skips = Render("skip_rate", ["week_start", "play_count", "skipped_count", "skip_percent"], [.. weeks.Select(k => new[] { Week(k), "40", "1", $"{random.Next(100)}.0" })], "skip-rate");
        var history = Render("history_hours_per_month", ["month", "hours", "plays", "streams"], [.. months.Select(k => new[] { Month(k), $"{1 + random.Next(40)}.0", "9", "9" })], "history-hours-per-month");

        foreach (var (svg, places) in new[] { (Charts(hours, "listening-over-time")[0], weeks), (Charts(history, "history-hours-per-month")[0], months) })
        {
            var x = Bar().Matches(svg).Select(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(places.Count, x.Count);
            // Positions are written to the hundredth: the band between the first and last bars, then each bar in its place.
            var band = (x[^1] - x[0]) / (places[^1] - places[0]);
            for (var i = 0; i < places.Count; i++)
            {
                Assert.True(Math.Abs(x[0] + places[i] * band - x[i]) <= 0.02, $"the bar of place {places[i]} is at {x[i]}, not {x[0] + places[i] * band}");
            }
        }
        var line = Charts(skips, "skip-rate")[0];
        var runs = weeks.Where((k, i) => i == 0 || weeks[i - 1] != k - 1).Count();
        Assert.Equal(runs, Polyline().Count(line));
        Assert.Equal(weeks.Count, AnyDot().Count(line));
        Assert.True(weeks.Count < weeks[^1] + 1 && months.Count < months[^1] + 1, "some weeks and months have no row");
    }

    /// <summary>
    /// A weekly or monthly axis names its latest week or month, the one a note most often speaks of, and the others at one
    /// step back from it: whole quarters, half-years or years of months, so a long history's labels keep to one month.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void A_weekly_or_monthly_axis_names_its_latest_place_and_the_others_at_one_step_back_from_it(int seed)
    {
        var random = new Random(seed);
        var (weekCount, monthCount) = (random.Next(1, 160), random.Next(1, 200));
        var first = new DateOnly(2024, 1, 1).AddDays(7 * random.Next(50)); // a Monday
        string Week(int k) => first.AddDays(7 * k).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var firstMonth = new DateOnly(2010, 1, 1).AddMonths(random.Next(12));
        var months = Enumerable.Range(0, monthCount).Select(k => firstMonth.AddMonths(k).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var hours = Render("listening_per_week", ["week_start", "plays", "hours"], [.. Enumerable.Range(0, weekCount).Select(k => new[] { Week(k), "3", "1.5" })], "listening-over-time");
        var skips = Render("skip_rate", ["week_start", "play_count", "skipped_count", "skip_percent"], [.. Enumerable.Range(0, weekCount).Select(k => new[] { Week(k), "40", "1", "25.0" })], "skip-rate");
        var history = Render("history_hours_per_month", ["month", "hours", "plays", "streams"], [.. months.Select(m => new[] { m, "2.0", "9", "9" })], "history-hours-per-month");

        foreach (var (svg, every) in Charts(hours, "listening-over-time").Concat(Charts(skips, "skip-rate")).Select(svg => (svg, Enumerable.Range(0, weekCount).Select(Week).ToList()))
            .Concat(Charts(history, "history-hours-per-month").Select(svg => (svg, months))))
        {
            // The places the chart shows: from its first mark (every place here has a row), the latest that fit its width.
            var places = every.SkipWhile(place => place != MarkLabel().Match(svg).Groups[1].Value).ToList();
            Assert.NotEmpty(places);
            var labels = SlantedLabel().Matches(svg).Select(m => m.Groups[1].Value).ToList();
            Assert.Equal(places[^1], labels[^1]);
            var at = labels.Select(label => places.IndexOf(label)).ToList();
            Assert.True(at.All(index => index >= 0), $"labels {string.Join(", ", labels)} not all among the places {places[0]} to {places[^1]}");
            var steps = at.Zip(at.Skip(1), (a, b) => b - a).Distinct().ToList();
            Assert.True(steps.Count <= 1, $"labels at {string.Join(", ", at)} of {places.Count}");
            Assert.True(at[0] < (steps.FirstOrDefault(places.Count)), "no label fits before the first");
            Assert.True(labels.Count <= 12, $"{labels.Count} labels");
            if (places[0].Length == 7 && steps is [>= 12])
            {
                Assert.Single(labels.Select(label => label[5..]).Distinct());
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void The_skip_heatmaps_colour_is_the_share_of_a_hundred_percent_and_an_hour_of_few_streams_is_hollow(int seed)
    {
        // Hours of 1 to 60 streams that record a skip; on seed 5 every hour has ten or more.
        var random = new Random(seed);
        var cells = Enumerable.Range(0, 20).Select(_ => (Day: random.Next(7), Hour: random.Next(24))).Distinct().ToList();
        string[] names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        var rows = cells.Select(c => new[] { $"{c.Day}", names[c.Day], $"{c.Hour}", $"{random.Next(seed == 5 ? 10 : 1, 60)}", "1", $"{random.Next(1, 100)}.{random.Next(10)}" }).ToArray();
        var html = Render("history_skip_rate_by_hour", ["weekday", "weekday_name", "hour_of_day", "streams_with_skip_info", "skips", "skip_percent"], rows, "history-skips");

        foreach (var chart in Charts(html, "history-skips"))
        {
            var heat = Regex.Matches(chart, "<rect class=\"mark heat( few)?\"[^>]*fill-opacity=\"([^\"]*)\" data-label=\"([^\"]*)\" data-value=\"([^\"]*)\"><title>([^<]*)</title>").ToList();
            Assert.Equal(rows.Length, heat.Count);
            foreach (var cell in heat)
            {
                var row = rows.Single(r => $"{r[1]} · {r[2]}" == cell.Groups[3].Value);
                var streams = int.Parse(row[3], System.Globalization.CultureInfo.InvariantCulture);
                var percent = double.Parse(cell.Groups[4].Value, System.Globalization.CultureInfo.InvariantCulture);
                var opacity = double.Parse(cell.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(cell.Groups[1].Success == streams < 10, $"{cell.Groups[3].Value}: {streams} streams drawn {(cell.Groups[1].Success ? "hollow" : "filled")}");
                Assert.True(streams < 10 ? opacity == 0 : Math.Abs(0.15 + 0.85 * percent / 100 - opacity) <= 0.006, $"{percent}% of {streams} streams drawn at {opacity}");
                Assert.Equal(streams < 10, cell.Groups[5].Value.EndsWith($"(of {streams} streams: too few to read)", StringComparison.Ordinal));
            }
        }
        Assert.Equal(rows.Any(r => int.Parse(r[3], System.Globalization.CultureInfo.InvariantCulture) < 10),
            Section(html, "history-skips").Contains("Hollow: an hour with fewer than 10 streams", StringComparison.Ordinal));
    }

    /// <summary>
    /// A song whose name leaves a right-to-left override open, ranked with its artists: the chart's label and tooltip set each
    /// name apart, so the override turns the song's name alone, not its artists after it; the mark's data-label is the
    /// query's text as it is.
    /// </summary>
    [Fact]
    public void A_direction_override_in_a_songs_name_does_not_turn_its_artists_in_the_chart()
    {
        var html = Render("top_tracks", ["play_year", "year_rank", "song_name", "artist_names", "play_count", "first_played"],
            [["2026", "1", "\u202eevil song", "Ana, Bea", "6", "2026-11-20"], ["2026", "2", "Plain", "Cy", "4", "2026-11-20"]], "top-tracks");

        var charts = Charts(html, "top-tracks");
        Assert.NotEmpty(charts);
        foreach (var chart in charts)
        {
            var label = Regex.Match(chart, "<text class=\"label\"[^>]*>([^<]*evil[^<]*)</text>").Groups[1].Value;
            Assert.Equal("\u2068\u202eevil song\u2069 · \u2068Ana, Bea\u2069", System.Net.WebUtility.HtmlDecode(label));
            var title = Regex.Match(chart, "<title>([^<]*evil[^<]*)</title>").Groups[1].Value;
            Assert.Equal("\u2068\u2068\u202eevil song\u2069 · \u2068Ana, Bea\u2069\u2069: 6 plays", System.Net.WebUtility.HtmlDecode(title));
            Assert.Equal("\u202eevil song · Ana, Bea", System.Net.WebUtility.HtmlDecode(Regex.Match(chart, "data-label=\"([^\"]*evil[^\"]*)\"").Groups[1].Value));
            // A label without a control is drawn as the table holds it.
            Assert.Equal("Plain · Cy", System.Net.WebUtility.HtmlDecode(Regex.Match(chart, "<text class=\"label\"[^>]*>([^<]*Plain[^<]*)</text>").Groups[1].Value));
        }
    }

    /// <summary>
    /// A skip rate of one play skipped of one is 100%: drawn like a week of hundreds, it set the scale and flattened every
    /// other week under it. A week of few plays is a dashed dot off the line that sets no scale, and says why.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void A_week_of_few_plays_is_a_dashed_dot_off_the_skip_line_that_sets_no_scale(int seed)
    {
        // Weeks of 1 to 300 plays; a week under ten plays has any share, the others at most 40%. On seed 6 no week is few.
        var random = new Random(seed);
        var first = new DateOnly(2025, 1, 6).AddDays(7 * random.Next(40));
        var weeks = Enumerable.Range(0, random.Next(3, 40)).Where(_ => random.Next(4) > 0).Prepend(0).Distinct().ToList();
        var rows = weeks.Select(k =>
        {
            var plays = seed == 6 || random.Next(3) > 0 ? random.Next(10, 300) : random.Next(1, 10);
            var skipped = plays < 10 ? random.Next(0, plays + 1) : random.Next(0, plays * 2 / 5 + 1);
            return new[] { first.AddDays(7 * k).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), $"{plays}", $"{skipped}", $"{Math.Round(1000.0 * skipped / plays) / 10:0.0}" };
        }).ToArray();
        bool Few(string[] row) => int.Parse(row[1], System.Globalization.CultureInfo.InvariantCulture) < 10;
        double Percent(string[] row) => double.Parse(row[3], System.Globalization.CultureInfo.InvariantCulture);
        var html = Render("skip_rate", ["week_start", "play_count", "skipped_count", "skip_percent"], rows, "skip-rate");

        foreach (var chart in Charts(html, "skip-rate"))
        {
            var dots = Regex.Matches(chart, "<circle class=\"mark( few)?\" cx=\"([^\"]*)\" cy=\"([^\"]*)\"[^>]*data-label=\"([^\"]*)\"[^>]*><title>([^<]*)</title>").ToList();
            Assert.Equal(rows.Length, dots.Count);
            // The value axis's ticks (the weeks' labels are ticks too, slanted, and no number).
            var top = TickTexts(chart).Select(t => double.TryParse(t, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var tick) ? tick : 0).Max();
            var steady = rows.Where(r => !Few(r)).Select(Percent).DefaultIfEmpty(0).Max();
            // The scale is set by the weeks of ten plays or more: its top is over their largest share, and not far over it.
            Assert.True(top >= steady && top <= Math.Max(2 * steady, 5), $"a scale to {top}% for weeks of at most {steady}%");
            var line = string.Join(' ', Regex.Matches(chart, "<polyline class=\"line\" points=\"([^\"]*)\"").Select(m => m.Groups[1].Value));
            var highest = dots.Min(d => double.Parse(d.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture));
            foreach (var dot in dots)
            {
                var row = rows.Single(r => r[0] == dot.Groups[4].Value);
                Assert.True(dot.Groups[1].Success == Few(row), $"the week of {row[0]}, {row[1]} plays, drawn {(dot.Groups[1].Success ? "dashed" : "solid")}");
                var point = $"{dot.Groups[2].Value},{dot.Groups[3].Value}";
                Assert.True(line.Split(' ').Contains(point) != Few(row), $"the week of {row[0]}, {row[1]} plays, {(Few(row) ? "is on" : "is off")} the line");
                Assert.Equal(Few(row), dot.Groups[5].Value.Contains($"(of {row[1]} plays: too few to read", StringComparison.Ordinal));
                // A few plays' share above the scale is at its top, and its title says so.
                Assert.Equal(Few(row) && Percent(row) > top, dot.Groups[5].Value.Contains("drawn at the top of the scale", StringComparison.Ordinal));
                if (Percent(row) >= top)
                {
                    Assert.Equal(highest, double.Parse(dot.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture), 2);
                }
            }
        }
        Assert.Equal(rows.Any(Few), Section(html, "skip-rate").Contains("Dashed: a week of fewer than 10 plays", StringComparison.Ordinal));
    }

    /// <summary>A skip line over years shows the latest weeks that fit its width, as the columns above it do, and says so.</summary>
    [Theory]
    [InlineData(1, 30)]
    [InlineData(2, 120)]
    [InlineData(3, 400)]
    [InlineData(4, 900)]
    public void A_skip_line_over_years_shows_its_latest_weeks_and_says_how_many_of_how_many(int seed, int weekCount)
    {
        var random = new Random(seed);
        var first = new DateOnly(2015, 1, 5).AddDays(7 * random.Next(50));
        var weeks = Enumerable.Range(0, weekCount).Where(k => k == 0 || k == weekCount - 1 || random.Next(4) > 0).ToList();
        string Week(int k) => first.AddDays(7 * k).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var html = Render("skip_rate", ["week_start", "play_count", "skipped_count", "skip_percent"], [.. weeks.Select(k => new[] { Week(k), "50", "5", "10.0" })], "skip-rate");

        // Each drawing (a screen's, a phone's) and the note it ends with, if it cut the line.
        var charts = Regex.Matches(Section(html, "skip-rate"), "(<svg class=\"chart\".*?</svg>)(?:<p class=\"note cut-note\">The latest ([0-9]+) of ([0-9]+) weeks \\(from ([0-9-]+), those with nothing counted too\\); the table below has all ([0-9]+) that hold anything.</p>)?",
            RegexOptions.Singleline).ToList();
        Assert.Equal(2, charts.Count);
        foreach (var chart in charts)
        {
            var dots = Regex.Matches(chart.Groups[1].Value, "<circle class=\"mark\" cx=\"([^\"]*)\"[^>]*data-label=\"([^\"]*)\"")
                .Select(m => (X: double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Week: m.Groups[2].Value)).ToList();
            // A chart that leaves weeks out says how many it shows of how many, from when; it shows every week from then.
            var from = chart.Groups[2].Success ? (DateOnly.ParseExact(chart.Groups[4].Value, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture).DayNumber - first.DayNumber) / 7 : 0;
            if (chart.Groups[2].Success)
            {
                Assert.Equal([$"{weekCount - from}", $"{weekCount}", $"{weeks.Count}"], new[] { chart.Groups[2].Value, chart.Groups[3].Value, chart.Groups[5].Value });
            }
            var drawn = weeks.Where(k => k >= from).ToList();
            Assert.Equal(drawn.Select(Week), dots.Select(d => d.Week));
            Assert.True(from > 0 || !chart.Groups[2].Success);
            // Dots a reader can tell apart: each at least 4 px from the next week's place.
            Assert.True(drawn.Count == 1 || (dots[^1].X - dots[0].X) / (drawn[^1] - drawn[0]) >= 3.99, $"weeks {(dots[^1].X - dots[0].X) / (drawn[^1] - drawn[0]):0.00} px apart");
        }
        Assert.Equal(weekCount > 65, charts.Any(c => c.Groups[2].Success));
        Assert.All(weeks.Select(Week), week => Assert.Contains($">{week}<", Section(html, "skip-rate"), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void A_timeline_labels_the_years_or_months_between_its_ends_where_they_fit_each_at_its_date(int seed)
    {
        // First plays over a span of days to fifteen years.
        var random = new Random(seed);
        var first = new DateOnly(2010, 1, 1).AddDays(random.Next(0, 5000));
        var span = seed switch { 1 => 5, 2 => 45, 3 => 200, 4 => 700, _ => random.Next(731, 5500) };
        var dates = Enumerable.Range(0, 8).Select(_ => first.AddDays(random.Next(0, span + 1))).Append(first).Append(first.AddDays(span)).ToList();
        var html = Render("history_first_heard", ["artist_name", "plays", "first_heard"],
            [.. dates.Select((d, i) => new[] { $"Artist {i}", "9", d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) })], "history-first-heard");
        var years = span >= 730;

        var charts = Charts(html, "history-first-heard");
        Assert.NotEmpty(charts);
        foreach (var svg in charts)
        {
            double At(string value) => double.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
            var dots = Regex.Matches(svg, "<circle class=\"mark\" cx=\"([^\"]*)\"[^>]*data-value=\"([^\"]*)\"").GroupBy(m => m.Groups[2].Value).ToDictionary(g => g.Key, g => At(g.First().Groups[1].Value));
            var (from, to) = (dots[$"{first:yyyy-MM-dd}"], dots[$"{first.AddDays(span):yyyy-MM-dd}"]);
            double X(DateOnly day) => from + (day.DayNumber - first.DayNumber) / (double)span * (to - from);
            var ticks = TickText().Matches(svg).Select(m => (X: At(m.Groups[1].Value), Label: m.Groups[2].Value)).OrderBy(t => t.X).ToList();
            Assert.Equal($"{first:yyyy-MM-dd}", ticks[0].Label);
            Assert.Equal($"{first.AddDays(span):yyyy-MM-dd}", ticks[^1].Label);
            var between = ticks[1..^1];
            foreach (var (x, label) in between)
            {
                var day = years ? new DateOnly(int.Parse(label, System.Globalization.CultureInfo.InvariantCulture), 1, 1)
                    : DateOnly.ParseExact(label + "-01", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                Assert.Equal(years ? 4 : 7, label.Length);
                Assert.InRange(day, first.AddDays(1), first.AddDays(span - 1));
                Assert.InRange(x, X(day) - 0.06, X(day) + 0.06);
            }
            // Each label clear of the next, the end labels' outer edges at the dots' span less a gap.
            for (var i = 0; i + 1 < ticks.Count; i++)
            {
                var (a, b) = (ticks[i], ticks[i + 1]);
                var aRight = i == 0 ? a.X + Svg.TextWidth(a.Label, ChartLayout.TickFont) : a.X + Svg.TextWidth(a.Label, ChartLayout.TickFont) / 2;
                var bLeft = i + 2 == ticks.Count ? b.X - Svg.TextWidth(b.Label, ChartLayout.TickFont) : b.X - Svg.TextWidth(b.Label, ChartLayout.TickFont) / 2;
                Assert.True(bLeft - aRight >= 7.9, $"seed {seed}: '{a.Label}' and '{b.Label}' are {bLeft - aRight:0.0} apart");
            }
            // At a regular step, years or months.
            var steps = between.Select(t => years ? int.Parse(t.Label, System.Globalization.CultureInfo.InvariantCulture) * 12
                : int.Parse(t.Label[..4], System.Globalization.CultureInfo.InvariantCulture) * 12 + int.Parse(t.Label[5..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Single(steps.Zip(steps.Skip(1), (p, q) => q - p).DefaultIfEmpty(0).Distinct());
            if (span >= 90 && to - from > 500)
            {
                Assert.NotEmpty(between);
            }
        }
    }

    [GeneratedRegex("<rect class=\"mark[^\"]*\" x=\"([^\"]*)\"")]
    private static partial Regex Bar();

    [GeneratedRegex("<polyline class=\"line\"")]
    private static partial Regex Polyline();

    [GeneratedRegex("<circle class=\"mark[^\"]*\" cx=")]
    private static partial Regex AnyDot();

    private static string Section(string html, string section)
    {
        var start = html.IndexOf($"<section id=\"{section}\"", StringComparison.Ordinal);
        return html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)];
    }

    [GeneratedRegex("class=\"mark[^\"]*\"[^>]*data-label=\"([^\"]*)\"")]
    private static partial Regex MarkLabel();

    [GeneratedRegex("<svg class=\"chart\".*?</svg>", RegexOptions.Singleline)]
    private static partial Regex SvgElement();

    [GeneratedRegex("<text class=\"tick\" x=\"([^\"]*)\"[^>]*>([^<]*)</text>")]
    private static partial Regex TickText();

    [GeneratedRegex("<circle class=\"mark\" cx=\"([^\"]*)\"")]
    private static partial Regex Dot();

    [GeneratedRegex(@"<text class=""tick""[^>]*transform=""rotate\(-35[^>]*>([^<]*)</text>")]
    private static partial Regex SlantedLabel();
}
