using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using SpotifyEtl.Transformation.Current;
using Xunit;
using static SpotifyEtl.Tests.Transformation.SpotifyJson;

namespace SpotifyEtl.Tests.Current;

/// <summary>
/// The current-state tables on S3 (the fauxqs emulator), written by transform invocations that run in
/// parallel as Lambda runs them: every day at once in a random order, some days twice, one rewritten in
/// place while the others run. When all have finished, the tables equal the latest rows of every day's
/// partition. An invocation that gives up after its rounds (inputs that never stop changing) fails and is
/// retried, as Lambda retries it.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class CurrentTablesOnS3Tests(FauxqsServer server) : IDisposable
{
    private readonly Amazon.S3.AmazonS3Client _client = server.CreateLambdaRoleClient();

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public async Task Parallel_invocations_of_days_in_any_order_leave_the_latest_rows_of_every_day(int seed)
    {
        var raw = new S3ObjectStore(_client, await server.CreateBucketAsync("raw"));
        var lake = new S3ObjectStore(_client, await server.CreateBucketAsync("transformed"));
        using (Storage.LambdaRole.TestLooking()) await new SampleGenerator(raw).WriteAsync(new SampleOptions(Days: 24, Items: 15, Seed: seed));
        var days = await CurrentTablesTests.DaysAsync(raw);
        var random = new Random(seed);
        var invocations = days.Keys.Concat(days.Keys.Where(_ => random.Next(3) == 0)).OrderBy(_ => random.Next()).ToList();
        var rewritten = days.Keys.ElementAt(random.Next(days.Count));

        var running = invocations.Select(day => Task.Run(() => InvokeAsync(raw, lake, days[day]))).ToList();
        await CurrentTablesTests.RewriteInPlaceAsync(raw, rewritten, days, random);
        running.Add(Task.Run(() => InvokeAsync(raw, lake, days[rewritten])));
        await Task.WhenAll(running).WaitAsync(TimeSpan.FromMinutes(5));

        using var local = await DownloadAsync(lake);
        CurrentOracle.AssertMatchesPartitions(local.Path, $"after {running.Count} parallel invocations (seed {seed})");
    }

    [Fact]
    public async Task An_invocation_held_before_it_writes_the_tables_never_leaves_them_stale()
    {
        var raw = new S3ObjectStore(_client, await server.CreateBucketAsync("raw"));
        var lake = new S3ObjectStore(_client, await server.CreateBucketAsync("transformed"));
        var album = Album("alb1", "Album", "2020", "year");
        var october = new RawObjectKey(RawSource.RecentlyPlayed, new DateOnly(2026, 10, 31), "me", "20261031T060000Z", 1).ToString();
        var november = new RawObjectKey(RawSource.RecentlyPlayed, new DateOnly(2026, 11, 1), "me", "20261101T060000Z", 1).ToString();
        using (Storage.LambdaRole.TestLooking()) await raw.PutTextAsync(october, Page(0, Play(Track("t1", "Old name", album, Artist("a1", "A")), "2026-10-31T05:00:00.000Z")), "application/json");
        using (Storage.LambdaRole.TestLooking()) await raw.PutTextAsync(november, Page(0, Play(Track("t1", "New name", album, Artist("a1", "A")), "2026-11-01T05:00:00.000Z")), "application/json");
        var options = new TransformOptions { Format = TableFormat.Csv, StageRuns = true };
        var songs = TableFormat.Csv.FileKey(CurrentTables.Songs);

        // October's invocation is held with only its own month read, until November's has finished.
        var held = new HeldStore(lake, songs);
        var first = Task.Run(() => new TransformPipeline(raw, held, options).TransformAsync([october]));
        await held.Reached.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await new TransformPipeline(raw, lake, options).TransformAsync([november]);
        Assert.Contains("New name", await lake.ReadAllTextAsync(songs), StringComparison.Ordinal);

        held.Release.SetResult();
        await first.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(held.Writes >= 2, "the held invocation wrote its stale table, saw the months change, and wrote again");
        var table = await lake.ReadAllTextAsync(songs);
        Assert.Contains("t1,New name", table, StringComparison.Ordinal);
        Assert.DoesNotContain("Old name", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_day_digest_rewritten_stale_and_back_while_its_month_is_read_never_leaves_the_tables_stale()
    {
        var raw = new S3ObjectStore(_client, await server.CreateBucketAsync("raw"));
        var lake = new S3ObjectStore(_client, await server.CreateBucketAsync("transformed"));
        var album = Album("alb1", "Album", "2020", "year");
        var first = new RawObjectKey(RawSource.RecentlyPlayed, new DateOnly(2026, 11, 1), "me", "20261101T060000Z", 1).ToString();
        var second = new RawObjectKey(RawSource.RecentlyPlayed, new DateOnly(2026, 11, 2), "me", "20261102T060000Z", 1).ToString();
        var options = new TransformOptions { Format = TableFormat.Csv, StageRuns = true };
        var songs = TableFormat.Csv.FileKey(CurrentTables.Songs);
        var firstDigest = CurrentLayout.DayKey(new DateOnly(2026, 11, 1));

        // The first day as a slower invocation saw it (the song's old name), then as its replay in place wrote it.
        using (Storage.LambdaRole.TestLooking()) await raw.PutTextAsync(first, Page(0, Play(Track("t1", "Old name", album, Artist("a1", "A")), "2026-11-01T05:00:00.000Z")), "application/json");
        await new TransformPipeline(raw, lake, options).TransformAsync([first]);
        var stale = await lake.ReadAllBytesAsync(firstDigest);
        using (Storage.LambdaRole.TestLooking()) await raw.PutTextAsync(first, Page(0, Play(Track("t1", "New name", album, Artist("a1", "A")), "2026-11-01T05:00:00.000Z")), "application/json");
        await new TransformPipeline(raw, lake, options).TransformAsync([first]);
        Assert.Contains("t1,New name", await lake.ReadAllTextAsync(songs), StringComparison.Ordinal);

        // The second day's invocation lists the month's day digests; as it reads the first day's, the slower invocation
        // puts its stale digest, then, having listed its inputs again, the fresh one: the same bytes, so the same ETag.
        using (Storage.LambdaRole.TestLooking()) await raw.PutTextAsync(second, Page(0, Play(Track("t2", "Other", album, Artist("a1", "A")), "2026-11-02T05:00:00.000Z")), "application/json");
        var racing = new StaleInBetweenStore(lake, firstDigest, stale);
        await new TransformPipeline(raw, racing, options).TransformAsync([second]);

        Assert.True(racing.Raced, "the first day's digest was read while it held the stale bytes");
        await AssertFreshRowsAsync(lake, "after a digest was read stale in between");
    }

    /// <summary>
    /// A lake whose day has partitions but no digest (an earlier version's, or the marker deleted as the operations guide
    /// says): the next invocation reads the day's digest from its partitions. A slower invocation of that day puts its stale
    /// songs partition as it is read, then the fresh one again: the same bytes, so the same ETag, and a listing after the
    /// read equal to the one before it. The digest read in between is not written; the one written is the fresh rows'.
    /// </summary>
    [Fact]
    public async Task A_partition_rewritten_stale_and_back_while_a_day_digest_is_read_from_it_never_leaves_the_tables_stale()
    {
        var raw = new S3ObjectStore(_client, await server.CreateBucketAsync("raw"));
        var lake = new S3ObjectStore(_client, await server.CreateBucketAsync("transformed"));
        var album = Album("alb1", "Album", "2020", "year");
        var day = new DateOnly(2026, 11, 1);
        var first = new RawObjectKey(RawSource.RecentlyPlayed, day, "me", "20261101T060000Z", 1).ToString();
        var second = new RawObjectKey(RawSource.RecentlyPlayed, new DateOnly(2026, 11, 2), "me", "20261102T060000Z", 1).ToString();
        var options = new TransformOptions { Format = TableFormat.Csv, StageRuns = true };
        var partition = TableFormat.Csv.PartitionKey(TableNames.Songs, day);

        // The day as a slower invocation saw it (the song's old name), then as its replay in place wrote it.
        using (Storage.LambdaRole.TestLooking()) await raw.PutTextAsync(first, Page(0, Play(Track("t1", "Old name", album, Artist("a1", "A")), "2026-11-01T05:00:00.000Z")), "application/json");
        await new TransformPipeline(raw, lake, options).TransformAsync([first]);
        var stale = await lake.ReadAllBytesAsync(partition);
        using (Storage.LambdaRole.TestLooking()) await raw.PutTextAsync(first, Page(0, Play(Track("t1", "New name", album, Artist("a1", "A")), "2026-11-01T05:00:00.000Z")), "application/json");
        await new TransformPipeline(raw, lake, options).TransformAsync([first]);
        using (Storage.LambdaRole.TestLooking())
        {
            await lake.DeleteAsync(CurrentLayout.DayKey(day));
            await lake.DeleteAsync(CurrentLayout.Complete);
            await lake.DeleteAsync(CurrentLayout.Searched);
        }

        using (Storage.LambdaRole.TestLooking()) await raw.PutTextAsync(second, Page(0, Play(Track("t2", "Other", album, Artist("a1", "A")), "2026-11-02T05:00:00.000Z")), "application/json");
        var racing = new StaleInBetweenStore(lake, partition, stale, streamReads: true);
        await new TransformPipeline(raw, racing, options).TransformAsync([second]);

        Assert.True(racing.Raced, "the day's songs partition was read while it held the stale bytes");
        Assert.True(await lake.ExistsAsync(CurrentLayout.DayKey(day)), "the day has its digest, read from its partitions");
        await AssertFreshRowsAsync(lake, "after a partition was read stale in between");
    }

    /// <summary>The songs table holds t1 by its new name and t2, nothing of the old name, and every table the latest rows of every day.</summary>
    private static async Task AssertFreshRowsAsync(S3ObjectStore lake, string after)
    {
        var table = await lake.ReadAllTextAsync(TableFormat.Csv.FileKey(CurrentTables.Songs));
        Assert.Contains("t1,New name", table, StringComparison.Ordinal);
        Assert.Contains("t2,Other", table, StringComparison.Ordinal);
        Assert.DoesNotContain("Old name", table, StringComparison.Ordinal);
        using var local = await DownloadAsync(lake);
        CurrentOracle.AssertMatchesPartitions(local.Path, after);
    }

    /// <summary>One invocation; one that gave up on inputs that kept changing is retried, as Lambda retries a failed invocation.</summary>
    private static async Task InvokeAsync(IObjectStore raw, IObjectStore lake, List<string> keys)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await new TransformPipeline(raw, lake, new TransformOptions { Format = TableFormat.Csv, StageRuns = true, Parallelism = 4 })
                    .TransformAsync(keys).ConfigureAwait(false);
                return;
            }
            catch (IOException) when (attempt < 3)
            {
            }
        }
    }

    private static async Task<TempFolder> DownloadAsync(S3ObjectStore lake)
    {
        using var looking = Storage.LambdaRole.TestLooking();
        var folder = new TempFolder();
        await foreach (var key in lake.ListAsync(LakeLayout.Transformed))
        {
            var path = Path.Combine(folder.Path, key.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, await lake.ReadAllBytesAsync(key));
        }
        return folder;
    }

    /// <summary>Holds the first write of one key until released; everything else passes straight through.</summary>
    private sealed class HeldStore(IObjectStore inner, string heldKey) : ForwardingStore(inner)
    {
        private int _writes;

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Writes => _writes;

        public override async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
        {
            if (key == heldKey && Interlocked.Increment(ref _writes) == 1)
            {
                Reached.SetResult();
                await Release.Task.ConfigureAwait(false);
            }
            await base.PutAsync(key, content, contentType, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _client.Dispose();
}
