using System.Globalization;
using System.Text;
using SpotifyEtl.Cli.Queries;
using SpotifyEtl.Cli.Report;
using SpotifyEtl.Import;
using SpotifyEtl.Spotify;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Queries;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Report;

/// <summary>The report's sections and the named queries behind them, on lakes made for the purpose.</summary>
public sealed class ReportSectionsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Every_section_names_a_query_the_tool_carries_and_no_two_sections_share_an_id()
    {
        Assert.All(ReportSections.All, s => Assert.NotNull(NamedQueries.Find(s.Query)));
        Assert.Equal(ReportSections.All.Count, ReportSections.All.Select(s => s.Id).Distinct().Count());
    }

    /// <summary>
    /// The report is read on phones, which cannot hover: no section's text sends a reader to a pointer. The two artist
    /// rankings, which count the same plays differently, each say how they count; and each heatmap what its full colour is.
    /// </summary>
    [Fact]
    public void No_section_asks_a_reader_to_hover_the_history_artist_ranking_says_how_it_counts_and_each_heatmap_what_full_colour_is()
    {
        Assert.All(ReportSections.All, s => Assert.DoesNotContain("hover", s.Intro, StringComparison.OrdinalIgnoreCase));
        var history = ReportSections.All.Single(s => s.Query == "history_top_artists_per_year");
        Assert.Contains("one artist its row names", history.Intro, StringComparison.Ordinal);
        Assert.Contains("credits every artist", history.Intro, StringComparison.Ordinal);
        // A heatmap has no numbers on it: its text says what full colour stands for, and where the numbers are.
        var heatmaps = ReportSections.All.Where(s => s.Query is "listening_clock" or "history_skip_rate_by_hour").ToList();
        Assert.Equal(2, heatmaps.Count);
        Assert.All(heatmaps, s =>
        {
            Assert.Contains("Full colour is", s.Intro, StringComparison.Ordinal);
            Assert.Contains("the table below", s.Intro, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void A_section_whose_table_the_lake_lacks_says_so_and_the_rest_of_the_report_is_written()
    {
        // A question about a table no version of the lake has yet.
        var history = new NamedQuery("concerts_per_year", "How many concerts per year?", "", "SELECT COUNT(*) AS concerts FROM concerts");
        var sections = ReportSections.All.Append(new ReportSection("concerts", "Listening", "Concerts", "From a future table.", history.Name)).ToList();
        using var database = LakeDatabase.Open(LakeDatabaseTests.FixtureLake);

        var answers = ReportAnswers.Collect(database, sections, name => name == history.Name ? history : NamedQueries.Find(name));
        var html = HtmlReport.Render(new ReportInput("fixture", answers, 0), sections);

        Assert.Equal("Needs the concerts table, which this lake does not have yet.", answers[history.Name].Unavailable);
        Assert.Contains("Not available: Needs the concerts table", html, StringComparison.Ordinal);
        Assert.All(ReportSections.All, s => Assert.NotNull(answers[s.Query].Result));
    }

    [Fact]
    public void The_report_is_written_through_a_symbolic_link_and_to_standard_output_without_replacing_either()
    {
        var target = _folder["pages/report.html"];
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.WriteAllText(target, "old");
        var link = _folder["latest.html"];
        File.CreateSymbolicLink(link, target);

        var throughLink = Cli.DemoCommandTests.RunCli("report", "--lake", LakeDatabaseTests.FixtureLake, "--out", link);
        // /dev/stdout names the same descriptor; a regression that renamed a file onto it, run as root, would replace the
        // machine's /dev/stdout, while a rename onto /proc fails.
        var toStdout = Cli.DemoCommandTests.RunCli("report", "--lake", LakeDatabaseTests.FixtureLake, "--out", "/proc/self/fd/1");
        var inShm = Path.Combine("/dev/shm", $"spotify-etl-report-{Guid.NewGuid():N}.html");

        Assert.True(throughLink.ExitCode == 0, throughLink.Errors);
        Assert.Equal(target, new FileInfo(link).LinkTarget);
        Assert.Contains("<html", File.ReadAllText(target), StringComparison.Ordinal);
        Assert.True(toStdout.ExitCode == 0, toStdout.Errors);
        // The page alone on stdout, ready for a pipe; the line naming it on stderr.
        Assert.StartsWith("<!DOCTYPE html>", toStdout.Output.TrimStart(), StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("</html>", toStdout.Output.TrimEnd(), StringComparison.Ordinal);
        Assert.Contains("Report: /proc/self/fd/1", toStdout.Errors, StringComparison.Ordinal);

        // A memory file system under /dev is a folder like any other.
        if (Directory.Exists("/dev/shm"))
        {
            try
            {
                var shm = Cli.DemoCommandTests.RunCli("report", "--lake", LakeDatabaseTests.FixtureLake, "--out", inShm);
                Assert.True(shm.ExitCode == 0, shm.Errors);
                Assert.EndsWith("</html>", File.ReadAllText(inShm).TrimEnd(), StringComparison.Ordinal);
            }
            finally
            {
                File.Delete(inShm);
            }
        }
    }

    [Fact]
    public void The_weekday_and_hour_of_generated_plays_are_those_the_calendar_gives()
    {
        var random = new Random(7);
        var plays = Enumerable.Range(0, 400)
            .Select(_ => new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(random.NextInt64(0, (long)(new DateTime(2099, 12, 31, 0, 0, 0, DateTimeKind.Utc) - new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds)))
            .ToList();
        WritePlays(plays.Select(p => (p, "song_a")));
        using var database = LakeDatabase.Open(_folder["lake"]);

        var clock = database.Run(NamedQueries.Find("listening_clock")!);

        var expected = plays.GroupBy(p => (Day: ((int)p.DayOfWeek + 6) % 7, p.Hour)).OrderBy(g => g.Key.Day).ThenBy(g => g.Key.Hour)
            .Select(g => $"{g.Key.Day} {g.Key.Hour} {g.Count()}");
        Assert.Equal(expected, clock.Rows.Select(r => $"{r[0]} {r[2]} {r[3]}"));
        Assert.All(clock.Rows, r => Assert.Equal(((DayOfWeek)((int.Parse(r[0]!, CultureInfo.InvariantCulture) + 1) % 7)).ToString()[..3], r[1]));
    }

    [Fact]
    public void A_play_ended_sooner_than_half_its_length_after_the_previous_one_counts_as_skipped_across_days_months_and_years()
    {
        // A three-minute song; gaps on both sides of 90 seconds, some crossing midnight, a month's or a year's end.
        // played_at is when a play ended: a play is measured from the previous play's end, and the first has none.
        var random = new Random(3);
        var at = new DateTime(2023, 12, 30, 22, 0, 0, DateTimeKind.Utc);
        var plays = new List<DateTime>();
        var skippedPerWeek = new Dictionary<string, int>();
        var countedPerWeek = new Dictionary<string, int>();
        for (var i = 0; i < 300; i++)
        {
            var gap = random.Next(2) == 0 ? random.Next(1, 90) : random.Next(90, 4 * 3600);
            at = at.AddSeconds(gap);
            plays.Add(at);
            if (i > 0)
            {
                var week = DateOnly.FromDateTime(at.AddDays(-(((int)at.DayOfWeek + 6) % 7))).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                countedPerWeek[week] = countedPerWeek.GetValueOrDefault(week) + 1;
                skippedPerWeek[week] = skippedPerWeek.GetValueOrDefault(week) + (gap < 90 ? 1 : 0);
            }
        }
        WritePlays(plays.Select(p => (p, "song_a")));
        // Hand-written partitions, no current-state tables: the view computes songs_current from them.
        using var database = LakeDatabase.Open(_folder["lake"], currentFromPartitions: true);

        var skips = database.Run(NamedQueries.Find("skip_rate")!);

        Assert.Equal(countedPerWeek.OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => $"{w.Key} {w.Value} {skippedPerWeek[w.Key]}"),
            skips.Rows.Select(r => $"{r[0]} {r[1]} {r[2]}"));
        Assert.True(plays[^1].Year == 2024 && skippedPerWeek.Values.Sum() > 50);
    }

    /// <summary>
    /// Plays over months or four to five years: a chart too narrow for every week shows the latest, and its note says of the paler
    /// weeks what it draws: the first play's week only where it is on the chart, the latest snapshot's always.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_paler_week_cut_off_the_chart_is_not_said_in_its_note(int seed)
    {
        var random = new Random(seed);
        var first = new DateTime(2023, 1, 2, 0, 0, 0, DateTimeKind.Utc).AddDays(random.Next(0, 60));
        var last = first.AddDays(seed % 2 == 0 ? random.Next(60, 120) : random.Next(1500, 1800));
        var plays = Enumerable.Range(0, (last - first).Days / 2)
            .Select(_ => first.AddDays(random.Next(0, (last - first).Days + 1)).AddSeconds(random.Next(0, 86400)))
            .Append(first.AddSeconds(random.Next(0, 86400)))
            .Append(last.AddSeconds(random.Next(0, 86400)))
            .ToList();
        var (firstDay, latest) = WritePlaysByDay(plays);

        var (html, _) = ReportWriter.Build(_folder["lake"], "generated", 0);

        foreach (var section in new[] { "listening-over-time", "skip-rate" })
        {
            var marks = Marks(html, section);
            var firstDrawn = marks.Any(m => m.Week <= firstDay);
            var said = SectionOf(html, section);
            Assert.True(firstDrawn == said.Contains($"the lake&#39;s plays begin on {firstDay:yyyy-MM-dd}", StringComparison.Ordinal),
                $"{section}, seed {seed}: the first play's week {(firstDrawn ? "drawn" : "cut off")}");
            Assert.Contains($"its latest snapshot is {latest:yyyy-MM-dd}", said, StringComparison.Ordinal);
            Assert.Equal(seed % 2 == 0, firstDrawn);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void The_weeks_a_lake_holds_only_in_part_are_drawn_paler_and_every_other_week_whole(int seed)
    {
        // Plays on random days of a random span (one week to two months); across the seeds the first day falls on every
        // weekday, and so does the last. One partition per day of plays.
        var random = new Random(seed);
        var first = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(7 * random.Next(0, 120) + seed); // 2024-01-01 is a Monday
        var last = first.AddDays(7 * random.Next(1, 9) + (3 * seed) % 7); // a week or more: the first week is not also the last
        var plays = Enumerable.Range(0, random.Next(20, 200))
            .Select(_ => first.AddDays(random.Next(0, (last - first).Days + 1)).AddSeconds(random.Next(0, 86400)))
            .Append(first.AddSeconds(random.Next(0, 86400)))
            .Append(last.AddSeconds(random.Next(0, 86400)))
            .ToList();
        var (firstDay, latest) = WritePlaysByDay(plays);
        // Songs saved over the years before, up to the latest snapshot: a library has no first week held in part.
        WriteSaves(latest, Enumerable.Range(0, 40).Select(_ => last.AddDays(-random.Next(0, 400)).AddSeconds(random.Next(0, 86400))));

        var (html, _) = ReportWriter.Build(_folder["lake"], "generated", 0);

        foreach (var section in new[] { "listening-over-time", "skip-rate" })
        {
            var marks = AssertWeeks(html, section, week => week <= firstDay || week.AddDays(6) >= latest, $"seed {seed}, plays {firstDay} to {latest}");
            Assert.Equal(marks.Any(m => m.Partial), SectionOf(html, section).Contains("partial-note", StringComparison.Ordinal));
        }
        var saved = Marks(html, "saved-tracks");
        Assert.NotEmpty(saved);
        Assert.All(saved, m => Assert.True(m.Partial == m.Week.AddDays(6) >= latest, $"saved-tracks, seed {seed}: the week of {m.Week} (latest snapshot {latest})"));
        // The span, first and last day, is said under the chart.
        Assert.Contains($"the lake&#39;s plays begin on {firstDay:yyyy-MM-dd}; its latest snapshot is {latest:yyyy-MM-dd}", SectionOf(html, "listening-over-time"), StringComparison.Ordinal);
        Assert.Contains(Marks(html, "listening-over-time"), m => m.Partial);
        // Each note names the mark its chart draws: paler bars, hollow dots.
        Assert.Contains("Paler: a week the lake holds only in part", SectionOf(html, "listening-over-time"), StringComparison.Ordinal);
        Assert.Contains("Hollow: a week the lake holds only in part", SectionOf(html, "skip-rate"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task A_week_that_meets_a_recently_played_gap_a_run_named_is_drawn_paler_and_the_note_names_the_gap(int seed)
    {
        // Plays every day for three to ten weeks; one to four runs' manifests name a gap within them (a day, or days long),
        // beside a run without one and a manifest cut short.
        var random = new Random(seed);
        var first = new DateTime(2025, 6, 2, 0, 0, 0, DateTimeKind.Utc).AddDays(random.Next(0, 7)); // 2025-06-02 is a Monday
        var days = 7 * random.Next(3, 11);
        var plays = Enumerable.Range(0, days).Select(d => first.AddDays(d).AddSeconds(random.Next(0, 86400))).ToList();
        var (firstDay, latest) = WritePlaysByDay(plays);
        var gaps = Enumerable.Range(0, random.Next(1, 5)).Select(_ => firstDay.AddDays(random.Next(1, days - 4))).Select(from => (From: from, To: from.AddDays(random.Next(0, 4)))).ToList();
        var manifests = Directory.CreateDirectory(_folder["lake/manifests"]).FullName;
        foreach (var (gap, index) in gaps.Select((gap, index) => (gap, index)).Append(((From: firstDay, To: firstDay), -1)))
        {
            var source = new SourceReport("recently_played", "recently_played", "me", SourceStatus.Landed, 1, 50, 1, 0, null, 1, null, null, []);
            var run = new ExtractionManifest($"run{index + 1}", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 0, ExtractionOutcome.Succeeded, null, false,
                "refresh_token", false, null, 1, 0, [index < 0 ? source : source with { Gap = new(At(gap.From, 9), At(gap.To, 17)) }]);
            File.WriteAllText(Path.Combine(manifests, $"run{index + 1}.json"), System.Text.Json.JsonSerializer.Serialize(run, ExtractionJsonContext.Default.ExtractionManifest));
        }
        File.WriteAllText(Path.Combine(manifests, "cut-short.json"), "{\"run_id\": \"x\", \"sources\": [");
        // A gap without its ends (a manifest edited by hand) names no days.
        File.WriteAllText(Path.Combine(manifests, "no-ends.json"), "{\"run_id\": \"y\", \"sources\": [{\"source\": \"recently_played\", \"gap\": {}}]}");
        // Entries no manifest is: a FIFO would hold a read until something wrote to it, a socket cannot be opened.
        SpecialEntries.Make(Path.Combine(manifests, "fifo.json"), SpecialEntries.Fifo, _folder["elsewhere"]);
        SpecialEntries.Make(Path.Combine(manifests, "socket.json"), SpecialEntries.Socket, _folder["elsewhere"]);
        SpecialEntries.Make(Path.Combine(manifests, "folder.json"), SpecialEntries.Folder, _folder["elsewhere"]);

        // Bounded so that a report held on the FIFO fails this test rather than hanging the run.
        var (html, _) = await Task.Run(() => ReportWriter.Build(_folder["lake"], "generated", 0)).WaitAsync(TimeSpan.FromMinutes(1));

        bool MeetsGap(DateOnly week) => gaps.Any(g => g.From <= week.AddDays(6) && g.To >= week);
        foreach (var section in new[] { "listening-over-time", "skip-rate" })
        {
            AssertWeeks(html, section, week => week <= firstDay || week.AddDays(6) >= latest || MeetsGap(week), $"seed {seed}, gaps {string.Join(", ", gaps)}");
        }
        var earliest = gaps.Min();
        Assert.Contains($"plays may be missing on {earliest.From:yyyy-MM-dd}{(earliest.From == earliest.To ? "" : $" to {earliest.To:yyyy-MM-dd}")}",
            SectionOf(html, "listening-over-time"), StringComparison.Ordinal);
        static DateTimeOffset At(DateOnly day, int hour) => new(day.ToDateTime(new TimeOnly(hour, 0)), TimeSpan.Zero);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Plays_that_end_more_than_a_week_before_the_latest_snapshot_say_where_they_end_and_their_last_week_is_paler(int seed)
    {
        // Plays over a few weeks, then none (recently played no longer extracted) while other tables go on: the latest
        // snapshot comes 0 to 40 days after the last play.
        var random = new Random(seed);
        var first = new DateTime(2025, 3, 3, 0, 0, 0, DateTimeKind.Utc).AddDays(random.Next(0, 7));
        var lastPlay = first.AddDays(random.Next(14, 60));
        var plays = Enumerable.Range(0, random.Next(20, 120)).Select(_ => first.AddDays(random.Next(0, (lastPlay - first).Days)).AddSeconds(random.Next(0, 86400)))
            .Append(first.AddSeconds(random.Next(0, 86400))).Append(lastPlay.AddSeconds(random.Next(0, 86400))).ToList();
        var (firstDay, lastDay) = WritePlaysByDay(plays);
        var latest = lastDay.AddDays(new[] { 0, 5, 8, 40 }[seed % 4] + seed / 4);
        WriteSaves(latest, [latest.ToDateTime(new TimeOnly(8, 0), DateTimeKind.Utc)]);
        var early = latest.DayNumber - lastDay.DayNumber > 7;

        var (html, _) = ReportWriter.Build(_folder["lake"], "generated", 0);

        foreach (var section in new[] { "listening-over-time", "skip-rate" })
        {
            AssertWeeks(html, section, week => week <= firstDay || week.AddDays(6) >= latest || (early && week <= lastDay && lastDay <= week.AddDays(6)),
                $"seed {seed}, plays {firstDay} to {lastDay}, latest snapshot {latest}");
            Assert.Equal(early, SectionOf(html, section).Contains($"they end on {lastDay:yyyy-MM-dd}, with nothing charted after that week", StringComparison.Ordinal));
        }
        // The year's ranking ends where the plays do, too: 2025's plays begin in March.
        var end = early ? lastDay : latest;
        Assert.Contains($"Plays in 2025, {firstDay:yyyy-MM-dd} to {(end.Year == 2025 ? end : new DateOnly(2025, 12, 31)):yyyy-MM-dd} (plays)", SectionOf(html, "top-tracks"), StringComparison.Ordinal);
        Assert.Equal(early, SectionOf(html, "top-tracks").Contains($"to their last, on {lastDay:yyyy-MM-dd}", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public void A_ranking_of_the_latest_year_held_in_part_names_its_days_and_says_so_and_one_of_a_whole_year_does_not(int seed)
    {
        // Plays from a random day to a random later one, the latest snapshot on their last day or weeks after it (more than a
        // week: the plays end early): on a third of the seeds the last play comes in the last days of a year and the snapshot in
        // the first days of the next, within the week, so that year is held whole.
        var random = new Random(seed);
        var first = new DateTime(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(random.Next(0, 365));
        var last = seed % 3 == 0
            ? new DateTime(first.Year + 1, 12, 31, 0, 0, 0, DateTimeKind.Utc).AddDays(-random.Next(0, 6))
            : first.AddDays(seed % 3 == 1 ? random.Next(0, 30) : random.Next(30, 700));
        var plays = Enumerable.Range(0, random.Next(20, 150)).Select(_ => first.AddDays(random.Next(0, (last - first).Days + 1)).AddSeconds(random.Next(0, 86400)))
            .Append(first.AddSeconds(random.Next(0, 86400))).Append(last.AddSeconds(random.Next(0, 86400))).ToList();
        var (firstDay, lastDay) = WritePlaysByDay(plays);
        var latest = seed % 3 == 0 ? new DateOnly(lastDay.Year + 1, 1, random.Next(1, 3)) : lastDay.AddDays(random.Next(0, 21));
        WriteSaves(latest, [latest.ToDateTime(new TimeOnly(8, 0), DateTimeKind.Utc)]);
        var year = lastDay.Year;
        // The plays end at the latest snapshot, or at the last play where that is more than a week before it (as the weekly charts say).
        var early = latest.DayNumber - lastDay.DayNumber > 7;
        var end = early ? lastDay : latest;
        var from = firstDay.Year == year ? firstDay : new DateOnly(year, 1, 1);
        var to = end.Year == year ? end : new DateOnly(year, 12, 31);
        var partial = from != new DateOnly(year, 1, 1) || to != new DateOnly(year, 12, 31);
        Assert.True(partial == (seed % 3 != 0), $"seed {seed}: the generated year is {(partial ? "partial" : "whole")}");

        var (html, _) = ReportWriter.Build(_folder["lake"], "generated", 0);

        var section = SectionOf(html, "top-tracks");
        var span = $"seed {seed}: plays {firstDay} to {lastDay}, latest snapshot {latest}";
        Assert.True(section.Contains(partial ? $"Plays in {year}, {from:yyyy-MM-dd} to {to:yyyy-MM-dd} (plays)" : $"Plays in {year} (plays)", StringComparison.Ordinal), span);
        Assert.True(partial == section.Contains($"Only part of {year}: the lake&#39;s plays in it run from {from:yyyy-MM-dd}", StringComparison.Ordinal), span);
        Assert.True((partial && !early && to == latest) == section.Contains($"to its latest snapshot, {latest:yyyy-MM-dd}", StringComparison.Ordinal), span);
        Assert.True((partial && early && to == lastDay) == section.Contains($"to their last, on {lastDay:yyyy-MM-dd}", StringComparison.Ordinal), span);
        Assert.Equal(partial, section.Contains("partial-note", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task The_historys_ranking_of_a_year_held_in_part_names_its_days_and_the_days_nothing_is_known_of(int seed)
    {
        // An extended history of one to three years (it begins with the account: its first year is whole from its start);
        // on odd seeds the API's plays, a day to months after its last stream, into the next year on some.
        var random = new Random(seed);
        var first = new DateTime(2021, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(random.Next(0, 365)).AddSeconds(random.Next(0, 86400));
        var last = first.AddDays(random.Next(200, 1000)).AddSeconds(random.Next(0, 86400));
        await ImportStreamsAsync(random, first, last, "Streaming_History_Audio_2021-2024_0.json");
        var lastDay = DateOnly.FromDateTime(last);
        DateOnly? snapshot = seed % 2 == 1 ? lastDay.AddDays(random.Next(1, 200)) : null;
        if (snapshot is { } day)
        {
            WritePlays([(day.ToDateTime(new TimeOnly(8, 0), DateTimeKind.Utc), "song_a")], day);
        }
        var year = lastDay.Year;
        var end = snapshot is { } s && s > lastDay ? s : lastDay;
        var to = end.Year == year ? end : new DateOnly(year, 12, 31);
        var gap = snapshot is { } read && read.DayNumber - lastDay.DayNumber > 1 && lastDay.AddDays(1).Year == year ? (From: lastDay.AddDays(1), To: read.AddDays(-1)) : ((DateOnly From, DateOnly To)?)null;
        // Days nothing is known of to the year's end are not held: the year ends, for the ranking, with the history's last stream.
        to = gap is { } unknown && unknown.To >= new DateOnly(year, 12, 31) ? lastDay : to;

        var (html, _) = ReportWriter.Build(_folder["lake"], "generated", 0);

        var section = SectionOf(html, "history-top-artists");
        var span = $"seed {seed}: history {first:yyyy-MM-dd} to {lastDay}, plays read on {snapshot}";
        Assert.True(section.Contains(to.Year == year && to.Month == 12 && to.Day == 31 ? $"Plays in {year} (plays)" : $"Plays in {year}, {year}-01-01 to {to:yyyy-MM-dd} (plays)", StringComparison.Ordinal), span);
        var partial = to != new DateOnly(year, 12, 31) || gap is not null;
        Assert.True(partial == section.Contains($"Only part of {year}: the history holds it from {year}-01-01 to {to:yyyy-MM-dd}", StringComparison.Ordinal), span);
        Assert.True(section.Contains(gap is { } g ? $"nothing is known from {g.From:yyyy-MM-dd} to {g.To:yyyy-MM-dd}" : "nothing is known from", StringComparison.Ordinal) == gap is not null, span);
    }

    /// <summary>The plays, one partition per day they fall on; the first and last of their days.</summary>
    private (DateOnly First, DateOnly Last) WritePlaysByDay(IReadOnlyCollection<DateTime> plays)
    {
        foreach (var day in plays.GroupBy(p => p.Date))
        {
            WritePlays(day.Select(p => (p, "song_a")), DateOnly.FromDateTime(day.Key));
        }
        return (DateOnly.FromDateTime(plays.Min()), DateOnly.FromDateTime(plays.Max()));
    }

    /// <summary>Songs saved at these times, in a saved_tracks partition of <paramref name="snapshot"/> (which may be the lake's latest).</summary>
    private void WriteSaves(DateOnly snapshot, IEnumerable<DateTime> savedAt)
    {
        var saves = Directory.CreateDirectory(_folder[$"lake/transformed/saved_tracks/snapshot_date={snapshot:yyyy-MM-dd}"]).FullName;
        File.WriteAllText(Path.Combine(saves, "saved_tracks.csv"), "song_id,saved_at,full_pass\r\n" +
            string.Concat(savedAt.Select((at, i) => $"song_{i},{at:yyyy-MM-ddTHH:mm:ssZ},true\r\n")));
    }

    /// <summary>Each week of the section's chart drawn paler exactly where <paramref name="partial"/> says; its marks.</summary>
    private static List<(DateOnly Week, bool Partial)> AssertWeeks(string html, string section, Func<DateOnly, bool> partial, string span)
    {
        var marks = Marks(html, section);
        Assert.NotEmpty(marks);
        Assert.All(marks, m => Assert.True(m.Partial == partial(m.Week), $"{section}, {span}: the week of {m.Week} is drawn {(m.Partial ? "partial" : "whole")}"));
        return marks;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task The_historys_month_not_over_by_its_last_day_is_drawn_paler_and_every_other_month_whole(int seed)
    {
        // A history of a month to a year and a half, imported; on odd seeds the API's plays go on after it, to a later or an
        // earlier day than its last stream's (a snapshot after the history ends makes the history's last month whole).
        var random = new Random(seed);
        var first = new DateTime(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(random.Next(0, 365)).AddSeconds(random.Next(0, 86400));
        var last = first.AddDays(random.Next(30, 540)).AddSeconds(random.Next(0, 86400));
        var streams = await ImportStreamsAsync(random, first, last, "Streaming_History_Audio_2023-2024_0.json");
        DateOnly? snapshot = seed % 2 == 1 ? DateOnly.FromDateTime(last).AddDays(random.Next(-20, 60)) : null;
        if (snapshot is { } day)
        {
            WritePlays([(day.ToDateTime(new TimeOnly(8, 0), DateTimeKind.Utc), "song_a")], day);
        }
        var end = snapshot is { } latest && latest > DateOnly.FromDateTime(last) ? latest : DateOnly.FromDateTime(last);

        var (html, _) = ReportWriter.Build(_folder["lake"], "generated", 0);

        var marks = MonthMarks(SectionOf(html, "history-hours-per-month"));
        Assert.Equal(streams.Select(s => s.ToString("yyyy-MM", CultureInfo.InvariantCulture)).Distinct().Order(StringComparer.Ordinal),
            marks.Select(m => m.Month.ToString("yyyy-MM", CultureInfo.InvariantCulture)).Distinct());
        Assert.All(marks, m => Assert.True(m.Partial == m.Month.AddMonths(1).AddDays(-1) >= end,
            $"seed {seed}: the month of {m.Month:yyyy-MM} (history {first:yyyy-MM-dd} to {last:yyyy-MM-dd}, snapshot {snapshot}) is drawn {(m.Partial ? "partial" : "whole")}"));
        Assert.Equal(marks.Any(m => m.Partial), SectionOf(html, "history-hours-per-month").Contains($"it runs to {end:yyyy-MM-dd}", StringComparison.Ordinal));
        Assert.Contains(marks, m => !m.Partial);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task A_history_of_account_data_alone_draws_its_first_month_paler_and_names_the_day_it_begins(int seed)
    {
        // The account data holds its last year only: its first day is where the lake's knowledge begins, not the account's.
        // On odd seeds the extended history of earlier years is imported too, and the first month is whole again.
        var random = new Random(seed);
        var first = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(random.Next(0, 365)).AddMinutes(random.Next(0, 1440));
        var last = first.AddDays(random.Next(40, 365)).AddMinutes(random.Next(0, 1440));
        var streams = Enumerable.Range(0, random.Next(50, 300)).Select(_ => first.AddMinutes(random.NextInt64((long)(last - first).TotalMinutes)))
            .Append(first).Append(last).ToList();
        var export = Directory.CreateDirectory(_folder["export"]).FullName;
        File.WriteAllText(Path.Combine(export, "StreamingHistory_music_0.json"), "[" + string.Join(",", streams.Select(at =>
            $$"""{"endTime":"{{at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}}","artistName":"Artist","trackName":"Song","msPlayed":200000}""")) + "]");
        var extended = seed % 2 == 1;
        var earliest = first.AddDays(-random.Next(100, 900));
        if (extended)
        {
            File.WriteAllText(Path.Combine(export, "Streaming_History_Audio_2020-2023_0.json"), $$"""
                [{"ts":"{{earliest.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}}","ms_played":200000,"master_metadata_track_name":"Old","master_metadata_album_artist_name":"Artist","spotify_track_uri":"spotify:track:a1"}]
                """);
        }
        await ImportAsync(export);
        var begins = DateOnly.FromDateTime(extended ? earliest : first);
        var end = DateOnly.FromDateTime(last);

        var (html, _) = ReportWriter.Build(_folder["lake"], "generated", 0);

        var section = SectionOf(html, "history-hours-per-month");
        var marks = MonthMarks(section);
        var firstMonth = new DateOnly(begins.Year, begins.Month, 1);
        Assert.Equal(firstMonth, marks.Min(m => m.Month));
        Assert.All(marks, m => Assert.True(m.Partial == (m.Month.AddMonths(1).AddDays(-1) >= end || (!extended && m.Month == firstMonth)),
            $"seed {seed}: the month of {m.Month:yyyy-MM} (history {begins:yyyy-MM-dd} to {end:yyyy-MM-dd}, extended {extended}) is drawn {(m.Partial ? "partial" : "whole")}"));
        Assert.Equal(!extended, section.Contains($"it begins on {begins:yyyy-MM-dd}", StringComparison.Ordinal));
        // Its first streams are no first listens: the timeline of the top artists' first streams says where the history begins.
        Assert.Equal(!extended, SectionOf(html, "history-first-heard").Contains($"The history begins on {begins:yyyy-MM-dd}, as far back as the account data", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public void The_months_between_the_exports_last_stream_and_the_extractions_first_play_are_drawn_paler_and_the_days_unknown_named(int seed)
    {
        // An export that ends, then the API's plays from a day after it: on some seeds weeks or months later (an export requested
        // before the extraction began), on others the next day or overlapping it, which leaves no day unknown.
        var random = new Random(seed);
        var exportFirst = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(random.Next(0, 200)).AddSeconds(random.Next(0, 86400));
        var exportLast = exportFirst.AddDays(random.Next(40, 400)).AddSeconds(random.Next(0, 86400));
        var apiFirst = DateOnly.FromDateTime(exportLast).AddDays(seed % 4 == 3 ? random.Next(-5, 2) : random.Next(2, 150)).ToDateTime(new TimeOnly(random.Next(0, 24), 0), DateTimeKind.Utc);
        var apiLast = apiFirst.AddDays(random.Next(1, 90));
        var streams = Enumerable.Range(0, random.Next(40, 200)).Select(_ => (At: exportFirst.AddSeconds(random.NextInt64((long)(exportLast - exportFirst).TotalSeconds)), Source: "extended"))
            .Append((At: exportFirst, Source: "extended")).Append((At: exportLast, Source: "extended"))
            .Concat(Enumerable.Range(0, random.Next(5, 60)).Select(_ => (At: apiFirst.AddSeconds(random.NextInt64((long)(apiLast - apiFirst).TotalSeconds)), Source: "api")))
            .Append((At: apiFirst, Source: "api")).Append((At: apiLast, Source: "api")).ToList();
        foreach (var month in streams.GroupBy(s => s.At.ToString("yyyy-MM", CultureInfo.InvariantCulture)))
        {
            var folder = Directory.CreateDirectory(_folder[$"lake/transformed/listening_history/ended_month={month.Key}"]).FullName;
            var csv = new StringBuilder("ended_at,started_at,ms_played,content_type,spotify_track_uri,track_name,artist_name,album_name,spotify_episode_uri,episode_name,show_name," +
                                        "audiobook_title,audiobook_chapter_uri,audiobook_chapter_title,reason_start,reason_end,shuffle,skipped,offline,incognito_mode,offline_started_at,platform,conn_country,source\r\n");
            foreach (var (at, source) in month)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{at:yyyy-MM-ddTHH:mm:ssZ},{at.AddSeconds(-200):yyyy-MM-ddTHH:mm:ssZ},200000,track,spotify:track:a1,Song,Artist,,,,,,,,,,,,,,,,,{source}\r\n");
            }
            File.WriteAllText(Path.Combine(folder, "listening_history.csv"), csv.ToString());
        }
        // The extraction's plays: the first it read, in the plays table, is where what is known begins again.
        WritePlays(streams.Where(s => s.Source == "api").Select(s => (s.At, "song_a")), DateOnly.FromDateTime(apiLast));
        var (exported, read, end) = (DateOnly.FromDateTime(exportLast), DateOnly.FromDateTime(apiFirst), DateOnly.FromDateTime(apiLast));
        var unknown = read.DayNumber - exported.DayNumber > 1 ? (From: exported.AddDays(1), To: read.AddDays(-1)) : ((DateOnly From, DateOnly To)?)null;

        var (html, _) = ReportWriter.Build(_folder["lake"], "generated", 0);

        var section = SectionOf(html, "history-hours-per-month");
        var marks = MonthMarks(section);
        Assert.All(marks, m => Assert.True(m.Partial == (m.Month.AddMonths(1).AddDays(-1) >= end
                || (unknown is { } gap && m.Month <= gap.To && m.Month.AddMonths(1).AddDays(-1) >= gap.From)),
            $"seed {seed}: the month of {m.Month:yyyy-MM} (export to {exported:yyyy-MM-dd}, API plays {read:yyyy-MM-dd} to {end:yyyy-MM-dd}) is drawn {(m.Partial ? "partial" : "whole")}"));
        Assert.Equal(unknown is { } days, section.Contains(unknown is { } d ? $"nothing is known from {d.From:yyyy-MM-dd} to {d.To:yyyy-MM-dd}" : "nothing is known from", StringComparison.Ordinal));
        Assert.Contains(marks, m => !m.Partial);
        Assert.Contains("counts its song&#39;s whole length", section, StringComparison.Ordinal);
    }

    /// <summary>
    /// Imports an extended history of 50 to 300 streams of one track, each of 200 s and not skipped, at random instants from
    /// <paramref name="first"/> to <paramref name="last"/> (both among them); returns their instants.
    /// </summary>
    private async Task<List<DateTime>> ImportStreamsAsync(Random random, DateTime first, DateTime last, string file)
    {
        var streams = Enumerable.Range(0, random.Next(50, 300)).Select(_ => first.AddSeconds(random.NextInt64((long)(last - first).TotalSeconds)))
            .Append(first).Append(last).ToList();
        var export = Directory.CreateDirectory(_folder["export"]).FullName;
        File.WriteAllText(Path.Combine(export, file), "[" + string.Join(",", streams.Select(at =>
            $$"""{"ts":"{{at:yyyy-MM-ddTHH:mm:ssZ}}","ms_played":200000,"master_metadata_track_name":"Song","master_metadata_album_artist_name":"Artist","spotify_track_uri":"spotify:track:a1","reason_end":"trackdone","skipped":false}""")) + "]");
        await ImportAsync(export);
        return streams;
    }

    /// <summary>Imports the export files of a folder into the test's lake, as CSV.</summary>
    private async Task ImportAsync(string export)
    {
        var lake = new LocalFolderStore(_folder["lake"]);
        var candidates = Directory.GetFiles(export).Select(f => new ExportCandidate(Path.GetFileName(f), _ => Task.FromResult<Stream>(File.OpenRead(f)), new FileInfo(f).Length)).ToList();
        await new ExportImporter(lake, lake, new ImportOptions { Format = TableFormat.Csv }).ImportAsync(candidates);
    }

    /// <summary>The months of the history's chart in a section, each drawn whole or paler.</summary>
    private static List<(DateOnly Month, bool Partial)> MonthMarks(string section) =>
        System.Text.RegularExpressions.Regex.Matches(section, "class=\"mark( partial)?\"[^>]*data-label=\"([0-9-]+)\"")
            .Select(m => (Month: DateOnly.ParseExact(m.Groups[2].Value + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture), Partial: m.Groups[1].Success)).ToList();

    private static string SectionOf(string html, string id)
    {
        var start = html.IndexOf($"<section id=\"{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section {id}");
        return html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)];
    }

    private static List<(DateOnly Week, bool Partial)> Marks(string html, string section) =>
        System.Text.RegularExpressions.Regex.Matches(SectionOf(html, section), "class=\"mark( partial)?(?: few)?\"[^>]*data-label=\"([0-9-]+)\"")
            .Select(m => (DateOnly.ParseExact(m.Groups[2].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture), m.Groups[1].Success))
            .ToList();

    private void WritePlays(IEnumerable<(DateTime At, string Song)> plays, DateOnly? snapshot = null)
    {
        var partition = $"snapshot_date={snapshot ?? new DateOnly(2026, 1, 1):yyyy-MM-dd}";
        var day = Directory.CreateDirectory(_folder[$"lake/transformed/plays/{partition}"]).FullName;
        var csv = new StringBuilder("played_at,song_id,context_type,context_uri\r\n");
        foreach (var (at, song) in plays)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{at:yyyy-MM-ddTHH:mm:ss.fffZ},{song},,\r\n");
        }
        File.WriteAllText(Path.Combine(day, "plays.csv"), csv.ToString());
        var songs = Directory.CreateDirectory(_folder[$"lake/transformed/songs/{partition}"]).FullName;
        File.WriteAllText(Path.Combine(songs, "songs.csv"),
            "song_id,song_name,duration_ms,explicit,isrc,popularity,track_number,disc_number,album_id,primary_artist_id,song_url\r\n" +
            "song_a,A,180000,false,,,1,1,album_a,artist_a,\r\n");
    }
}
