using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>
/// saved_tracks' full_pass comes only from a full pass that landed the whole library: days generated from fixed seeds
/// (passes cut short in each way, beside a complete pass of another run and incremental pages) give, on the local lake
/// and through run fragments, exactly the rows an oracle computes from the pages generated, whatever the fold's order.
/// </summary>
public sealed class SavedTracksFullPassTests : RawTestLake
{
    private const int Days = 8;

    [Theory]
    [InlineData(PassCut.MissingLast, false)]
    [InlineData(PassCut.MissingLast, true)]
    [InlineData(PassCut.MissingMiddle, false)]
    [InlineData(PassCut.MissingMiddle, true)]
    [InlineData(PassCut.MissingFirst, false)]
    [InlineData(PassCut.MissingFirst, true)]
    [InlineData(PassCut.LastLinksOn, false)]
    [InlineData(PassCut.LastLinksOn, true)]
    [InlineData(PassCut.UnreadableMiddle, false)]
    [InlineData(PassCut.UnreadableMiddle, true)]
    public async Task A_full_pass_cut_short_keeps_its_songs_without_full_pass_and_a_complete_one_the_same_day_marks_its_own(PassCut cut, bool staged)
    {
        var days = new SavedTracksGenerator(40 + (int)cut).Days(Day, Days, cut);

        await TransformAndCheckAsync(days, staged);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Days_of_passes_of_every_kind_give_exactly_the_oracle_rows(bool staged)
    {
        var days = new SavedTracksGenerator(61).Days(Day, 3 * Days, cut: null);

        await TransformAndCheckAsync(days, staged);
        Assert.Contains(days, day => day.WholeRuns.Count == 0);
        Assert.Contains(days, day => day.WholeRuns.Count == 2);
    }

    [Fact]
    public void Full_pass_does_not_depend_on_the_order_of_the_fold_nor_on_how_its_objects_are_shared_among_workers()
    {
        var random = new Random(5);
        foreach (var day in new SavedTracksGenerator(77).Days(Day, 2 * Days, cut: null))
        {
            var objects = day.Pages.Where(p => p.Readable)
                .Select(p => (p.Key, Rows: RawObjectTransformer.Transform(p.Key, Encoding.UTF8.GetBytes(p.Json)))).ToList();
            var expected = day.Expected();
            for (var trial = 0; trial < 6; trial++)
            {
                var workers = Enumerable.Range(0, random.Next(1, 5)).Select(_ => new SnapshotTables(day.Day)).ToArray();
                foreach (var (key, rows) in objects.OrderBy(_ => random.Next()))
                {
                    workers[random.Next(workers.Length)].Add(key, rows);
                }
                foreach (var other in workers.Skip(1).OrderBy(_ => random.Next()))
                {
                    workers[0].Absorb(other);
                }
                Assert.Equal(expected, workers[0].SavedTracks);
            }
            // As the S3 path does: each run folded alone, kept as its fragment's JSON, read back, and the day merged from them.
            var merged = new SnapshotTables(day.Day);
            foreach (var run in objects.GroupBy(o => o.Key.RunId).OrderBy(_ => random.Next()))
            {
                var tables = new SnapshotTables(day.Day);
                foreach (var (key, rows) in run.OrderBy(_ => random.Next()))
                {
                    tables.Add(key, rows);
                }
                var json = JsonSerializer.SerializeToUtf8Bytes(tables.ToFragment(), SnapshotFragmentContext.Default.SnapshotFragment);
                merged.Absorb(SnapshotTables.FromFragment(JsonSerializer.Deserialize(json, SnapshotFragmentContext.Default.SnapshotFragment)!));
            }
            Assert.Equal(expected, merged.SavedTracks);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_pass_whose_last_page_says_next_is_empty_is_whole_as_the_extractor_that_stopped_there_took_it(int seed)
    {
        var random = new Random(seed);
        var pages = random.Next(1, 5);
        var tables = new SnapshotTables(Day);
        for (var page = 0; page < pages; page++)
        {
            var key = new RawObjectKey(RawSource.SavedTracks, Day, SavedTracksSubjects.Full, "20261120T010000Z", page);
            var next = page < pages - 1 ? $"https://api.spotify.com/v1/me/tracks?offset={(page + 1) * 2}&limit=2" : "";
            var json = SpotifyJson.ListPage(page * 2, pages * 2, next,
                SpotifyJson.Saved(Song($"{page}-a"), "2026-11-10T08:00:00Z"), SpotifyJson.Saved(Song($"{page}-b"), "2026-11-11T08:00:00Z"));
            tables.Add(key, RawObjectTransformer.Transform(key, Encoding.UTF8.GetBytes(json)));
        }

        Assert.Equal(pages * 2, tables.SavedTracks.Count);
        Assert.All(tables.SavedTracks, row => Assert.True(row.FullPass, $"{row.SongId} of {pages} pages"));
    }

    /// <summary>
    /// A run that passed the library again (it changed under the first pass) and stopped partway through the second: its
    /// first pass is whole, so the songs it listed are the day's full pass; a second pass that began with a gap before the
    /// first one ended, or a first one cut short, is no whole pass.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_pass_made_again_and_stopped_partway_takes_nothing_from_the_whole_pass_before_it(int seed)
    {
        var random = new Random(seed);
        var (whole, again) = (random.Next(1, 5), random.Next(1, 4));
        var tables = new SnapshotTables(Day);
        var number = random.Next(2);
        void Land(int page, int of, bool linksOn, string song)
        {
            var key = new RawObjectKey(RawSource.SavedTracks, Day, SavedTracksSubjects.Full, "20261120T010000Z", number++);
            var next = linksOn ? $"https://api.spotify.com/v1/me/tracks?offset={(page + 1) * 2}&limit=2" : null;
            var json = SpotifyJson.ListPage(page * 2, of * 2, next, SpotifyJson.Saved(Song($"{song}-a"), "2026-11-10T08:00:00Z"), SpotifyJson.Saved(Song($"{song}-b"), "2026-11-11T08:00:00Z"));
            tables.Add(key, RawObjectTransformer.Transform(key, Encoding.UTF8.GetBytes(json)));
        }
        for (var page = 0; page < whole; page++)
        {
            Land(page, whole, page < whole - 1, $"first{page}");
        }
        // The pass made again: its pages up to where it stopped, the last of them linking on.
        for (var page = 0; page < again; page++)
        {
            Land(page, whole + 1, linksOn: true, $"again{page}");
        }

        Assert.Equal((whole + again) * 2, tables.SavedTracks.Count);
        Assert.All(tables.SavedTracks, row => Assert.True(row.FullPass, $"{row.SongId}: {whole} pages whole, {again} again"));
    }

    [Fact]
    public void Pages_that_all_say_offset_0_as_hand_written_ones_do_complete_a_pass_only_from_page_0_or_1_and_without_a_gap()
    {
        var tables = new SnapshotTables(Day);
        var runs = new (string Run, int[] Pages, bool Complete)[]
        {
            ("20261120T010000Z", [1, 2, 3], true),
            ("20261120T020000Z", [0, 1], true),
            ("20261120T030000Z", [2, 3], false),
            ("20261120T040000Z", [1, 3], false),
        };
        foreach (var (run, pages, _) in runs)
        {
            foreach (var page in pages)
            {
                var key = new RawObjectKey(RawSource.SavedTracks, Day, SavedTracksSubjects.Full, run, page);
                var json = SpotifyJson.Page(0, SpotifyJson.Saved(Song($"{run[9..11]}-{page}"), $"2026-11-{10 + page}T08:00:00Z"));
                tables.Add(key, RawObjectTransformer.Transform(key, Encoding.UTF8.GetBytes(json)));
            }
        }

        var expected = runs.SelectMany(r => r.Pages.Select(page => ($"{r.Run[9..11]}-{page}", r.Complete)));
        Assert.Equal(expected.Order(), tables.SavedTracks.Select(row => (row.SongId, row.FullPass)).Order());
    }

    [Fact]
    public void A_page_folded_twice_whose_copies_disagree_leaves_the_pass_incomplete_in_either_order()
    {
        var key = new RawObjectKey(RawSource.SavedTracks, Day, SavedTracksSubjects.Full, "20261120T060000Z", 1);
        var item = SpotifyJson.Saved(Song("t1"), "2026-11-19T08:00:00Z");
        var last = RawObjectTransformer.Transform(key, Encoding.UTF8.GetBytes(SpotifyJson.ListPage(0, 1, null, item)));
        var linksOn = RawObjectTransformer.Transform(key, Encoding.UTF8.GetBytes(SpotifyJson.ListPage(0, 2, "https://api.spotify.com/v1/me/tracks?offset=1&limit=1", item)));

        foreach (var (first, second) in new[] { (last, linksOn), (linksOn, last) })
        {
            var tables = new SnapshotTables(Day);
            tables.Add(key, first);
            tables.Add(key, second);
            Assert.Equal([new SavedTrackRow("t1", "2026-11-19T08:00:00Z", false)], tables.SavedTracks);
        }
    }

    private static string Song(string id) =>
        SpotifyJson.Track(id, $"Song {id}", SpotifyJson.Album("alb1", "Album", "2020-01-01", "day"), SpotifyJson.Artist("art1", "Artist"));

    private async Task TransformAndCheckAsync(List<SavedDay> days, bool staged)
    {
        var keys = new List<string>();
        foreach (var page in days.SelectMany(d => d.Pages))
        {
            await Lake.PutTextAsync(page.Key.ToString(), page.Json, "application/json");
            keys.Add(page.Key.ToString());
        }
        var options = new TransformOptions
        {
            Format = TableFormat.Csv,
            StageRuns = staged,
            // Long after every run: none may still be landing pages.
            Time = new FakeTimeProvider(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero)),
            UpdateCurrentTables = false,
        };

        await new TransformPipeline(Lake, Lake, options).TransformAsync(keys);

        foreach (var day in days)
        {
            Assert.Equal(day.Expected().Select(Line), ReadSaved(day.Day));
            foreach (var run in day.Pages.Select(p => p.Key.RunId).Distinct())
            {
                Assert.Equal(staged, await Lake.ExistsAsync(LakeLayout.FragmentKey(day.Day, run)));
            }
        }
        // The days hold what the rule is about: songs a complete pass listed, and songs only a pass cut short did.
        Assert.Contains(days, day => day.Expected().Any(r => r.FullPass));
        Assert.True(days.Sum(day => day.ListedOnlyByShortPasses()) > 0, "no song was listed only by a pass cut short");
    }

    private List<string> ReadSaved(DateOnly day)
    {
        var path = Folder[TableFormat.Csv.PartitionKey(TableNames.SavedTracks, day)];
        var lines = File.ReadAllText(path).TrimEnd('\n').Split('\n');
        Assert.Equal("song_id,saved_at,full_pass", lines[0]);
        return [.. lines.Skip(1)];
    }

    private static string Line(SavedTrackRow row) => $"{row.SongId},{row.SavedAt},{(row.FullPass ? "true" : "false")}";
}
