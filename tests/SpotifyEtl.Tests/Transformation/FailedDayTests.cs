using System.Text.Json.Nodes;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>
/// Days transformed together (a replay of several days, a backfill) are independent: one that fails stops none of the
/// others in the middle of its writes. Each other day's tables all come from this run. A day stopped between two of its
/// tables had kept some from its last publication and some from this one: <c>playlists</c> naming versions that
/// <c>playlist_entries</c> did not hold, until the day was replayed alone.
/// </summary>
public sealed class FailedDayTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(3)]
    [InlineData(11)]
    public async Task A_day_that_fails_while_another_publishes_leaves_that_days_tables_all_from_this_run(int seed)
    {
        var (first, second) = (new DateOnly(2026, 12, 2), new DateOnly(2026, 12, 3));
        var lake = new LocalFolderStore(_folder["lake"]);
        await new SampleGenerator(lake).WriteAsync(new SampleOptions(Days: 2, Items: 20, Seed: seed, LastDay: second));
        await new TransformPipeline(lake, lake).TransformAsync(await RawKeysAsync(lake));
        var before = Day("lake", second);

        // The second day's pages are rewritten in place (a replay after a fix), so its tables change.
        foreach (var key in (await RawKeysAsync(lake)).Where(k => k.Contains(LakeLayout.SnapshotSegment(second), StringComparison.Ordinal)))
        {
            if (Shortened(await lake.ReadAllBytesAsync(key)) is { } shorter)
            {
                await lake.PutBytesAsync(key, shorter, "application/json");
            }
        }
        var reference = new LocalFolderStore(_folder["reference"]);
        foreach (var key in await RawKeysAsync(lake))
        {
            await reference.PutBytesAsync(key, await lake.ReadAllBytesAsync(key), "application/json");
        }
        await new TransformPipeline(reference, reference).TransformAsync(await RawKeysAsync(reference));
        var expected = Day("reference", second);
        Assert.False(Same(before, expected), "the rewritten pages change the second day's tables");

        // Both days replayed; the first fails reading a page once the second has begun writing its tables.
        var gated = new FirstDayFailsStore(lake, first, second);
        var keys = await RawKeysAsync(lake);
        await Assert.ThrowsAsync<IOException>(() => new TransformPipeline(gated, gated).TransformAsync(keys));

        FileTreeAssert.Same(expected.ToDictionary(f => f.Key["reference/".Length..], f => f.Value),
            Day("lake", second).ToDictionary(f => f.Key["lake/".Length..], f => f.Value), $"the tables of {second:yyyy-MM-dd}");
        Assert.True(gated.SecondDayWroteAfterTheFailure, "the second day wrote tables after the first failed");
    }

    [Fact]
    public async Task A_day_that_failed_is_the_error_reported_when_the_run_is_stopped_after_it()
    {
        var (first, second) = (new DateOnly(2026, 12, 2), new DateOnly(2026, 12, 3));
        var lake = new LocalFolderStore(_folder["lake"]);
        await new SampleGenerator(lake).WriteAsync(new SampleOptions(Days: 2, Items: 20, Seed: 5, LastDay: second));
        var keys = await RawKeysAsync(lake);
        // The run is stopped (a Lambda's time budget spent) half a second after the first day failed, while the second writes.
        using var stop = new CancellationTokenSource();
        var gated = new FirstDayFailsStore(lake, first, second, stop);

        var thrown = await Record.ExceptionAsync(() => new TransformPipeline(gated, gated).TransformAsync(keys, stop.Token));

        Assert.True(stop.IsCancellationRequested, "the run was stopped");
        Assert.IsType<IOException>(thrown);
        Assert.Contains("the connection was reset", thrown.Message, StringComparison.Ordinal);
    }

    private SortedDictionary<string, byte[]> Day(string lake, DateOnly day) =>
        new(_folder.Files($"{lake}/{LakeLayout.Transformed.TrimEnd('/')}").Where(f => f.Key.Contains($"/{LakeLayout.SnapshotSegment(day)}/", StringComparison.Ordinal))
            .ToDictionary(f => f.Key, f => f.Value), StringComparer.Ordinal);

    private static bool Same(SortedDictionary<string, byte[]> a, SortedDictionary<string, byte[]> b) =>
        a.Keys.Select(k => k[(k.IndexOf('/') + 1)..]).SequenceEqual(b.Keys.Select(k => k[(k.IndexOf('/') + 1)..]))
        && a.Values.Zip(b.Values).All(p => p.First.AsSpan().SequenceEqual(p.Second));

    private static async Task<List<string>> RawKeysAsync(LocalFolderStore store)
    {
        var keys = new List<string>();
        await foreach (var key in store.ListAsync(LakeLayout.Raw))
        {
            keys.Add(key);
        }
        return keys;
    }

    /// <summary>The page without its last item; null for a page of fewer than two.</summary>
    private static byte[]? Shortened(byte[] page)
    {
        if (JsonNode.Parse(page) is not JsonObject json || json["items"] is not JsonArray { Count: > 1 } items)
        {
            return null;
        }
        items.RemoveAt(items.Count - 1);
        return System.Text.Encoding.UTF8.GetBytes(json.ToJsonString());
    }

    /// <summary>
    /// Reads of the first day's pages wait until the second day has written its first table file, then fail; the second
    /// day's other writes wait until they have failed, then for the run to stop them (as a cancelled request to S3
    /// fails), or two seconds; with <c>stop</c>, the run is stopped half a second after they failed.
    /// </summary>
    private sealed class FirstDayFailsStore(IObjectStore inner, DateOnly first, DateOnly second, CancellationTokenSource? stop = null) : ForwardingStore(inner)
    {
        private readonly TaskCompletionSource _secondWriting = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _firstFailed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private int _secondDayWrites;

        public bool SecondDayWroteAfterTheFailure { get; private set; }

        public override async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
        {
            if (key.StartsWith(LakeLayout.Raw, StringComparison.Ordinal) && key.Contains(LakeLayout.SnapshotSegment(first), StringComparison.Ordinal))
            {
                await _secondWriting.Task.WaitAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
                _firstFailed.TrySetResult();
                throw new IOException($"{key}: the connection was reset");
            }
            return await base.OpenReadAsync(key, cancellationToken);
        }

        public override async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
        {
            if (key.StartsWith(LakeLayout.Transformed, StringComparison.Ordinal) && key.Contains(LakeLayout.SnapshotSegment(second), StringComparison.Ordinal))
            {
                if (Interlocked.Increment(ref _secondDayWrites) == 1)
                {
                    await base.PutAsync(key, content, contentType, cancellationToken);
                    _secondWriting.TrySetResult();
                    return;
                }
                await _firstFailed.Task.WaitAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
                stop?.CancelAfter(TimeSpan.FromMilliseconds(500));
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                SecondDayWroteAfterTheFailure = true;
            }
            await base.PutAsync(key, content, contentType, cancellationToken);
        }
    }
}
