using System.Globalization;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Benchmarks;

/// <summary>
/// What the transformation holds, as opposed to what it allocates and drops: the managed heap after a
/// full collection while a page's rows are still referenced, minus the heap before. Facts
/// (playlist entries) are rows of one page; dimensions (songs, albums, artists) are the distinct ids.
/// </summary>
internal static class RetainedMemory
{
    public static void Print(TextWriter output)
    {
        output.WriteLine("Retained by RawObjectTransformer.Transform (bytes held while a page's rows are referenced)");
        output.WriteLine("| items | layout | raw bytes | largest page retained | entries | songs | albums | artists | bytes per row |");
        output.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var items in new[] { 1_000, 10_000 })
        {
            foreach (var layout in new[] { Layout.PagesOf50, Layout.OnePage })
            {
                var input = PlaylistInput.Create(items, layout);
                GC.KeepAlive(RawObjectTransformer.Transform(input.Pages[0].Key, input.Pages[0].Json)); // JIT and caches first
                long largest = 0;
                TransformedObject? largestRows = null;
                foreach (var (key, json) in input.Pages)
                {
                    var before = GC.GetTotalMemory(forceFullCollection: true);
                    var rows = RawObjectTransformer.Transform(key, json);
                    var held = GC.GetTotalMemory(forceFullCollection: true) - before;
                    GC.KeepAlive(rows);
                    if (held > largest)
                    {
                        (largest, largestRows) = (held, rows);
                    }
                }
                var r = largestRows!;
                var count = r.PlaylistEntries.Count + r.Songs.Count + r.Albums.Count + r.Artists.Count + r.SongArtists.Count;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {items:N0} | {layout} | {input.Bytes:N0} | {largest:N0} | {r.PlaylistEntries.Count:N0} | {r.Songs.Count:N0} | {r.Albums.Count:N0} | {r.Artists.Count:N0} | {largest / Math.Max(1, count):N0} |"));
            }
        }
        output.WriteLine();
    }
}
