using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Transformation;
using SpotifyEtl.Transformation;
using SpotifyEtl.Transformation.Current;
using Xunit;
using static SpotifyEtl.Tests.Transformation.SpotifyJson;

namespace SpotifyEtl.Tests.Current;

/// <summary>
/// The current-state tables on a local lake equal the latest row per id of every day's partition after
/// every step of a generated history: days transformed in a random order and in batches of random size
/// (a backfill replays old days after new ones), days replayed unchanged, and days whose raw objects were
/// rewritten in place with other content before their replay (ids leave a day, others arrive).
/// </summary>
public sealed class CurrentTablesTests : RawTestLake
{
    private static readonly TransformOptions Csv = new() { Format = TableFormat.Csv };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task The_current_tables_are_the_latest_rows_of_every_day_whatever_the_order_of_days_and_replays(int seed)
    {
        // 36 days up to 2026-11-20: two months, so both levels (days into months, months into tables) are exercised.
        await new SampleGenerator(Lake).WriteAsync(new SampleOptions(Days: 36, Items: 20, Seed: seed));
        var days = await DaysAsync(Lake);
        var random = new Random(seed);
        var order = days.Keys.OrderBy(_ => random.Next()).ToList();
        var done = new List<DateOnly>();
        var step = 0;
        while (order.Count > 0)
        {
            var batch = order.Take(random.Next(1, 5)).ToList();
            order.RemoveRange(0, batch.Count);
            await new TransformPipeline(Lake, Lake, Csv).TransformAsync(batch.SelectMany(d => days[d]));
            done.AddRange(batch);
            if (random.Next(3) == 0)
            {
                var replayed = done[random.Next(done.Count)];
                var rewritten = random.Next(2) == 0 && await RewriteInPlaceAsync(Lake, replayed, days, random);
                await new TransformPipeline(Lake, Lake, Csv).TransformAsync(days[replayed]);
                CurrentOracle.AssertMatchesPartitions(Folder.Path, $"after replaying {replayed:yyyy-MM-dd}{(rewritten ? " rewritten in place" : "")} (step {step})");
            }
            CurrentOracle.AssertMatchesPartitions(Folder.Path, $"after the batch {string.Join(", ", batch)} (step {step++})");
        }
    }

    [Fact]
    public async Task A_song_renamed_on_a_later_day_takes_its_new_name_whichever_day_is_transformed_last()
    {
        var earlier = await LandAsync(RawSource.RecentlyPlayed, "me", Page(0, Play(Track("t1", "Old name", AlbumA, ArtistA), "2026-11-19T05:00:00.000Z")),
            run: "20261119T060000Z", day: Day.AddDays(-1));
        var later = await LandAsync(RawSource.RecentlyPlayed, "me", Page(0, Play(Track("t1", "New name", AlbumA, ArtistA), "2026-11-20T05:00:00.000Z")));

        await new TransformPipeline(Lake, Lake, Csv).TransformAsync([later]);
        await new TransformPipeline(Lake, Lake, Csv).TransformAsync([earlier]);

        var songs = File.ReadAllText(Folder[TableFormat.Csv.FileKey(CurrentTables.Songs)]);
        Assert.Contains("New name", songs, StringComparison.Ordinal);
        Assert.DoesNotContain("Old name", songs, StringComparison.Ordinal);
        Assert.Contains("2026-11-20", songs, StringComparison.Ordinal);
        CurrentOracle.AssertMatchesPartitions(Folder.Path);
    }

    [Fact]
    public async Task A_replay_that_drops_a_song_from_its_latest_day_falls_back_to_the_songs_previous_day()
    {
        var earlier = await LandAsync(RawSource.RecentlyPlayed, "me", Page(0, Play(Track("t1", "First", AlbumA, ArtistA), "2026-11-19T05:00:00.000Z")),
            run: "20261119T060000Z", day: Day.AddDays(-1));
        var later = await LandAsync(RawSource.RecentlyPlayed, "me", Page(0,
            Play(Track("t1", "Renamed", AlbumA, ArtistA), "2026-11-20T05:00:00.000Z"),
            Play(Track("t2", "Other", AlbumA, ArtistA), "2026-11-20T04:00:00.000Z")));
        await new TransformPipeline(Lake, Lake, Csv).TransformAsync([earlier, later]);

        // The later day's object rewritten in place without t1, then replayed.
        await LandAsync(RawSource.RecentlyPlayed, "me", Page(0, Play(Track("t2", "Other", AlbumA, ArtistA), "2026-11-20T04:00:00.000Z")));
        await new TransformPipeline(Lake, Lake, Csv).TransformAsync([later]);

        var songs = File.ReadAllText(Folder[TableFormat.Csv.FileKey(CurrentTables.Songs)]);
        Assert.Contains("t1,First", songs, StringComparison.Ordinal);
        Assert.DoesNotContain("Renamed", songs, StringComparison.Ordinal);
        CurrentOracle.AssertMatchesPartitions(Folder.Path);
    }

    /// <summary>The raw keys of each snapshot date.</summary>
    internal static async Task<SortedDictionary<DateOnly, List<string>>> DaysAsync(IObjectStore store)
    {
        var days = new SortedDictionary<DateOnly, List<string>>();
        await foreach (var key in store.ListAsync(LakeLayout.Raw))
        {
            if (RawObjectKey.TryParse(key, out var parsed, out _))
            {
                (days.TryGetValue(parsed.SnapshotDate, out var keys) ? keys : days[parsed.SnapshotDate] = []).Add(key);
            }
        }
        return days;
    }

    /// <summary>
    /// Rewrites one of the day's playlist pages in place with the same playlist's page of another day, as a
    /// re-extraction under the same key would: the day loses songs and gains others. False when the day has none.
    /// </summary>
    internal static async Task<bool> RewriteInPlaceAsync(IObjectStore store, DateOnly day, SortedDictionary<DateOnly, List<string>> days, Random random)
    {
        var pages = days[day].Where(k => k.Contains("/playlist_items/", StringComparison.Ordinal)).ToList();
        if (pages.Count == 0)
        {
            return false;
        }
        var target = pages[random.Next(pages.Count)];
        var others = days.Where(d => d.Key != day).SelectMany(d => d.Value).Where(k => k.Contains("/playlist_items/", StringComparison.Ordinal)).ToList();
        if (others.Count == 0)
        {
            return false;
        }
        var source = others[random.Next(others.Count)];
        // The extraction rewriting a page, not a request of the transform.
        using (Storage.LambdaRole.TestLooking()) await store.PutBytesAsync(target, await store.ReadAllBytesAsync(source), "application/json");
        return true;
    }
}
