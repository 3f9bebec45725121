using SpotifyEtl.Import;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Import;

/// <summary>
/// An hourly schedule lands 24 recently-played pages a day, about 9,000 a year, and an import on AWS reads them all:
/// one at a time, at S3's tens of milliseconds each, that outlasts the function's timeout. They are read side by side,
/// and the plays come out in the same order whichever page answers first.
/// </summary>
public sealed class ApiPlayReaderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Pages_are_read_side_by_side_and_the_plays_are_the_same_whichever_answers_first()
    {
        var store = new LocalFolderStore(_folder["lake"]);
        await new SampleGenerator(store).WriteAsync(new SampleOptions(Days: 40, Items: 5, Seed: 11));
        var alone = await ApiPlayReader.ReadAsync(new SlowReads(store, new Random(0), maxDelayMs: 0), default);
        Assert.True(alone.Objects >= 40, $"only {alone.Objects} pages");

        for (var seed = 1; seed <= 3; seed++)
        {
            var slow = new SlowReads(store, new Random(seed), maxDelayMs: 15);
            var read = await ApiPlayReader.ReadAsync(slow, default);

            Assert.InRange(slow.MostInFlight, 8, 16);
            Assert.Equal(alone.Rows, read.Rows);
            Assert.Equal(alone.ByDay.Keys, read.ByDay.Keys);
            Assert.All(alone.ByDay, day => Assert.Equal(day.Value, read.ByDay[day.Key]));
            Assert.Equal((alone.Objects, alone.UnreadableObjects), (read.Objects, read.UnreadableObjects));
        }
    }

    /// <summary>
    /// Each read of a page takes a random while, and the most reads at once are counted. The first reads wait (up to
    /// 10 s) until eight have arrived, so a loaded machine's slow start cannot pass for reading one at a time.
    /// </summary>
    private sealed class SlowReads(IObjectStore inner, Random random, int maxDelayMs) : ForwardingStore(inner)
    {
        private const int Together = 8;
        private readonly TaskCompletionSource _together = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly InFlight _reading = new();
        private int _arrived;

        public int MostInFlight => _reading.Most;

        public override async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
        {
            using (_reading.Enter())
            {
                if (Interlocked.Increment(ref _arrived) >= Together)
                {
                    _together.TrySetResult();
                }
                try
                {
                    await _together.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
                }
                catch (TimeoutException)
                {
                    _together.TrySetResult();
                }
                int delay;
                lock (random)
                {
                    delay = random.Next(maxDelayMs + 1);
                }
                await Task.Delay(delay, cancellationToken);
                return await base.OpenReadAsync(key, cancellationToken);
            }
        }
    }
}
