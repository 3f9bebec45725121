using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;
using static SpotifyEtl.Tests.Transformation.SpotifyJson;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// Two replays of one day race on S3 while the raw object they read is rewritten in place. The
/// timing is forced: the first invocation is held just before it publishes, with the old content
/// already read, until the second has published the new content. Comparing key names alone, the
/// first would then upload the old table last and it would stay; the ETags tell it its input changed.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class ConcurrentReplayOnS3Tests(FauxqsServer server) : IDisposable
{
    private static readonly DateOnly Day = new(2026, 11, 20);
    private readonly Amazon.S3.AmazonS3Client _client = server.CreateLambdaRoleClient();

    [Fact]
    public async Task A_replay_held_behind_a_newer_one_never_leaves_a_stale_table()
    {
        var raw = new S3ObjectStore(_client, await server.CreateBucketAsync("raw"));
        var lake = new S3ObjectStore(_client, await server.CreateBucketAsync("transformed"));
        var key = new RawObjectKey(RawSource.RecentlyPlayed, Day, "me", "20261120T060000Z", 1).ToString();
        var album = Album("alb1", "Album", "2020", "year");
        await raw.PutTextAsync(key, Page(0, Play(Track("t1", "Old name", album, Artist("a1", "A")), "2026-11-20T05:00:00.000Z")), "application/json");
        var options = new TransformOptions { Format = TableFormat.Csv, StageRuns = true };
        var songs = TableFormat.Csv.PartitionKey(TableNames.Songs, Day);

        var held = new HeldStore(lake, songs);
        var first = Task.Run(() => new TransformPipeline(raw, held, options).TransformAsync([key]));
        await held.Reached.Task.WaitAsync(TimeSpan.FromSeconds(60));

        await raw.PutTextAsync(key, Page(0, Play(Track("t1", "New name", album, Artist("a1", "A")), "2026-11-20T05:00:00.000Z")), "application/json");
        await new TransformPipeline(raw, lake, options).TransformAsync([key]);
        Assert.Contains("New name", await lake.ReadAllTextAsync(songs), StringComparison.Ordinal);

        held.Release.SetResult();
        await first.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(held.SongsWrites >= 2, "the held invocation published its stale table, saw its input change, and published again");
        var table = await lake.ReadAllTextAsync(songs);
        Assert.Contains("New name", table, StringComparison.Ordinal);
        Assert.DoesNotContain("Old name", table, StringComparison.Ordinal);
    }

    /// <summary>Holds the first write of one key until released; everything else passes straight through.</summary>
    private sealed class HeldStore(IObjectStore inner, string heldKey) : ForwardingStore(inner)
    {
        private int _songsWrites;

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int SongsWrites => _songsWrites;

        public override async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
        {
            if (key == heldKey && Interlocked.Increment(ref _songsWrites) == 1)
            {
                Reached.SetResult();
                await Release.Task.ConfigureAwait(false);
            }
            await base.PutAsync(key, content, contentType, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _client.Dispose();
}
