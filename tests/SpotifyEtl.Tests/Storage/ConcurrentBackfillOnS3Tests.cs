using System.Collections.Concurrent;
using System.Text;
using SpotifyEtl.Functions;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using SpotifyEtl.Transformation.Current;
using Xunit;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// The backfill of docs/operations.md: a day's replay per invocation, eight at once, the days in date order, so that the
/// invocations in flight share a month and each changes its digest while the others rebuild from it. On S3 with SSE-KMS an
/// object's ETag changes with every write, identical bytes or not, so a rewrite of the same month disturbs every other
/// invocation's check of its inputs; the store here gives every write a new tag, and each request 20 ms.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class ConcurrentBackfillOnS3Tests(FauxqsServer server) : IDisposable
{
    private readonly Amazon.S3.AmazonS3Client _admin = server.CreateClient();
    private readonly Amazon.S3.AmazonS3Client _client = server.CreateLambdaRoleClient();

    [Fact]
    public async Task Days_replayed_eight_at_once_in_date_order_all_publish_and_leave_the_current_tables_as_one_at_a_time_does()
    {
        var rawBucket = await server.CreateBucketAsync("raw");
        // 24 days across two months, the last 2026-11-20.
        await new SampleGenerator(new S3ObjectStore(_admin, rawBucket)).WriteAsync(new SampleOptions(Days: 24, Items: 120, Seed: 5));
        var days = Enumerable.Range(0, 24).Select(i => SampleOptions.DefaultLastDay.AddDays(i - 23)).ToList();
        var raw = new S3ObjectStore(_client, rawBucket);

        var atOnce = new S3ObjectStore(_client, await server.CreateBucketAsync("transformed"));
        var failures = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(days, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (day, _) =>
        {
            try
            {
                await ReplayAsync(new SlowNewTagStore(raw), new SlowNewTagStore(atOnce), rawBucket, day);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                failures.Add($"{day:yyyy-MM-dd}: {exception.Message}");
            }
        });
        Assert.Empty(failures);

        var oneAtATime = new S3ObjectStore(_client, await server.CreateBucketAsync("transformed"));
        foreach (var day in days)
        {
            await ReplayAsync(raw, oneAtATime, rawBucket, day);
        }
        var tables = CurrentTables.All.Select(table => TableFormat.Parquet.FileKey(table)).ToList();
        Assert.Equal(5, tables.Count);
        foreach (var key in tables)
        {
            var expected = await oneAtATime.ReadAllBytesAsync(key);
            Assert.True(expected.Length > 0, key);
            Assert.Equal(expected, await atOnce.ReadAllBytesAsync(key));
        }
    }

    private static async Task ReplayAsync(IObjectStore raw, IObjectStore lake, string rawBucket, DateOnly day)
    {
        using var log = new StringWriter();
        var function = new TransformFunction(raw, lake, rawBucket, log, TableFormat.Parquet);
        await using var output = await function.Handler(new MemoryStream(Encoding.UTF8.GetBytes($$"""{"replay_dates": ["{{day:yyyy-MM-dd}}"]}""")));
    }

    /// <summary>
    /// 20 ms a request, and a new tag for an object at each write, as SSE-KMS gives a new ETag for the same bytes: in
    /// listings and in pooled reads, so that a read of a key rewritten since its listing is told apart as S3 tells it.
    /// </summary>
    private sealed class SlowNewTagStore(IObjectStore inner) : ForwardingStore(inner), IObjectStore
    {
        private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(20);
        private static readonly ConcurrentDictionary<string, int> Writes = new(StringComparer.Ordinal);
        private readonly IObjectStore _inner = inner;

        public async Task<PooledBytes> ReadPooledAsync(string key, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Latency, cancellationToken).ConfigureAwait(false);
            // The count before the read: a write that lands during it makes the read look older than it may be, never newer.
            var writes = Writes.GetValueOrDefault(Description + "/" + key);
            using var read = await _inner.ReadPooledAsync(key, cancellationToken).ConfigureAwait(false);
            var copy = new byte[System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(read.Length, 16))];
            read.Span.CopyTo(copy);
            return new PooledBytes(copy, read.Length, read.Version, $"{read.Tag}-{writes}");
        }

        public override async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Latency, cancellationToken).ConfigureAwait(false);
            return await base.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        }

        public override async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Latency, cancellationToken).ConfigureAwait(false);
            await base.PutAsync(key, content, contentType, cancellationToken).ConfigureAwait(false);
            Writes.AddOrUpdate(Description + "/" + key, 1, (_, count) => count + 1);
        }

        public override async IAsyncEnumerable<ObjectVersion> ListVersionsAsync(string prefix,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Delay(Latency, cancellationToken).ConfigureAwait(false);
            await foreach (var version in base.ListVersionsAsync(prefix, cancellationToken).ConfigureAwait(false))
            {
                yield return version with { Tag = $"{version.Tag}-{Writes.GetValueOrDefault(Description + "/" + version.Key)}" };
            }
        }
    }

    public void Dispose()
    {
        _admin.Dispose();
        _client.Dispose();
    }
}
