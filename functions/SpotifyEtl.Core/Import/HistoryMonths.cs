namespace SpotifyEtl.Import;

/// <summary>
/// The months of the history (UTC), as seconds since the epoch. A month's <see cref="Window"/> reaches a day into
/// each neighbour: every rule that pairs two rows (an API play and the export's stream, within seconds) finds its
/// pair inside it, so a month is rebuilt from the rows of its window alone.
/// </summary>
public static class HistoryMonths
{
    public const long Day = 86_400;

    public static long Start(long seconds)
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return new DateTimeOffset(at.Year, at.Month, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
    }

    public static long Next(long monthStart) => DateTimeOffset.FromUnixTimeSeconds(monthStart).AddMonths(1).ToUnixTimeSeconds();

    /// <summary>The rows a month is built from: from a day before it begins to a day after it ends.</summary>
    public static (long From, long To) Window(long monthStart) => (monthStart - Day, Next(monthStart) + Day);

    /// <summary>The months whose window holds a time: its own, and its neighbour's when it is within a day of it.</summary>
    public static IEnumerable<long> Touched(long seconds) => new[] { Start(seconds - Day), Start(seconds), Start(seconds + Day) }.Distinct();

    /// <summary><c>yyyy-MM</c>, the partition value.</summary>
    public static string Key(long monthStart)
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(monthStart);
        return string.Create(7, (at.Year, at.Month), static (span, ym) =>
        {
            ym.Year.TryFormat(span[..4], out _, "D4", System.Globalization.CultureInfo.InvariantCulture);
            span[4] = '-';
            ym.Month.TryFormat(span[5..], out _, "D2", System.Globalization.CultureInfo.InvariantCulture);
        });
    }

    public static long? Parse(string key) =>
        DateTimeOffset.TryParseExact(key, "yyyy-MM", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var at)
            ? at.ToUnixTimeSeconds() : null;
}
