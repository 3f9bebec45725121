using SpotifyEtl.Functions;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Functions;
using SpotifyEtl.Tests.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using SpotifyEtl.Transformation.Current;
using Xunit;

namespace SpotifyEtl.Tests.Current;

/// <summary>
/// A stack upgraded over a lake some of whose days earlier versions wrote (no day digest, or one in the
/// earlier layout; months likewise): the transform handler's invocations of new days, run in parallel in a
/// random order and some twice, as Lambda runs them, leave the current-state tables equal to the latest rows
/// of every day's partition, the earlier days included, with no step by hand.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class EarlierVersionLakeOnS3Tests(FauxqsServer server) : IDisposable
{
    private readonly Amazon.S3.AmazonS3Client _client = server.CreateLambdaRoleClient();
    /// <summary>What the test itself writes and reads, around the function: as the user or the extract function would, not as the transform.</summary>
    private readonly Amazon.S3.AmazonS3Client _admin = server.CreateClient();

    [Theory]
    [InlineData(41)]
    [InlineData(42)]
    [InlineData(43)]
    public async Task Parallel_invocations_of_new_days_give_the_days_an_earlier_version_wrote_their_place_in_the_current_tables(int seed)
    {
        var settings = await server.CreateTransformBucketsAsync() with { Format = TableFormat.Csv };
        var raw = new S3ObjectStore(_admin, settings.RawBucket);
        var lake = new S3ObjectStore(_admin, settings.TransformedBucket);
        await new SampleGenerator(raw).WriteAsync(new SampleOptions(Days: 20, Items: 15, Seed: seed));
        var days = await CurrentTablesTests.DaysAsync(raw);
        var random = new Random(seed);
        var order = days.Keys.OrderBy(_ => random.Next()).ToList();
        var earlier = order.Take(order.Count / 2).ToList();
        foreach (var day in earlier)
        {
            await InvokeAsync(settings, days[day]);
        }
        var aged = await EarlierVersionLakes.AgeAsync(lake, earlier, random);

        var later = order.Skip(earlier.Count).ToList();
        var invocations = later.Concat(later.Where(_ => random.Next(3) == 0)).OrderBy(_ => random.Next()).ToList();
        await Task.WhenAll(invocations.Select(day => Task.Run(() => InvokeAsync(settings, days[day])))).WaitAsync(TimeSpan.FromMinutes(5));

        using var local = await DownloadAsync(lake);
        CurrentOracle.AssertMatchesPartitions(local.Path,
            $"after {invocations.Count} parallel invocations (seed {seed}; days without a digest in this layout: {string.Join(", ", aged.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)))})");
        Assert.False(await lake.ExistsAsync(CurrentLayout.Complete), "an earlier version's invocation may still be writing days");

        // The first search as long ago as an earlier version's invocation can run: the next invocation searches once more and marks the lake complete.
        await EarlierVersionLakes.BackdateSearchAsync(lake, CurrentStatePublisher.EarlierWriters);
        await InvokeAsync(settings, days[order[0]]);
        Assert.True(await lake.ExistsAsync(CurrentLayout.Complete), "the lake's digests are complete, and the marker says so");
        Assert.Empty(await EarlierVersionLakes.LeftoversAsync(lake));
    }

    /// <summary>One invocation of the handler on a day's raw keys; one that failed is retried, as Lambda retries it.</summary>
    private async Task InvokeAsync(TransformSettings settings, List<string> keys)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var log = new StringWriter();
                var function = new TransformFunction(settings, _client, log);
                function.RunHandler(TransformFunctionTests.ToStream(
                    TransformFunctionTests.S3Event(keys.Select(key => (settings.RawBucket, TransformFunctionTests.Encode(key)))))).Dispose();
                return;
            }
            catch (IOException) when (attempt < 3)
            {
            }
        }
    }

    private static async Task<TempFolder> DownloadAsync(S3ObjectStore lake)
    {
        var folder = new TempFolder();
        await foreach (var key in lake.ListAsync(LakeLayout.Transformed))
        {
            var path = Path.Combine(folder.Path, key.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, await lake.ReadAllBytesAsync(key));
        }
        return folder;
    }

    public void Dispose()
    {
        _client.Dispose();
        _admin.Dispose();
    }
}
