using System.Text.RegularExpressions;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Report;

/// <summary>
/// What the report's empty sections, and the empty answers <c>spotify-etl query</c> prints, say: on a lake that holds only an
/// imported listening history, and on one day of the API's.
/// </summary>
public sealed partial class ReportEmptyStatesTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Every_scrolling_table_is_a_region_named_apart_from_every_other(int seed)
    {
        // Two sections show top_artists' answer (its ranking, and its first plays): a screen reader lists regions by name.
        var lake = _folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", $"{2 + seed}", "--items", "20", "--seed", $"{seed}").ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        var report = DemoCommandTests.RunCli("report", "--lake", lake, "--out", _folder["report.html"]);
        Assert.True(report.ExitCode == 0, report.Errors);

        var names = System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(_folder["report.html"]), "role=\"region\" tabindex=\"0\" aria-label=\"([^\"]*)\"")
            .Select(m => m.Groups[1].Value).ToList();
        Assert.True(names.Count > 10, $"{names.Count} regions");
        Assert.Empty(names.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key));
    }

    [Fact]
    public void On_a_lake_of_an_imported_history_alone_the_sections_of_the_apis_plays_say_what_fills_them_and_where_the_history_is()
    {
        var lake = _folder["lake"];
        var zips = new List<string>();
        foreach (var (name, zip) in SampleExport.Write(new SampleExportOptions(300, 5)).Zips)
        {
            zips.Add(_folder[name]);
            File.WriteAllBytes(zips[^1], zip);
        }
        var import = DemoCommandTests.RunCli(["import", .. zips, "--lake", lake, "--json"]);
        Assert.True(import.ExitCode is 0 or 3, import.Errors);
        using var imported = System.Text.Json.JsonDocument.Parse(import.Output);
        var rowsWritten = imported.RootElement.GetProperty("history_rows").GetInt64();
        var report = DemoCommandTests.RunCli("report", "--lake", lake, "--out", _folder["report.html"]);
        Assert.True(report.ExitCode == 0, report.Errors);
        var html = File.ReadAllText(_folder["report.html"]);

        var notes = Note().Matches(html).ToDictionary(m => m.Groups[1].Value, m => System.Net.WebUtility.HtmlDecode(m.Groups[2].Value));
        foreach (var section in new[] { "listening-over-time", "top-artists", "top-tracks", "first-heard", "listening-clock" })
        {
            Assert.True(notes.TryGetValue(section, out var note), $"{section} has no note");
            // Not an invitation to import what was just imported, nor a bare "No rows yet."
            Assert.StartsWith("No plays from Spotify's API yet", note, StringComparison.Ordinal);
            Assert.Contains("spotify-etl extract", note, StringComparison.Ordinal);
            Assert.Contains("The imported listening history is charted under Lifetime history.", note, StringComparison.Ordinal);
        }
        // The playlist sections do not speak of playlists the lake does not hold (a second version, songs that left).
        foreach (var section in new[] { "playlist-top-songs", "playlist-changes", "days-on-playlist" })
        {
            Assert.True(notes.TryGetValue(section, out var note), $"{section} has no note");
            Assert.DoesNotContain("between its two latest versions", note, StringComparison.Ordinal);
            Assert.Contains("spotify-etl extract", note, StringComparison.Ordinal);
        }
        // The skip rate's note does not speak of a first play there is not.
        Assert.True(notes.TryGetValue("skip-rate", out var skips), "the skip-rate section has no note");
        Assert.StartsWith("No skip estimate yet: it needs two plays or more", skips, StringComparison.Ordinal);
        Assert.DoesNotContain("Not enough plays", html, StringComparison.Ordinal);
        // The data-quality section counts the API's tables: none is said to be empty of rows when the history holds them.
        Assert.True(notes.TryGetValue("data-quality", out var quality), "the data-quality section has no note");
        Assert.StartsWith("No table of Spotify's API holds a row yet", quality, StringComparison.Ordinal);
        Assert.Contains("The imported listening history is charted under Lifetime history.", quality, StringComparison.Ordinal);
        Assert.DoesNotContain("No table holds a row yet", html, StringComparison.Ordinal);
        Assert.DoesNotContain("No rows yet.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("import the listening history", html, StringComparison.Ordinal);
        // The history's sections show it, and the page opens on them rather than on the empty sections of the API's plays:
        // first in the list of sections and first on the page, the Listening group after them.
        Assert.DoesNotContain("history-hours-per-month", notes.Keys);
        Assert.Equal("history-hours-per-month", NavLink().Match(html).Groups[1].Value);
        var order = SectionId().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal("history-hours-per-month", order[0]);
        Assert.True(order.IndexOf("history-skips") < order.IndexOf("listening-over-time"), string.Join(", ", order));
        Assert.True(html.IndexOf(">Lifetime history</h2>", StringComparison.Ordinal) < html.IndexOf(">Listening</h2>", StringComparison.Ordinal));

        // The data-quality panel counts the history too, as the table holds it: every stream of it, in its months.
        var query = DemoCommandTests.RunCli("query", "--lake", lake, "--query", "history_hours_per_month", "--json");
        Assert.True(query.ExitCode == 0, query.Errors);
        using var answer = System.Text.Json.JsonDocument.Parse(query.Output);
        var months = answer.RootElement[0].GetProperty("rows").EnumerateArray().ToList();
        var streams = months.Sum(m => m[3].GetInt64());
        // As many as the import says it wrote, counted by the query's months and by the panel alike.
        Assert.True(streams > 0);
        Assert.Equal(rowsWritten, streams);
        Assert.Contains($"<b data-metric=\"history-streams\">{streams:N0}</b> streams in <b data-metric=\"history-months\">{months.Count:N0}</b>", html, StringComparison.Ordinal);
        // No snapshot is read as the latest of something: the API's tables have none.
        Assert.Contains("<b data-metric=\"latest-snapshot\">none</b>snapshot of Spotify's API: nothing extracted and transformed yet", System.Net.WebUtility.HtmlDecode(html), StringComparison.Ordinal);
    }

    [Fact]
    public void A_lake_with_the_apis_plays_opens_on_listening_with_or_without_an_imported_history()
    {
        var lake = _folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "2", "--items", "40").ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        foreach (var imported in new[] { false, true })
        {
            if (imported)
            {
                var export = Directory.CreateDirectory(_folder["export"]).FullName;
                File.WriteAllText(Path.Combine(export, "Streaming_History_Audio_2024.json"), """
                    [{"ts": "2024-03-01T10:00:00Z", "ms_played": 200000, "master_metadata_track_name": "Song", "master_metadata_album_artist_name": "Artist", "spotify_track_uri": "spotify:track:a1", "reason_end": "trackdone", "skipped": false}]
                    """);
                var import = DemoCommandTests.RunCli(["import", export, "--lake", lake]);
                Assert.True(import.ExitCode == 0, import.Errors);
            }
            var report = DemoCommandTests.RunCli("report", "--lake", lake, "--out", _folder["report.html"]);
            Assert.True(report.ExitCode == 0, report.Errors);
            var html = File.ReadAllText(_folder["report.html"]);
            Assert.Equal("listening-over-time", NavLink().Match(html).Groups[1].Value);
            Assert.Equal("listening-over-time", SectionId().Match(html).Groups[1].Value);
            Assert.Equal(imported, !Note().Matches(html).Any(m => m.Groups[1].Value == "history-hours-per-month"));
        }
    }

    [Fact]
    public void On_a_lake_of_an_imported_history_of_music_alone_the_podcasts_section_says_so_rather_than_asking_for_an_import()
    {
        var lake = _folder["lake"];
        var export = Directory.CreateDirectory(_folder["export"]).FullName;
        File.WriteAllText(Path.Combine(export, "Streaming_History_Audio_2024.json"), """
            [{"ts": "2024-03-01T10:00:00Z", "ms_played": 200000, "master_metadata_track_name": "Song", "master_metadata_album_artist_name": "Artist", "spotify_track_uri": "spotify:track:a1", "reason_end": "trackdone", "skipped": false},
             {"ts": "2024-03-02T11:00:00Z", "ms_played": 90000, "master_metadata_track_name": "Other", "master_metadata_album_artist_name": "Artist", "spotify_track_uri": "spotify:track:a2", "reason_end": "fwdbtn", "skipped": true}]
            """);
        var import = DemoCommandTests.RunCli(["import", export, "--lake", lake]);
        Assert.True(import.ExitCode == 0, import.Errors);
        var report = DemoCommandTests.RunCli("report", "--lake", lake, "--out", _folder["report.html"]);
        Assert.True(report.ExitCode == 0, report.Errors);

        var notes = Note().Matches(File.ReadAllText(_folder["report.html"])).ToDictionary(m => m.Groups[1].Value, m => System.Net.WebUtility.HtmlDecode(m.Groups[2].Value));
        Assert.True(notes.TryGetValue("history-podcasts-audiobooks", out var note), "the podcasts section has no note");
        Assert.StartsWith("No podcast episode or audiobook chapter in the imported listening history", note, StringComparison.Ordinal);
        Assert.DoesNotContain("import", note.Replace("imported", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_history_of_no_music_play_of_30_s_says_so_in_the_report_and_in_query_rather_than_asking_for_an_import(int seed)
    {
        // Podcasts, audiobooks and music streams under 30 s: a history with hours and no play of music as Spotify counts one.
        var random = new Random(seed);
        var rows = Enumerable.Range(0, random.Next(1, 40)).Select(i =>
        {
            var ts = FormattableString.Invariant($"\"ts\": \"2024-{1 + random.Next(12):00}-{1 + random.Next(28):00}T{random.Next(24):00}:{random.Next(60):00}:00Z\"");
            return random.Next(3) switch
            {
                0 => $"{{{ts}, \"ms_played\": {random.Next(60_000, 3_600_000)}, \"episode_name\": \"Episode {i}\", \"episode_show_name\": \"Show\", \"spotify_episode_uri\": \"spotify:episode:e{i}\"}}",
                1 => $"{{{ts}, \"ms_played\": {random.Next(60_000, 3_600_000)}, \"audiobook_title\": \"Book\", \"audiobook_chapter_title\": \"Chapter {i}\", \"audiobook_chapter_uri\": \"spotify:chapter:c{i}\"}}",
                _ => $"{{{ts}, \"ms_played\": {random.Next(0, 30_000)}, \"master_metadata_track_name\": \"Song {i}\", \"master_metadata_album_artist_name\": \"Artist\", \"spotify_track_uri\": \"spotify:track:t{i}\"}}",
            };
        });
        var lake = _folder["lake"];
        var export = Directory.CreateDirectory(_folder["export"]).FullName;
        File.WriteAllText(Path.Combine(export, "Streaming_History_Audio_2024.json"), $"[{string.Join(",\n", rows)}]");
        var import = DemoCommandTests.RunCli(["import", export, "--lake", lake]);
        Assert.True(import.ExitCode == 0, import.Errors);

        var report = DemoCommandTests.RunCli("report", "--lake", lake, "--out", _folder["report.html"]);
        Assert.True(report.ExitCode == 0, report.Errors);
        var notes = Note().Matches(File.ReadAllText(_folder["report.html"])).ToDictionary(m => m.Groups[1].Value, m => System.Net.WebUtility.HtmlDecode(m.Groups[2].Value));
        foreach (var section in new[] { "history-top-artists", "history-first-heard" })
        {
            Assert.True(notes.TryGetValue(section, out var note), $"{section} has no note");
            Assert.StartsWith("No music stream of 30 s or more in the imported listening history", note, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(notes.Values, note => note.StartsWith("No listening history yet", StringComparison.Ordinal));

        // query says what the report says, for the queries the report shows and for those it does not.
        var query = DemoCommandTests.RunCli("query", "--lake", lake);
        Assert.True(query.ExitCode == 0, query.Errors);
        var output = string.Join(' ', query.Output.Split('\n').Select(line => line.Trim(' ', '│', '╰', '╯', '─')));
        Assert.DoesNotContain("No listening history yet", output, StringComparison.Ordinal);
        Assert.DoesNotContain("No table holds a row yet", output, StringComparison.Ordinal);
        Assert.Contains("No table of Spotify's API holds a row yet", output, StringComparison.Ordinal);
        Assert.Contains("No music stream of 30 s or more in the imported listening history: this query counts those", output, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\(no rows\)(?! [A-Z])", output); // every empty answer says what would fill it
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void The_movement_section_says_it_needs_two_rankings_on_a_lake_of_one_day_and_shows_the_movement_from_the_second(int days)
    {
        // The sample ranks the top tracks once a day: one day is one ranking, with nothing before it to compare.
        var lake = _folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", $"{days}", "--items", "40").ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        var report = DemoCommandTests.RunCli("report", "--lake", lake, "--out", _folder["report.html"]);
        Assert.True(report.ExitCode == 0, report.Errors);

        var notes = Note().Matches(File.ReadAllText(_folder["report.html"])).ToDictionary(m => m.Groups[1].Value, m => System.Net.WebUtility.HtmlDecode(m.Groups[2].Value));
        // The ranking itself is shown either way.
        Assert.DoesNotContain("top-items", notes.Keys);
        if (days == 1)
        {
            Assert.True(notes.TryGetValue("top-tracks-movement", out var note), "the movement section has no note");
            Assert.StartsWith("Needs two rankings of top tracks", note, StringComparison.Ordinal);
        }
        else
        {
            Assert.DoesNotContain("top-tracks-movement", notes.Keys);
        }
    }

    [GeneratedRegex("<nav[^>]*><ul><li><a href=\"#([^\"]+)\"")]
    private static partial Regex NavLink();

    [GeneratedRegex("<section id=\"([^\"]+)\"")]
    private static partial Regex SectionId();

    [GeneratedRegex("<section id=\"([^\"]+)\"[^>]*>(?:(?!</section>).)*?<p class=\"note empty-answer\">([^<]*)</p>", RegexOptions.Singleline)]
    private static partial Regex Note();
}
