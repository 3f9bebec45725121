using System.Text;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;
using static SpotifyEtl.Tests.Transformation.SpotifyJson;

namespace SpotifyEtl.Tests.Transformation;

public sealed class TransformPipelineTests : RawTestLake
{
    private static readonly TransformOptions Csv = new() { Format = TableFormat.Csv };

    private Task<TransformBatchReport> TransformAsync(params string[] keys) => new TransformPipeline(Lake, Lake, Csv).TransformAsync(keys);

    private string Table(string table, DateOnly? day = null) => File.ReadAllText(Folder[TableFormat.Csv.PartitionKey(table, day ?? Day)]);

    private static string[] Lines(string csv) => csv.TrimEnd('\n').Split('\n');

    [Fact]
    public async Task Transforming_the_same_input_twice_gives_byte_identical_files()
    {
        await new SampleGenerator(Lake).WriteAsync(new SampleOptions(Days: 3, Items: 70));
        var keys = await Lake.ListAsync(LakeLayout.Raw).ToListAsync();

        await new TransformPipeline(Lake, Lake, Csv).TransformAsync(keys);
        var first = Folder.Files();
        await new TransformPipeline(Lake, Lake, Csv).TransformAsync(keys);
        var second = Folder.Files();

        Assert.Equal(first.Keys, second.Keys);
        Assert.All(first, file => Assert.Equal(file.Value, second[file.Key]));
        Assert.Contains(first.Keys, key => key.StartsWith("transformed/playlist_entries/snapshot_date=", StringComparison.Ordinal));
    }

    /// <summary>
    /// The objects in shuffled batches, each batch transformed as its events arrive: on the local lake's path, and on the
    /// S3 path's (<see cref="TransformOptions.StageRuns"/>), where a batch builds its runs' fragments and the day is the fold
    /// of the fragments there are. The rule each fold follows, in every order, is SnapshotTablesTests'.
    /// </summary>
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, false)]
    [InlineData(1, true)]
    [InlineData(4, true)]
    public async Task A_partition_does_not_depend_on_the_order_in_which_raw_objects_arrive(int seed, bool stageRuns)
    {
        var options = new TransformOptions { Format = TableFormat.Csv, StageRuns = stageRuns };
        using var other = new TempFolder();
        var otherLake = new LocalFolderStore(other.Path);
        await new SampleGenerator(Lake).WriteAsync(new SampleOptions(Days: 2, Items: 70, Seed: 7));
        await new SampleGenerator(otherLake).WriteAsync(new SampleOptions(Days: 2, Items: 70, Seed: 7));
        var keys = await Lake.ListAsync(LakeLayout.Raw).ToListAsync();

        await new TransformPipeline(Lake, Lake, Csv).TransformAsync(keys);
        // A shuffled order, in batches of generated sizes (one object each on the first seed, newest first): every merge
        // sees a different partial set of the day.
        var random = new Random(seed);
        var order = seed == 1 ? Enumerable.Reverse(keys).ToList() : keys.OrderBy(_ => random.Next()).ToList();
        for (var at = 0; at < order.Count;)
        {
            var size = seed == 1 ? 1 : random.Next(1, 12);
            await new TransformPipeline(otherLake, otherLake, options).TransformAsync(order.Skip(at).Take(size));
            at += size;
        }

        var inOrder = Folder.Files(LakeLayout.Transformed);
        var shuffled = other.Files(LakeLayout.Transformed);
        Assert.True(inOrder.Count >= 14, $"only {inOrder.Count} table files: the comparison would prove little");
        Assert.Equal(inOrder.Keys, shuffled.Keys);
        Assert.All(inOrder, file => Assert.Equal(Encoding.UTF8.GetString(file.Value), Encoding.UTF8.GetString(shuffled[file.Key])));
    }

    [Fact]
    public async Task A_song_on_two_playlists_on_the_same_day_is_one_row_of_songs()
    {
        var song = Track("t1", "Shared song", AlbumA, ArtistA);
        var first = await LandAsync(RawSource.PlaylistItems, "plA", Page(0, Entry(song)));
        var second = await LandAsync(RawSource.PlaylistItems, "plB", Page(0, Entry(song)));

        await TransformAsync(first, second);

        Assert.Equal(2, Lines(Table(TableNames.Songs)).Length); // header + one song
        Assert.Equal(2, Lines(Table(TableNames.Albums)).Length);
        Assert.Equal(2, Lines(Table(TableNames.Artists)).Length);
        Assert.Equal(3, Lines(Table(TableNames.PlaylistEntries)).Length); // one entry per playlist
    }

    [Fact]
    public async Task Reprocessing_a_raw_object_delivered_twice_adds_no_rows()
    {
        var key = await LandAsync(RawSource.RecentlyPlayed, "me", Page(0,
            Play(Track("t1", "Song", AlbumA, ArtistA), "2026-11-20T05:00:00.000Z"),
            Play(Track("t2", "Other", AlbumA, ArtistA), "2026-11-20T04:00:00.000Z")));

        await TransformAsync(key);
        var once = Table(TableNames.Plays);
        await TransformAsync(key);
        await TransformAsync(key, key);

        Assert.Equal(once, Table(TableNames.Plays));
        Assert.Equal(3, Lines(once).Length);
    }

    [Fact]
    public async Task The_same_play_landed_by_two_runs_of_a_day_is_counted_once()
    {
        var play = Play(Track("t1", "Song", AlbumA, ArtistA), "2026-11-20T05:00:00.000Z");
        var morning = await LandAsync(RawSource.RecentlyPlayed, "me", Page(0, play), run: "20261120T060000Z");
        var evening = await LandAsync(RawSource.RecentlyPlayed, "me", Page(0, play), run: "20261120T180000Z");

        await TransformAsync(morning, evening);

        Assert.Equal(2, Lines(Table(TableNames.Plays)).Length);
    }

    [Fact]
    public async Task A_playlist_extracted_twice_in_a_day_shows_only_its_latest_version()
    {
        var morning = await LandAsync(RawSource.PlaylistItems, "pl1", Page(0,
            Entry(Track("t1", "One", AlbumA, ArtistA)), Entry(Track("t2", "Two", AlbumA, ArtistA))), run: "20261120T060000Z");
        var evening = await LandAsync(RawSource.PlaylistItems, "pl1", Page(0,
            Entry(Track("t2", "Two", AlbumA, ArtistA))), run: "20261120T180000Z");
        var eveningName = await LandAsync(RawSource.Playlist, "pl1", Playlist("pl1", "Evening, \"renamed\"", "snap-2"), run: "20261120T180000Z");
        var morningName = await LandAsync(RawSource.Playlist, "pl1", Playlist("pl1", "Morning", "snap-1"), run: "20261120T060000Z");

        await TransformAsync(evening, morning, eveningName, morningName);

        var entries = Lines(Table(TableNames.PlaylistEntries));
        Assert.Equal(2, entries.Length);
        Assert.Equal("pl1,\"Evening, \"\"renamed\"\"\",snap-2,1,t2,2026-11-20T08:00:00Z,owner", entries[1]);
    }

    [Fact]
    public async Task Playlist_metadata_transformed_after_the_items_still_names_the_entries()
    {
        var items = await LandAsync(RawSource.PlaylistItems, "pl1", Page(0, Entry(Track("t1", "One", AlbumA, ArtistA))));
        await TransformAsync(items);
        Assert.StartsWith("pl1,,,1,t1", Lines(Table(TableNames.PlaylistEntries))[1], StringComparison.Ordinal);

        var metadata = await LandAsync(RawSource.Playlist, "pl1", Playlist("pl1", "Road Trip", "snap-1"));
        await TransformAsync(metadata);

        Assert.StartsWith("pl1,Road Trip,snap-1,1,t1", Lines(Table(TableNames.PlaylistEntries))[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_playlist_unchanged_on_a_day_has_that_days_version_in_playlists_while_its_entries_stay_on_the_day_they_landed()
    {
        var nextDay = Day.AddDays(1);
        var items = await LandAsync(RawSource.PlaylistItems, "pl1", Page(0, Entry(Track("t1", "One", AlbumA, ArtistA))));
        var monday = await LandAsync(RawSource.Playlist, "pl1", Playlist("pl1", "Road Trip", "snap-1"));
        var tuesday = await LandAsync(RawSource.Playlist, "pl1", Playlist("pl1", "Road Trip", "snap-1"), run: "20261121T060000Z", page: 0, day: nextDay);

        await TransformAsync(tuesday, items, monday);

        Assert.Equal("pl1,Road Trip,snap-1,owner", Lines(Table(TableNames.Playlists))[1]);
        Assert.Equal("pl1,Road Trip,snap-1,owner", Lines(Table(TableNames.Playlists, nextDay))[1]);
        Assert.Equal("pl1,Road Trip,snap-1,1,t1,2026-11-20T08:00:00Z,owner", Lines(Table(TableNames.PlaylistEntries))[1]);
        Assert.False(File.Exists(Folder[TableFormat.Csv.PartitionKey(TableNames.PlaylistEntries, nextDay)]));
    }

    [Fact]
    public async Task A_bad_object_is_quarantined_with_its_reason_and_the_rest_of_the_batch_goes_through()
    {
        var good = await LandAsync(RawSource.PlaylistItems, "pl1", Page(0, Entry(Track("t1", "One", AlbumA, ArtistA))));
        var truncated = await LandAsync(RawSource.PlaylistItems, "pl2", """{"href":"x","items":[{"added_at":""");
        var notSpotify = await LandAsync(RawSource.TopTracks, "short_term", """{"message":"hello"}""");

        var report = await TransformAsync(truncated, good, notSpotify);

        Assert.Equal((1, 2), (report.Transformed, report.Quarantined));
        Assert.Equal(2, Lines(Table(TableNames.Songs)).Length);
        foreach (var bad in new[] { truncated, notSpotify })
        {
            var quarantined = LakeLayout.QuarantineKey(bad);
            Assert.Equal(await Lake.ReadAllBytesAsync(bad), await Lake.ReadAllBytesAsync(quarantined));
            var reason = await Lake.ReadAllTextAsync(quarantined + ".reason.txt");
            Assert.Contains(bad, reason, StringComparison.Ordinal);
            Assert.True(await Lake.ExistsAsync(bad), "the raw object must never be deleted");
        }
        Assert.Contains("not valid JSON", await Lake.ReadAllTextAsync(LakeLayout.QuarantineKey(truncated) + ".reason.txt"), StringComparison.Ordinal);
        Assert.Contains("no \"items\" array", await Lake.ReadAllTextAsync(LakeLayout.QuarantineKey(notSpotify) + ".reason.txt"), StringComparison.Ordinal);
        var runReport = await Lake.ReadAllTextAsync(LakeLayout.ReportKey(Day, "20261120T060000Z"));
        Assert.Contains("\"status\": \"Quarantined\"", runReport, StringComparison.Ordinal);
        Assert.Contains(truncated, runReport, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_raw_key_that_does_not_follow_the_layout_is_quarantined_and_keys_outside_raw_are_ignored()
    {
        await Lake.PutTextAsync("raw/some folder/file.json", "{}", "application/json");
        await Lake.PutTextAsync("manifests/run.json", "{}", "application/json");

        var report = await TransformAsync("raw/some folder/file.json", "manifests/run.json");

        Assert.Equal((0, 1, 1), (report.Transformed, report.Quarantined, report.Ignored));
        Assert.Contains("raw layout", report.Objects.Single(o => o.Status == TransformStatus.Quarantined).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_transformations_of_one_partition_converge_on_every_row()
    {
        // As S3 events would: each object landed and its invocation started at once, so that each lists a day that others are
        // still landing into and publishing; whichever publishes last must have listed every object.
        await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(async () =>
        {
            var key = await LandAsync(RawSource.PlaylistItems, $"pl{i:00}", Page(0, Entry(Track($"t{i:00}", $"Song {i}", AlbumA, ArtistA))));
            await new TransformPipeline(Lake, Lake, Csv).TransformAsync([key]);
        })));

        Assert.Equal(25, Lines(Table(TableNames.Songs)).Length);
        Assert.Equal(25, Lines(Table(TableNames.PlaylistEntries)).Length);
    }

    [Fact]
    public async Task Tables_are_csv_with_a_header_lowercase_booleans_and_empty_fields_for_missing_values()
    {
        var key = await LandAsync(RawSource.TopTracks, "short_term", Page(0, Track("t1", "Song", AlbumA, ArtistA)));

        await TransformAsync(key);

        Assert.Equal(
            "song_id,song_name,duration_ms,explicit,isrc,popularity,track_number,disc_number,album_id,primary_artist_id,song_url\n" +
            "t1,Song,200000,false,ISRCt1,,3,1,alb1,art1,https://open.spotify.com/track/t1\n",
            Table(TableNames.Songs));
    }
}
