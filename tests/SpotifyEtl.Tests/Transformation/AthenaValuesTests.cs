using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Transformation;

public class AthenaValuesTests
{
    [Theory]
    [InlineData("2026-11-20T08:00:00Z", "2026-11-20T08:00:00Z")]
    [InlineData("2026-11-20T09:30:00+01:30", "2026-11-20T08:00:00Z")]
    [InlineData("2026-11-20T08:00:00.123Z", "2026-11-20T08:00:00Z")]
    [InlineData("2024-02-29T23:59:59Z", "2024-02-29T23:59:59Z")]
    [InlineData("2026-11-20 08:00:00", "2026-11-20T08:00:00Z")]
    [InlineData("2026-02-30T08:00:00Z", null)]
    [InlineData("2026-11-20T24:00:00Z", null)]
    [InlineData("not a date", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Timestamp_writes_every_instant_as_utc_seconds_and_drops_what_is_no_date(string? served, string? stored) =>
        Assert.Equal(stored, AthenaValues.Timestamp(served));

    [Theory]
    [InlineData("2026-11-20T08:00:00.123Z", "2026-11-20T08:00:00.123Z")]
    [InlineData("2026-11-20T08:00:00Z", "2026-11-20T08:00:00.000Z")]
    [InlineData("2026-11-20T09:00:00.5+01:00", "2026-11-20T08:00:00.500Z")]
    [InlineData("2025-02-29T08:00:00.123Z", null)]
    [InlineData("2026-11-20T08:00:00.12xZ", null)]
    public void TimestampWithMilliseconds_keeps_the_milliseconds_plays_are_told_apart_by(string served, string? stored) =>
        Assert.Equal(stored, AthenaValues.TimestampWithMilliseconds(served));

    [Fact]
    public void A_timestamp_already_in_the_stored_form_is_kept_as_the_same_string()
    {
        var served = string.Concat("2026-11-20T08:00:00", "Z");

        Assert.Same(served, AthenaValues.Timestamp(served));
    }

    [Fact]
    public void Text_keeps_every_character_but_controls_and_line_breaks_whatever_surrounds_them()
    {
        var random = new Random(26);
        // Every class of character the cleaning tells apart, at every length a vectorized search splits differently.
        char[] alphabet = ['a', 'Z', '0', ' ', '~', '!', '\t', '\0', '\u0001', '\u001f', '\u007f', '\u0080', '\u0085', '\u009f', '\u00a0',
            '\r', '\n', '\u2028', '\u2029', '\u2027', '\u202a', '\u00e9', '\u6f22', '\ud83c', '\udfa7', '\ufeff'];
        for (var i = 0; i < 20_000; i++)
        {
            var length = random.Next(0, i % 10 == 0 ? 200 : 40);
            var plain = i % 2 == 0;
            var value = new string(Enumerable.Range(0, length)
                .Select(_ => plain && random.Next(length + 1) != 0 ? (char)random.Next(' ', '~' + 1) : alphabet[random.Next(alphabet.Length)])
                .ToArray());

            var cleaned = AthenaValues.Text(value);

            Assert.Equal(Cleaned(value), cleaned);
            if (cleaned == value)
            {
                Assert.Same(value, cleaned);
            }
        }
    }

    /// <summary>The cleaning, a character at a time: CRLF and each other line break a space, other controls but tab dropped.</summary>
    private static string Cleaned(string value)
    {
        var kept = new System.Text.StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\r' && i + 1 < value.Length && value[i + 1] == '\n')
            {
                continue;
            }
            kept.Append(c is '\r' or '\n' or '\u0085' or '\u2028' or '\u2029' ? " " : c == '\t' || c >= '\u00a0' || (c >= ' ' && c < '\u007f') ? c.ToString() : "");
        }
        return kept.ToString();
    }
}
