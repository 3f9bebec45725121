using System.Globalization;

namespace SpotifyEtl.Import;

/// <summary>
/// The export's times, all UTC: <c>ts</c> to the second (<c>2021-03-04T05:06:07Z</c>), <c>endTime</c> to the
/// minute (<c>2021-03-04 05:06</c>), and <c>offline_timestamp</c> in milliseconds or seconds, decided per value.
/// </summary>
public static class ExportTime
{
    /// <summary>
    /// Spotify launched in 2008: an earlier or far-future time is a broken value, not a stream. The first month is
    /// the first the stack's Glue table projects (<c>firstHistoryMonth</c> in infra/components/catalog.ts), so Athena
    /// and DuckDB start at the same month.
    /// </summary>
    public static readonly DateOnly FirstDay = new(2008, 1, 1);
    private static readonly long Earliest = new DateTimeOffset(FirstDay, TimeOnly.MinValue, TimeSpan.Zero).ToUnixTimeSeconds();
    private static readonly long Latest = new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    /// <summary>Milliseconds since 1970 pass 10^11 in 1973, seconds not before 5138: the size of a value says its unit.</summary>
    private const long MillisecondsThreshold = 100_000_000_000;

    /// <summary>
    /// The forms a <c>ts</c> takes once a tool re-saved the file: a <c>T</c> or a space between date and time (pandas writes
    /// the space), seconds with or without a fraction or none at all, and <c>Z</c>, an offset, or no zone (UTC, as every
    /// <c>ts</c> of an export is); and ISO 8601's basic form.
    /// </summary>
    private static readonly string[] TsFormats =
    [
        .. from separator in new[] { "'T'", " " }
           from time in new[] { "HH:mm:ss", "HH:mm:ss.FFFFFFF", "HH:mm" }
           from zone in new[] { "'Z'", "zzz", "" }
           select $"yyyy-MM-dd{separator}{time}{zone}",
        "yyyyMMdd'T'HHmmss'Z'",
    ];

    private static readonly string[] EndTimeFormats = ["yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss'Z'"];

    /// <summary>An extended-history <c>ts</c>, as seconds since the epoch; null when it is not a UTC time.</summary>
    public static long? ParseTs(string? text) => Exact(text) ?? Parse(text, TsFormats);

    /// <summary>The export's own form, <c>yyyy-MM-ddTHH:mm:ssZ</c>, read digit by digit: a million rows spend no time in format matching.</summary>
    private static long? Exact(string? text) => text is null ? null : Exact(text.AsSpan());

    /// <summary>
    /// The export's own form read from UTF-8 bytes (as they sit in the file), with no string made: null when the
    /// bytes are anything else, which <see cref="ParseTs(string?)"/> then reads.
    /// </summary>
    public static long? ParseExactTs(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length != 20)
        {
            return null;
        }
        Span<char> text = stackalloc char[20];
        for (var i = 0; i < 20; i++)
        {
            text[i] = (char)utf8[i];
        }
        return Exact(text);
    }

    private static long? Exact(ReadOnlySpan<char> text)
    {
        if (text.Length != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z')
        {
            return null;
        }
        var year = Digits(text, 0, 4);
        var month = Digits(text, 5, 2);
        var day = Digits(text, 8, 2);
        var hour = Digits(text, 11, 2);
        var minute = Digits(text, 14, 2);
        var second = Digits(text, 17, 2);
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour is < 0 or > 23 || minute is < 0 or > 59 || second is < 0 or > 59)
        {
            return null;
        }
        var seconds = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero).ToUnixTimeSeconds();
        return seconds >= Earliest && seconds < Latest ? seconds : null;
    }

    private static int Digits(ReadOnlySpan<char> text, int start, int count)
    {
        var value = 0;
        for (var i = start; i < start + count; i++)
        {
            var digit = text[i] - '0';
            if (digit is < 0 or > 9)
            {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /// <summary>An account-data <c>endTime</c> (UTC, cut to the minute), as seconds since the epoch.</summary>
    public static long? ParseEndTime(string? text) => Parse(text, EndTimeFormats);

    /// <summary><c>offline_timestamp</c> as seconds since the epoch: 0 means none; milliseconds or seconds by size.</summary>
    public static long? Offline(long? value)
    {
        if (value is not { } raw || raw <= 0)
        {
            return null;
        }
        var seconds = raw >= MillisecondsThreshold ? raw / 1000 : raw;
        return seconds is >= 0 && seconds >= Earliest && seconds < Latest ? seconds : null;
    }

    private static long? Parse(string? text, string[] formats)
    {
        if (string.IsNullOrWhiteSpace(text)
            || !DateTimeOffset.TryParseExact(text.Trim(), formats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return null;
        }
        var seconds = parsed.ToUnixTimeSeconds();
        return seconds >= Earliest && seconds < Latest ? seconds : null;
    }
}
