using System.Globalization;
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

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public async Task A_day_that_fails_in_a_batch_leaves_the_current_tables_holding_the_days_that_did_not(int seed)
    {
        // A replay of several days (replay_dates) where one day cannot be written: the others' partitions and digests
        // stand, and the current tables must take them now, not when someone replays the failed day. Days over two
        // months; each replayed day renames a song whose latest day it is, and the failing day may come before or after.
        var random = new Random(seed);
        var dates = Enumerable.Range(0, 40).Select(i => new DateOnly(2026, 10, 10).AddDays(i)).OrderBy(_ => random.Next()).Take(8).Order().ToList();
        var replayed = dates.Skip(1).OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToList();
        var failing = dates.Except(replayed).ElementAt(random.Next(dates.Count - replayed.Count));
        var keys = new List<string>();
        foreach (var (date, index) in dates.Select((d, i) => (d, i)))
        {
            keys.Add(await LandAsync(RawSource.RecentlyPlayed, "me", Page(0, Play(Track($"t{index}", $"Song {index}", AlbumA, ArtistA), $"{date:yyyy-MM-dd}T05:00:00.000Z"),
                Play(Track("shared", $"Shared on {date:yyyy-MM-dd}", AlbumA, ArtistA), $"{date:yyyy-MM-dd}T04:00:00.000Z")), run: $"{date:yyyyMMdd}T060000Z", day: date));
        }
        await new TransformPipeline(Lake, Lake, Csv).TransformAsync(keys);
        foreach (var date in replayed)
        {
            var index = dates.IndexOf(date);
            await LandAsync(RawSource.RecentlyPlayed, "me", Page(0, Play(Track($"t{index}", $"Renamed {index}", AlbumA, ArtistA), $"{date:yyyy-MM-dd}T05:00:00.000Z")),
                run: $"{date:yyyyMMdd}T060000Z", day: date);
        }
        // The failing day fails once every other day of the batch has written its digest: its failure ends the batch.
        var lake = new FailsWritingDay(Lake, failing, replayed);
        var batch = replayed.Append(failing).OrderBy(_ => random.Next()).Select(date => keys[dates.IndexOf(date)]).ToList();

        await Assert.ThrowsAnyAsync<IOException>(() => new TransformPipeline(Lake, lake, Csv).TransformAsync(batch));

        var songs = File.ReadAllText(Folder[TableFormat.Csv.FileKey(CurrentTables.Songs)]);
        var context = $"{string.Join(", ", replayed.Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))} replayed, {failing:yyyy-MM-dd} failing (seed {seed})";
        Assert.All(replayed, date => Assert.Contains($"Renamed {dates.IndexOf(date)}", songs, StringComparison.Ordinal));
        CurrentOracle.AssertMatchesPartitions(Folder.Path, context);
    }

    /// <summary>
    /// A lake whose writes of one day fail, as a full disk or a denied prefix fails them, each once the other days named
    /// have written their digests.
    /// </summary>
    private sealed class FailsWritingDay(IObjectStore inner, DateOnly day, IEnumerable<DateOnly> others) : Support.ForwardingStore(inner)
    {
        private readonly string _partition = $"snapshot_date={day:yyyy-MM-dd}/";
        private readonly Dictionary<string, TaskCompletionSource> _digests = others.ToDictionary(CurrentLayout.DayKey, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

        public override async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
        {
            if (key.Contains(_partition, StringComparison.Ordinal) || key == CurrentLayout.DayKey(day))
            {
                await Task.WhenAll(_digests.Values.Select(d => d.Task)).WaitAsync(TimeSpan.FromMinutes(1), CancellationToken.None);
                throw new IOException($"No space left on device: {key}");
            }
            await base.PutAsync(key, content, contentType, cancellationToken);
            if (_digests.TryGetValue(key, out var written))
            {
                written.TrySetResult();
            }
        }
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
