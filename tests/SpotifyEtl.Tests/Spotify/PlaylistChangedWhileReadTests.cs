using System.Globalization;
using CsvHelper;
using SpotifyEtl.Lake;
using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>
/// A playlist edited while its items are paged: Spotify pages by offset, so an entry added or removed above the page
/// being read shifts every later page by one, and the pages read hold one entry twice and miss another while their count
/// still matches the total. Served over HTTP by the double, extracted and transformed as a user's run is, the day's
/// entries are one version's, whole, and its playlists row names that version.
/// </summary>
public sealed class PlaylistChangedWhileReadTests : IAsyncLifetime
{
    private const string Playlist = "3cEYpjA9oz9GiPac4AsH4n";
    private const string Items = $"playlists/{Playlist}/items";
    private ExtractionHarness _h = null!;

    public async Task InitializeAsync() => _h = await ExtractionHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 16)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task A_playlist_edited_between_two_of_its_pages_lands_the_edited_version_whole_and_the_day_holds_it(int seed)
    {
        var random = new Random(seed);
        var (tracks, playlist) = Served(random, fewest: 51);
        var pages = (tracks.Count + 49) / 50;
        var editAfter = random.Next(0, pages);
        var edited = Edit(random, tracks, "new");
        _h.Spotify.RewritePage = (route, offset, _) =>
        {
            // The page is built already: it is the first version's, and every page after it the edited one's.
            if (route == Items && offset == editAfter * 50 && playlist.SnapshotId == "snapshot-1")
            {
                (playlist.Tracks, playlist.SnapshotId) = (edited, "snapshot-2");
            }
        };

        var source = (await _h.RunAsync(ExtractionSource.Playlist(Playlist))).Manifest.Sources.Single();

        Assert.True(source.Status == SourceStatus.Landed && source.Warnings is null, $"{source.Status}: {source.Error} {string.Join(" ", source.Warnings ?? [])}");
        Assert.Equal(edited.Count, source.Items);
        var metadata = source.Objects.Where(key => RawObjectKey.Parse(key).Source == RawSource.Playlist).ToList();
        Assert.Single(metadata);
        using (var landed = await _h.ReadJsonAsync(metadata[0]))
        {
            Assert.Equal("snapshot-2", landed.RootElement.GetProperty("snapshot_id").GetString());
        }
        var (version, entries) = await DayAsync();
        Assert.Equal("snapshot-2", version);
        Assert.Equal(edited, entries);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task A_playlist_edited_during_every_read_lands_with_a_warning_and_the_next_run_reads_it_again(int seed)
    {
        var random = new Random(seed);
        var (tracks, playlist) = Served(random, fewest: 51);
        var versions = 1;
        _h.Spotify.RewritePage = (route, offset, _) =>
        {
            if (route == Items && offset == 0)
            {
                versions++;
                (playlist.Tracks, playlist.SnapshotId) = (Edit(random, playlist.Tracks!, $"v{versions}-"), $"snapshot-{versions}");
            }
        };

        var busy = (await _h.RunAsync(ExtractionSource.Playlist(Playlist))).Manifest.Sources.Single();

        Assert.Equal(SourceStatus.Landed, busy.Status);
        // Each read starts at the first page (the extractor's own request; later pages follow next links, offset first).
        Assert.Equal(SpotifyPaging.ReadsOfAChangingList, _h.Spotify.ApiRequestsTo($"{Items}?limit="));
        var warning = Assert.Single(busy.Warnings ?? []);
        Assert.Contains($"changed while its items were read, {3} times in a row (its snapshot_id is now snapshot-{versions})", warning, StringComparison.Ordinal);
        Assert.Contains("The next run reads them again.", warning, StringComparison.Ordinal);

        // Edits stop; the version the busy run saw last was not recorded, so the next run reads it again, whole.
        _h.Spotify.RewritePage = null;
        _h.Clock.Advance(TimeSpan.FromHours(1));
        var calm = (await _h.RunAsync(ExtractionSource.Playlist(Playlist))).Manifest.Sources.Single();

        Assert.True(calm.Status == SourceStatus.Landed && calm.Warnings is null, $"{calm.Status}: {calm.Error}");
        var (version, entries) = await DayAsync();
        Assert.Equal($"snapshot-{versions}", version);
        Assert.Equal(playlist.Tracks, entries);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_playlist_whose_items_fail_partway_lands_its_metadata_and_the_pages_read_and_is_read_again_next_run(int seed)
    {
        var random = new Random(seed);
        var (tracks, _) = Served(random, fewest: 101);
        var failAt = random.Next(1, (tracks.Count + 49) / 50);
        FailForGood(failAt);

        var failed = (await _h.RunAsync(ExtractionSource.Playlist(Playlist))).Manifest.Sources.Single();

        Assert.Equal(SourceStatus.Failed, failed.Status);
        Assert.Equal(1, failed.Objects.Count(key => RawObjectKey.Parse(key).Source == RawSource.Playlist));
        Assert.Equal(failAt, failed.Objects.Count(key => RawObjectKey.Parse(key).Source == RawSource.PlaylistItems));

        _h.Clock.Advance(TimeSpan.FromHours(1));
        var again = (await _h.RunAsync(ExtractionSource.Playlist(Playlist))).Manifest.Sources.Single();
        Assert.Equal(SourceStatus.Landed, again.Status);
        var (_, entries) = await DayAsync();
        Assert.Equal(tracks, entries);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task A_playlist_that_changed_while_read_and_failed_on_its_second_read_lands_the_whole_first_read_not_the_pages_of_the_second(int seed)
    {
        var random = new Random(seed);
        var (tracks, playlist) = Served(random, fewest: 101);
        var edited = Edit(random, tracks, "new");
        var pages = (Math.Min(tracks.Count, edited.Count) + 49) / 50;
        var editAfter = random.Next(0, pages);
        var failAt = random.Next(1, pages);
        var reads = 0;
        _h.Spotify.RewritePage = (route, offset, _) =>
        {
            if (route == Items && offset == 0 && ++reads == 2)
            {
                // The second read, the list having changed during the first: one of its later pages fails for good.
                FailForGood(failAt);
            }
            if (route == Items && offset == editAfter * 50 && playlist.SnapshotId == "snapshot-1")
            {
                (playlist.Tracks, playlist.SnapshotId) = (edited, "snapshot-2");
            }
        };

        var failed = (await _h.RunAsync(ExtractionSource.Playlist(Playlist))).Manifest.Sources.Single();

        Assert.Equal(SourceStatus.Failed, failed.Status);
        Assert.Equal(2, reads);
        var warning = Assert.Single(failed.Warnings ?? []);
        Assert.Contains("reading them again failed: the items landed are those of the read before", warning, StringComparison.Ordinal);
        // Every page of the first read, not the first pages of the second: the day lists the playlist nearly whole.
        var landedPages = failed.Objects.Count(key => RawObjectKey.Parse(key).Source == RawSource.PlaylistItems);
        Assert.True(landedPages > failAt, $"{landedPages} pages landed, the failed read's {failAt}");
        var (_, entries) = await DayAsync();
        Assert.True(entries.Count >= Math.Min(tracks.Count, edited.Count) - 5, $"{entries.Count} entries of {edited.Count}");

        // The next run reads it again, whole, and the day holds the edited version.
        _h.Spotify.RewritePage = null;
        _h.Clock.Advance(TimeSpan.FromHours(1));
        var again = (await _h.RunAsync(ExtractionSource.Playlist(Playlist))).Manifest.Sources.Single();
        Assert.True(again.Status == SourceStatus.Landed && again.Warnings is null, $"{again.Status}: {again.Error}");
        var (version, healed) = await DayAsync();
        Assert.Equal("snapshot-2", version);
        Assert.Equal(edited, healed);
    }

    /// <summary>The playlist served by the double, with between <paramref name="fewest"/> and 320 tracks.</summary>
    private (List<string> Tracks, DoublePlaylist Playlist) Served(Random random, int fewest)
    {
        var tracks = Tracks(random.Next(fewest, 321), "t");
        var playlist = _h.Spotify.AddPlaylist(Playlist, tracks.Count);
        playlist.Tracks = tracks;
        return (tracks, playlist);
    }

    /// <summary>The playlist's page of items at <paramref name="page"/> fails its next request and every retry of it.</summary>
    private void FailForGood(int page) =>
        _h.Spotify.Inject($"{Items}?offset={page * 50}&", Fault.ServerError(), Fault.ServerError(), Fault.ServerError(), Fault.ServerError());

    private static List<string> Tracks(int count, string prefix) => [.. Enumerable.Range(0, count).Select(i => $"{prefix}{i}")];

    /// <summary>The list with an edit a person makes: entries added at a place, taken out, or one moved.</summary>
    private static List<string> Edit(Random random, IReadOnlyList<string> tracks, string prefix)
    {
        var edited = tracks.ToList();
        switch (random.Next(3))
        {
            case 0:
                edited.InsertRange(random.Next(0, edited.Count), Tracks(random.Next(1, 6), prefix + random.Next()));
                break;
            case 1:
                var at = random.Next(0, edited.Count - 5);
                edited.RemoveRange(at, random.Next(1, 6));
                break;
            default:
                var from = random.Next(0, edited.Count);
                var moved = edited[from];
                edited.RemoveAt(from);
                edited.Insert(random.Next(0, Math.Min(from + 1, edited.Count)), moved);
                break;
        }
        return edited;
    }

    /// <summary>The day's playlists row's version and its entries' songs in position order, from the lake the transform writes.</summary>
    private async Task<(string Version, List<string> Songs)> DayAsync()
    {
        var keys = await _h.KeysAsync(LakeLayout.Raw);
        await new TransformPipeline(_h.Store, _h.Store, new TransformOptions { Format = TableFormat.Csv }).TransformAsync(keys);
        var day = RawObjectKey.Parse(keys[0]).SnapshotDate;
        var playlists = Rows(TableFormat.Csv.PartitionKey("playlists", day));
        var entries = Rows(TableFormat.Csv.PartitionKey("playlist_entries", day))
            .OrderBy(row => int.Parse(row["position"], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(1, entries.Count).Select(p => p.ToString(CultureInfo.InvariantCulture)), entries.Select(row => row["position"]));
        return (Assert.Single(playlists)["playlist_snapshot_id"], entries.Select(row => row["song_id"]).ToList());
    }

    private List<Dictionary<string, string>> Rows(string key)
    {
        using var reader = new StreamReader(Path.Combine(_h.LakeFolder, key));
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        return csv.GetRecords<dynamic>().Select(row => ((IDictionary<string, object>)row).ToDictionary(p => p.Key, p => (string)p.Value)).ToList();
    }
}
