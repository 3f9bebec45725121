using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Edges;

/// <summary>
/// The hostile objects of every class that the S3 path shares with the local lake, on the S3 emulator
/// through run fragments as the Lambda transforms them: the same reports, the same quarantine, and the
/// same tables, byte for byte, as on the local lake.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class HostileObjectsOnS3Tests(FauxqsServer server) : IDisposable
{
    private readonly Amazon.S3.AmazonS3Client _client = server.CreateLambdaRoleClient();
    private readonly TempFolder _folder = new();

    public void Dispose()
    {
        _client.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Every_class_of_hostile_object_is_reported_once_with_its_reason_on_S3_as_on_the_local_lake()
    {
        List<HostileInput> inputs =
        [
            .. HostileInputs.Good(), .. HostileInputs.LoneSurrogates(18, seed: 3), .. HostileInputs.Timestamps(pages: 6, seed: 9),
            .. HostileInputs.Offsets(seed: 2), .. HostileInputs.DuplicatesAndDepth(seed: 6),
        ];
        var s3Raw = new S3ObjectStore(_client, await server.CreateBucketAsync("hostile-raw"));
        var s3Lake = new S3ObjectStore(_client, await server.CreateBucketAsync("hostile-lake"));
        var local = new LocalFolderStore(_folder.Path);

        var onS3 = await HostileAssertions.LandAndTransformAsync(s3Raw, s3Lake, inputs, stageRuns: true);
        var onDisk = await HostileAssertions.LandAndTransformAsync(local, local, inputs, stageRuns: false);

        await HostileAssertions.AssertEveryInputAccountedForAsync(onS3, inputs, s3Raw);
        Assert.Equal(onDisk.Objects.OrderBy(o => o.RawKey, StringComparer.Ordinal).Select(o => (o.RawKey, o.Status, o.Reason, o.Skipped)),
            onS3.Objects.OrderBy(o => o.RawKey, StringComparer.Ordinal).Select(o => (o.RawKey, o.Status, o.Reason, o.Skipped)));
        foreach (var table in TableNames.Published)
        {
            var key = TableFormat.Csv.PartitionKey(table, HostileInputs.Day);
            if (await local.ExistsAsync(key))
            {
                Assert.Equal(await local.ReadAllTextAsync(key), await s3Lake.ReadAllTextAsync(key));
            }
        }
    }
}
