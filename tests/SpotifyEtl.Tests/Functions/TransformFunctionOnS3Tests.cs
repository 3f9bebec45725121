using System.Text.Json;
using SpotifyEtl.Functions;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Spotify;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Storage;
using SpotifyEtl.Tests.Transformation;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Functions;

/// <summary>The handler's real S3 path: the client it builds its stores from, against an S3 server.</summary>
[Collection(FauxqsTests.Name)]
public sealed class TransformFunctionOnS3Tests(FauxqsServer server) : IDisposable
{
    private readonly Amazon.S3.AmazonS3Client _client = server.CreateLambdaRoleClient();
    /// <summary>What the test itself writes and reads, around the function: as the user or the extract function would, not as the transform.</summary>
    private readonly Amazon.S3.AmazonS3Client _admin = server.CreateClient();

    [Fact]
    public async Task Handler_reads_the_raw_bucket_and_writes_the_transformed_bucket_through_S3()
    {
        var settings = await server.CreateTransformBucketsAsync();
        var raw = new S3ObjectStore(_admin, settings.RawBucket);
        var lake = new S3ObjectStore(_admin, settings.TransformedBucket);
        await new SampleGenerator(raw).WriteAsync(new SampleOptions(Days: 1, Items: 60, Seed: 3));
        var keys = await TransformFunctionTests.ListAsync(raw, LakeLayout.Raw);
        var bad = new RawObjectKey(RawSource.PlaylistItems, SampleOptions.DefaultLastDay, "broken", "20261120T060000Z", 1).ToString();
        await raw.PutTextAsync(bad, "[1,2,3]", "application/json");
        using var log = new StringWriter();
        var function = new TransformFunction(settings, _client, log);

        using var output = function.RunHandler(TransformFunctionTests.ToStream(
            TransformFunctionTests.S3Event(keys.Append(bad).Select(key => (settings.RawBucket, TransformFunctionTests.Encode(key))))));

        var summary = JsonDocument.Parse(output).RootElement;
        Assert.Equal(keys.Count, summary.GetProperty("transformed").GetInt32());
        Assert.Equal(1, summary.GetProperty("quarantined").GetInt32());
        Assert.True(await raw.ExistsAsync(LakeLayout.QuarantineKey(bad) + ".reason.txt"));
        Assert.True(await raw.ExistsAsync(bad));
        Assert.Empty(await TransformFunctionTests.ListAsync(lake, LakeLayout.Quarantine));
        foreach (var table in TableNames.Published.Except([TableNames.SavedTracks, TableNames.TopItems]))
        {
            Assert.True(await lake.ExistsAsync(TableFormat.Parquet.PartitionKey(table, SampleOptions.DefaultLastDay)), $"no {table} table in the transformed bucket");
        }
        Assert.Contains("song_id", await lake.ReadAllTextAsync(TableFormat.Parquet.PartitionKey(TableNames.Songs, SampleOptions.DefaultLastDay)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("replay of the day")]
    [InlineData("manifest event sent again")]
    public async Task Replaying_a_day_whose_snapshots_expired_leaves_its_tables_and_the_current_tables_byte_identical(string replay)
    {
        var settings = await server.CreateTransformBucketsAsync();
        var raw = new S3ObjectStore(_admin, settings.RawBucket);
        var lake = new S3ObjectStore(_admin, settings.TransformedBucket);
        await new SampleGenerator(raw).WriteAsync(new SampleOptions(Days: 2, Items: 60, Seed: 3));
        var day = SampleOptions.DefaultLastDay.AddDays(-1);
        using var log = new StringWriter();
        var function = new TransformFunction(settings, _client, log);
        var manifests = await TransformFunctionTests.TransformEveryRunAsync(raw, function, settings.RawBucket);
        var before = await TransformFunctionTests.SnapshotAsync(lake, LakeLayout.Transformed);
        foreach (var table in TableNames.Published)
        {
            Assert.True(before.ContainsKey(TableFormat.Parquet.PartitionKey(table, day)), $"the sample's first day has a {table} table");
        }

        // The raw bucket's lifecycle rule expires every snapshot of the day but the listener's history.
        var expired = (await TransformFunctionTests.ListAsync(raw, LakeLayout.Raw))
            .Where(key => RawObjectKey.Parse(key) is { } parsed && parsed.SnapshotDate == day && parsed.Source != RawSource.RecentlyPlayed).ToList();
        Assert.NotEmpty(expired);
        foreach (var key in expired)
        {
            await raw.DeleteAsync(key);
        }
        var notification = replay == "replay of the day"
            ? $$"""{"replay_dates": ["{{day:yyyy-MM-dd}}"]}"""
            : TransformFunctionTests.S3Event([(settings.RawBucket, manifests[0])]);
        function.RunHandler(TransformFunctionTests.ToStream(notification)).Dispose();

        var after = await TransformFunctionTests.SnapshotAsync(lake, LakeLayout.Transformed);
        Assert.Equal(before.Keys, after.Keys);
        Assert.All(before, file => Assert.True(file.Value == after[file.Key], $"{file.Key} changed"));
        var warning = Assert.Single(LogLines(log), line => line.GetProperty("event").GetString() == "transform_run_raw_expired");
        Assert.Equal("warn", warning.GetProperty("level").GetString());
        Assert.Equal(RawObjectKey.Parse(expired[0]).RunId, warning.GetProperty("run_id").GetString());
        Assert.Equal(expired.Count, warning.GetProperty("missing_objects").GetInt32());
        Assert.True(warning.GetProperty("fragment_kept").GetBoolean());
    }

    [Fact]
    public async Task An_event_for_a_manifest_that_is_gone_is_skipped_with_a_warning_instead_of_failing_into_retries()
    {
        var settings = await server.CreateTransformBucketsAsync();
        using var log = new StringWriter();
        const string manifest = "manifests/20261120T060000Z.json";

        using var output = new TransformFunction(settings, _client, log).RunHandler(
            TransformFunctionTests.ToStream(TransformFunctionTests.S3Event([(settings.RawBucket, manifest)])));

        var summary = JsonDocument.Parse(output).RootElement;
        Assert.Equal(1, summary.GetProperty("ignored").GetInt32());
        Assert.Equal(0, summary.GetProperty("quarantined").GetInt32());
        var line = Assert.Single(LogLines(log), line => line.GetProperty("event").GetString() == "transform_record_ignored");
        Assert.Equal("warn", line.GetProperty("level").GetString());
        Assert.Equal(manifest, line.GetProperty("key").GetString());
        Assert.Contains("no longer in the raw bucket", line.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(await TransformFunctionTests.ListAsync(new S3ObjectStore(_admin, settings.RawBucket), LakeLayout.Quarantine));
    }

    [Fact]
    public async Task Raw_objects_an_event_names_that_are_gone_are_skipped_with_a_warning_and_the_rest_is_published()
    {
        var settings = await server.CreateTransformBucketsAsync();
        var raw = new S3ObjectStore(_admin, settings.RawBucket);
        var lake = new S3ObjectStore(_admin, settings.TransformedBucket);
        await new SampleGenerator(raw).WriteAsync(new SampleOptions(Days: 1, Items: 60, Seed: 3));
        var keys = await TransformFunctionTests.ListAsync(raw, LakeLayout.Raw);
        var run = RawObjectKey.Parse(keys[0]).RunId;
        var gone = keys.Where(key => RawObjectKey.Parse(key).Source == RawSource.PlaylistItems).ToList();
        foreach (var key in gone)
        {
            await raw.DeleteAsync(key);
        }
        var manifest = ExtractionManifest.KeyFor(run);
        await raw.PutTextAsync(manifest, TransformFunctionTests.ManifestJson(run, keys), "application/json");
        // An upload by hand, under a name outside the raw layout, removed before its event was handled.
        const string upload = "raw/playlist_items/snapshot_date=2026-11-20/My Playlist/20261120T060000Z-p0001.json";
        using var log = new StringWriter();

        using var output = new TransformFunction(settings, _client, log).RunHandler(TransformFunctionTests.ToStream(
            TransformFunctionTests.S3Event([(settings.RawBucket, manifest), (settings.RawBucket, TransformFunctionTests.Encode(upload))])));

        var summary = JsonDocument.Parse(output).RootElement;
        Assert.Equal(keys.Count - gone.Count, summary.GetProperty("transformed").GetInt32());
        Assert.Equal(0, summary.GetProperty("quarantined").GetInt32());
        Assert.True(await lake.ExistsAsync(TableFormat.Parquet.PartitionKey(TableNames.Playlists, SampleOptions.DefaultLastDay)));
        Assert.False(await lake.ExistsAsync(TableFormat.Parquet.PartitionKey(TableNames.PlaylistEntries, SampleOptions.DefaultLastDay)));
        var lines = LogLines(log);
        var expired = Assert.Single(lines, line => line.GetProperty("event").GetString() == "transform_run_raw_expired");
        Assert.Equal(gone.Count, expired.GetProperty("missing_objects").GetInt32());
        Assert.False(expired.GetProperty("fragment_kept").GetBoolean());
        Assert.Contains("built from the objects that remain", expired.GetProperty("message").GetString(), StringComparison.Ordinal);
        var skipped = Assert.Single(lines, line => line.TryGetProperty("key", out var key) && key.GetString() == upload);
        Assert.Equal("ignored", skipped.GetProperty("status").GetString());
        Assert.Contains($"it is no longer in s3://{settings.RawBucket}", skipped.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(await TransformFunctionTests.ListAsync(raw, LakeLayout.Quarantine));
    }

    [Fact]
    public async Task A_run_that_never_wrote_its_manifest_is_published_with_the_next_run_of_its_day()
    {
        var settings = await server.CreateTransformBucketsAsync();
        var raw = new S3ObjectStore(_admin, settings.RawBucket);
        var lake = new S3ObjectStore(_admin, settings.TransformedBucket);
        // The day's first run landed its pages and was stopped before it wrote its manifest: no event names it.
        await new SampleGenerator(raw).WriteAsync(new SampleOptions(Days: 1, Items: 60, Seed: 3));
        var day = SampleOptions.DefaultLastDay;
        const string next = "20261120T070000Z";
        var page = new RawObjectKey(RawSource.RecentlyPlayed, day, "me", next, 1).ToString();
        await raw.PutTextAsync(page, SpotifyJson.Page(0, SpotifyJson.Play(
            SpotifyJson.Track("t-next", "Next run's song", SpotifyJson.Album("alb-next", "Album", "2020", "year"), SpotifyJson.Artist("a-next", "A")),
            "2026-11-20T06:30:00.000Z")), "application/json");
        var manifest = ExtractionManifest.KeyFor(next);
        await raw.PutTextAsync(manifest, TransformFunctionTests.ManifestJson(next, [page]), "application/json");
        using var log = new StringWriter();
        var function = new TransformFunction(settings, _client, log);

        function.RunHandler(TransformFunctionTests.ToStream(TransformFunctionTests.S3Event([(settings.RawBucket, manifest)]))).Dispose();

        var published = await TransformFunctionTests.SnapshotAsync(lake, LakeLayout.Transformed);
        Assert.True(published.ContainsKey(TableFormat.Parquet.PartitionKey(TableNames.PlaylistEntries, day)), "the stopped run's playlists are published");
        function.RunHandler(TransformFunctionTests.ToStream($$"""{"replay_dates": ["{{day:yyyy-MM-dd}}"]}""")).Dispose();
        var replayed = await TransformFunctionTests.SnapshotAsync(lake, LakeLayout.Transformed);
        Assert.Equal(replayed.Keys, published.Keys);
        Assert.All(replayed, file => Assert.True(file.Value == published[file.Key], $"{file.Key} differs from the replay's"));
    }

    private static List<JsonElement> LogLines(StringWriter log) =>
        log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();

    public void Dispose()
    {
        _client.Dispose();
        _admin.Dispose();
    }
}
