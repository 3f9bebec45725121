using System.Text;
using SpotifyEtl.Lake;
using SpotifyEtl.Transformation;
using Xunit;
using static SpotifyEtl.Tests.Transformation.SpotifyJson;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>The fold on its own, in orders chosen by the test rather than by the parallel workers.</summary>
public sealed class SnapshotTablesTests
{
    private static readonly DateOnly Day = new(2026, 11, 20);

    private static (RawObjectKey Key, TransformedObject Rows) ItemsPage(int page, params string[] songIds)
    {
        var key = new RawObjectKey(RawSource.PlaylistItems, Day, "pl1", "20261120T060000Z", page);
        var album = Album("alb1", "Album", "2001", "year");
        var json = Page(0, songIds.Select(id => Entry(Track(id, $"Song {id}", album, Artist("a1", "Artist")))).ToArray());
        return (key, RawObjectTransformer.Transform(key, Encoding.UTF8.GetBytes(json)));
    }

    private static SnapshotTables Fold(params (RawObjectKey Key, TransformedObject Rows)[] objects)
    {
        var tables = new SnapshotTables(Day);
        foreach (var (key, rows) in objects)
        {
            tables.Add(key, rows);
        }
        return tables;
    }

    [Fact]
    public void Two_pages_of_a_run_that_claim_the_same_positions_give_the_same_entries_in_either_fold_order()
    {
        // Two pages of one run that both start at offset 0 (a replay that re-paged, say).
        var first = ItemsPage(1, "t2", "t4");
        var second = ItemsPage(2, "t1", "t3");

        var forward = Fold(first, second).PlaylistEntries;
        var backward = Fold(second, first).PlaylistEntries;

        Assert.Equal(forward, backward);
        Assert.Equal(["1 t1", "1 t2", "2 t3", "2 t4"], forward.Select(e => $"{e.Position} {e.SongId}"));
    }

    [Fact]
    public void Every_table_comes_out_sorted_by_its_key_whatever_the_fold_order()
    {
        var first = ItemsPage(1, "t9", "t10", "T1");
        var second = ItemsPage(2, "t5");

        var tables = Fold(second, first);

        Assert.Equal(["T1", "t10", "t5", "t9"], tables.Songs.Select(s => s.SongId));
        Assert.Equal(["T1", "t10", "t5", "t9"], tables.SongArtists.Select(s => s.SongId));
        Assert.Equal(tables.Songs, Fold(first, second).Songs);
    }
}
