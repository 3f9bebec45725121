using SpotifyEtl.Import;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Functions;
using SpotifyEtl.Tests.Import;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// A stack moved as docs/deploying.md says, on the S3 emulator: its raw objects and <c>staging/</c> copied into new buckets,
/// not its tables. The spans copied with <c>staging/</c> name the old bucket, so the new one's transforms build
/// <c>listening_history</c> whole until one has, even when the first whole build stops after writing a month (its time
/// budget, an S3 error): a span that only said "built" made every later transform follow a few months of years of streams.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class StackMovedWithAnExportOnS3Tests(FauxqsServer server) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(5)]
    [InlineData(23)]
    public async Task A_moved_stack_whose_first_whole_build_of_the_history_stopped_after_a_month_builds_it_whole_next(int seed)
    {
        var sample = await HistoryPlaysFollowerTests.GenerateAsync(new LocalFolderStore(_folder["source"]), seed, streams: 600);
        using var client = server.CreateClient();
        var old = await server.CreateTransformBucketsAsync();
        var (oldRaw, oldLake) = (new S3ObjectStore(client, old.RawBucket), new S3ObjectStore(client, old.TransformedBucket));
        await HistoryPlaysFollowerTests.CopyAsync(sample, oldRaw, sample.Days.Keys);
        await new ExportImporter(oldRaw, oldLake).ImportAsync(sample.Export);
        var expected = await StoppedImportOnS3Tests.FilesAsync(oldLake);
        Assert.True(expected.Count > 6, $"the export spans more months ({expected.Count}) than the days' plays reach");

        var moved = await server.CreateTransformBucketsAsync();
        var (raw, lake) = (new S3ObjectStore(client, moved.RawBucket), new S3ObjectStore(client, moved.TransformedBucket));
        await CopyAsync(oldRaw, raw, LakeLayout.Raw);
        await CopyAsync(oldLake, lake, LakeLayout.Staging);
        var lastDay = sample.Days[sample.Days.Keys.Last()];
        var stopping = new UnbuiltExportFilesTests.StoppedAfterAMonthStore(lake);
        await Assert.ThrowsAnyAsync<IOException>(() => new TransformPipeline(raw, stopping).TransformAsync(lastDay));
        Assert.Single(await StoppedImportOnS3Tests.FilesAsync(lake));

        await new TransformPipeline(raw, lake).TransformAsync(lastDay);

        var written = await StoppedImportOnS3Tests.FilesAsync(lake);
        Assert.True(expected.Keys.SequenceEqual(written.Keys), $"the months written are {string.Join(", ", written.Keys)}");
        foreach (var (key, bytes) in expected)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(written[key]), $"{key} differs from the old stack's");
        }
    }

    private static async Task CopyAsync(IObjectStore from, IObjectStore to, string prefix)
    {
        using (LambdaRole.TestLooking())
        {
            foreach (var key in await TransformFunctionTests.ListAsync(from, prefix))
            {
                await to.PutBytesAsync(key, await from.ReadAllBytesAsync(key), "application/octet-stream");
            }
        }
    }
}
