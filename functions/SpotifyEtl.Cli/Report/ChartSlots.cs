using System.Globalization;

namespace SpotifyEtl.Cli.Report;

/// <summary>
/// The places along a chart's axis of ordered categories: one per row, in the order of its label, and one with no row
/// for each week (labels <c>yyyy-MM-dd</c>, rows a whole number of weeks apart) or month (<c>yyyy-MM</c>) between two
/// rows that no row holds. A query answers only the weeks or months that had something, so drawn a row to a place, a
/// month without listening would vanish and its neighbours close up; drawn a place to a period, it is an empty place.
/// Labels of any other kind are a place each.
/// </summary>
internal static class ChartSlots
{
    private const string Day = "yyyy-MM-dd", Month = "yyyy-MM";

    /// <param name="until">
    /// The period the axis runs to when the rows end before it (the latest snapshot's week): the places after the last row are
    /// empty ones, not left off, so an axis does not read as if the lake ended where the rows do.
    /// </param>
    public static List<(string? Label, IReadOnlyList<string?>? Row)> Of(IReadOnlyList<IReadOnlyList<string?>> rows, int labelColumn, string? until = null)
    {
        var ordered = rows.OrderBy(r => r[labelColumn], StringComparer.Ordinal).ToList();
        var slots = new List<(string?, IReadOnlyList<string?>?)>(ordered.Count);
        for (var i = 0; i < ordered.Count; i++)
        {
            if (i > 0)
            {
                slots.AddRange(Between(ordered[i - 1][labelColumn], ordered[i][labelColumn]).Select(label => ((string?)label, (IReadOnlyList<string?>?)null)));
            }
            slots.Add((ordered[i][labelColumn], ordered[i]));
        }
        if (ordered.Count > 0 && until is not null && string.CompareOrdinal(until, ordered[^1][labelColumn]) > 0 && Aligned(ordered[^1][labelColumn], until))
        {
            slots.AddRange(Between(ordered[^1][labelColumn], until).Append(until).Select(label => ((string?)label, (IReadOnlyList<string?>?)null)));
        }
        return slots;
    }

    /// <summary>How a note names one place of an axis whose labels are like <paramref name="label"/>: "the week of", "the month".</summary>
    public static string Period(string? label) =>
        Parse(label, Day) is not null ? "the week of" : Parse(label, Month) is not null ? "the month" : "";

    /// <summary>What the places of an axis whose first label is <paramref name="label"/> are: weeks, months, or bars.</summary>
    public static string Noun(string? label) =>
        Parse(label, Day) is not null ? "weeks" : Parse(label, Month) is not null ? "months" : "bars";

    /// <summary>The latest <paramref name="most"/> places (at least one), and how many earlier ones are left out.</summary>
    public static (List<(string? Label, IReadOnlyList<string?>? Row)> Shown, int Earlier) Latest(List<(string? Label, IReadOnlyList<string?>? Row)> slots, int most)
    {
        var earlier = Math.Max(0, slots.Count - Math.Max(1, most));
        return (earlier == 0 ? slots : slots.GetRange(earlier, slots.Count - earlier), earlier);
    }

    /// <summary>The indexes of each run of places that hold a row, in order: the pieces of a line broken at the empty places.</summary>
    public static IEnumerable<List<int>> Runs(List<(string? Label, IReadOnlyList<string?>? Row)> slots)
    {
        var run = new List<int>();
        for (var i = 0; i < slots.Count; i++)
        {
            if (slots[i].Row is not null)
            {
                run.Add(i);
            }
            else if (run.Count > 0)
            {
                yield return run;
                run = [];
            }
        }
        if (run.Count > 0)
        {
            yield return run;
        }
    }

    /// <summary>The labels of the weeks or months strictly between two labels, in order; none for labels of another kind.</summary>
    private static IEnumerable<string> Between(string? earlier, string? later)
    {
        if (Parse(earlier, Day) is { } a && Parse(later, Day) is { } b && (b.DayNumber - a.DayNumber) % 7 == 0)
        {
            return Enumerable.Range(1, Math.Max(0, (b.DayNumber - a.DayNumber) / 7 - 1)).Select(k => a.AddDays(7 * k).ToString(Day, CultureInfo.InvariantCulture));
        }
        if (Parse(earlier, Month) is { } m && Parse(later, Month) is { } n)
        {
            var months = (n.Year - m.Year) * 12 + n.Month - m.Month;
            return Enumerable.Range(1, Math.Max(0, months - 1)).Select(k => m.AddMonths(k).ToString(Month, CultureInfo.InvariantCulture));
        }
        return [];
    }

    /// <summary>Whether two labels are places of one axis of weeks (a whole number of weeks apart) or of months.</summary>
    private static bool Aligned(string? earlier, string? later) =>
        Parse(earlier, Day) is { } a && Parse(later, Day) is { } b ? (b.DayNumber - a.DayNumber) % 7 == 0 : Parse(earlier, Month) is not null && Parse(later, Month) is not null;

    private static DateOnly? Parse(string? text, string format) =>
        DateOnly.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
}
