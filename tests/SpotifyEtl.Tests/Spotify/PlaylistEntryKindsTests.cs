using System.Globalization;
using System.Text.Json.Nodes;
using CsvHelper;
using SpotifyEtl.Lake;
using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>
/// A playlist holds more than tracks: local files, podcast episodes, items Spotify no longer has (<c>"item": null</c>),
/// entries it sends as null, and tracks added at no stated time. Served over HTTP by the double, extracted and transformed
/// as a user's run does, each track is an entry at its own position and the rest are counted, not entries.
/// </summary>
public sealed class PlaylistEntryKindsTests : IAsyncLifetime
{
    private const string Playlist = "3cEYpjA9oz9GiPac4AsH4n";
    private const string Items = $"playlists/{Playlist}/items";
    private ExtractionHarness _h = null!;

    private enum Kind { Track, NoAddedAt, Local, Episode, Unavailable, NullEntry }

    public async Task InitializeAsync() => _h = await ExtractionHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Every_kind_of_entry_lands_and_the_tracks_are_entries_at_their_positions_the_rest_counted(int seed)
    {
        var random = new Random(seed);
        var kinds = Enumerable.Range(0, random.Next(60, 180))
            .Select(_ => random.Next(12) switch { 0 => Kind.Local, 1 => Kind.Episode, 2 => Kind.Unavailable, 3 => Kind.NullEntry, 4 => Kind.NoAddedAt, _ => Kind.Track })
            .ToArray();
        _h.Spotify.AddPlaylist(Playlist, kinds.Length);
        _h.Spotify.RewritePage = (route, offset, page) =>
        {
            if (route != Items)
            {
                return;
            }
            var items = page["items"]!.AsArray();
            for (var i = 0; i < items.Count; i++)
            {
                if (kinds[offset + i] == Kind.NullEntry)
                {
                    items[i] = null;
                }
                else
                {
                    Rewrite(kinds[offset + i], (JsonObject)items[i]!, offset + i);
                }
            }
        };

        var run = await _h.RunAsync(ExtractionSource.Playlist(Playlist));
        var source = run.Manifest.Sources.Single();
        Assert.True(source.Status == SourceStatus.Landed, $"{source.Status}: {source.Error}");
        var keys = await _h.KeysAsync(LakeLayout.Raw);
        var report = await new TransformPipeline(_h.Store, _h.Store, new TransformOptions { Format = TableFormat.Csv }).TransformAsync(keys);

        Assert.All(report.Objects, o => Assert.Equal(TransformStatus.Transformed, o.Status));
        var skipped = report.Objects.Select(o => o.Skipped).Aggregate((a, b) => a.Plus(b));
        Assert.Equal((kinds.Count(k => k == Kind.Local), kinds.Count(k => k == Kind.Episode), kinds.Count(k => k is Kind.Unavailable or Kind.NullEntry), 0),
            (skipped.LocalFiles, skipped.Episodes, skipped.Unavailable, skipped.Unreadable));
        var day = RawObjectKey.Parse(keys.First(k => k.StartsWith("raw/playlist_items/", StringComparison.Ordinal))).SnapshotDate;
        using var reader = new StringReader(await File.ReadAllTextAsync(Path.Combine(_h.LakeFolder, TableFormat.Csv.PartitionKey("playlist_entries", day))));
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        var entries = csv.GetRecords<dynamic>().Select(row => (IDictionary<string, object>)row)
            .Select(row => (Position: int.Parse((string)row["position"], CultureInfo.InvariantCulture), Song: (string)row["song_id"], AddedAt: (string)row["added_at"]))
            .OrderBy(e => e.Position).ToList();
        var expected = kinds.Select((kind, index) => (kind, index)).Where(k => k.kind is Kind.Track or Kind.NoAddedAt)
            .Select(k => (k.index + 1, $"{Playlist[..4]}{k.index}", k.kind == Kind.NoAddedAt ? "" : "2026-11-02T08:00:00Z")).ToList();
        Assert.Equal(expected, entries);
    }

    private static void Rewrite(Kind kind, JsonObject entry, int index)
    {
        var item = entry.ContainsKey("item") ? "item" : "track";
        switch (kind)
        {
            case Kind.NoAddedAt:
                entry["added_at"] = null;
                break;
            case Kind.Local:
                entry["is_local"] = true;
                entry[item] = new JsonObject
                {
                    ["id"] = null, ["name"] = $"Demo {index}", ["type"] = "track", ["is_local"] = true, ["duration_ms"] = 180000,
                    ["uri"] = $"spotify:local:Band:Demos:Demo+{index}:180",
                    ["album"] = new JsonObject { ["id"] = null, ["name"] = "Demos", ["type"] = "album" },
                    ["artists"] = new JsonArray(new JsonObject { ["id"] = null, ["name"] = "Band", ["type"] = "artist" }),
                };
                break;
            case Kind.Episode:
                entry[item] = new JsonObject
                {
                    ["id"] = $"ep{index}", ["name"] = $"Episode {index}", ["type"] = "episode", ["uri"] = $"spotify:episode:ep{index}",
                    ["duration_ms"] = 2400000, ["show"] = new JsonObject { ["id"] = "show1", ["name"] = "A show", ["type"] = "show" },
                };
                break;
            case Kind.Unavailable:
                entry[item] = null;
                break;
        }
    }
}
