using System.Runtime.CompilerServices;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;
using static SpotifyEtl.Tests.Transformation.SpotifyJson;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>What the engine promises beyond one object: versions, shapes Spotify has served, drift, formats, cost.</summary>
public sealed class LakeEngineTests : RawTestLake
{
    private Task<TransformBatchReport> TransformAsync(params string[] keys) =>
        new TransformPipeline(Lake, Lake, new TransformOptions { Format = TableFormat.Csv }).TransformAsync(keys);

    private string[] Rows(string table, DateOnly? day = null)
    {
        var path = Folder[TableFormat.Csv.PartitionKey(table, day ?? Day)];
        return File.Exists(path) ? File.ReadAllText(path).TrimEnd('\n').Split('\n')[1..] : [];
    }

    [Fact]
    public async Task An_emptied_playlist_shows_no_entries_for_its_new_version_the_same_day_or_the_next()
    {
        var morning = await LandAsync(RawSource.PlaylistItems, "pl1", Page(0, Entry(Track("t1", "One", AlbumA, ArtistA))), run: "20261120T060000Z");
        var morningMeta = await LandAsync(RawSource.Playlist, "pl1", Playlist("pl1", "Mix", "v1"), run: "20261120T060000Z", page: 0);
        var evening = await LandAsync(RawSource.PlaylistItems, "pl1", Page(0), run: "20261120T180000Z");
        var eveningMeta = await LandAsync(RawSource.Playlist, "pl1", Playlist("pl1", "Mix", "v2"), run: "20261120T180000Z", page: 0);

        await TransformAsync(morning, morningMeta, evening, eveningMeta);

        Assert.Equal(["pl1,Mix,v2,owner"], Rows(TableNames.Playlists));
        Assert.Empty(Rows(TableNames.PlaylistEntries));
        Assert.False(File.Exists(Folder[TableFormat.Csv.PartitionKey(TableNames.PlaylistEntries, Day)]), "yesterday's file must not stay behind");
    }

    [Fact]
    public async Task Numbers_are_read_in_every_shape_Spotify_has_served_and_a_local_file_never_takes_good_tracks_down()
    {
        var floats = Track("t1", "Floats", AlbumA, ArtistA).Replace("\"duration_ms\":200000", "\"duration_ms\":204053.0,\"popularity\":55.0", StringComparison.Ordinal);
        var wrapped = Track("t2", "Wrapped", AlbumA, ArtistA).Replace("\"duration_ms\":200000", "\"duration_ms\":{\"totalMilliseconds\":181500}", StringComparison.Ordinal);
        var local = LocalFile.Replace("\"is_local\":true", "\"is_local\":true,\"duration_ms\":{\"totalMilliseconds\":120000},\"shiny_new_field\":[1,{\"x\":2}]", StringComparison.Ordinal);
        var key = await LandAsync(RawSource.PlaylistItems, "pl1", Page(0, Entry(floats), Entry(local), Entry(wrapped)));

        var report = await TransformAsync(key);

        Assert.Equal(0, report.Quarantined);
        Assert.Equal(1, report.Objects.Single().Skipped.LocalFiles);
        var songs = Rows(TableNames.Songs);
        Assert.StartsWith("t1,Floats,204053,false,ISRCt1,55,", songs[0], StringComparison.Ordinal);
        Assert.StartsWith("t2,Wrapped,181500,", songs[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quarantine_reason_tells_invalid_json_apart_from_an_unexpected_shape()
    {
        var truncated = await LandAsync(RawSource.RecentlyPlayed, "me", """{"items":[{"track":""", run: "20261120T060000Z");
        var wrongType = await LandAsync(RawSource.RecentlyPlayed, "me", Page(0, Play(Track("t1", "One", AlbumA, ArtistA), "2026-11-20T05:00:00.000Z"))
            .Replace("\"duration_ms\":200000", "\"duration_ms\":\"long\"", StringComparison.Ordinal), run: "20261120T070000Z");

        var report = await TransformAsync(truncated, wrongType);

        Assert.Equal(2, report.Quarantined);
        var invalid = await Lake.ReadAllTextAsync(LakeLayout.QuarantineKey(truncated) + ".reason.txt");
        var shape = await Lake.ReadAllTextAsync(LakeLayout.QuarantineKey(wrongType) + ".reason.txt");
        Assert.Contains("not valid JSON", invalid, StringComparison.Ordinal);
        Assert.Contains("valid JSON of an unexpected shape: items[].track.duration_ms is the string \"long\", not a number", shape, StringComparison.Ordinal);
        Assert.DoesNotContain("truncated", shape, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stray_file_in_a_days_folder_is_quarantined_and_the_day_still_transforms()
    {
        var good = await LandAsync(RawSource.RecentlyPlayed, "me", Page(0, Play(Track("t1", "One", AlbumA, ArtistA), "2026-11-20T05:00:00.000Z")));
        const string stray = "raw/recently_played/snapshot_date=2026-11-20/me/copy of page.json";
        await Lake.PutTextAsync(stray, "{}", "application/json");

        var report = await TransformAsync(good);

        Assert.Equal((1, 1), (report.Transformed, report.Quarantined));
        Assert.Contains("does not follow the raw layout", await Lake.ReadAllTextAsync(LakeLayout.QuarantineKey(stray) + ".reason.txt"), StringComparison.Ordinal);
        Assert.Single(Rows(TableNames.Plays));
    }

    [Fact]
    public async Task A_page_whose_items_all_lost_their_track_field_is_quarantined_not_counted_as_normal()
    {
        // A renamed field: every entry has "song" where "item"/"track" belongs. Nothing reads, nothing is unavailable.
        var renamed = Page(0, Entry(Track("t1", "One", AlbumA, ArtistA)), Entry(Track("t2", "Two", AlbumA, ArtistA))).Replace("\"item\":", "\"song\":", StringComparison.Ordinal);
        var drifted = await LandAsync(RawSource.PlaylistItems, "pl1", renamed);
        var partly = await LandAsync(RawSource.PlaylistItems, "pl2", Page(0, Entry(Track("t3", "Three", AlbumA, ArtistA)),
            Entry(Track("t4", "Four", AlbumA, ArtistA)).Replace("\"item\":", "\"song\":", StringComparison.Ordinal)));
        var removed = await LandAsync(RawSource.PlaylistItems, "pl3", Page(0, Entry("null"), Entry("null")));

        var report = await TransformAsync(drifted, partly, removed);

        var byKey = report.Objects.ToDictionary(o => o.RawKey);
        Assert.Equal(TransformStatus.Quarantined, byKey[drifted].Status);
        Assert.Contains("none of its 2 items holds a track", byKey[drifted].Reason, StringComparison.Ordinal);
        Assert.Equal((TransformStatus.Transformed, 1), (byKey[partly].Status, byKey[partly].Skipped.Unreadable));
        Assert.Equal(1, report.UnreadableItems);
        Assert.Equal((TransformStatus.Transformed, 2), (byKey[removed].Status, byKey[removed].Skipped.Unavailable));
    }

    [Fact]
    public async Task Saved_tracks_and_top_lists_become_tables_with_when_saved_and_rank()
    {
        var full = await LandAsync(RawSource.SavedTracks, SavedTracksSubjects.Full, Page(0,
            """{"added_at":"2026-11-01T10:00:00Z","track":""" + Track("t1", "One", AlbumA, ArtistA) + "}"));
        var recent = await LandAsync(RawSource.SavedTracks, SavedTracksSubjects.Incremental, Page(0,
            """{"added_at":"2026-11-19T10:00:00Z","track":""" + Track("t2", "Two", AlbumA, ArtistA) + "}"), run: "20261120T070000Z");
        var top = await LandAsync(RawSource.TopTracks, "short_term", Page(50, Track("t3", "Three", AlbumA, ArtistA), Track("t1", "One", AlbumA, ArtistA)), page: 2);

        await TransformAsync(full, recent, top);

        Assert.Equal(["t1,2026-11-01T10:00:00Z,true", "t2,2026-11-19T10:00:00Z,false"], Rows(TableNames.SavedTracks));
        Assert.Equal(["track,short_term,51,t3", "track,short_term,52,t1"], Rows(TableNames.TopItems));
    }

    [Fact]
    public async Task Parquet_and_csvLakes_hold_the_same_rows_and_parquet_bytes_do_not_depend_on_arrival_order()
    {
        var keys = new List<string>();
        for (var page = 1; page <= 6; page++)
        {
            keys.Add(await LandAsync(RawSource.PlaylistItems, "pl1", Page((page - 1) * 2,
                Entry(Track($"t{page}a", $"Song {page}a, \"quoted\"", AlbumA, ArtistA)), Entry(Track($"t{page}b", "夜に駆ける", AlbumA, Artist("art2", "Other")))), page: page));
        }
        using var second = new TempFolder();
        var secondLake = new LocalFolderStore(second.Path);
        foreach (var key in keys)
        {
            await secondLake.PutBytesAsync(key, await Lake.ReadAllBytesAsync(key), "application/json");
        }

        await new TransformPipeline(Lake, Lake).TransformAsync(keys);
        await new TransformPipeline(secondLake, secondLake, new TransformOptions { Parallelism = 1 }).TransformAsync(Enumerable.Reverse(keys));
        var parquet = Folder.Files(LakeLayout.Transformed).Where(f => f.Key.EndsWith(".parquet", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(parquet);
        var secondFiles = second.Files(LakeLayout.Transformed);
        Assert.All(parquet, file => Assert.True(secondFiles.TryGetValue(file.Key, out var bytes) && file.Value.AsSpan().SequenceEqual(bytes), $"{file.Key} differs"));
        // The same lake in CSV: its Parquet files go, and the second lake's stand for them.
        await TransformAsync(keys.ToArray());
        using var duck = new DuckDb();
        foreach (var table in new[] { TableNames.Songs, TableNames.PlaylistEntries, TableNames.SongArtists })
        {
            var fromParquet = duck.Query($"SELECT * FROM read_parquet('{second[TableFormat.Parquet.PartitionKey(table, Day)]}')").Rows
                .Select(row => string.Join('|', row.Select(v => v ?? ""))).ToList();
            var fromCsv = duck.Query($"SELECT * FROM read_csv('{Folder[TableFormat.Csv.PartitionKey(table, Day)]}', header = true, all_varchar = true)").Rows
                .Select(row => string.Join('|', row.Select(v => v ?? ""))).ToList();
            Assert.Equal(fromCsv, fromParquet);
            Assert.Equal(table == TableNames.Songs ? 12 : fromCsv.Count, fromParquet.Count);
        }
    }

    [Fact]
    public async Task A_runs_storage_requests_grow_linearly_with_its_pages_on_the_S3_path()
    {
        async Task<int> RequestsForAsync(int pages)
        {
            using var folder = new TempFolder();
            var store = new CountingStore(new LocalFolderStore(folder.Path));
            var run = "20261120T060000Z";
            var keys = new List<string>();
            for (var page = 1; page <= pages; page++)
            {
                var key = new RawObjectKey(RawSource.PlaylistItems, Day, "pl1", run, page).ToString();
                await store.PutTextAsync(key, Page((page - 1) * 2, Entry(Track($"t{page}", $"Song {page}", AlbumA, ArtistA))), "application/json");
                keys.Add(key);
            }
            store.Reset();
            await new TransformPipeline(store, store, new TransformOptions { StageRuns = true }).TransformAsync(keys);
            return store.Requests;
        }

        var small = await RequestsForAsync(50);
        var large = await RequestsForAsync(200);

        // One GET per page, and a fixed number of LISTs, fragment and table writes per run: never a re-merge per page.
        Assert.InRange(large - small, 150, 160);
        Assert.True(large <= 300, $"a 200-page run costs {large} storage requests");
    }

    /// <summary>Counts every call that is one request on S3.</summary>
    internal sealed class CountingStore(IObjectStore inner) : IObjectStore
    {
        private int _requests;

        public int Requests => _requests;

        public void Reset() => _requests = 0;

        public string Description => inner.Description;

        public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) => Count(inner.OpenReadAsync(key, cancellationToken));

        public Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default) =>
            Count(inner.PutAsync(key, content, contentType, cancellationToken));

        public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _requests);
            return inner.ListAsync(prefix, cancellationToken);
        }

        public async IAsyncEnumerable<ObjectVersion> ListVersionsAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _requests);
            await foreach (var version in inner.ListVersionsAsync(prefix, cancellationToken))
            {
                yield return version;
            }
        }

        public Task CopyAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken = default) => Count(inner.CopyAsync(sourceKey, destinationKey, cancellationToken));

        public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => Count(inner.ExistsAsync(key, cancellationToken));

        public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => Count(inner.DeleteAsync(key, cancellationToken));

        private T Count<T>(T task)
        {
            Interlocked.Increment(ref _requests);
            return task;
        }
    }
}
