using System.Globalization;
using SpotifyEtl.Cli.Shell;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// The space a message asks a person to free is never less than what is missing: a figure rounded to the nearest tenth
/// (2.04 GiB shown as 2 GiB) had them free too little, and the sample refused again. Byte counts generated over every unit.
/// </summary>
public sealed class SizesTests
{
    private static readonly string[] Units = ["KiB", "MiB", "GiB", "TiB"];

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 8)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void The_space_to_free_is_rounded_up_to_the_tenth_it_shows(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 2_000; i++)
        {
            // Any magnitude from a byte to tens of TiB, and the counts just past a tenth's edge that rounding to the nearest cut.
            var bytes = i % 2 == 0 ? (long)Math.Pow(2, random.NextDouble() * 46) : EdgeOfATenth(random);
            var (shown, unit) = Parse(Sizes.AtLeast(bytes));
            Assert.True(shown >= bytes, $"{bytes:N0} bytes shown as {Sizes.AtLeast(bytes)}: {bytes - shown:N0} bytes short");
            Assert.True(shown - bytes <= unit / 10 + 1, $"{bytes:N0} bytes shown as {Sizes.AtLeast(bytes)}: more than a tenth of a unit over");
        }
    }

    [Theory]
    [InlineData(1L << 30, "1 GiB")]
    [InlineData((1L << 30) + 1, "1.1 GiB")]
    [InlineData((1L << 40) - 1, "1 TiB")]
    [InlineData(1023, "1,023 bytes")]
    [InlineData(1, "1 byte")]
    public void Whole_figures_stay_as_they_are_and_a_byte_more_shows_the_next_tenth(long bytes, string shown) =>
        Assert.Equal(shown, Sizes.AtLeast(bytes));

    /// <summary>A count a few bytes past a multiple of a tenth of a unit: shown to the nearest tenth, it rounds down.</summary>
    private static long EdgeOfATenth(Random random)
    {
        var unit = 1L << (10 * random.Next(1, 5));
        var tenths = random.Next(10, 10_240);
        return Math.Max(1, (long)(tenths * (unit / 10.0)) + random.Next(1, 1_000));
    }

    private static (double Bytes, double Unit) Parse(string text)
    {
        var parts = text.Split(' ');
        var number = double.Parse(parts[0], NumberStyles.Number, CultureInfo.InvariantCulture);
        var index = Array.IndexOf(Units, parts[1]);
        var unit = index < 0 ? 1 : Math.Pow(1024, index + 1);
        return (number * unit, unit);
    }
}
