using System.Text;
using SpotifyEtl.Import;
using Xunit;

namespace SpotifyEtl.Tests.Import;

/// <summary>The reader of every era's streaming-history files: each key, each quirk, and bad input without a silent drop.</summary>
public sealed class ExportFileReaderTests
{
    private static ExportFileContent Read(string json) => ExportFileReader.Read(Encoding.UTF8.GetBytes(json));

    private const string NewEraRow = """
        {"ts": "2024-03-04T05:06:07Z", "platform": "Partner android_tv Amazon;AFTMM;7f3c2a91e4b8d605;;tpapi", "ms_played": 183000,
         "conn_country": "SE", "ip_addr": "2001:db8::1", "master_metadata_track_name": "Hoppípolla", "master_metadata_album_artist_name": "Sigur Rós",
         "master_metadata_album_album_name": "Takk...", "spotify_track_uri": "spotify:track:6eTGxxQxiTFE6LfZHC33Wm", "episode_name": null,
         "episode_show_name": null, "spotify_episode_uri": null, "audiobook_title": null, "audiobook_uri": null, "audiobook_chapter_uri": null,
         "audiobook_chapter_title": null, "reason_start": "clickrow", "reason_end": "trackdone", "shuffle": true, "skipped": false,
         "offline": true, "offline_timestamp": 1709528584, "incognito_mode": false}
        """;

    [Fact]
    public void A_new_era_row_keeps_every_column_and_only_the_family_of_a_partner_platform()
    {
        var content = Read($"[{NewEraRow}]");
        var row = Assert.Single(content.Rows);
        Assert.Equal("2024-03-04T05:06:07Z", ListeningRow.FormatTime(row.EndedAt));
        Assert.Equal("2024-03-04T05:03:04Z", ListeningRow.FormatTime(row.StartedAt));
        Assert.Equal((183000, ContentTypes.Track, "Hoppípolla", "Sigur Rós", "Takk..."), (row.MsPlayed!.Value, row.ContentType, row.TrackName, row.ArtistName, row.AlbumName));
        Assert.Equal(("clickrow", "trackdone", true, false, true, false), (row.ReasonStart, row.ReasonEnd, row.Shuffle!.Value, row.Skipped!.Value, row.Offline!.Value, row.IncognitoMode!.Value));
        Assert.Equal("2024-03-04T05:03:04Z", ListeningRow.FormatTime(row.OfflineStartedAt!.Value));
        Assert.Equal((PlatformFamily.Tv, "SE", HistorySource.Extended), (row.Platform, row.ConnCountry, row.Source));
        var everything = row.Canonical();
        Assert.DoesNotContain("7f3c2a91e4b8d605", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("2001:db8", everything, StringComparison.Ordinal);
    }

    [Fact]
    public void An_old_era_row_drops_user_name_user_agent_and_ip_and_reads_offline_milliseconds_as_the_new_era_reads_seconds()
    {
        var old = """
            {"ts": "2020-01-02T03:04:05Z", "username": "ana.listener", "platform": "iOS 13.3.1 (iPhone10,3)", "ms_played": 5000,
             "conn_country": "ZZ", "ip_addr_decrypted": "198.51.100.7", "user_agent_decrypted": "unknown", "master_metadata_track_name": "Sol",
             "master_metadata_album_artist_name": "Mitski", "master_metadata_album_album_name": "Mar", "spotify_track_uri": "spotify:track:a",
             "episode_name": null, "episode_show_name": null, "spotify_episode_uri": null, "reason_start": "", "reason_end": null,
             "shuffle": false, "skipped": null, "offline": true, "offline_timestamp": 1577934240000, "incognito_mode": false}
            """;
        var milliseconds = Assert.Single(Read($"[{old}]").Rows);
        var seconds = Assert.Single(Read($"[{old.Replace("1577934240000", "1577934240", StringComparison.Ordinal)}]").Rows);
        Assert.Equal(seconds.OfflineStartedAt, milliseconds.OfflineStartedAt);
        Assert.Equal("2020-01-02T03:04:00Z", ListeningRow.FormatTime(milliseconds.OfflineStartedAt!.Value));
        Assert.Equal((PlatformFamily.Ios, "ZZ"), (milliseconds.Platform, milliseconds.ConnCountry));
        Assert.Null(milliseconds.ReasonStart); // "" is no reason
        Assert.Null(milliseconds.Skipped);
        var everything = milliseconds.Canonical();
        foreach (var secret in new[] { "ana.listener", "198.51.100.7", "iPhone10,3", "unknown" })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }
    }

    /// <summary>Whole numbers as a tool that re-saved the export writes them (pandas gives a column with a null floats): each reads as the integer.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_whole_number_written_with_a_fraction_or_an_exponent_reads_as_the_integer_and_a_fraction_as_none(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 50; i++)
        {
            var ms = random.NextInt64(0, 20_000_000);
            var offline = random.NextInt64(1_300_000_000_000, 1_760_000_000_000);
            var notation = i % 3;
            string Written(long v) => notation switch
            {
                0 => $"{v}.0",
                1 => ((double)v).ToString("E15", System.Globalization.CultureInfo.InvariantCulture),
                _ => $"{v}.000",
            };
            var row = Assert.Single(Read($$"""[{"ts": "2024-03-04T05:06:07Z", "ms_played": {{Written(ms)}}, "offline_timestamp": {{Written(offline)}}}]""").Rows);
            Assert.Equal((int)ms, row.MsPlayed);
            Assert.Equal(offline / 1000, row.OfflineStartedAt);
        }
        Assert.Null(Assert.Single(Read("""[{"ts": "2024-03-04T05:06:07Z", "ms_played": 1234.5}]""").Rows).MsPlayed);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void An_offline_timestamp_of_zero_means_none(long value) =>
        Assert.Null(Assert.Single(Read($$"""[{"ts": "2024-03-04T05:06:07Z", "offline_timestamp": {{value}}}]""").Rows).OfflineStartedAt);

    [Theory]
    [InlineData("""{"ts": "2024-01-01T00:00:00Z", "ms_played": 1, "spotify_episode_uri": "spotify:episode:e", "episode_name": "E1", "episode_show_name": "Show"}""", "episode")]
    [InlineData("""{"ts": "2024-01-01T00:00:00Z", "ms_played": 1, "audiobook_title": "Nils", "audiobook_chapter_uri": "spotify:episode:c", "audiobook_chapter_title": "1"}""", "audiobook")]
    [InlineData("""{"ts": "2024-01-01T00:00:00Z", "ms_played": 1, "audiobook_chapter_title": "Chapter 1", "audiobook_title": null, "audiobook_chapter_uri": null}""", "audiobook")]
    [InlineData("""{"ts": "2024-01-01T00:00:00Z", "ms_played": 1, "audiobook_uri": "spotify:show:b", "audiobook_title": null}""", "audiobook")]
    [InlineData("""{"ts": "2024-01-01T00:00:00Z", "ms_played": 0, "master_metadata_track_name": null, "spotify_track_uri": null}""", "unknown")]
    [InlineData("""{"endTime": "2024-01-01 00:00", "artistName": "Queen", "trackName": "Bohemian Rhapsody", "msPlayed": 1}""", "track")]
    [InlineData("""{"endTime": "2024-01-01 00:00", "podcastName": "Show", "episodeName": "E1", "msPlayed": 1}""", "episode")]
    [InlineData("""{"endTime": "2024-01-01 00:00", "audiobookName": "Nils", "chapterName": "1", "authorName": "Selma Lagerlöf", "msPlayed": 1}""", "audiobook")]
    public void Each_kind_of_content_of_each_package_gets_its_content_type(string json, string contentType) =>
        Assert.Equal(contentType, Assert.Single(Read($"[{json}]").Rows).ContentType);

    /// <summary>
    /// The forms a <c>ts</c> takes besides the export's own: a fraction of a second (cut, not rounded), an offset (turned to
    /// UTC), and no zone at all, as a tool that re-saved the file writes it, read as UTC, the zone every <c>ts</c> of an export is in.
    /// </summary>
    [Theory]
    [InlineData("2021-03-04T05:06:07Z")]
    [InlineData("2021-03-04T05:06:07.123Z")]
    [InlineData("2021-03-04T05:06:07.9999999Z")]
    [InlineData("2021-03-04T07:06:07+02:00")]
    [InlineData("2021-03-04T00:06:07-05:00")]
    [InlineData("2021-03-04T07:06:07.5+02:00")]
    [InlineData("2021-03-04T05:06:07+00:00")]
    [InlineData("2021-03-04 05:06:07")]
    [InlineData("2021-03-04T05:06:07")]
    [InlineData(" 2021-03-04T05:06:07Z ")]
    public void A_ts_with_a_fraction_an_offset_or_no_zone_is_the_utc_second_it_names(string ts)
    {
        var row = Assert.Single(Read($$"""[{"ts": "{{ts}}", "ms_played": 1000, "master_metadata_track_name": "Song", "spotify_track_uri": "spotify:track:t"}]""").Rows);
        Assert.Equal("2021-03-04T05:06:07Z", ListeningRow.FormatTime(row.EndedAt));
    }

    /// <summary>Every form a re-saving tool writes, each date-time separator with each precision and each zone.</summary>
    [Fact]
    public void A_ts_of_any_separator_precision_and_zone_a_tool_writes_is_the_utc_time_it_names()
    {
        string[] zones = ["Z", "+00:00", "+0000", "+02:00", "-05:00", ""];
        string[] times = ["05:06:07", "05:06:07.1", "05:06:07.123456", "05:06"];
        var failed = new List<string>();
        foreach (var separator in new[] { "T", " " })
        {
            foreach (var time in times)
            {
                foreach (var zone in zones)
                {
                    var shift = zone switch { "+02:00" => 2, "-05:00" => -5, _ => 0 };
                    var local = new DateTime(2021, 3, 4, 5, 6, time.Length > 5 ? 7 : 0).AddHours(shift);
                    var ts = $"{local:yyyy-MM-dd}{separator}{local:HH:mm}{(time.Length > 5 ? time[5..] : "")}{zone}";
                    var rows = Read($$"""[{"ts": "{{ts}}", "ms_played": 1000, "master_metadata_track_name": "Song", "spotify_track_uri": "spotify:track:t"}]""").Rows;
                    var expected = time.Length > 5 ? "2021-03-04T05:06:07Z" : "2021-03-04T05:06:00Z";
                    if (rows.Count != 1 || ListeningRow.FormatTime(rows[0].EndedAt) != expected)
                    {
                        failed.Add($"{ts}: {(rows.Count == 1 ? ListeningRow.FormatTime(rows[0].EndedAt) : "no row")}");
                    }
                }
            }
        }
        Assert.Empty(failed);
        Assert.Equal("2021-03-04T05:06:07Z", ListeningRow.FormatTime(Assert.Single(Read("""[{"ts": "20210304T050607Z", "ms_played": 1}]""").Rows).EndedAt));
    }

    [Fact]
    public void Rows_of_both_eras_merged_in_one_table_are_each_read_by_the_key_their_era_filled()
    {
        var content = Read("""
            [{"ts": null, "endTime": "2021-03-04 05:06", "artistName": "Queen", "trackName": "Love of My Life", "msPlayed": 60000, "spotify_track_uri": null},
             {"ts": "2021-03-04T07:08:09Z", "endTime": null, "artistName": null, "trackName": null, "msPlayed": null, "ms_played": 1000,
              "master_metadata_track_name": "Song", "spotify_track_uri": "spotify:track:t"},
             {"ts": null, "endTime": null, "ms_played": 1}]
            """);
        Assert.Equal(["2021-03-04T05:06:00Z account Love of My Life", "2021-03-04T07:08:09Z extended Song"],
            content.Rows.Select(r => $"{ListeningRow.FormatTime(r.EndedAt)} {r.Source.ToString().ToLowerInvariant()} {r.TrackName}"));
        Assert.Equal(1, content.UnreadableCount);
    }

    [Fact]
    public void Account_data_end_times_are_utc_to_the_minute_never_local_time()
    {
        var row = Assert.Single(Read("""[{"endTime": "2021-03-28 01:30", "artistName": "Queen", "trackName": "Love of My Life", "msPlayed": 60000}]""").Rows);
        Assert.Equal("2021-03-28T01:30:00Z", ListeningRow.FormatTime(row.EndedAt));
        Assert.Equal(HistorySource.Account, row.Source);
    }

    [Fact]
    public void Unknown_keys_of_a_future_era_are_ignored_whatever_their_shape_and_missing_keys_are_empty_columns()
    {
        var content = Read("""[{"ts": "2025-05-05T05:05:05Z", "video_quality": {"level": [1, {"deep": true}]}, "new_flag": [null], "ms_played": 42}]""");
        var row = Assert.Single(content.Rows);
        Assert.Equal(42, row.MsPlayed);
        Assert.Null(row.Platform);
        Assert.Null(row.TrackUri);
        Assert.Empty(content.Unreadable);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_an_empty_column_and_the_row_is_kept()
    {
        var row = Assert.Single(Read("""[{"ts": "2025-05-05T05:05:05Z", "ms_played": "1234", "shuffle": "yes", "skipped": 1, "platform": 7, "conn_country": ["SE"]}]""").Rows);
        Assert.Equal(1234, row.MsPlayed);
        Assert.Null(row.Shuffle);
        Assert.Null(row.Skipped);
        Assert.Null(row.Platform);
        Assert.Null(row.ConnCountry);
    }

    [Fact]
    public void Rows_without_a_readable_time_and_elements_that_are_not_objects_are_counted_under_their_reason()
    {
        var content = Read("""
            [{"ts": "yesterday"}, {"ts": null}, {"ts": "1999-13-45T00:00:00Z"}, {"ms_played": 5}, {"endTime": "28/03/2021 01:30"},
             42, "text", [1], {"ts": "2025-05-05T05:05:05Z"}]
            """);
        Assert.Single(content.Rows);
        Assert.Equal(9, content.RowsRead);
        Assert.Equal(8, content.UnreadableCount);
        Assert.Equal(2, content.Unreadable["'ts' is not a UTC time such as 2021-03-04T05:06:07Z"]);
        Assert.Equal(1, content.Unreadable["'ts' is null"]);
        Assert.Equal(1, content.Unreadable["it has neither 'ts' (extended history) nor 'endTime' (account data)"]);
        Assert.Equal(1, content.Unreadable["'endTime' is not a UTC time such as 2021-03-04 05:06"]);
        Assert.Equal(1, content.Unreadable["an element is a JSON array, not an object"]);
        Assert.Null(content.Problem);
    }

    [Fact]
    public void Json_that_breaks_off_keeps_the_rows_before_the_break_and_says_where_it_broke()
    {
        var content = Read($"[{NewEraRow}, {NewEraRow.Replace("05:06:07", "05:07:07", StringComparison.Ordinal)}, {{\"ts\": \"2024-03-04T0");
        Assert.Equal(2, content.Rows.Count);
        Assert.Contains("breaks off at line", content.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_cut_anywhere_counts_every_element_it_began_as_kept_or_unreadable_and_says_it_broke()
    {
        var rows = Enumerable.Range(0, 6).Select(i => NewEraRow.Replace("05:06:07", $"05:06:{10 + i}", StringComparison.Ordinal))
            .Append("[1, 2]").Append("{\"ts\": \"yesterday\"}");
        var whole = Encoding.UTF8.GetBytes("[" + string.Join(",\n", rows) + "]");
        var random = new Random(65);
        foreach (var cut in Enumerable.Range(0, 200).Select(_ => random.Next(1, whole.Length - 1)).Append(whole.Length / 2))
        {
            var content = ExportFileReader.Read(whole.AsSpan(0, cut));

            Assert.True(content.RowsRead == content.Rows.Count + content.UnreadableCount,
                $"cut at byte {cut}: {content.RowsRead} read, {content.Rows.Count} kept, {content.UnreadableCount} unreadable");
            Assert.NotNull(content.Problem);
        }
    }

    [Theory]
    [InlineData("", "the file is empty")]
    [InlineData("{\"username\": \"ana\"}", "it is a JSON object, not an array of streams")]
    [InlineData("\"hello\"", "it is a JSON string, not an array of streams")]
    public void A_file_that_is_not_an_array_of_streams_says_what_it_is(string json, string problem)
    {
        var content = Read(json);
        Assert.Empty(content.Rows);
        Assert.Equal(problem, content.Problem);
    }

    [Fact]
    public void A_byte_order_mark_is_read_past()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes($"[{NewEraRow}]")).ToArray();
        Assert.Single(ExportFileReader.Read(bytes).Rows);
    }

    [Theory]
    [InlineData("My Spotify Data/Spotify Extended Streaming History/Streaming_History_Audio_2019-2021_0.json", ExportFileKind.ExtendedAudio)]
    [InlineData("Streaming_History_Audio_2023_5.json", ExportFileKind.ExtendedAudio)]
    [InlineData("Streaming_History_Video_2020-2024.json", ExportFileKind.ExtendedVideo)]
    [InlineData("MyData/endsong_12.json", ExportFileKind.ExtendedEndsong)]
    [InlineData("StreamingHistory_music_0.json", ExportFileKind.AccountMusic)]
    [InlineData("StreamingHistory_podcast_3.json", ExportFileKind.AccountPodcast)]
    [InlineData("StreamingHistory_audiobook_0.json", ExportFileKind.AccountAudiobook)]
    [InlineData("MyData\\StreamingHistory1.json", ExportFileKind.AccountLegacy)]
    public void Every_eras_file_names_are_recognised(string name, ExportFileKind kind) => Assert.Equal(kind, ExportFileKinds.FromName(name));

    [Theory]
    [InlineData("Userdata.json")]
    [InlineData("Playlist1.json")]
    [InlineData("SearchQueries.json")]
    [InlineData("endsong.json.bak")]
    public void Other_files_of_the_export_are_not_taken_for_history_by_name(string name) => Assert.Null(ExportFileKinds.FromName(name));

    [Fact]
    public void Names_keep_no_line_break_or_control_character_so_a_CSV_row_of_the_history_stays_one_line_for_Athena()
    {
        var random = new Random(20);
        char[] breaking = ['\n', '\r', '\u0085', '\u2028', '\u2029', '\u0000', '\u0001', '\u001f', '\u007f', '\u009f'];
        for (var trial = 0; trial < 200; trial++)
        {
            var name = new string(Enumerable.Range(0, random.Next(1, 12))
                .Select(_ => random.Next(3) == 0 ? breaking[random.Next(breaking.Length)] : (char)random.Next('a', 'z' + 1)).ToArray());
            var escaped = System.Text.Json.JsonSerializer.Serialize(name);
            var fields = string.Join(", ", new[] { "episode_name", "episode_show_name", "master_metadata_track_name", "master_metadata_album_artist_name" }
                .Select(key => $"\"{key}\": {escaped}"));
            var row = Read($$"""[{"ts": "2024-03-04T05:06:07Z", "ms_played": 1000, {{fields}}}]""").Rows.Single();

            Assert.All(new[] { row.EpisodeName, row.ShowName, row.TrackName, row.ArtistName }, text =>
            {
                Assert.Equal(SpotifyEtl.Transformation.AthenaValues.Text(name) is { Length: > 0 } kept ? kept : null, text);
                Assert.False(text?.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029') ?? false, $"'{escaped}' kept a control character");
            });
        }
    }

    [Fact]
    public void A_history_file_under_another_name_is_recognised_by_its_keys_and_other_json_is_not()
    {
        Assert.Equal(ExportFileKind.ExtendedOther, ExportImporter.Recognize("renamed.json", Encoding.UTF8.GetBytes($"[{NewEraRow}]")).Kind);
        Assert.Equal(ExportFileKind.AccountOther, ExportImporter.Recognize("x.json", Encoding.UTF8.GetBytes("""[{"endTime": "2024-01-01 00:00", "msPlayed": 1}]""")).Kind);
        var (kind, reason, _) = ExportImporter.Recognize("SearchQueries.json", Encoding.UTF8.GetBytes("""[{"searchTime": "2026-01-01", "searchQuery": "x"}]"""));
        Assert.Null(kind);
        Assert.Contains("none of its 1 elements has 'ts' or 'endTime'", reason, StringComparison.Ordinal);
        Assert.Contains("not a .json file", ExportImporter.Recognize("ReadMeFirst.pdf", "%PDF"u8).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("iOS 13.3.1 (iPhone10,3)", "ios")]
    [InlineData("Android OS 9 API 28 (samsung, SM-G960F)", "android")]
    [InlineData("Windows 10 (10.0.19041; x64; AppX)", "windows")]
    [InlineData("OS X 10.15.7 [x86 8]", "macos")]
    [InlineData("web_player windows 10;chrome 96.0;desktop", "web")]
    [InlineData("Partner android_tv Amazon;AFTMM;7f3c2a91e4b8d605;;tpapi", "tv")]
    [InlineData("playstation", "console")]
    [InlineData("Android-tablet OS 12 (Car)", "car")]
    [InlineData("Partner sonos_one Sonos;One;abc123;;tpapi", "speaker")]
    [InlineData("Partner tesla_model3 Tesla;Model 3;5YJ3E1EA7KF000000;;tpapi", "car")]
    [InlineData("car_thing", "car")]
    [InlineData("Android OS 13 API 33 (Google, Pixel Watch)", "wearable")]
    [InlineData("Tizen 4.0.0.7 (Samsung, Galaxy Watch)", "wearable")]
    [InlineData("Samsung Smart TV Tizen 6.0", "tv")]
    [InlineData("watchOS 10.1 (Watch6,2)", "wearable")]
    [InlineData("Partner garmin_watch Garmin;fenix 7;abc;;tpapi", "wearable")]
    [InlineData("something new", "other")]
    public void Platforms_are_normalised_to_a_family(string platform, string family) => Assert.Equal(family, PlatformFamily.Normalize(platform));

    [Fact]
    public void A_partner_car_of_any_maker_is_a_car_and_a_word_holding_car_is_not()
    {
        var random = new Random(7);
        string Word(int length)
        {
            // A word no rule knows (not "sonos", not "car" itself), so the family can come from the car alone.
            while (true)
            {
                var word = new string([.. Enumerable.Range(0, length).Select(_ => (char)('a' + random.Next(26)))]);
                if (PlatformFamily.Normalize(word) == PlatformFamily.Other)
                {
                    return word;
                }
            }
        }
        for (var i = 0; i < 200; i++)
        {
            // Makers are made up: a rule that lists known ones would pass them and miss the next.
            var maker = Word(random.Next(3, 9));
            var car = random.Next(3) switch
            {
                0 => $"Partner {maker}_car {char.ToUpperInvariant(maker[0])}{maker[1..]};{Word(4)};{Word(12)};;tpapi",
                1 => $"Partner {maker}_car",
                _ => $"{maker} car {random.Next(1, 20)}.{random.Next(10)}",
            };
            Assert.Equal(PlatformFamily.Car, PlatformFamily.Normalize(random.Next(2) == 0 ? car : car.ToUpperInvariant()));
            var notCar = $"Partner {maker}_{(random.Next(3) switch { 0 => "card", 1 => "carousel", _ => "scar" })} {Word(5)};;tpapi";
            Assert.NotEqual(PlatformFamily.Car, PlatformFamily.Normalize(notCar));
        }
    }
}
