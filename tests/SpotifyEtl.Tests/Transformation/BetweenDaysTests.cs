using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>
/// The moment between days, when a host may collect garbage cheaply: told once per day, after that day's
/// tables are written, whatever the number of days.
/// </summary>
public sealed class BetweenDaysTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1, 3)]
    [InlineData(4, 7)]
    [InlineData(12, 26)]
    public async Task The_pipeline_tells_the_host_once_per_day_after_the_days_tables_are_written(int days, int seed)
    {
        var lake = new LocalFolderStore(_folder.Path);
        await new SampleGenerator(lake).WriteAsync(new SampleOptions(Days: days, Items: 20, Seed: seed));
        var keys = new List<string>();
        await foreach (var key in lake.ListAsync(LakeLayout.Raw))
        {
            keys.Add(key);
        }
        var expected = keys.Select(k => RawObjectKey.TryParse(k, out var parsed, out _) ? parsed.SnapshotDate : default).Distinct().Order().ToList();
        var written = new List<int>();
        var pipeline = new TransformPipeline(lake, lake, new TransformOptions
        {
            ListEveryObject = false,
            BetweenDays = () =>
            {
                var days = expected.Count(day => File.Exists(Path.Combine(_folder.Path,
                    TableFormats.Default.PartitionKey("songs", day).Replace('/', Path.DirectorySeparatorChar))));
                lock (written)
                {
                    written.Add(days);
                }
            },
        });

        await pipeline.TransformAsync(keys);

        Assert.Equal(days, expected.Count);
        // One call per day, each once another day's tables stand: the n-th call sees at least n days written.
        Assert.Equal(days, written.Count);
        Assert.All(written.Order().Select((seen, index) => (seen, index)), call => Assert.True(call.seen >= call.index + 1));
    }
}
