using System.Globalization;
using System.Runtime.InteropServices;

namespace SpotifyEtl.Transformation;

/// <summary>
/// How values are written so that Athena's OpenCSVSerDe and DuckDB read them the same way.
/// OpenCSVSerDe cannot read a line break inside a quoted value, so text fields never contain one.
/// </summary>
public static class AthenaValues
{
    /// <summary>
    /// Text as the tables keep it, the same in CSV and Parquet: each line break (CR, LF, CRLF, NEL, LS,
    /// PS) becomes one space, and every other control character (C0 but tab, DEL, C1; NUL included) is
    /// removed: no reader shows them, and many cut a string at a NUL.
    /// </summary>
    public static string? Text(string? value)
    {
        // Printable ASCII (ids, URIs, most names) is told in one vectorized range test; anything else is searched.
        if (value is null || !value.AsSpan().ContainsAnyExceptInRange(' ', '~') || !value.AsSpan().ContainsAny(Rewritten))
        {
            return value;
        }
        var builder = new System.Text.StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\r' && i + 1 < value.Length && value[i + 1] == '\n')
            {
                continue; // the LF that follows becomes the space
            }
            if (c is '\r' or '\n' or '\u0085' or '\u2028' or '\u2029')
            {
                builder.Append(' ');
            }
            else if (c == '\t' || !char.IsControl(c))
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    /// <summary>The characters <see cref="Text"/> rewrites: the controls but tab, and the Unicode line and paragraph separators.</summary>
    private static readonly System.Buffers.SearchValues<char> Rewritten = System.Buffers.SearchValues.Create(
        Enumerable.Range(0, 0xA0).Select(i => (char)i).Where(c => c != '\t' && char.IsControl(c)).Concat(['\u2028', '\u2029']).ToArray());

    /// <summary>
    /// The longest text a table keeps, in UTF-16 characters. Far above any value Spotify sends (a playlist's
    /// description is at most 300 characters, a name a few hundred), and low enough that a row of the widest table,
    /// each of its texts this long and every character a quote (doubled in CSV), stays under the 1 MiB line the local
    /// queries take from a table file. A longer value is no Spotify value: the raw page holding it is set aside, and
    /// an export's stream holding it is counted unreadable, each with the reason (<see cref="TooLong"/>).
    /// </summary>
    public const int LongestText = 16 * 1024;

    /// <summary>Why <paramref name="text"/>, the value of <paramref name="where"/>, is too long for a table; null when it is not.</summary>
    public static string? TooLong(string? text, string where) => text is { Length: > LongestText }
        ? $"{where} is a text of {text.Length:N0} characters, longer than the {LongestText:N0} a table keeps (no Spotify value comes near it)"
        : null;

    /// <summary>An instant as <c>yyyy-MM-ddTHH:mm:ssZ</c> (UTC); null when absent or unreadable.</summary>
    public static string? Timestamp(string? iso) =>
        IsCanonical(iso, withMilliseconds: false) ? iso
        : TryParseInstant(iso, out var instant) ? instant.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : null;

    /// <summary>An instant with milliseconds, <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>: plays are told apart by them.</summary>
    public static string? TimestampWithMilliseconds(string? iso) =>
        IsCanonical(iso, withMilliseconds: true) ? iso
        : TryParseInstant(iso, out var instant) ? instant.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) : null;

    /// <summary>
    /// Whether the text already is the form written (Spotify's own form, almost always): a valid UTC
    /// instant <c>yyyy-MM-ddTHH:mm:ssZ</c>, or <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>. It is then kept as it is,
    /// with no parse and no new string.
    /// </summary>
    private static bool IsCanonical(string? text, bool withMilliseconds)
    {
        if (text is null || text.Length != (withMilliseconds ? 24 : 20) || text[^1] != 'Z'
            || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':'
            || (withMilliseconds && (text[19] != '.' || !Digits(text, 20, 3, out _))))
        {
            return false;
        }
        return Digits(text, 0, 4, out var year) && Digits(text, 5, 2, out var month) && Digits(text, 8, 2, out var day)
            && Digits(text, 11, 2, out var hour) && Digits(text, 14, 2, out var minute) && Digits(text, 17, 2, out var second)
            && year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month)
            && hour <= 23 && minute <= 59 && second <= 59;
    }

    /// <summary>The number <paramref name="count"/> ASCII digits at <paramref name="start"/> spell; false at any other character.</summary>
    internal static bool Digits(string text, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                return false;
            }
            value = value * 10 + (text[i] - '0');
        }
        return true;
    }

    /// <summary>
    /// ISO 8601 only (a space allowed for the T), with or without fractions and with a zone (<c>Z</c> or an offset) or none (UTC): the
    /// lenient parse would read "1/2/2026" or "Tuesday 3pm" as some instant, a guess no table should hold.
    /// </summary>
    private static bool TryParseInstant(string? iso, out DateTime instant)
    {
        instant = default;
        if (string.IsNullOrWhiteSpace(iso)
            || !DateTimeOffset.TryParseExact(iso, InstantFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return false;
        }
        instant = parsed.UtcDateTime;
        return true;
    }

    private static readonly string[] InstantFormats =
        ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd HH:mmK"];
}

/// <summary>
/// A release date as Spotify gives it: <c>"1981"</c>, <c>"1981-12"</c> or <c>"1981-12-15"</c> with a
/// precision of year, month or day. Stored as the first day of the period plus the precision, so
/// year-only and month releases are kept, not dropped.
/// </summary>
public readonly record struct ReleaseDate(DateOnly FirstDay, string Precision)
{
    /// <summary>
    /// The date the value shows, read by its shape (<c>yyyy</c>, <c>yyyy-MM</c> or <c>yyyy-MM-dd</c>, nothing else), at the
    /// coarser of that shape's precision and the stated one: a precision finer than the value ("2004" said to be a day) does
    /// not lose the year, and a coarser one ("2004-03-15" said to be a year) keeps only what it vouches for. A value of no
    /// such shape, or no such date ("2004-02-30", "2004-13"), is null rather than a guess; so is Spotify's "0000".
    /// </summary>
    public static ReleaseDate? Parse(string? value, string? precision)
    {
        if (value is null || Shape(value) is not { } shown)
        {
            return null;
        }
        var effective = Rank(precision) is { } stated && stated < shown.Rank ? stated : shown.Rank;
        var day = shown.Day;
        return new ReleaseDate(effective switch
        {
            0 => new DateOnly(day.Year, 1, 1),
            1 => new DateOnly(day.Year, day.Month, 1),
            _ => day,
        }, Precisions[effective]);
    }

    private static readonly string[] Precisions = ["year", "month", "day"];

    private static int? Rank(string? precision) =>
        precision is null ? null
        : precision.Equals("year", StringComparison.OrdinalIgnoreCase) ? 0
        : precision.Equals("month", StringComparison.OrdinalIgnoreCase) ? 1
        : precision.Equals("day", StringComparison.OrdinalIgnoreCase) ? 2
        : null;

    /// <summary>The first day the value shows and its precision's rank, or null where it is no date of year, month or day.</summary>
    private static (DateOnly Day, int Rank)? Shape(string value)
    {
        var rank = value.Length switch { 4 => 0, 7 => 1, 10 => 2, _ => -1 };
        var (month, day) = (1, 1);
        // ASCII digits and hyphens where the shape has them: no sign, space or other separator.
        if (rank < 0 || !AthenaValues.Digits(value, 0, 4, out var year)
            || (rank >= 1 && (value[4] != '-' || !AthenaValues.Digits(value, 5, 2, out month)))
            || (rank == 2 && (value[7] != '-' || !AthenaValues.Digits(value, 8, 2, out day))))
        {
            return null;
        }
        return year > 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month)
            ? (new DateOnly(year, month, day), rank)
            : null;
    }

    /// <summary>The first day as yyyy-MM-dd: one string per date and thread, since many albums share a release date.</summary>
    public string Iso
    {
        get
        {
            var cache = t_isoDates ??= new Dictionary<int, string>();
            ref var iso = ref CollectionsMarshal.GetValueRefOrAddDefault(cache, FirstDay.DayNumber, out var known);
            if (!known)
            {
                iso = FirstDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                if (cache.Count > MaxCachedDates)
                {
                    // Bounded whatever the input: a thread keeps the dates it met last.
                    var kept = iso;
                    cache.Clear();
                    cache[FirstDay.DayNumber] = kept;
                    return kept;
                }
            }
            return iso!;
        }
    }

    private const int MaxCachedDates = 4096;

    [ThreadStatic]
    private static Dictionary<int, string>? t_isoDates;
}
