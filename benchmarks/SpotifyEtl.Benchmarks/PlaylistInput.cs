using System.Text.Json;
using System.Text.Json.Nodes;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;

namespace SpotifyEtl.Benchmarks;

/// <summary>How the playlist's items arrive: as Spotify pages them, or as one page holding them all.</summary>
public enum Layout
{
    /// <summary>Pages of 50 items, as <c>/playlists/{id}/items</c> returns them (200 pages for 10,000 items).</summary>
    PagesOf50,
    /// <summary>One page with every item: the worst case for a transformation that holds a page.</summary>
    OnePage,
}

/// <summary>The raw objects of one generated playlist of <c>items</c> entries, in a given layout.</summary>
internal sealed record PlaylistInput(IReadOnlyList<(RawObjectKey Key, byte[] Json)> Pages)
{
    public long Bytes => Pages.Sum(page => (long)page.Json.Length);

    public static PlaylistInput Create(int items, Layout layout)
    {
        var store = new MemoryObjectStore();
        new SampleGenerator(store).WriteAsync(new SampleOptions(Days: 1, Items: items, Seed: 42)).GetAwaiter().GetResult();
        var pages = store.Objects
            .Select(entry => (Key: RawObjectKey.Parse(entry.Key), Json: entry.Value))
            .Where(page => page.Key.Source == RawSource.PlaylistItems)
            .GroupBy(page => page.Key.Subject, StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .First()
            .OrderBy(page => page.Key.Page)
            .ToList();
        if (pages.Count != (items + 49) / 50)
        {
            throw new InvalidOperationException($"Expected {(items + 49) / 50} pages of 50, got {pages.Count}.");
        }
        return layout == Layout.PagesOf50 ? new PlaylistInput(pages) : new PlaylistInput([(pages[0].Key, OnePage(pages))]);
    }

    private static byte[] OnePage(List<(RawObjectKey Key, byte[] Json)> pages)
    {
        var all = new JsonArray();
        foreach (var (_, json) in pages)
        {
            foreach (var item in JsonNode.Parse(json)!["items"]!.AsArray().ToList())
            {
                all.Add(item!.DeepClone());
            }
        }
        var page = new JsonObject
        {
            ["href"] = "https://api.spotify.com/v1/playlists/x/items?offset=0&limit=" + all.Count,
            ["items"] = all,
            ["limit"] = all.Count,
            ["next"] = null,
            ["offset"] = 0,
            ["previous"] = null,
            ["total"] = all.Count,
        };
        // Indented, as the pages are: the two layouts then hold the same bytes per item.
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            page.WriteTo(writer);
        }
        return buffer.ToArray();
    }
}
