using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>Fetching rows ahead is a hint: the rows that come out are those that went in, in their order, however many.</summary>
public sealed class RowPrefetchTests
{
    public static TheoryData<int> Counts()
    {
        var distance = RowPrefetch.Distance;
        var counts = new TheoryData<int>();
        foreach (var count in new[] { 0, 1, 2, distance / 2 - 1, distance / 2, distance / 2 + 1, distance - 1, distance, distance + 1,
                     2 * distance - 1, 2 * distance, 2 * distance + 1, 1000 })
        {
            counts.Add(count);
        }
        return counts;
    }

    [Theory]
    [MemberData(nameof(Counts))]
    public void Every_row_comes_out_once_in_the_order_it_went_in(int count)
    {
        var random = new Random(count);
        var rows = Enumerable.Range(0, count)
            .Select(i => new ArtistRow($"artist{i}", random.Next(4) == 0 ? null : $"name {random.Next()}", null))
            .ToList();

        var seen = RowPrefetch.Ahead(rows).ToList();

        Assert.Equal(rows.Count, seen.Count);
        Assert.All(Enumerable.Range(0, count), i => Assert.Same(rows[i], seen[i]));
    }

    [Fact]
    public void Rows_that_come_lazily_are_read_once_each()
    {
        var pulled = 0;
        IEnumerable<SongArtistRow> Source()
        {
            for (var i = 0; i < 100; i++)
            {
                pulled++;
                yield return new SongArtistRow($"song{i}", $"artist{i % 7}", i % 3);
            }
        }

        var ids = RowPrefetch.Ahead(Source()).Select(r => r.SongId).ToList();

        Assert.Equal(100, pulled);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"song{i}"), ids);
    }
}
