using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;
using static SpotifyEtl.Tests.Transformation.SpotifyJson;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// Two invocations of one day race on S3 while the raw objects of a run change: one is rewritten in place, or
/// another page of the run lands; or another run of the day lands. The timing is forced: the first invocation is held just before it writes its
/// table or its run's fragment, with the old content already read, until the second has published the new
/// content. The first then writes what it read last; listing its inputs again after each write (ETags, not
/// key names alone) tells it they changed, and it writes again.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class ConcurrentReplayOnS3Tests(FauxqsServer server) : IDisposable
{
    private static readonly DateOnly Day = new(2026, 11, 20);
    private readonly Amazon.S3.AmazonS3Client _client = server.CreateLambdaRoleClient();

    [Theory]
    [InlineData("partition", "rewritten")]
    [InlineData("partition", "page landed")]
    [InlineData("fragment", "rewritten")]
    [InlineData("fragment", "page landed")]
    [InlineData("partition", "run landed")]
    [InlineData("fragment", "run landed")]
    public async Task A_replay_held_behind_a_newer_one_never_leaves_a_stale_table(string heldWrite, string change)
    {
        var raw = new S3ObjectStore(_client, await server.CreateBucketAsync("raw"));
        var lake = new S3ObjectStore(_client, await server.CreateBucketAsync("transformed"));
        const string run = "20261120T060000Z";
        var first = new RawObjectKey(RawSource.RecentlyPlayed, Day, "me", run, 1).ToString();
        var second = new RawObjectKey(RawSource.RecentlyPlayed, Day, "me", run, 2).ToString();
        var album = Album("alb1", "Album", "2020", "year");
        using (LambdaRole.TestLooking()) await raw.PutTextAsync(first, Page(0, Play(Track("t1", "Old name", album, Artist("a1", "A")), "2026-11-20T05:00:00.000Z")), "application/json");
        var options = new TransformOptions { Format = TableFormat.Csv, StageRuns = true };
        var songs = TableFormat.Csv.PartitionKey(TableNames.Songs, Day);

        // The held invocation has read the run's first page as it was; its next write waits.
        var held = new HeldStore(lake, heldWrite == "partition" ? songs : LakeLayout.FragmentKey(Day, run));
        var replay = Task.Run(() => new TransformPipeline(raw, held, options).TransformAsync([first]));
        await held.Reached.Task.WaitAsync(TimeSpan.FromSeconds(60));

        // Meanwhile the run's raw objects change, or another run of the day lands (a later hourly run, its events before
        // the held one's end), and the invocation for the change publishes them in full.
        var changedKey = change switch
        {
            "rewritten" => first,
            "page landed" => second,
            _ => new RawObjectKey(RawSource.RecentlyPlayed, Day, "me", "20261120T070000Z", 1).ToString(),
        };
        var expected = change switch { "rewritten" => "New name", "page landed" => "Second page", _ => "Later run" };
        var track = change == "rewritten" ? Track("t1", "New name", album, Artist("a1", "A")) : Track("t2", expected, album, Artist("a1", "A"));
        using (LambdaRole.TestLooking()) await raw.PutTextAsync(changedKey, Page(0, Play(track, "2026-11-20T05:30:00.000Z")), "application/json");
        await new TransformPipeline(raw, lake, options).TransformAsync([changedKey]);
        Assert.Contains(expected, await lake.ReadAllTextAsync(songs), StringComparison.Ordinal);

        held.Release.SetResult();
        await replay.WaitAsync(TimeSpan.FromSeconds(60));

        if (change == "run landed" && heldWrite == "fragment")
        {
            // Held at its run's fragment, an invocation lists the day's fragments only after writing its own: the other
            // run's is among them, and its own run did not change, so it writes its fragment once.
            Assert.Equal(1, held.Writes);
        }
        else
        {
            Assert.True(held.Writes >= 2, "the held invocation wrote what it had read, saw its input change, and wrote again");
        }
        var table = await lake.ReadAllTextAsync(songs);
        Assert.Contains(expected, table, StringComparison.Ordinal);
        if (change == "rewritten")
        {
            Assert.DoesNotContain("Old name", table, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("Old name", table, StringComparison.Ordinal);
            Assert.Contains("2026-11-20T05:30:00", await lake.ReadAllTextAsync(TableFormat.Csv.PartitionKey(TableNames.Plays, Day)), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_run_fragment_rewritten_stale_and_back_while_its_day_is_read_never_leaves_a_stale_table()
    {
        var raw = new S3ObjectStore(_client, await server.CreateBucketAsync("raw"));
        var lake = new S3ObjectStore(_client, await server.CreateBucketAsync("transformed"));
        const string morning = "20261120T060000Z";
        var first = new RawObjectKey(RawSource.RecentlyPlayed, Day, "me", morning, 1).ToString();
        var later = new RawObjectKey(RawSource.RecentlyPlayed, Day, "me", "20261120T120000Z", 1).ToString();
        var album = Album("alb1", "Album", "2020", "year");
        var options = new TransformOptions { Format = TableFormat.Csv, StageRuns = true };
        var songs = TableFormat.Csv.PartitionKey(TableNames.Songs, Day);
        var fragment = LakeLayout.FragmentKey(Day, morning);

        // The morning run's fragment as a slower invocation wrote it (the song's old name), then as its replay in place did.
        using (LambdaRole.TestLooking()) await raw.PutTextAsync(first, Page(0, Play(Track("t1", "Old name", album, Artist("a1", "A")), "2026-11-20T05:00:00.000Z")), "application/json");
        await new TransformPipeline(raw, lake, options).TransformAsync([first]);
        var stale = await lake.ReadAllBytesAsync(fragment);
        using (LambdaRole.TestLooking()) await raw.PutTextAsync(first, Page(0, Play(Track("t1", "New name", album, Artist("a1", "A")), "2026-11-20T05:00:00.000Z")), "application/json");
        await new TransformPipeline(raw, lake, options).TransformAsync([first]);

        // A later run's invocation lists the day's fragments; as it reads the morning's, the slower invocation puts its
        // stale fragment, then, having listed its raw objects again, the fresh one: the same bytes, so the same ETag.
        using (LambdaRole.TestLooking()) await raw.PutTextAsync(later, Page(0, Play(Track("t2", "Later", album, Artist("a1", "A")), "2026-11-20T11:00:00.000Z")), "application/json");
        var racing = new StaleInBetweenStore(lake, fragment, stale);
        await new TransformPipeline(raw, racing, options).TransformAsync([later]);

        Assert.True(racing.Raced, "the morning's fragment was read while it held the stale bytes");
        var table = await lake.ReadAllTextAsync(songs);
        Assert.Contains("t1,New name", table, StringComparison.Ordinal);
        Assert.Contains("t2,Later", table, StringComparison.Ordinal);
        Assert.DoesNotContain("Old name", table, StringComparison.Ordinal);
    }

    /// <summary>
    /// A raw page rewritten in place while its day is read, and put back as it was right after the read (a slower
    /// replay's stale page and its repair): S3 gives the page its listed ETag again, so only the tag of the bytes read
    /// tells that they were not the page listed. Neither the S3 path (run fragments) nor the direct one publishes them.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_raw_page_rewritten_stale_and_back_while_its_day_is_read_never_leaves_a_stale_table(bool stageRuns)
    {
        // The raw bucket as a test writer sees it: the race puts pages, which the transform's role may not.
        using var writer = server.CreateClient();
        var raw = new S3ObjectStore(writer, await server.CreateBucketAsync("raw"));
        var lake = new S3ObjectStore(_client, await server.CreateBucketAsync("transformed"));
        var page = new RawObjectKey(RawSource.RecentlyPlayed, Day, "me", "20261120T060000Z", 1).ToString();
        var album = Album("alb1", "Album", "2020", "year");
        string Played(string name) => Page(0, Play(Track("t1", name, album, Artist("a1", "A")), "2026-11-20T05:00:00.000Z"));
        await raw.PutTextAsync(page, Played("New name"), "application/json");
        var racing = new StaleInBetweenStore(raw, page, System.Text.Encoding.UTF8.GetBytes(Played("Old name")));

        await new TransformPipeline(racing, lake, new TransformOptions { Format = TableFormat.Csv, StageRuns = stageRuns }).TransformAsync([page]);

        Assert.True(racing.Raced, "the page was read while it held the stale bytes");
        var table = await lake.ReadAllTextAsync(TableFormat.Csv.PartitionKey(TableNames.Songs, Day));
        Assert.Contains("t1,New name", table, StringComparison.Ordinal);
        Assert.DoesNotContain("Old name", table, StringComparison.Ordinal);
    }

    /// <summary>
    /// The same race on any raw object of a generated day, the stale bytes another page of its source: every table is,
    /// byte for byte, what the day gives when nothing races.
    /// </summary>
    [Theory]
    [InlineData(1, true)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(4, false)]
    public async Task Any_raw_object_rewritten_with_another_page_and_back_while_its_day_is_read_leaves_the_tables_of_its_own_bytes(int seed, bool stageRuns)
    {
        using var writer = server.CreateClient();
        var raw = new S3ObjectStore(writer, await server.CreateBucketAsync("raw"));
        await new SampleGenerator(raw).WriteAsync(new SampleOptions(Days: 1, Items: 40, Seed: seed));
        var keys = new List<string>();
        await foreach (var key in raw.ListAsync(LakeLayout.Raw))
        {
            keys.Add(key);
        }
        var random = new Random(seed);
        var bytes = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            bytes[key] = await raw.ReadAllBytesAsync(key);
        }
        var pairs = keys.GroupBy(key => key.Split('/')[1])
            .SelectMany(source => source.SelectMany(raced => source.Where(other => !bytes[other].AsSpan().SequenceEqual(bytes[raced])).Select(other => (Raced: raced, Stale: other))))
            .ToList();
        Assert.NotEmpty(pairs);
        var (racedKey, staleKey) = pairs[random.Next(pairs.Count)];
        var options = new TransformOptions { Format = TableFormat.Csv, StageRuns = stageRuns };

        var expected = new S3ObjectStore(_client, await server.CreateBucketAsync("transformed"));
        await new TransformPipeline(raw, expected, options).TransformAsync(keys);
        var lake = new S3ObjectStore(_client, await server.CreateBucketAsync("transformed"));
        var racing = new StaleInBetweenStore(raw, racedKey, bytes[staleKey]);
        await new TransformPipeline(racing, lake, options).TransformAsync(keys);

        Assert.True(racing.Raced, $"{racedKey} was read while it held the bytes of {staleKey}");
        using var looking = LambdaRole.TestLooking();
        var tables = new List<string>();
        await foreach (var key in expected.ListAsync(LakeLayout.Transformed))
        {
            tables.Add(key);
        }
        var written = new List<string>();
        await foreach (var key in lake.ListAsync(LakeLayout.Transformed))
        {
            written.Add(key);
        }
        Assert.NotEmpty(tables);
        Assert.Equal(tables, written);
        foreach (var key in tables)
        {
            var table = await lake.ReadAllBytesAsync(key);
            Assert.True((await expected.ReadAllBytesAsync(key)).AsSpan().SequenceEqual(table),
                $"{key} differs from the day's without the race ({racedKey} read with the bytes of {staleKey}, seed {seed})");
        }
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
