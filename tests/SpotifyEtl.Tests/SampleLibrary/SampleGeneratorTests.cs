using System.Text.Json;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.SampleLibrary;

public sealed class SampleGeneratorTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(50)]
    [InlineData(120)]
    [InlineData(1_000)]
    public async Task Each_playlist_holds_the_items_requested_in_pages_of_50(int items)
    {
        var summary = await new SampleGenerator(new LocalFolderStore(_folder.Path)).WriteAsync(new SampleOptions(Days: 1, Items: items, Seed: 3));

        var pages = ItemPages().GroupBy(page => page.Playlist).ToList();
        Assert.Equal(2, pages.Count);
        foreach (var playlist in pages)
        {
            Assert.Equal((items + 49) / 50, playlist.Count());
            Assert.Equal(items, playlist.Sum(page => page.Items.Count));
            Assert.All(playlist, page => Assert.Equal(items, page.Total));
        }
        // Two metadata objects, the pages of both playlists, and a page of recently played tracks.
        Assert.Equal(2 + (2 * ((items + 49) / 50)) + 1, summary.Objects);
    }

    [Fact]
    public async Task The_sample_grows_in_proportion_to_the_items_requested()
    {
        using var larger = new TempFolder();
        var small = await new SampleGenerator(new LocalFolderStore(_folder.Path)).WriteAsync(new SampleOptions(Days: 1, Items: 1_000, Seed: 3));
        var large = await new SampleGenerator(new LocalFolderStore(larger.Path)).WriteAsync(new SampleOptions(Days: 1, Items: 4_000, Seed: 3));

        var ratio = (double)large.Bytes / small.Bytes;
        Assert.InRange(ratio, 3.6, 4.4);
    }

    [Fact]
    public async Task A_playlist_never_lists_a_library_song_twice_on_any_day()
    {
        await new SampleGenerator(new LocalFolderStore(_folder.Path)).WriteAsync(new SampleOptions(Days: 5, Items: 400, Seed: 11));

        var days = ItemPages().GroupBy(page => (page.Playlist, page.Day)).ToList();
        Assert.True(days.Count >= 5, $"only {days.Count} playlist-days have items");
        foreach (var day in days)
        {
            var songs = day.SelectMany(page => page.Items).Where(id => id is not null).ToList();
            Assert.True(songs.Count > 300, $"{day.Key}: only {songs.Count} songs");
            Assert.Equal(songs.Count, songs.Distinct(StringComparer.Ordinal).Count());
        }
    }

    [Fact]
    public void Available_tracks_find_the_same_members_as_a_list_does()
    {
        var random = new Random(5);
        var set = new AvailableTracks(37);
        var members = Enumerable.Range(0, 37).ToList();
        for (var step = 0; step < 500; step++)
        {
            var index = random.Next(37);
            var available = random.Next(2) == 0;
            set.Set(index, available);
            if (available && !members.Contains(index))
            {
                members.Add(index);
                members.Sort();
            }
            else if (!available)
            {
                members.Remove(index);
            }

            Assert.Equal(members.Count, set.Count);
            for (var rank = 0; rank < members.Count; rank++)
            {
                Assert.Equal(members[rank], set.Find(rank));
            }
        }
    }

    private sealed record ItemPage(string Playlist, DateOnly Day, int Total, List<string?> Items);

    /// <summary>Every playlist items page of the sample, with the track id of each entry (null for other entries).</summary>
    private List<ItemPage> ItemPages()
    {
        var pages = new List<ItemPage>();
        foreach (var path in Directory.EnumerateFiles(_folder[LakeLayout.Raw], "*.json", SearchOption.AllDirectories))
        {
            var key = RawObjectKey.Parse(Path.GetRelativePath(_folder.Path, path).Replace('\\', '/'));
            if (key.Source != RawSource.PlaylistItems)
            {
                continue;
            }
            using var page = JsonDocument.Parse(File.ReadAllBytes(path));
            var items = page.RootElement.GetProperty("items").EnumerateArray()
                .Select(entry => entry.GetProperty("item") is { ValueKind: JsonValueKind.Object } item
                    && item.GetProperty("type").GetString() == "track" && item.GetProperty("id").ValueKind == JsonValueKind.String
                    ? item.GetProperty("id").GetString()
                    : null)
                .ToList();
            pages.Add(new ItemPage(key.Subject, key.SnapshotDate, page.RootElement.GetProperty("total").GetInt32(), items));
        }
        return pages;
    }
}
