using System.Text;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Transformation;

public sealed class CsvTableTests
{
    private static readonly string[] Texts =
    [
        "plain", "Bzrp Music Sessions, Vol. 53", "She said \"hi\"", " leading space", "trailing space ",
        "夜のドライブ", "Beyoncé", "🎵 emoji", "semi;colon", "a,\"b\",c", "'single'", "tab\there", "back\\slash", "ends in\\", "\\N",
    ];

    [Fact]
    public void Rows_read_back_exactly_as_written_whatever_the_text_holds()
    {
        var rows = Texts.Select((text, i) => new SongRow($"id{i}", text, i % 3 == 0 ? null : i * 1000, i % 4 == 0 ? null : i % 2 == 0,
            i % 5 == 0 ? null : text, i % 2 == 0 ? null : -i, i, 1, "album," + text, null, "https://open.spotify.com/track/" + i)).ToList();

        using var reader = new StreamReader(new MemoryStream(CsvTable.ToBytes(rows)));
        using var csv = new CsvHelper.CsvParser(reader, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(csv.Read());
        Assert.Equal(SongRow.Schema.Select(c => c.Name), csv.Record!);
        foreach (var row in rows)
        {
            Assert.True(csv.Read());
            Assert.Equal(SongRow.Schema.Select(c => c.Format(row) ?? ""), csv.Record!);
        }
        Assert.False(csv.Read());
    }

    [Fact]
    public void Fields_are_quoted_only_when_they_need_it_and_null_is_an_empty_field()
    {
        var csv = Encoding.UTF8.GetString(CsvTable.ToBytes([new ArtistRow("a1", "Tyler, The Creator", null), new ArtistRow("a2", "Plain", "u")]));

        Assert.Equal("artist_id,artist_name,artist_url\na1,\"Tyler, The Creator\",\na2,Plain,u\n", csv);
    }

    [Theory]
    [InlineData("AC\\DC", "\"AC\\DC\"")]
    [InlineData("ends in\\", "\"ends in\\\"")]
    [InlineData("\\N", "\"\\N\"")]
    public void A_value_with_a_backslash_is_quoted_so_that_no_reader_takes_it_for_an_escape(string name, string field)
    {
        var csv = Encoding.UTF8.GetString(CsvTable.ToBytes([new ArtistRow("a1", name, "u")]));

        Assert.Equal($"artist_id,artist_name,artist_url\na1,{field},u\n", csv);
    }
}
