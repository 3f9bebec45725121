using System.Globalization;
using System.Text;
using SpotifyEtl.Lake;
using SpotifyEtl.Transformation;
using Xunit;
using static SpotifyEtl.Tests.Transformation.SpotifyJson;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>
/// Release dates of every shape and stated precision, generated: the date a value shows is kept at the coarser of the
/// two precisions, and a value that shows no date is stored as none, never as a guess.
/// </summary>
public class ReleaseDateTests
{
    private static readonly string[] Ranks = ["year", "month", "day"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void A_valid_value_keeps_its_date_at_the_coarser_of_its_shape_and_its_stated_precision(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 6_000; i++)
        {
            var date = new DateOnly(random.Next(1900, 2030), random.Next(1, 13), 1).AddDays(random.Next(0, 31));
            var shape = random.Next(3);
            var value = date.ToString(shape switch { 0 => "yyyy", 1 => "yyyy-MM", _ => "yyyy-MM-dd" }, CultureInfo.InvariantCulture);
            // Stated: one of the three in any case, or missing, or a word Spotify does not use.
            var statedIndex = random.Next(5);
            var stated = statedIndex switch
            {
                < 3 => random.Next(2) == 0 ? Ranks[statedIndex] : Ranks[statedIndex].ToUpperInvariant(),
                3 => null,
                _ => "week",
            };
            var rank = statedIndex < 3 ? Math.Min(shape, statedIndex) : shape;
            var first = rank switch { 0 => new DateOnly(date.Year, 1, 1), 1 => new DateOnly(date.Year, date.Month, 1), _ => date };

            var parsed = ReleaseDate.Parse(value, stated);

            Assert.True(parsed is not null, $"{value} ({stated ?? "no precision"}) was dropped");
            Assert.Equal((first, Ranks[rank]), (parsed.Value.FirstDay, parsed.Value.Precision));
            // As the albums table holds it; past a few thousand dates the thread's cache of them starts over.
            Assert.Equal(first.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), parsed.Value.Iso);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_value_that_shows_no_date_is_stored_as_none_whatever_its_stated_precision(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 2_000; i++)
        {
            var year = random.Next(1900, 2030);
            var value = random.Next(9) switch
            {
                0 => $"{year}-{random.Next(13, 100):00}",                        // no such month
                1 => $"{year}-00",
                2 => $"{year}-02-{random.Next(30, 100):00}",                    // no such day in February
                3 => $"{year}-{random.Next(1, 13):00}-00",
                4 => $"{year}-{random.Next(1, 10)}",                             // a one-digit month
                5 => (random.Next(2) == 0 ? " " : "+") + year,                  // a sign or a space
                6 => $"{year}/{random.Next(1, 13):00}",                          // another separator
                7 => random.Next(2) == 0 ? "0000" : "0001",                      // no usable year
                _ => $"{year}-{random.Next(1, 13):00}-{random.Next(1, 29):00}T00:00:00Z", // a time, not a date
            };
            var stated = random.Next(4) switch { 3 => null, var r => Ranks[r] };

            Assert.True(ReleaseDate.Parse(value, stated) is null, $"{value} ({stated ?? "no precision"}) was read as a date");
        }
    }

    [Fact]
    public void A_year_said_to_be_a_day_keeps_its_year_in_the_albums_table()
    {
        var json = Page(0, Track("t1", "Song", Album("alb1", "Album", "2004", "day"), Artist("art1", "Artist")));

        var rows = RawObjectTransformer.Transform(
            new RawObjectKey(RawSource.TopTracks, new DateOnly(2026, 11, 20), "short_term", "20261120T060000Z", 1), Encoding.UTF8.GetBytes(json));

        var album = Assert.Single(rows.Albums.Values);
        Assert.Equal(("2004-01-01", "year", 2004), (album.ReleaseDate, album.ReleaseDatePrecision, album.ReleaseYear));
    }
}
