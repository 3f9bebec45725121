using SpotifyEtl.Functions;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Storage;
using Xunit;

namespace SpotifyEtl.Tests.Functions;

/// <summary>
/// A stack moved to other names or another region as docs/deploying.md says ("Names and region are fixed once deployed"):
/// the raw bucket's <c>raw/</c> copied into the new stack's, the transformed bucket's <c>staging/</c> into its, then
/// <c>manifests/</c>, each manifest copied notifying the new stack's transform. The new stack ends with the old one's
/// tables byte for byte, the days whose snapshots the raw bucket's lifecycle had expired among them: their rows stand
/// only in the runs' fragments under <c>staging/</c>.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class StackMoveOnS3Tests(FauxqsServer server) : IDisposable
{
    private readonly Amazon.S3.AmazonS3Client _client = server.CreateLambdaRoleClient();
    private readonly Amazon.S3.AmazonS3Client _admin = server.CreateClient();

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    public async Task A_stack_moved_as_the_guide_says_keeps_every_table_also_of_the_days_whose_snapshots_expired(int seed)
    {
        var random = new Random(seed);
        var old = await server.CreateTransformBucketsAsync();
        var (oldRaw, oldLake) = (new S3ObjectStore(_admin, old.RawBucket), new S3ObjectStore(_admin, old.TransformedBucket));
        var days = random.Next(2, 4);
        await new SampleGenerator(oldRaw).WriteAsync(new SampleOptions(Days: days, Items: random.Next(40, 90), Seed: seed));
        using var log = new StringWriter();
        var manifests = await TransformFunctionTests.TransformEveryRunAsync(oldRaw, new TransformFunction(old, _client, log), old.RawBucket);
        // The lifecycle expires every snapshot of the days before the last, but the listener's history.
        var expired = (await TransformFunctionTests.ListAsync(oldRaw, LakeLayout.Raw))
            .Where(key => RawObjectKey.Parse(key) is { } parsed && parsed.SnapshotDate < SampleOptions.DefaultLastDay && parsed.Source != RawSource.RecentlyPlayed)
            .ToList();
        Assert.NotEmpty(expired);
        foreach (var key in expired)
        {
            await oldRaw.DeleteAsync(key);
        }
        var tables = await TransformFunctionTests.SnapshotAsync(oldLake, LakeLayout.Transformed);

        var moved = await server.CreateTransformBucketsAsync();
        var (newRaw, newLake) = (new S3ObjectStore(_admin, moved.RawBucket), new S3ObjectStore(_admin, moved.TransformedBucket));
        await CopyAsync(oldRaw, newRaw, LakeLayout.Raw);
        await CopyAsync(oldLake, newLake, LakeLayout.Staging);
        // Copied in any order: each manifest notifies the transform as it lands.
        var newFunction = new TransformFunction(moved, _client, log);
        foreach (var manifest in manifests.OrderBy(_ => random.Next()))
        {
            await newRaw.PutBytesAsync(manifest, await oldRaw.ReadAllBytesAsync(manifest), "application/json");
            newFunction.RunHandler(TransformFunctionTests.ToStream(TransformFunctionTests.S3Event([(moved.RawBucket, manifest)]))).Dispose();
        }

        var after = await TransformFunctionTests.SnapshotAsync(newLake, LakeLayout.Transformed);
        Assert.Equal(tables.Keys, after.Keys);
        Assert.All(tables, file => Assert.True(file.Value == after[file.Key], $"{file.Key} differs in the moved stack"));
    }

    private static async Task CopyAsync(IObjectStore from, IObjectStore to, string prefix)
    {
        foreach (var key in await TransformFunctionTests.ListAsync(from, prefix))
        {
            await to.PutBytesAsync(key, await from.ReadAllBytesAsync(key), "application/octet-stream");
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _admin.Dispose();
    }
}
