using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Transformation;

public sealed class OrdinalSortTests
{
    [Fact]
    public void Rows_come_out_in_the_ordinal_order_of_their_ids_whatever_the_ids_share()
    {
        var random = new Random(7);
        const string alphabet = "aAbB09\u0000\u00e9\u6f22\ud83c\udfa7zZ";
        // Ids of every length from 0 to 9 over an alphabet with a NUL, accents, CJK and a surrogate pair,
        // many sharing their first four units, plus 22-character Spotify-like ids.
        var ids = Enumerable.Range(0, 3000)
            .Select(i => i % 3 == 0
                ? new string(Enumerable.Range(0, 22).Select(_ => (char)('0' + random.Next(75))).ToArray())
                : "abcd"[..(i % 5)] + new string(Enumerable.Range(0, random.Next(6)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        var rows = ids.Select(id => $"row of {id}").ToArray();

        var sorted = OrdinalSort.ByKey(ids, rows);

        Assert.Equal(ids.Order(StringComparer.Ordinal).Select(id => $"row of {id}"), sorted);
    }
}
