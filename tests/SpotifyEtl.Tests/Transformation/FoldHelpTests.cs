using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>
/// Two days in flight on two workers parse with one worker each; the worker of the day that is done first
/// helps the other. The timing is forced: the first day's first object is held until a second object of
/// that day is being read at the same time, which only a helper can do, since the day's own worker is the
/// one held. Without help it waits out the hold, and the test fails on the count of objects read at once.
/// </summary>
public sealed class FoldHelpTests
{
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(2, 7)]
    [InlineData(3, 19)]
    [InlineData(4, 29)]
    public async Task A_worker_whose_day_is_done_helps_the_other_and_the_tables_are_the_same(int days, int seed)
    {
        using var source = new TempFolder();
        var keys = await SampleAsync(source.Path, days, seed);
        var first = FirstDate(keys);

        using var alone = new TempFolder();
        var aloneLake = await LakeAsync(source.Path, alone.Path, keys);
        await new TransformPipeline(aloneLake, aloneLake, new TransformOptions { Parallelism = 1 }).TransformAsync(keys);

        using var helped = new TempFolder();
        var held = new HeldDay(await LakeAsync(source.Path, helped.Path, keys), first, failHelper: false);
        await new TransformPipeline(held, held, new TransformOptions { Parallelism = 2 }).TransformAsync(keys).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(held.MostAtOnce >= 2, $"objects of {first:yyyy-MM-dd} read at once: {held.MostAtOnce}; the other day's worker never helped");
        var expected = alone.Files(LakeLayout.Transformed);
        var actual = helped.Files(LakeLayout.Transformed);
        Assert.Equal(expected.Keys, actual.Keys);
        Assert.All(actual, file => Assert.Equal(expected[file.Key], file.Value));
    }

    [Theory]
    [InlineData(2, 31)]
    [InlineData(3, 37)]
    public async Task A_helper_that_cannot_read_fails_the_day_it_helped_and_nothing_waits_for_ever(int days, int seed)
    {
        using var source = new TempFolder();
        var keys = await SampleAsync(source.Path, days, seed);
        var first = FirstDate(keys);
        using var folder = new TempFolder();
        var held = new HeldDay(await LakeAsync(source.Path, folder.Path, keys), first, failHelper: true);

        var error = await Assert.ThrowsAsync<IOException>(() =>
            new TransformPipeline(held, held, new TransformOptions { Parallelism = 2 }).TransformAsync(keys).WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Contains(HeldDay.Failure, error.Message, StringComparison.Ordinal);
        Assert.True(held.MostAtOnce >= 2, "the read that failed was not a helper's");
        // The day the helper failed has no table, and its raw objects are all still there.
        Assert.DoesNotContain(folder.Files().Keys, k => k.StartsWith(LakeLayout.Transformed, StringComparison.Ordinal) && k.Contains($"snapshot_date={first:yyyy-MM-dd}", StringComparison.Ordinal));
        Assert.All(keys, key => Assert.True(File.Exists(folder[key]), key));
    }

    /// <remarks>
    /// The other order: the first day's listing is held until the other day has folded and begun writing its tables,
    /// so that day's worker found nothing to help and stopped. The first day then starts on the idle workers; had it
    /// taken only its share, its held first object would wait out the hold alone.
    /// </remarks>
    [Theory]
    [InlineData(41)]
    [InlineData(43)]
    [InlineData(47)]
    public async Task A_day_listed_after_the_other_day_is_folded_takes_the_idle_workers(int seed)
    {
        using var source = new TempFolder();
        var keys = await SampleAsync(source.Path, days: 2, seed);
        var first = FirstDate(keys);

        using var alone = new TempFolder();
        var aloneLake = await LakeAsync(source.Path, alone.Path, keys);
        await new TransformPipeline(aloneLake, aloneLake, new TransformOptions { Parallelism = 1 }).TransformAsync(keys);

        using var late = new TempFolder();
        var listedLate = new ListedAfterTheOtherDay(await LakeAsync(source.Path, late.Path, keys), first);
        var held = new HeldDay(listedLate, first, failHelper: false);
        await new TransformPipeline(held, held, new TransformOptions { Parallelism = 2 }).TransformAsync(keys).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(listedLate.HeldListing, "the other day never wrote before the first day was listed: the order was not forced");
        Assert.True(held.MostAtOnce >= 2, $"objects of {first:yyyy-MM-dd} read at once: {held.MostAtOnce}; the day ran on its share of the workers alone");
        var expected = alone.Files(LakeLayout.Transformed);
        var actual = late.Files(LakeLayout.Transformed);
        Assert.Equal(expected.Keys, actual.Keys);
        Assert.All(actual, file => Assert.Equal(expected[file.Key], file.Value));
    }

    private static async Task<List<string>> SampleAsync(string folder, int days, int seed)
    {
        var raw = new LocalFolderStore(folder);
        await new SampleGenerator(raw).WriteAsync(new SampleOptions(Days: days, Items: 120, Seed: seed));
        var keys = new List<string>();
        await foreach (var key in raw.ListAsync(LakeLayout.Raw))
        {
            keys.Add(key);
        }
        return keys;
    }

    private static async Task<IObjectStore> LakeAsync(string source, string folder, List<string> keys)
    {
        var from = new LocalFolderStore(source);
        var lake = new LocalFolderStore(folder);
        foreach (var key in keys)
        {
            await lake.PutBytesAsync(key, await from.ReadAllBytesAsync(key), "application/json");
        }
        return lake;
    }

    private static DateOnly FirstDate(List<string> keys) =>
        keys.Select(k => RawObjectKey.TryParse(k, out var key, out _) ? key.SnapshotDate : DateOnly.MaxValue).Min();

    /// <summary>Lists one day's raw objects only once another day has begun writing its tables.</summary>
    private sealed class ListedAfterTheOtherDay(IObjectStore inner, DateOnly day) : ForwardingStore(inner)
    {
        private readonly string _segment = $"/{LakeLayout.SnapshotSegment(day)}/";
        private readonly TaskCompletionSource _otherDayWrote = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _held;

        public bool HeldListing => Volatile.Read(ref _held) > 0 && _otherDayWrote.Task.IsCompleted;

        public override async IAsyncEnumerable<ObjectVersion> ListVersionsAsync(string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            if (prefix.StartsWith(LakeLayout.Raw, StringComparison.Ordinal) && prefix.Contains(_segment, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _held);
                await _otherDayWrote.Task.WaitAsync(Hold, cancellationToken);
            }
            await foreach (var version in base.ListVersionsAsync(prefix, cancellationToken))
            {
                yield return version;
            }
        }

        public override Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
        {
            if (key.StartsWith(LakeLayout.Transformed, StringComparison.Ordinal) && !key.Contains(_segment, StringComparison.Ordinal))
            {
                _otherDayWrote.TrySetResult();
            }
            return base.PutAsync(key, content, contentType, cancellationToken);
        }
    }

    /// <summary>
    /// Holds the first read of a raw object of one day until a second object of that day is being read, or
    /// <see cref="Hold"/> has passed; counts how many of that day's objects were read at once. With
    /// <c>failHelper</c>, the second read (the helper's) fails instead, as an unreachable disk would.
    /// </summary>
    private sealed class HeldDay(IObjectStore inner, DateOnly day, bool failHelper) : ForwardingStore(inner)
    {
        public const string Failure = "the disk went away under the helper";

        private readonly string _segment = $"/{LakeLayout.SnapshotSegment(day)}/";
        private readonly TaskCompletionSource _second = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly InFlight _reading = new();
        private int _reads;

        public int MostAtOnce => _reading.Most;

        public override async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
        {
            if (!key.StartsWith(LakeLayout.Raw, StringComparison.Ordinal) || !key.Contains(_segment, StringComparison.Ordinal))
            {
                return await base.OpenReadAsync(key, cancellationToken);
            }
            using (_reading.Enter())
            {
                switch (Interlocked.Increment(ref _reads))
                {
                    case 1:
                        try
                        {
                            await _second.Task.WaitAsync(Hold, cancellationToken);
                        }
                        catch (TimeoutException)
                        {
                            // Nobody helped: the read goes on, and the count tells.
                        }
                        break;
                    case 2:
                        _second.TrySetResult();
                        if (failHelper)
                        {
                            throw new IOException(Failure);
                        }
                        break;
                }
                return await base.OpenReadAsync(key, cancellationToken);
            }
        }
    }
}
