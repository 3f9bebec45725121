using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;
using static SpotifyEtl.Tests.Transformation.SpotifyJson;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>
/// A raw object removed by hand between the listing of its day and its read changes the day's inputs, as a rewrite does:
/// the day is listed and read again without it, not failed for a retry that would find the same.
/// </summary>
public sealed class RemovedWhileReadTests : RawTestLake
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task A_raw_object_removed_after_the_listing_is_left_out_and_the_rest_of_its_day_is_published(int seed)
    {
        var random = new Random(seed);
        var keys = new List<string>();
        var songsOf = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var pages = random.Next(3, 9);
        for (var page = 1; page <= pages; page++)
        {
            var ids = Enumerable.Range(0, random.Next(1, 6)).Select(i => $"s{page}x{i}").ToArray();
            var json = Page(0, ids.Select(id => Entry(Track(id, $"Song {id}", AlbumA, ArtistA))).ToArray());
            var key = await LandAsync(RawSource.PlaylistItems, $"pl{random.Next(1, 3)}", json, page: page);
            keys.Add(key);
            songsOf[key] = ids;
        }
        var removed = keys[random.Next(keys.Count)];

        var report = await new TransformPipeline(new RemovesOnFirstRead(Lake, removed), Lake).TransformAsync(keys);

        Assert.DoesNotContain(report.Objects, o => o.RawKey == removed && o.Status == TransformStatus.Transformed);
        Assert.Equal(keys.Count - 1, report.Objects.Count(o => o.Status == TransformStatus.Transformed));
        var songs = report.Partitions.Single(p => p.Key.StartsWith("songs/", StringComparison.Ordinal)).Value;
        Assert.Equal(songsOf.Where(s => s.Key != removed).Sum(s => s.Value.Length), songs);
    }

    /// <summary>The raw bucket with one object removed just before its first read, after the day was listed.</summary>
    private sealed class RemovesOnFirstRead(IObjectStore inner, string key) : ForwardingStore(inner)
    {
        private int _removed;

        public override async Task<Stream> OpenReadAsync(string read, CancellationToken cancellationToken = default)
        {
            if (read == key && Interlocked.Exchange(ref _removed, 1) == 0)
            {
                await DeleteAsync(key, cancellationToken);
            }
            return await base.OpenReadAsync(read, cancellationToken);
        }
    }
}
