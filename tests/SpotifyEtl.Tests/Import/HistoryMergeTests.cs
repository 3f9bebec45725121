using SpotifyEtl.Import;
using Xunit;

namespace SpotifyEtl.Tests.Import;

/// <summary>Each stream counted once: exact duplicates, account rows the extended history covers, API plays the export holds.</summary>
public sealed class HistoryMergeTests
{
    private static readonly long Base = new DateTimeOffset(2024, 6, 1, 12, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    private static ListeningRow Extended(long at, string uri = "spotify:track:t1", int ms = 180_000, bool? skipped = false, string? platform = "ios") =>
        new(at, ms, ContentTypes.Track, uri, "Song " + uri[^2..], "Artist", "Album", null, null, null, null, null, null, "clickrow", "trackdone",
            false, skipped, false, false, null, platform, "SE", HistorySource.Extended);

    private static ListeningRow Account(long at, string track = "Song t1", string artist = "Artist", int ms = 180_000) =>
        new(at / 60 * 60, ms, ContentTypes.Track, null, track, artist, null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, HistorySource.Account);

    private static ListeningRow Api(long at, string uri = "spotify:track:t1", string name = "Song t1") =>
        new(at, 200_000, ContentTypes.Track, uri, name, "Artist", "Album", null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, HistorySource.Api);

    private static MergedHistory Merge(params ListeningRow[][] inputs) => HistoryMerge.Merge(inputs);

    [Fact]
    public void Exact_duplicates_within_a_file_and_across_files_are_one_row_and_counted_as_duplicates()
    {
        var row = Extended(Base);
        var merged = Merge([row, row, Extended(Base + 600)], [row]);
        Assert.Equal(2, merged.Rows.Count);
        Assert.Equal((2, 1), (merged.Origins[0].Kept, merged.Origins[0].Duplicates));
        Assert.Equal((0, 1), (merged.Origins[1].Kept, merged.Origins[1].Duplicates));
    }

    [Fact]
    public void Real_repeats_of_one_track_and_rows_sharing_a_time_are_all_kept()
    {
        // The same track twice in a minute (a skip, then a full play) and three streams ending in the same second.
        var merged = Merge([Extended(Base, ms: 5_000, skipped: true), Extended(Base + 40, ms: 40_000),
            Extended(Base + 900, "spotify:track:t2"), Extended(Base + 900, "spotify:track:t3"), Extended(Base + 900, "spotify:track:t4", ms: 1)]);
        Assert.Equal(5, merged.Rows.Count);
    }

    [Fact]
    public void The_same_stream_from_an_older_and_a_newer_export_is_one_row_the_fuller_one()
    {
        // Older exports leave skipped null and name a device; the newer one says false and a family.
        var older = Extended(Base, skipped: null, platform: "ios");
        var newer = Extended(Base, skipped: false, platform: "ios");
        foreach (var inputs in new[] { new[] { new[] { older }, [newer] }, [[newer], [older]] })
        {
            var merged = HistoryMerge.Merge(inputs);
            Assert.False(Assert.Single(merged.Rows).Skipped);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Copies_of_a_stream_each_missing_other_fields_are_one_row_with_every_field_any_copy_gives_in_any_order(int seed)
    {
        var random = new Random(seed);
        // Streams whose copies (two to four, across inputs and within one) agree where they give a value and each leave
        // some of the stream's fields empty: skipped in one, the platform in another.
        var streams = Enumerable.Range(0, 200).Select(i => Extended(Base + (i * 97), $"spotify:track:t{i % 50:D2}", skipped: random.Next(2) == 0,
            platform: random.Next(2) == 0 ? "ios" : "android") with
        {
            Shuffle = random.Next(2) == 0, Offline = random.Next(2) == 0, OfflineStartedAt = Base - random.Next(1, 1000), ConnCountry = "SE",
        }).ToList();
        ListeningRow Copy(ListeningRow row) => row with
        {
            ReasonStart = random.Next(3) == 0 ? null : row.ReasonStart,
            ReasonEnd = random.Next(3) == 0 ? null : row.ReasonEnd,
            Shuffle = random.Next(3) == 0 ? null : row.Shuffle,
            Skipped = random.Next(3) == 0 ? null : row.Skipped,
            Offline = random.Next(3) == 0 ? null : row.Offline,
            IncognitoMode = random.Next(3) == 0 ? null : row.IncognitoMode,
            OfflineStartedAt = random.Next(3) == 0 ? null : row.OfflineStartedAt,
            Platform = random.Next(3) == 0 ? null : row.Platform,
            ConnCountry = random.Next(3) == 0 ? null : row.ConnCountry,
        };
        var copies = streams.Select(s => Enumerable.Range(0, random.Next(2, 5)).Select(_ => Copy(s)).ToList()).ToList();
        // What the copies give together: each field from whichever copy holds it.
        var expected = copies.Select(c => c[0] with
        {
            ReasonStart = c.Select(r => r.ReasonStart).FirstOrDefault(v => v is not null),
            ReasonEnd = c.Select(r => r.ReasonEnd).FirstOrDefault(v => v is not null),
            Shuffle = c.Select(r => r.Shuffle).FirstOrDefault(v => v is not null),
            Skipped = c.Select(r => r.Skipped).FirstOrDefault(v => v is not null),
            Offline = c.Select(r => r.Offline).FirstOrDefault(v => v is not null),
            IncognitoMode = c.Select(r => r.IncognitoMode).FirstOrDefault(v => v is not null),
            OfflineStartedAt = c.Select(r => r.OfflineStartedAt).FirstOrDefault(v => v is not null),
            Platform = c.Select(r => r.Platform).FirstOrDefault(v => v is not null),
            ConnCountry = c.Select(r => r.ConnCountry).FirstOrDefault(v => v is not null),
        }).OrderBy(r => r.EndedAt).ToList();
        var all = copies.SelectMany(c => c).ToList();
        for (var order = 0; order < 3; order++)
        {
            // The copies dealt into three inputs in a new order each time.
            var shuffled = all.OrderBy(_ => random.Next()).ToList();
            var inputs = Enumerable.Range(0, 3).Select(k => shuffled.Where((_, i) => i % 3 == k).ToArray()).ToArray();
            var merged = HistoryMerge.Merge(inputs);
            Assert.Equal(expected, merged.Rows.OrderBy(r => r.EndedAt).ToList());
            Assert.Equal(all.Count - streams.Count, merged.Origins.Sum(o => o.Duplicates));
        }
    }

    /// <summary>The same stream as a row that names nothing: no URI, no name (as exports give an unavailable track).</summary>
    private static ListeningRow Bare(ListeningRow row) => row with
    {
        ContentType = ContentTypes.Unknown, TrackUri = null, TrackName = null, ArtistName = null, AlbumName = null,
    };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_stream_one_export_gives_without_its_content_is_the_stream_another_names_when_one_row_alone_fits(int seed)
    {
        var random = new Random(seed);
        // Older export: streams of a month, some ending in the same second, some with skipped or the platform left empty.
        var older = Enumerable.Range(0, 300).Select(_ => Extended(Base + random.Next(0, 30 * 86_400) / (random.Next(5) == 0 ? 600 : 1),
                $"spotify:track:t{random.Next(40):D2}", random.Next(3) == 0 ? 0 : random.Next(1, 300_000),
                skipped: random.Next(4) == 0 ? null : false, platform: random.Next(4) == 0 ? null : "ios"))
            // Two tracks that ended in one second after the same time played (both failed to load, say), now and then.
            .Concat(Enumerable.Range(0, 8).SelectMany(i => new[] { Extended(Base + 35 * 86_400 + i * 60, "spotify:track:a1", i), Extended(Base + 35 * 86_400 + i * 60, "spotify:track:a2", i) }))
            .DistinctBy(r => (r.EndedAt, r.MsPlayed, r.TrackUri)).ToList();
        var fits = older.GroupBy(r => (r.EndedAt, r.MsPlayed)).Where(g => g.Count() == 1).Select(g => g.Key).ToHashSet();
        // One file's two streams that failed to load in one second, one of a track no longer described: two streams.
        var together = Enumerable.Range(0, 6).SelectMany(i => new[] { Extended(Base + 45 * 86_400 + i * 60, ms: 0), Bare(Extended(Base + 45 * 86_400 + i * 60, ms: 0)) }).ToList();
        older.AddRange(together);
        // The newer export holds the older streams again, a third of them without their content but with what the older one
        // left empty; a few streams of its own with no content; and audiobook chapters known by nothing but their kind.
        var newer = new List<ListeningRow>();
        var expected = new List<ListeningRow>(together);
        var ambiguous = new HashSet<(long, int?)>(); // bare copies of one (second, time played) are one row among themselves
        foreach (var row in older.Except(together))
        {
            if (random.Next(3) == 0)
            {
                newer.Add(Bare(row) with { Skipped = row.Skipped ?? true, Platform = row.Platform ?? "android" });
                if (fits.Contains((row.EndedAt, row.MsPlayed)))
                {
                    expected.Add(row with { Skipped = row.Skipped ?? true, Platform = row.Platform ?? "android" });
                    continue;
                }
                ambiguous.Add((row.EndedAt, row.MsPlayed));
            }
            else
            {
                newer.Add(row);
            }
            expected.Add(row);
        }
        var alone = Enumerable.Range(0, 10).Select(i => Bare(Extended(Base + 40 * 86_400 + i * 3_600, ms: 1_000 + i))).ToList();
        var chapters = newer.Where(r => r.TrackUri is not null && fits.Contains((r.EndedAt, r.MsPlayed))).Take(3).Select(r => Bare(r) with { ContentType = ContentTypes.Audiobook }).ToList();
        newer.AddRange(alone.Concat(chapters));
        expected.AddRange(alone.Concat(chapters));
        Assert.True(expected.Count(r => r.Skipped is true || r.Platform == "android") > 5 && ambiguous.Count > 0, $"{ambiguous.Count} bare rows that fit several streams");

        foreach (var inputs in new[] { new[] { older, newer }, [newer, older] })
        {
            var merged = HistoryMerge.Merge(inputs);
            // Every named stream once, completed by its nameless row; a nameless row beside it only where several named
            // streams ended then after that time played, or where one file holds both.
            Assert.Equal(expected.Count + ambiguous.Count, merged.Rows.Count);
            Assert.All(expected, r => Assert.Contains(r, merged.Rows));
            Assert.Equal(merged.Rows.Count, merged.Origins.Sum(o => o.Kept));
            Assert.Equal(inputs.Sum(i => i.Count), merged.Origins.Sum(o => o.Kept + o.Duplicates));
        }
    }

    /// <summary>
    /// One export gives a stream's URI and another only its names (a track no longer in the catalogue, a file re-saved
    /// without the column): one row, with the URI and what either copy adds. Two streams of one file stay two, and a copy
    /// that fits several streams with its names, end and time played is kept beside them.
    /// </summary>
    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void A_stream_one_export_names_by_uri_and_another_by_names_alone_is_one_row(int seed)
    {
        var random = new Random(seed);
        var streams = Enumerable.Range(0, 200)
            .Select(i => Extended(Base + random.Next(0, 90 * 86_400), $"spotify:track:{random.Next(10, 99)}", ms: random.Next(0, 4) * 30_000, skipped: random.Next(3) == 0 ? null : false))
            .DistinctBy(r => (r.EndedAt, r.MsPlayed, r.TrackName)).ToList();
        // The same names, end and time played under two URIs (a song and its single): a names-only copy cannot say which.
        var twin = streams[0] with { TrackUri = "spotify:track:zz" };
        var first = new List<ListeningRow>(streams) { twin };
        var second = new List<ListeningRow>();
        var expected = new List<ListeningRow>(first);
        foreach (var row in streams.Skip(1))
        {
            if (random.Next(2) == 0)
            {
                second.Add(random.Next(2) == 0 ? row with { TrackUri = null } : row with { TrackUri = null, Skipped = row.Skipped ?? true, Platform = "android" });
            }
        }
        second.Add(streams[0] with { TrackUri = null });
        expected.Add(streams[0] with { TrackUri = null });
        // One file's own two streams in a second, one of them without its URI: two streams.
        var together = new[] { Extended(Base + 100 * 86_400, "spotify:track:44"), Extended(Base + 100 * 86_400, "spotify:track:44") with { TrackUri = null } };
        first.AddRange(together);
        expected.AddRange(together);

        foreach (var inputs in new[] { new[] { first, second }, [second, first] })
        {
            var merged = HistoryMerge.Merge(inputs);
            Assert.Equal(expected.Count, merged.Rows.Count);
            foreach (var row in expected)
            {
                var completed = second.FirstOrDefault(s => row.TrackUri is not null && s.TrackUri is null && (s.EndedAt, s.MsPlayed, s.TrackName) == (row.EndedAt, row.MsPlayed, row.TrackName) && row != twin && row != streams[0]);
                var wanted = completed is null ? row : row with { Skipped = row.Skipped ?? completed.Skipped, Platform = row.Platform ?? completed.Platform };
                Assert.Contains(wanted, merged.Rows);
            }
            Assert.Equal(inputs.Sum(i => i.Count), merged.Origins.Sum(o => o.Kept + o.Duplicates));
        }
    }

    [Fact]
    public void Account_rows_only_fill_the_periods_the_extended_history_does_not_cover()
    {
        var extended = new[] { Extended(Base), Extended(Base + 86_400 * 10), Extended(Base + 86_400 * 30) };
        var inside = Account(Base + 86_400 * 10 + 3_600, "Other");
        var before = Account(Base - 86_400, "Before");
        var after = Account(Base + 86_400 * 31, "After");
        var sameMinuteAsFirst = Account(Base + 10);
        var dayWithoutExtendedStreams = Account(Base + 86_400 * 20, "Gap");
        var merged = Merge(extended, [inside, before, after, sameMinuteAsFirst, dayWithoutExtendedStreams]);
        Assert.Equal(["Before", "Song t1", "Song t1", "Gap", "Song t1", "After"], merged.Rows.Select(r => r.TrackName!).ToArray());
        Assert.Equal((3, 2), (merged.Origins[1].Kept, merged.Origins[1].Covered));
    }

    /// <summary>
    /// Account data asked for after the extended history holds streams after its last: one that ended in the last stream's
    /// minute is that stream only if it names it. The same at the first stream's minute, for streams before it.
    /// </summary>
    [Theory]
    [InlineData(5, 40)]
    [InlineData(0, 59)]
    [InlineData(30, 31)]
    [InlineData(59, 0)]
    public void An_account_row_in_the_extended_historys_first_or_last_minute_is_covered_only_by_a_stream_of_its_names(int extendedSecond, int accountSecond)
    {
        var edge = Base + 86_400 * 30;
        var extended = new[] { Extended(Base + 86_400 * 2), Extended(edge + extendedSecond) };

        var later = Merge(extended, [Account(edge + accountSecond, "Other", "Someone", 20_000)]);
        var same = Merge(extended, [Account(edge + accountSecond)]);
        var beforeFirst = Merge([Extended(Base + 86_400 * 2 + extendedSecond), Extended(edge)], [Account(Base + 86_400 * 2 + accountSecond, "Earlier", "Someone")]);

        Assert.Equal((1, 0), (later.Origins[1].Kept, later.Origins[1].Covered));
        Assert.Contains(later.Rows, r => r.TrackName == "Other");
        Assert.Equal((0, 1), (same.Origins[1].Kept, same.Origins[1].Covered));
        Assert.Equal(2, same.Rows.Count);
        Assert.Contains(beforeFirst.Rows, r => r.TrackName == "Earlier");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void An_extended_history_with_files_missing_leaves_their_days_to_the_account_data(int seed)
    {
        // A year of extended history in files of a few weeks each; some files are not there (skipped as damaged, not
        // offered, or only the video file imported). The account data covers the same year.
        var random = new Random(seed);
        var files = Enumerable.Range(0, 12).Select(file => Enumerable.Range(file * 30, 30).Where(_ => random.Next(3) > 0)
            .Select(day => Extended(Base + day * 86_400L + random.Next(86_400), $"spotify:track:{random.Next(100):D2}")).ToArray()).ToList();
        var present = files.Where(_ => random.Next(3) > 0).ToList();
        var extended = present.SelectMany(f => f).ToArray();
        var account = Enumerable.Range(0, 400).Select(i => Account(Base + random.Next(360) * 86_400L + random.Next(86_400), $"Song a{i}")).ToArray();
        var days = extended.Select(e => e.EndedAt / 86_400).ToHashSet();
        var (first, last) = (extended.Min(e => e.EndedAt) / 60 * 60, extended.Max(e => e.EndedAt));

        var merged = Merge(extended, account);

        // In the span's first and last minutes, only a row an extended stream of that minute names is covered: these names never are.
        var covered = account.Where(a => a.EndedAt > first && a.EndedAt < last / 60 * 60 && days.Contains(a.EndedAt / 86_400)).ToList();
        var kept = account.Except(covered).ToList();
        Assert.Equal((kept.Count, covered.Count), (merged.Origins[1].Kept, merged.Origins[1].Covered));
        Assert.All(kept, row => Assert.Contains(row, merged.Rows));
        Assert.All(covered, row => Assert.DoesNotContain(row, merged.Rows));
        Assert.True(kept.Count > 0 && covered.Count > 0, $"seed {seed}: {kept.Count} kept, {covered.Count} covered");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(-15)]
    [InlineData(15)]
    public void An_api_play_and_the_exports_row_of_the_same_track_within_the_tolerance_are_one_row(int offset)
    {
        var merged = Merge([Extended(Base)], [Api(Base + offset)]);
        Assert.Equal(HistorySource.Extended, Assert.Single(merged.Rows).Source);
        Assert.Equal(1, merged.Origins[1].Covered);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(-120)]
    public void An_api_play_further_than_the_tolerance_or_of_another_track_is_its_own_row(int offset)
    {
        Assert.Equal(2, Merge([Extended(Base)], [Api(Base + offset)]).Rows.Count);
        Assert.Equal(2, Merge([Extended(Base)], [Api(Base, "spotify:track:zz")]).Rows.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-15)]
    [InlineData(15)]
    public void An_api_play_stamped_with_the_start_of_the_exports_stream_is_that_stream(int offset)
    {
        // A 200 s stream ending at Base began at Base - 200, or earlier if it was paused; some clients stamp played_at then.
        var merged = Merge([Extended(Base, ms: 200_000)], [Api(Base - 200 + offset)]);
        Assert.Equal(HistorySource.Extended, Assert.Single(merged.Rows).Source);
        Assert.Equal(1, merged.Origins[1].Covered);
        // Begun more than the tolerance after the latest start the stream can have had: another stream.
        Assert.Equal(2, Merge([Extended(Base, ms: 200_000)], [Api(Base - 184)]).Rows.Count);
        Assert.Equal(2, Merge([Extended(Base, ms: 0)], [Api(Base - 200)]).Rows.Count);
    }

    [Fact]
    public void A_play_stamped_with_its_end_keeps_its_stream_from_a_play_stamped_with_a_start()
    {
        // The play stamped Base - 200 ends the earlier stream; the later stream (200 s, to Base) began then too.
        var merged = Merge([Extended(Base - 200, ms: 200_000), Extended(Base, ms: 200_000)], [Api(Base - 200), Api(Base)]);
        Assert.Equal(2, merged.Rows.Count);
        Assert.All(merged.Rows, r => Assert.Equal(HistorySource.Extended, r.Source));
    }

    /// <summary>
    /// Streams one after another across a month's end, of a few tracks, each begun at least 31 s after the last ended; the API
    /// lists some of them, each stamped with its end or its start (a few seconds off), and plays after the export's last. Each
    /// stream is one row, whichever its stamp; each play the export does not hold is a row of its own.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Api_plays_stamped_with_their_start_or_their_end_each_pair_with_their_own_stream(int seed)
    {
        var random = new Random(seed);
        var at = new DateTimeOffset(2024, 6, 30, 22, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var export = new List<ListeningRow>();
        var api = new List<ListeningRow>();
        for (var i = 0; i < 200; i++)
        {
            var start = at + random.Next(31, 600);
            var seconds = random.Next(30, 400);
            at = start + seconds;
            var uri = $"spotify:track:t{random.Next(6)}";
            export.Add(Extended(at, uri, ms: seconds * 1000));
            if (random.Next(5) < 3)
            {
                api.Add(Api((random.Next(2) == 0 ? at : start) + random.Next(-10, 11), uri));
            }
        }
        var later = Enumerable.Range(1, 10).Select(i => Api(at + 600 * i, $"spotify:track:t{i % 6}")).ToList();
        var merged = Merge([.. export], [.. api, .. later]);
        Assert.Equal(export.Count + later.Count, merged.Rows.Count);
        Assert.Equal(api.Count, merged.Origins[1].Covered);
        Assert.Equal(later.Count, merged.Rows.Count(r => r.Source == HistorySource.Api));
        Assert.Contains(merged.Rows, r => r.EndedAt >= new DateTimeOffset(2024, 7, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds());
    }

    /// <summary>
    /// Streams paused on the way (a pause of up to half an hour in most of them): the export's time played counts no pause, so
    /// a stream began earlier than its end less the time played. The API lists some of them, stamped with the stream's end or
    /// its start, a few seconds off. Each stream is still one row, kept as the export has it (extended rows) or as the
    /// account row of its minute; a play stamped with the start of a paused stream was a second row of its own, counted
    /// twice with the track's whole length. Plays after the export are rows of their own.
    /// </summary>
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, false)]
    [InlineData(4, false)]
    [InlineData(5, true)]
    [InlineData(6, true)]
    [InlineData(7, true)]
    [InlineData(8, true)]
    public void An_api_play_stamped_with_the_start_of_a_paused_stream_is_that_stream(int seed, bool accountRows)
    {
        var random = new Random(seed);
        var at = new DateTimeOffset(2024, 6, 30, 20, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var export = new List<ListeningRow>();
        var api = new List<ListeningRow>();
        var startStamped = 0;
        for (var i = 0; i < 200; i++)
        {
            var start = at + random.Next(120, 600);
            var played = random.Next(30, 400);
            var pause = random.Next(4) == 0 ? 0 : random.Next(20, 1800);
            at = start + played + pause;
            var track = $"t{random.Next(6)}";
            export.Add(accountRows ? Account(at / 60 * 60, $"Song {track}", ms: played * 1000) : Extended(at, $"spotify:track:{track}", ms: played * 1000));
            if (random.Next(5) < 3)
            {
                var stampedAtStart = random.Next(2) == 0;
                startStamped += stampedAtStart && pause > 0 ? 1 : 0;
                api.Add(Api((stampedAtStart ? start : at) + random.Next(-10, 11), $"spotify:track:{track}", $"Song {track}"));
            }
        }
        var later = Enumerable.Range(1, 10).Select(i => Api(at + 600 * i, $"spotify:track:t{i % 6}", $"Song t{i % 6}")).ToList();

        var merged = Merge([.. export], [.. api, .. later]);

        Assert.True(startStamped > 10, $"only {startStamped} plays stamped with a paused stream's start");
        Assert.Equal(export.Count + later.Count, merged.Rows.Count);
        Assert.Equal(later.Select(r => r.EndedAt), merged.Rows.Where(r => r.EndedAt > export[^1].EndedAt + 60).Select(r => r.EndedAt).Order());
        // Every stream of the export's time is there once: its own row, or (an account row's) the API's play of its minute.
        Assert.Equal(export.Count, merged.Rows.Count(r => r.EndedAt <= export[^1].EndedAt + 60));
    }

    [Fact]
    public void Two_api_plays_pair_with_two_export_rows_never_both_with_one()
    {
        // A track played twice in a row: each API play pairs with its own stream.
        var merged = Merge([Extended(Base), Extended(Base + 200)], [Api(Base + 2), Api(Base + 199)]);
        Assert.Equal(2, merged.Rows.Count);
        Assert.All(merged.Rows, r => Assert.Equal(HistorySource.Extended, r.Source));
        var unmatched = Merge([Extended(Base)], [Api(Base + 2), Api(Base + 5)]);
        Assert.Equal(2, unmatched.Rows.Count);
    }

    [Fact]
    public void An_api_play_in_an_account_rows_minute_replaces_that_row_which_knows_only_names()
    {
        var merged = Merge([Account(Base + 30, ms: 70_000)], [Api(Base + 30), Api(Base + 30, "spotify:track:t9", "Song t1")]);
        // The second API play has the same names but the account row is already paired: it stays as well, with the track's length.
        Assert.Equal(2, merged.Rows.Count);
        Assert.All(merged.Rows, r => Assert.Equal(HistorySource.Api, r.Source));
        Assert.Equal([70_000, 200_000], merged.Rows.Select(r => r.MsPlayed!.Value).Order());
        Assert.Equal(1, merged.Origins[0].Covered);
    }

    /// <summary>
    /// Streams of a few tracks, one after another across a month's end, each begun two minutes or more after the last ended,
    /// known to the export only as account rows (names, the minute it ended, the time played: often less than the track,
    /// skipped); the API lists some of them, a few seconds off, stamped with the stream's end or, for streams of two minutes
    /// or more, its start. Each stream is one row: a play stamped with the end is the API's row with the time the account row
    /// says was played, not the track's length; a play stamped with the start leaves the account row, whose minute is the end.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void An_api_play_of_an_account_rows_stream_stamped_with_its_end_or_its_start_is_one_row_with_the_time_played(int seed)
    {
        var random = new Random(seed);
        var at = new DateTimeOffset(2024, 6, 30, 22, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var account = new List<ListeningRow>();
        var byEnd = new Dictionary<string, int>(StringComparer.Ordinal);
        var byStart = new List<ListeningRow>();
        var api = new List<ListeningRow>();
        for (var i = 0; i < 200; i++)
        {
            var start = at + random.Next(120, 600);
            var ms = random.Next(1, 400_000);
            at = start + ms / 1000;
            var track = $"t{random.Next(6)}";
            var row = Account(at, $"Song {track}", ms: ms);
            account.Add(row);
            if (random.Next(5) < 3)
            {
                var stampedAtStart = ms >= 120_000 && random.Next(2) == 0;
                var play = Api((stampedAtStart ? start : at) + random.Next(-10, 11), $"spotify:track:{track}", $"Song {track}");
                api.Add(play);
                if (stampedAtStart)
                {
                    byStart.Add(row);
                }
                else
                {
                    byEnd[$"{play.EndedAt}/{track}"] = ms;
                }
            }
        }
        var merged = Merge([.. account], [.. api]);
        Assert.Equal(account.Count, merged.Rows.Count);
        Assert.Equal((byEnd.Count, byStart.Count), (merged.Origins[0].Covered, merged.Origins[1].Covered));
        var plays = merged.Rows.Where(r => r.Source == HistorySource.Api).ToList();
        Assert.Equal(byEnd.Count, plays.Count);
        Assert.All(plays, r => Assert.Equal(byEnd[$"{r.EndedAt}/{r.TrackUri![^2..]}"], r.MsPlayed));
        Assert.Subset(merged.Rows.Where(r => r.Source == HistorySource.Account).ToHashSet(), byStart.ToHashSet());
        Assert.Contains(plays, r => r.EndedAt >= new DateTimeOffset(2024, 7, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds());
    }

    [Fact]
    public void An_api_play_in_a_minute_of_a_skip_and_a_play_of_one_track_takes_the_play()
    {
        // The skip (20 s) and the play (200 s) ended in one minute; the API lists the play, which it lists from 30 s.
        foreach (var inputs in new[] { new[] { new[] { Account(Base + 5, ms: 20_000), Account(Base + 50, ms: 200_000) }, [Api(Base + 30)] },
            [[Account(Base + 50, ms: 200_000), Account(Base + 5, ms: 20_000)], [Api(Base + 30)]] })
        {
            var merged = HistoryMerge.Merge(inputs);
            Assert.Equal([(HistorySource.Account, 20_000), (HistorySource.Api, 200_000)],
                merged.Rows.Select(r => (r.Source, r.MsPlayed!.Value)).OrderBy(r => r.Item2));
        }
    }

    [Fact]
    public void Api_plays_landed_by_several_runs_are_one_row()
    {
        var merged = Merge([Api(Base), Api(Base)]);
        Assert.Single(merged.Rows);
        Assert.Equal(1, merged.Origins[0].Duplicates);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void The_history_is_the_same_whatever_the_order_of_inputs_and_of_rows(int seed)
    {
        var random = new Random(seed);
        var rows = new List<ListeningRow>();
        for (var i = 0; i < 300; i++)
        {
            var at = Base + random.Next(0, 86_400 * 60);
            var uri = $"spotify:track:t{random.Next(10)}";
            rows.Add(random.Next(10) switch
            {
                0 => Account(at, $"Song {uri[^2..]}"),
                1 => Api(at, uri, $"Song {uri[^2..]}"),
                _ => Extended(at, uri, ms: random.Next(0, 300_000), skipped: random.Next(3) == 0 ? null : random.Next(2) == 0),
            });
        }
        rows.AddRange(rows.Take(40).ToList()); // duplicates
        // Other versions of the same streams, which must come out the same whichever is read first: as many fields filled
        // but other values (another platform or country, as two export eras may give; a track renamed between two API
        // runs), or fewer filled (an older export's empty reason).
        var extended = rows.Where(r => r.Source == HistorySource.Extended).Distinct().ToList();
        rows.AddRange(extended.Take(30).Select(r => r with { Platform = r.Platform == "ios" ? "android" : "ios", ConnCountry = random.Next(2) == 0 ? "DE" : r.ConnCountry }).ToList());
        rows.AddRange(extended.Skip(30).Take(10).Select(r => r with { ReasonStart = null }).ToList());
        rows.AddRange(rows.Where(r => r.Source == HistorySource.Api).Distinct().Take(20).Select(r => r with { TrackName = r.TrackName + " (Remastered)" }).ToList());
        rows.AddRange(rows.Where(r => r.Source == HistorySource.Extended).Take(20).Select(r => Api(r.EndedAt + random.Next(-10, 11), r.TrackUri!, r.TrackName!)).ToList());
        var expected = Texts(HistoryMerge.Merge(Split(rows, 4)));
        for (var round = 0; round < 6; round++)
        {
            var shuffled = rows.OrderBy(_ => random.Next()).ToList();
            Assert.Equal(expected, Texts(HistoryMerge.Merge(Split(shuffled, 1 + random.Next(6)))));
        }
    }

    private static List<IReadOnlyList<ListeningRow>> Split(List<ListeningRow> rows, int parts) =>
        Enumerable.Range(0, parts).Select(p => (IReadOnlyList<ListeningRow>)rows.Where((_, i) => i % parts == p).ToList()).ToList();

    private static List<string> Texts(MergedHistory merged) => merged.Rows.Select(r => r.Canonical()).ToList();
}
