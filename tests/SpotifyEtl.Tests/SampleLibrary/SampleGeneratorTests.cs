using System.Text.Json;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
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
        // Two metadata objects, the pages of both playlists, a page of recently played tracks, the saved
        // tracks' full pass, and the top tracks and artists.
        Assert.Equal(2 + (2 * ((items + 49) / 50)) + 1 + 3, summary.Objects);
    }

    [Theory]
    [InlineData(1, 40)]
    [InlineData(2, 120)]
    [InlineData(5, 500)]
    [InlineData(30, 60)]
    [InlineData(3, 2_000)]
    public async Task The_size_estimate_is_within_20_per_cent_of_the_sample(int days, int items)
    {
        var options = new SampleOptions(Days: days, Items: items, Seed: 3);

        var summary = await new SampleGenerator(new LocalFolderStore(_folder.Path)).WriteAsync(options);

        var estimate = SampleGenerator.EstimateBytes(options);
        Assert.InRange(estimate, summary.Bytes * 0.8, summary.Bytes * 1.2);
    }

    /// <summary>
    /// The estimate the free-space check asks a fifth more than holds over the sample's whole range: a year of small
    /// playlists (whose library pages grow every day) was estimated at 40% of what it wrote, and a disk the check let
    /// through filled before the last objects. Generated sizes and seeds, counted without writing them.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task The_size_estimate_is_within_a_sixth_of_the_sample_over_every_length_and_size(int seed)
    {
        var random = new Random(seed);
        // One long sample of few items, one short of many, one of each in between.
        var options = new SampleOptions(Days: random.Next(200, 367), Items: random.Next(1, 12), Seed: seed);
        var others = new[]
        {
            new SampleOptions(Days: random.Next(1, 4), Items: random.Next(1_000, 4_000), Seed: seed),
            new SampleOptions(Days: random.Next(20, 120), Items: random.Next(20, 200), Seed: seed),
        };

        foreach (var sample in others.Prepend(options))
        {
            var counted = new DiscardingStore();
            var summary = await new SampleGenerator(counted).WriteAsync(sample);

            Assert.Equal(counted.Bytes, summary.Bytes);
            var estimate = SampleGenerator.EstimateBytes(sample);
            Assert.True(estimate >= summary.Bytes / 1.17 && estimate <= summary.Bytes * 1.17,
                $"{sample.Days} days of {sample.Items} items: estimated {estimate:N0} bytes, wrote {summary.Bytes:N0}");
        }
    }

    /// <summary>Counts what it is given and keeps none of it: a sample's bytes without the disk they would take.</summary>
    private sealed class DiscardingStore : IObjectStore
    {
        public long Bytes { get; private set; }

        public string Description => "counted, not kept";

        public async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
        {
            var buffer = new byte[81_920];
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                Bytes += read;
            }
        }

        public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task CopyAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }

    [Fact]
    public async Task Later_days_land_incremental_saved_tracks_and_a_moving_top_list_from_songs_on_the_playlists()
    {
        var lake = new LocalFolderStore(_folder.Path);
        await new SampleGenerator(lake).WriteAsync(new SampleOptions(Days: 3, Items: 60, Seed: 3));
        var keys = new List<string>();
        await foreach (var key in lake.ListAsync("raw/"))
        {
            keys.Add(key);
        }
        var saved = keys.Where(k => k.StartsWith("raw/saved_tracks/", StringComparison.Ordinal)).Select(RawObjectKey.Parse).ToList();
        // The full pass on the first day; a later day lands the library's first page when something was saved (this seed saves
        // on one day or both).
        var subjects = saved.OrderBy(k => k.SnapshotDate).Select(k => k.Subject).ToList();
        Assert.Equal(SavedTracksSubjects.Full, subjects[0]);
        Assert.InRange(subjects.Count, 2, 3);
        Assert.All(subjects.Skip(1), subject => Assert.Equal(SavedTracksSubjects.Incremental, subject));
        Assert.Equal(3, keys.Count(k => k.StartsWith("raw/top_tracks/", StringComparison.Ordinal)));
        Assert.Equal(3, keys.Count(k => k.StartsWith("raw/top_artists/", StringComparison.Ordinal)));

        var report = await new TransformPipeline(lake, lake, new TransformOptions { Format = TableFormat.Csv }).TransformAsync(keys);
        Assert.Equal(0, report.Quarantined);
        Assert.Contains(report.Partitions.Keys, p => p.StartsWith("saved_tracks/", StringComparison.Ordinal));
        Assert.Contains(report.Partitions.Keys, p => p.StartsWith("top_items/", StringComparison.Ordinal));
    }

    /// <summary>
    /// After the first day's full pass, a day with new saves lands the library's first page as Spotify serves it (the
    /// newest 50, the new saves on top of the ones landed before, the whole library's total, full artists in the top
    /// list) and a day without one lands nothing, as the extractor's conditional request is answered 304.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Later_days_land_the_librarys_first_page_as_spotify_serves_it_and_nothing_on_a_day_without_a_save(int seed)
    {
        const int days = 40;
        await new SampleGenerator(new LocalFolderStore(_folder.Path)).WriteAsync(new SampleOptions(Days: days, Items: 120, Seed: seed));
        var pages = Directory.EnumerateFiles(_folder[LakeLayout.Raw], "*.json", SearchOption.AllDirectories)
            .Select(path => (Key: RawObjectKey.Parse(Path.GetRelativePath(_folder.Path, path).Replace('\\', '/')), Path: path))
            .Where(page => page.Key.Source == RawSource.SavedTracks).OrderBy(page => page.Key.SnapshotDate).ToList();

        Assert.Equal(SavedTracksSubjects.Full, pages[0].Key.Subject);
        var library = SavedPage(pages[0].Path).Items;
        Assert.InRange(pages.Count - 1, 1, days - 2); // some days save something, some nothing
        foreach (var (key, path) in pages.Skip(1))
        {
            Assert.Equal(SavedTracksSubjects.Incremental, key.Subject);
            var (total, items) = SavedPage(path);
            var fresh = total - library.Count;
            Assert.InRange(fresh, 1, 2);
            Assert.Equal(Math.Min(50, total), items.Count);
            Assert.Equal(items.OrderByDescending(i => i.AddedAt, StringComparer.Ordinal), items);
            Assert.Equal(library.Take(items.Count - fresh), items.Skip(fresh));
            library = [.. items.Take(fresh), .. library];
        }
        var artists = Directory.EnumerateFiles(_folder[LakeLayout.Raw], "*.json", SearchOption.AllDirectories)
            .Where(path => RawObjectKey.Parse(Path.GetRelativePath(_folder.Path, path).Replace('\\', '/')).Source == RawSource.TopArtists).ToList();
        Assert.Equal(days, artists.Count);
        using var top = JsonDocument.Parse(File.ReadAllBytes(artists[0]));
        Assert.All(top.RootElement.GetProperty("items").EnumerateArray(), artist =>
        {
            Assert.Equal(JsonValueKind.Array, artist.GetProperty("genres").ValueKind);
            Assert.Equal(JsonValueKind.Array, artist.GetProperty("images").ValueKind);
            Assert.False(artist.TryGetProperty("followers", out _) || artist.TryGetProperty("popularity", out _));
        });
    }

    /// <summary>
    /// Spotify writes names as they are: "Björk", "Florence + The Machine", "Guns N' Roses", "夜に駆ける", not
    /// <c>Bj\u00F6rk</c>. Every string of every raw response and export file of the sample is written so, escaping only
    /// what JSON requires (quotes, backslashes, control characters), and the sample does hold such names.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Every_name_of_the_sample_is_written_as_spotify_writes_it_not_escaped(int seed)
    {
        await new SampleGenerator(new LocalFolderStore(_folder.Path)).WriteAsync(new SampleOptions(Days: 2, Items: 120, Seed: seed));
        var files = Directory.EnumerateFiles(_folder[LakeLayout.Raw], "*.json", SearchOption.AllDirectories).Select(File.ReadAllBytes)
            .Concat(SampleExport.Write(new SampleExportOptions(400, seed)).Zips.SelectMany(zip => ZipEntries(zip.Zip)))
            .ToList();

        var unescaped = 0;
        foreach (var bytes in files)
        {
            var text = System.Text.Encoding.UTF8.GetString(bytes);
            Assert.DoesNotContain("\\u", text, StringComparison.Ordinal);
            unescaped += Strings(JsonDocument.Parse(bytes).RootElement).Count(value => value.Any(c => c > 0x7F || c is '+' or '\''));
        }
        Assert.True(unescaped > 100, $"{unescaped} names with letters JSON writers escape by default");
    }

    private static IEnumerable<byte[]> ZipEntries(byte[] zip)
    {
        using var archive = new System.IO.Compression.ZipArchive(new MemoryStream(zip));
        foreach (var entry in archive.Entries.Where(e => e.Name.EndsWith(".json", StringComparison.Ordinal)))
        {
            using var stream = entry.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            yield return copy.ToArray();
        }
    }

    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value)),
        _ => [],
    };

    private static (int Total, List<(string TrackId, string AddedAt)> Items) SavedPage(string path)
    {
        using var page = JsonDocument.Parse(File.ReadAllBytes(path));
        var items = page.RootElement.GetProperty("items").EnumerateArray()
            .Select(item => (item.GetProperty("track").GetProperty("id").GetString()!, item.GetProperty("added_at").GetString()!)).ToList();
        return (page.RootElement.GetProperty("total").GetInt32(), items);
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

    public static TheoryData<int, int> SmallSamples()
    {
        var data = new TheoryData<int, int>();
        for (var seed = 1; seed <= 24; seed++)
        {
            data.Add(seed, 1 + (seed % 3));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SmallSamples))]
    public async Task A_sample_of_a_few_items_writes_a_top_list_every_day(int seed, int items)
    {
        // A playlist of one item may hold one song or none (a local file, an episode, an unavailable track), so the top
        // list may hold a single song, which has no neighbour to trade places with from one day to the next.
        const int days = 4;

        await new SampleGenerator(new LocalFolderStore(_folder.Path)).WriteAsync(new SampleOptions(Days: days, Items: items, Seed: seed));

        var topDays = Directory.EnumerateFiles(_folder[LakeLayout.Raw], "*.json", SearchOption.AllDirectories)
            .Select(path => RawObjectKey.Parse(Path.GetRelativePath(_folder.Path, path).Replace('\\', '/')))
            .Where(key => key.Source == RawSource.TopTracks)
            .Select(key => key.SnapshotDate)
            .Distinct()
            .Count();
        // Every day where the first day's playlists list a song; none in a sample without one (a top list of nothing).
        var firstDay = ItemPages().Min(page => page.Day);
        var firstDayHasSong = ItemPages().Any(page => page.Day == firstDay && page.Items.Any(id => id is not null));
        Assert.Equal(firstDayHasSong ? days : 0, topDays);
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
