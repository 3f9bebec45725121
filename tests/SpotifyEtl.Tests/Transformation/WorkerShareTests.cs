using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>
/// The days transformed at once share the workers, so how many parse a day depends on the number of days
/// in the batch and of workers given: a batch of days must write the same bytes whatever that share.
/// </summary>
public sealed class WorkerShareTests
{
    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 11)]
    [InlineData(3, 17)]
    [InlineData(5, 23)]
    public async Task A_batch_of_days_writes_the_same_files_whatever_the_number_of_workers(int days, int seed)
    {
        using var source = new TempFolder();
        var raw = new LocalFolderStore(source.Path);
        await new SampleGenerator(raw).WriteAsync(new SampleOptions(Days: days, Items: 60, Seed: seed));
        var keys = new List<string>();
        await foreach (var key in raw.ListAsync(LakeLayout.Raw))
        {
            keys.Add(key);
        }

        var lakes = new List<SortedDictionary<string, byte[]>>();
        foreach (var workers in new[] { 1, 2, 3, 8 })
        {
            using var folder = new TempFolder();
            var lake = new LocalFolderStore(folder.Path);
            foreach (var key in keys)
            {
                await lake.PutBytesAsync(key, await raw.ReadAllBytesAsync(key), "application/json");
            }
            await new TransformPipeline(lake, lake, new TransformOptions { Parallelism = workers }).TransformAsync(keys);
            lakes.Add(folder.Files(LakeLayout.Transformed));
        }

        // Every day was transformed, each with its partition of songs, and the current-state tables beside them.
        Assert.Equal(days, lakes[0].Keys.Count(k => k.StartsWith("transformed/songs/snapshot_date=", StringComparison.Ordinal)));
        Assert.Contains(lakes[0].Keys, k => k.StartsWith("transformed/songs_current/", StringComparison.Ordinal));
        Assert.All(lakes.Skip(1), lake =>
        {
            Assert.Equal(lakes[0].Keys, lake.Keys);
            Assert.All(lake, file => Assert.Equal(lakes[0][file.Key], file.Value));
        });
    }
}
