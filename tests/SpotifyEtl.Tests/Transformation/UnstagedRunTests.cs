using Microsoft.Extensions.Time.Testing;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;
using static SpotifyEtl.Tests.Transformation.SpotifyJson;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>On the S3 path, a run of the day that no event named (it wrote no manifest) and that has no fragment.</summary>
public sealed class UnstagedRunTests
{
    private static readonly DateOnly Day = new(2026, 11, 20);

    [Fact]
    public async Task A_run_that_may_still_be_landing_is_left_to_its_own_event_and_folded_with_the_day_once_it_has_ended()
    {
        using var folder = new TempFolder();
        var store = new LocalFolderStore(folder.Path);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 7, 5, 0, TimeSpan.Zero));
        var options = new TransformOptions { Format = TableFormat.Csv, StageRuns = true, Time = clock };
        var album = Album("alb1", "Album", "2020", "year");
        var earlier = new RawObjectKey(RawSource.RecentlyPlayed, Day, "me", "20261120T060000Z", 1).ToString();
        await store.PutTextAsync(earlier, Page(0, Play(Track("t1", "Earlier run's song", album, Artist("a1", "A")), "2026-11-20T05:30:00.000Z")), "application/json");
        // Started five minutes ago, and still landing: its manifest, and its event, come when it ends.
        var landing = new RawObjectKey(RawSource.RecentlyPlayed, Day, "me", "20261120T070000Z", 1).ToString();
        await store.PutTextAsync(landing, Page(0, Play(Track("t2", "Landing run's song", album, Artist("a1", "A")), "2026-11-20T06:55:00.000Z")), "application/json");
        var songs = TableFormat.Csv.PartitionKey(TableNames.Songs, Day);

        await new TransformPipeline(store, store, options).TransformAsync([earlier]);

        Assert.DoesNotContain("Landing run's song", await store.ReadAllTextAsync(songs), StringComparison.Ordinal);
        Assert.False(await store.ExistsAsync(LakeLayout.FragmentKey(Day, "20261120T070000Z")));

        // It was stopped before its manifest: once no extraction can still be running, the day's next transform folds it.
        clock.Advance(TimeSpan.FromMinutes(15));
        await new TransformPipeline(store, store, options).TransformAsync([earlier]);

        var table = await store.ReadAllTextAsync(songs);
        Assert.Contains("Earlier run's song", table, StringComparison.Ordinal);
        Assert.Contains("Landing run's song", table, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task A_replay_leaves_out_a_run_that_may_still_be_landing_and_takes_one_that_has_ended_or_written_its_manifest(int seed)
    {
        using var folder = new TempFolder();
        var store = new LocalFolderStore(folder.Path);
        var random = new Random(seed);
        var now = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
        var clock = new FakeTimeProvider(now);
        var options = new TransformOptions { Format = TableFormat.Csv, StageRuns = true, Time = clock };
        var album = Album("alb1", "Album", "2020", "year");
        // Runs started from 14 minutes ago (may still be landing) to an hour ago; some of the recent ones wrote their manifest.
        var expected = new List<string>();
        var left = new List<string>();
        // One run of each kind (recent without a manifest, recent with one, ended without one), then runs of any kind.
        var runs = new List<(int MinutesAgo, bool Manifest)> { (random.Next(0, 7), false), (random.Next(7, 14), true), (random.Next(15, 60), false) };
        runs.AddRange(Enumerable.Range(0, 4).Select(_ => (random.Next(0, 60), random.Next(2) == 0)));
        foreach (var (minutesAgo, manifest) in runs.DistinctBy(r => r.MinutesAgo))
        {
            var run = RawObjectKey.FormatRunId(now.AddMinutes(-minutesAgo).AddSeconds(-random.Next(1, 59)));
            var song = $"Song of the run {minutesAgo} minutes ago";
            var key = new RawObjectKey(RawSource.RecentlyPlayed, Day, "me", run, 1).ToString();
            await store.PutTextAsync(key, Page(0, Play(Track($"t{minutesAgo}", song, album, Artist("a1", "A")), "2026-11-20T05:30:00.000Z")), "application/json");
            if (manifest)
            {
                await store.PutTextAsync(SpotifyEtl.Spotify.ExtractionManifest.KeyFor(run), $$"""{"run_id": "{{run}}", "sources": [{"source": "recently_played", "objects": ["{{key}}"]}]}""", "application/json");
            }
            (minutesAgo >= 15 || manifest ? expected : left).Add(song);
        }
        var pipeline = new TransformPipeline(store, store, options);

        // As the transform function replays a day.
        await pipeline.TransformAsync((await pipeline.ListDayToReplayAsync(Day)).Select(v => v.Key).ToList());

        var songs = await store.ReadAllTextAsync(TableFormat.Csv.PartitionKey(TableNames.Songs, Day));
        Assert.NotEmpty(left);
        Assert.All(expected, song => Assert.Contains(song, songs, StringComparison.Ordinal));
        Assert.All(left, song => Assert.DoesNotContain(song, songs, StringComparison.Ordinal));
    }
}
