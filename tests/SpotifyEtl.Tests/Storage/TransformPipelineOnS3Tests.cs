using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;
using SpotifyEtl.Transformation.Current;
using Xunit;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// The whole transformation with both buckets on an S3-protocol server, through run fragments as the
/// Lambda does it, gives, byte for byte, the tables it gives on a laptop, quarantine included: the
/// Lambda and <c>spotify-etl transform</c> publish the same tables.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class TransformPipelineOnS3Tests(FauxqsServer server) : IDisposable
{
    private static readonly SampleOptions Sample = new(Days: 2, Items: 120, Seed: 7);
    private readonly Amazon.S3.AmazonS3Client _client = server.CreateLambdaRoleClient();
    private readonly string _local = Path.Combine(Path.GetTempPath(), "spotify-etl-s3-parity-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Transforming_a_sample_on_S3_writes_the_same_bytes_as_on_the_local_lake()
    {
        var localRaw = new LocalFolderStore(Path.Combine(_local, "raw-bucket"));
        var localLake = new LocalFolderStore(Path.Combine(_local, "transformed-bucket"));
        var s3Raw = new S3ObjectStore(_client, await server.CreateBucketAsync("raw"));
        var s3Lake = new S3ObjectStore(_client, await server.CreateBucketAsync("transformed"));

        var local = await GenerateAndTransformAsync(localRaw, localLake, stageRuns: false);
        var s3 = await GenerateAndTransformAsync(s3Raw, s3Lake, stageRuns: true);
        using var looking = LambdaRole.TestLooking();

        Assert.Equal(1, s3.Quarantined);
        Assert.Equal(local.Transformed, s3.Transformed);
        Assert.True(s3.Transformed > 10, $"only {s3.Transformed} raw objects were transformed");
        Assert.Equal(local.Partitions, s3.Partitions);
        // The local lake stages no run fragments, only the current-state tables' digests, the same as on S3.
        Assert.Equal(await ListAsync(localLake, CurrentLayout.Prefix), await ListAsync(localLake, LakeLayout.Staging));
        Assert.NotEmpty(await ListAsync(s3Lake, LakeLayout.FragmentPrefix(new DateOnly(2026, 11, 20))));
        foreach (var prefix in new[] { LakeLayout.Transformed, LakeLayout.Reports, CurrentLayout.Prefix })
        {
            var localKeys = await ListAsync(localLake, prefix);
            Assert.NotEmpty(localKeys);
            Assert.Equal(localKeys, await ListAsync(s3Lake, prefix));
            // The mark of the first search for days without a digest holds the time it began: alike in name, not in bytes.
            foreach (var key in localKeys.Where(key => key != CurrentLayout.Searched))
            {
                var expected = await localLake.ReadAllBytesAsync(key);
                var actual = await s3Lake.ReadAllBytesAsync(key);
                Assert.True(expected.SequenceEqual(actual), $"{key} differs between the local lake and S3");
            }
        }
        foreach (var table in new[] { TableNames.Songs, TableNames.Plays, TableNames.PlaylistEntries })
        {
            Assert.Contains(await ListAsync(s3Lake, LakeLayout.Transformed + table + "/"), key => key.EndsWith($"/{table}.parquet", StringComparison.Ordinal));
        }
        var quarantined = await ListAsync(localRaw, LakeLayout.Quarantine);
        Assert.Equal([LakeLayout.QuarantineKey(Truncated), LakeLayout.QuarantineKey(Truncated) + ".reason.txt"], quarantined);
        Assert.Equal(quarantined, await ListAsync(s3Raw, LakeLayout.Quarantine));
        foreach (var key in quarantined)
        {
            Assert.Equal(await localRaw.ReadAllTextAsync(key), await s3Raw.ReadAllTextAsync(key));
        }
        Assert.Equal(await ListAsync(localRaw, LakeLayout.Raw), await ListAsync(s3Raw, LakeLayout.Raw));
    }

    private static readonly string Truncated =
        new RawObjectKey(RawSource.PlaylistItems, SampleOptions.DefaultLastDay, "truncated", "20261120T060000Z", 3).ToString();

    private static async Task<TransformBatchReport> GenerateAndTransformAsync(IObjectStore raw, IObjectStore lake, bool stageRuns)
    {
        using (LambdaRole.TestLooking()) await new SampleGenerator(raw).WriteAsync(Sample);
        using (LambdaRole.TestLooking()) await raw.PutTextAsync(Truncated, "{\"href\":\"https://api.spotify.com/v1/playlists/truncated/items\",\"items\":[{\"added_at\":", "application/json");
        var keys = await ListAsync(raw, LakeLayout.Raw);
        return await new TransformPipeline(raw, lake, new TransformOptions { StageRuns = stageRuns }).TransformAsync(keys);
    }

    private static async Task<List<string>> ListAsync(IObjectStore store, string prefix)
    {
        using var looking = LambdaRole.TestLooking();
        var keys = new List<string>();
        await foreach (var key in store.ListAsync(prefix))
        {
            keys.Add(key);
        }
        return keys;
    }

    public void Dispose()
    {
        _client.Dispose();
        if (Directory.Exists(_local))
        {
            Directory.Delete(_local, recursive: true);
        }
    }
}
