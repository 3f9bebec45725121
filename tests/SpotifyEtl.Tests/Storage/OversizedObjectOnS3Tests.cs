using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;
using Xunit;
using static SpotifyEtl.Tests.Transformation.SpotifyJson;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// An object in a day's raw folder larger than the function reads (an upload made by hand) is reported with its size and
/// left where it is, before a byte of it is held: the day's other objects are transformed, and the invocation ends well
/// instead of out of memory, which every retry would repeat.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class OversizedObjectOnS3Tests(FauxqsServer server)
{
    private static readonly DateOnly Day = new(2026, 11, 20);
    private const long Cap = 64 << 10;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task An_object_over_the_size_a_function_reads_is_reported_unread_and_the_day_is_transformed(int seed)
    {
        var random = new Random(seed);
        // What lands in the raw bucket is written with the test's own rights; the transform runs as the function's role.
        using var admin = server.CreateClient();
        using var client = server.CreateLambdaRoleClient();
        var bucket = await server.CreateBucketAsync("raw");
        var landing = new S3ObjectStore(admin, bucket);
        var raw = new S3ObjectStore(client, bucket) { MaxObjectBytes = Cap };
        var lake = new S3ObjectStore(client, await server.CreateBucketAsync("transformed"));
        var album = Album("alb1", "Album", "2020", "year");
        var good = new RawObjectKey(RawSource.RecentlyPlayed, Day, "me", "20261120T060000Z", 1).ToString();
        await landing.PutTextAsync(good, Page(0, Play(Track("t1", "A page of a usual size", album, Artist("a1", "A")), "2026-11-20T05:30:00.000Z")), "application/json");
        // Over the cap by a random margin: a valid page under a raw key, padded, and an object under no raw key's name.
        var padding = new string(' ', (int)Cap + random.Next(1, 200_000));
        var large = new RawObjectKey(RawSource.RecentlyPlayed, Day, "me", "20261120T070000Z", 1).ToString();
        await landing.PutTextAsync(large, Page(0, Play(Track("t2", "A padded page", album, Artist("a1", "A")), "2026-11-20T06:30:00.000Z")) + padding, "application/json");
        var misnamed = $"raw/recently_played/snapshot_date=2026-11-20/me/export-{random.Next(1000)}.json";
        await landing.PutTextAsync(misnamed, "[" + padding + "]", "application/json");
        var options = new TransformOptions { Format = TableFormat.Csv, StageRuns = true, Time = TimeProvider.System };

        var report = await new TransformPipeline(raw, lake, options).TransformAsync([good, large, misnamed]);

        Assert.Equal(2, report.Unreadable);
        Assert.All(report.Objects.Where(o => o.Status == TransformStatus.Unreadable),
            o => Assert.Matches(@"^it is [0-9,]+ bytes, more than the 65,536 one object may hold here", o.Reason));
        var songs = await lake.ReadAllTextAsync(TableFormat.Csv.PartitionKey(TableNames.Songs, Day));
        Assert.Contains("A page of a usual size", songs, StringComparison.Ordinal);
        Assert.DoesNotContain("A padded page", songs, StringComparison.Ordinal);
        // Nothing of the raw zone is lost, and nothing is set aside that was never read.
        Assert.True(await landing.ExistsAsync(large));
        Assert.True(await landing.ExistsAsync(misnamed));
        Assert.False(await landing.ExistsAsync(LakeLayout.QuarantineKey(large)));
    }

    [Fact]
    public async Task A_body_of_no_stated_length_is_read_only_up_to_the_cap()
    {
        var bytes = new byte[(int)Cap * 3];
        using var stream = new NonSeekable(bytes);

        var failure = await Assert.ThrowsAsync<UnreadableObjectException>(() =>
            PooledBytes.ReadAsync(stream, null, "s3://raw", "raw/x.json", null, CancellationToken.None, maxBytes: Cap));

        Assert.Contains("more than the 65,536 bytes one object may hold here", failure.Reason, StringComparison.Ordinal);
        Assert.True(stream.Position <= Cap + (256 << 10), $"read {stream.Position:N0} bytes of a body over the cap");
    }

    private sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
