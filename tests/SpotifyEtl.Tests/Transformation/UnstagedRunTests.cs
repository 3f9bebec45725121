using Microsoft.Extensions.Time.Testing;
using SpotifyEtl.Lake;
using SpotifyEtl.Spotify;
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
    private static readonly DateTimeOffset Noon = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_run_that_may_still_be_landing_is_left_to_its_own_event_and_folded_with_the_day_once_it_has_ended()
    {
        using var lake = new StagedLake(new DateTimeOffset(2026, 11, 20, 7, 5, 0, TimeSpan.Zero));
        var earlier = await lake.LandPlayAsync("20261120T060000Z", "t1", "Earlier run's song");
        // Started five minutes ago, and still landing: its manifest, and its event, come when it ends.
        await lake.LandPlayAsync("20261120T070000Z", "t2", "Landing run's song");

        await lake.Pipeline().TransformAsync([earlier]);

        Assert.DoesNotContain("Landing run's song", await lake.SongsAsync(), StringComparison.Ordinal);
        Assert.False(await lake.Store.ExistsAsync(LakeLayout.FragmentKey(Day, "20261120T070000Z")));

        // It was stopped before its manifest: once no extraction can still be running, the day's next transform folds it.
        lake.Clock.Advance(TimeSpan.FromMinutes(15));
        await lake.Pipeline().TransformAsync([earlier]);

        var table = await lake.SongsAsync();
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
        using var lake = new StagedLake(Noon);
        var random = new Random(seed);
        // Runs started from 14 minutes ago (may still be landing) to an hour ago; some of the recent ones wrote their manifest.
        var expected = new List<string>();
        var left = new List<string>();
        // One run of each kind (recent without a manifest, recent with one, ended without one), then runs of any kind.
        var runs = new List<(int MinutesAgo, bool Manifest)> { (random.Next(0, 7), false), (random.Next(7, 14), true), (random.Next(15, 60), false) };
        runs.AddRange(Enumerable.Range(0, 4).Select(_ => (random.Next(0, 60), random.Next(2) == 0)));
        foreach (var (minutesAgo, manifest) in runs.DistinctBy(r => r.MinutesAgo))
        {
            var run = RawObjectKey.FormatRunId(Noon.AddMinutes(-minutesAgo).AddSeconds(-random.Next(1, 59)));
            var song = $"Song of the run {minutesAgo} minutes ago";
            var key = await lake.LandPlayAsync(run, $"t{minutesAgo}", song);
            if (manifest)
            {
                await lake.WriteManifestAsync(run, key);
            }
            (minutesAgo >= 15 || manifest ? expected : left).Add(song);
        }

        await lake.ReplayAsync();

        var songs = await lake.SongsAsync();
        Assert.NotEmpty(left);
        Assert.All(expected, song => Assert.Contains(song, songs, StringComparison.Ordinal));
        Assert.All(left, song => Assert.DoesNotContain(song, songs, StringComparison.Ordinal));
    }

    /// <summary>Run ids of a raw key's shape that no running extraction wrote: no time at all, or a time far from now.</summary>
    public static TheoryData<string> RunIdsNoExtractionWrote()
    {
        var random = new Random(41);
        var data = new TheoryData<string>();
        // No time: an hour, minute, second, month or day out of range.
        data.Add($"20261120T{24 + random.Next(0, 76):00}0000Z");
        data.Add($"20261120T12{60 + random.Next(0, 40):00}00Z");
        data.Add($"20261120T1200{60 + random.Next(0, 40):00}Z");
        data.Add($"2026{13 + random.Next(0, 87):00}20T120000Z");
        data.Add($"202611{32 + random.Next(0, 68):00}T120000Z");
        data.Add("20260230T120000Z");
        // Later than any extraction running now could have started: a clock far off, or a key written by hand.
        for (var i = 0; i < 3; i++)
        {
            data.Add(RawObjectKey.FormatRunId(Noon.AddMinutes(16 + random.Next(0, 60 * 24 * 400))));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(RunIdsNoExtractionWrote))]
    public async Task A_run_whose_id_no_running_extraction_wrote_is_transformed_by_a_replay_and_by_the_days_next_transform(string run)
    {
        using var lake = new StagedLake(Noon);
        var odd = await lake.LandPlayAsync(run, "t1", "The odd run's song");

        var replayed = await lake.Pipeline().ListDayToReplayAsync(Day);

        Assert.Contains(odd, replayed.Select(v => v.Key));
        // Another run's event: the day's transform folds every ended run without a fragment, this one included.
        var other = await lake.LandPlayAsync("20261120T060000Z", "t2", "Another run's song");
        await lake.Pipeline().TransformAsync([other]);
        Assert.Contains("The odd run's song", await lake.SongsAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Objects_under_a_days_fragment_prefix_that_are_no_fragment_are_not_read_and_fail_nothing()
    {
        using var lake = new StagedLake(Noon);
        var run = "20261120T060000Z";
        var key = await lake.LandPlayAsync(run, "t1", "The run's song");
        var prefix = LakeLayout.FragmentPrefix(Day);
        // What a person leaves there: a copy of a fragment, a note, a fragment of another name; none is gzip JSON of a run.
        await lake.Store.PutTextAsync($"{prefix}{run}.json.gz.bak", "not gzip", "application/octet-stream");
        await lake.Store.PutTextAsync($"{prefix}notes.txt", "looked at this day by hand", "text/plain");
        await lake.Store.PutTextAsync($"{prefix}copy-of-{run}.json.gz", "not gzip either", "application/gzip");

        await lake.Pipeline().TransformAsync([key]);

        Assert.Contains("The run's song", await lake.SongsAsync(), StringComparison.Ordinal);
        Assert.Equal("not gzip", await lake.Store.ReadAllTextAsync($"{prefix}{run}.json.gz.bak"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_replay_drops_the_rows_of_a_run_whose_objects_were_all_removed_unless_its_manifest_names_them(bool manifest)
    {
        using var lake = new StagedLake(Noon);
        var kept = await lake.LandPlayAsync("20261120T060000Z", "t1", "The kept run's song");
        var removed = await lake.LandPlayAsync("20261120T070000Z", "t2", "The removed run's song");
        if (manifest)
        {
            // Its objects expired: the manifest says what the run landed, and the fragment built from them stands.
            await lake.WriteManifestAsync("20261120T070000Z", removed);
        }
        await lake.Pipeline().TransformAsync([kept, removed]);
        Assert.Contains("The removed run's song", await lake.SongsAsync(), StringComparison.Ordinal);

        await lake.Store.DeleteAsync(removed);
        await lake.ReplayAsync();

        var table = await lake.SongsAsync();
        Assert.Contains("The kept run's song", table, StringComparison.Ordinal);
        Assert.Equal(manifest, table.Contains("The removed run's song", StringComparison.Ordinal));
    }

    /// <summary>
    /// A run with no manifest (an extraction stopped before writing it, a backfill or a copy of <c>raw/</c> alone) whose
    /// snapshots then expire: a replay keeps the tables built while they were there, as its last run report names them,
    /// and says so. Its recently-played page gone too is no expiry (nothing expires those): the run is rebuilt from what is left.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task A_run_without_a_manifest_whose_snapshots_expired_keeps_its_tables_on_a_replay_as_its_last_report_names_them(int seed)
    {
        var random = new Random(seed);
        using var lake = new StagedLake(Noon);
        const string run = "20261120T060000Z";
        var album = Album("alb1", "Album", "2020", "year");
        var play = await lake.LandPlayAsync(run, "t1", "The played song");
        var snapshots = new List<string>();
        async Task LandAsync(RawSource source, string subject, string json)
        {
            var key = new RawObjectKey(source, Day, subject, run, 1).ToString();
            await lake.Store.PutTextAsync(key, json, "application/json");
            snapshots.Add(key);
        }
        await LandAsync(RawSource.Playlist, "pl1", Playlist("pl1", "List", "snap1"));
        await LandAsync(RawSource.PlaylistItems, "pl1", Page(0, Entry(Track("t2", "A listed song", album, Artist("a1", "A"))), Entry(Track("t3", "Another listed song", album, Artist("a1", "A")))));
        await LandAsync(RawSource.TopTracks, "short_term", Page(0, Track("t4", "A top song", album, Artist("a2", "B"))));
        // A page set aside (cut off): it gives the run no rows, and its removal later says nothing of the run.
        var broken = new RawObjectKey(RawSource.RecentlyPlayed, Day, "me", run, 2).ToString();
        await lake.Store.PutTextAsync(broken, "{\"items\": [", "application/json");
        await lake.Pipeline().TransformAsync([play, broken, .. snapshots]);
        string[] tables = [TableNames.Songs, TableNames.Playlists, TableNames.PlaylistEntries, TableNames.TopItems];
        async Task<string[]> ReadAsync() => await Task.WhenAll(tables.Select(table => lake.Store.ReadAllTextAsync(TableFormat.Csv.PartitionKey(table, Day))));
        var built = await ReadAsync();
        Assert.Contains("A top song", built[0], StringComparison.Ordinal);

        var expired = snapshots.Where(_ => random.Next(2) == 0).ToList();
        if (expired.Count == 0)
        {
            expired.Add(snapshots[random.Next(snapshots.Count)]);
        }
        foreach (var key in expired)
        {
            await lake.Store.DeleteAsync(key);
        }
        if (seed % 2 == 0)
        {
            await lake.Store.DeleteAsync(broken);
        }
        var replay = await lake.ReplayAsync();

        Assert.Equal(built, await ReadAsync());
        var incomplete = Assert.Single(replay.IncompleteRuns);
        Assert.True(incomplete.FragmentKept);
        Assert.Equal(expired.Order(StringComparer.Ordinal), incomplete.Missing);

        await lake.Store.DeleteAsync(play);
        replay = await lake.ReplayAsync();

        // A day left with no song has no songs partition.
        var songsKey = TableFormat.Csv.PartitionKey(TableNames.Songs, Day);
        var songs = await lake.Store.ExistsAsync(songsKey) ? await lake.Store.ReadAllTextAsync(songsKey) : "";
        Assert.DoesNotContain("The played song", songs, StringComparison.Ordinal);
        Assert.Equal(!expired.Any(key => key.Contains("/top_tracks/", StringComparison.Ordinal)), songs.Contains("A top song", StringComparison.Ordinal));
        Assert.Empty(replay.IncompleteRuns);
    }

    /// <summary>A lake on a local folder transformed as the S3 path does (a fragment per run), at a clock the test moves.</summary>
    private sealed class StagedLake : IDisposable
    {
        private readonly TempFolder _folder = new();

        public StagedLake(DateTimeOffset now)
        {
            Store = new LocalFolderStore(_folder.Path);
            Clock = new FakeTimeProvider(now);
        }

        public LocalFolderStore Store { get; }

        public FakeTimeProvider Clock { get; }

        public TransformPipeline Pipeline() =>
            new(Store, Store, new TransformOptions { Format = TableFormat.Csv, StageRuns = true, Time = Clock });

        /// <summary>Lands a run's first recently-played page, one play of one song; returns its key.</summary>
        public async Task<string> LandPlayAsync(string run, string trackId, string song)
        {
            var key = new RawObjectKey(RawSource.RecentlyPlayed, Day, "me", run, 1).ToString();
            var play = Play(Track(trackId, song, Album("alb1", "Album", "2020", "year"), Artist("a1", "A")), "2026-11-20T05:30:00.000Z");
            await Store.PutTextAsync(key, Page(0, play), "application/json");
            return key;
        }

        public Task WriteManifestAsync(string run, string key) =>
            Store.PutTextAsync(ExtractionManifest.KeyFor(run),
                $$"""{"run_id": "{{run}}", "sources": [{"source": "recently_played", "objects": ["{{key}}"]}]}""", "application/json");

        /// <summary>As the transform function replays the day.</summary>
        public async Task<TransformBatchReport> ReplayAsync()
        {
            var pipeline = Pipeline();
            return await pipeline.TransformAsync((await pipeline.ListDayToReplayAsync(Day)).Select(v => v.Key).ToList(), [Day]);
        }

        public Task<string> SongsAsync() => Store.ReadAllTextAsync(TableFormat.Csv.PartitionKey(TableNames.Songs, Day));

        public void Dispose() => _folder.Dispose();
    }
}
