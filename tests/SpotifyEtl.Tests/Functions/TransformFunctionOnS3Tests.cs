using System.Text.Json;
using SpotifyEtl.Functions;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Storage;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Functions;

/// <summary>The handler's real S3 path: the client it builds its stores from, against an S3 server.</summary>
[Collection(FauxqsTests.Name)]
public sealed class TransformFunctionOnS3Tests(FauxqsServer server) : IDisposable
{
    private readonly Amazon.S3.AmazonS3Client _client = server.CreateLambdaRoleClient();

    [Fact]
    public async Task Handler_reads_the_raw_bucket_and_writes_the_transformed_bucket_through_S3()
    {
        var settings = await server.CreateTransformBucketsAsync();
        var raw = new S3ObjectStore(_client, settings.RawBucket);
        var lake = new S3ObjectStore(_client, settings.TransformedBucket);
        await new SampleGenerator(raw).WriteAsync(new SampleOptions(Days: 1, Items: 60, Seed: 3));
        var keys = await TransformFunctionTests.ListAsync(raw, LakeLayout.Raw);
        var bad = new RawObjectKey(RawSource.PlaylistItems, SampleOptions.DefaultLastDay, "broken", "20261120T060000Z", 1).ToString();
        await raw.PutTextAsync(bad, "[1,2,3]", "application/json");
        using var log = new StringWriter();
        var function = new TransformFunction(settings, _client, log);

        using var output = function.Handler(TransformFunctionTests.ToStream(
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

    public void Dispose() => _client.Dispose();
}
