using SpotifyEtl.Lake;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Cli.Commands;

/// <summary>
/// The days a transform wrote, and the days the lake holds. A transform's summary counts the partitions the run wrote,
/// which after an --input of one new day are that day's alone: said next to the lake's own count of days, a table with
/// no rows that day reads as what it is, not as an empty table.
/// </summary>
internal sealed record WrittenDays(IReadOnlyList<DateOnly> Written, int InLake)
{
    /// <summary>The lake's latest day (of the days written and those its tables hold): the one an extraction can still add to.</summary>
    public DateOnly? Latest { get; init; }

    /// <summary>The days of the published tables' partitions in <paramref name="report"/>, and those under the lake's transformed/.</summary>
    public static WrittenDays Of(TransformBatchReport report, string lake)
    {
        var written = report.Partitions.Keys
            .Where(partition => TableNames.Published.Any(table => partition.StartsWith(table + "/", StringComparison.Ordinal)))
            .Select(LakeLayout.SnapshotDateOf)
            .OfType<DateOnly>()
            .Distinct()
            .Order()
            .ToList();
        var inLake = LakeDays(lake);
        return new WrittenDays(written, Math.Max(written.Count, inLake.Count)) { Latest = inLake.Concat(written).DefaultIfEmpty().Max() is { DayNumber: > 0 } latest ? latest : null };
    }

    /// <summary>
    /// The line under the tables: how many days this run wrote, which, and whether the lake holds others, left as they were.
    /// </summary>
    public string Sentence()
    {
        if (Written.Count == 0)
        {
            return "This run wrote no daily partition.";
        }
        var which = Which(Written);
        var others = InLake - Written.Count;
        return others == 0
            ? $"This run wrote {Days(Written.Count)}, {which}: every day the lake holds."
            : $"This run wrote {Days(Written.Count)}, {which}; the lake's {(others == 1 ? "other day was left as it was" : $"other {Days(others)} were left as they were")}.";
    }

    private static string Days(int count) => count == 1 ? "1 day" : $"{count:N0} days";

    /// <summary>
    /// The days, in order: one; a run of consecutive days as its first and last; others by name, three at the most and how
    /// many more (a range over days that were not written would say they were).
    /// </summary>
    public static string Which(IReadOnlyList<DateOnly> days)
    {
        if (days.Count == 1)
        {
            return $"{days[0]:yyyy-MM-dd}";
        }
        if (days[^1].DayNumber - days[0].DayNumber == days.Count - 1)
        {
            return $"{days[0]:yyyy-MM-dd} to {days[^1]:yyyy-MM-dd}";
        }
        var named = days.Take(3).Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return days.Count <= 3
            ? $"{string.Join(", ", named.SkipLast(1))} and {named[^1]}"
            : $"{string.Join(", ", named)} and {days.Count - 3:N0} more";
    }

    /// <summary>The days for which some published table has a partition folder: one listing of each table's folder.</summary>
    private static HashSet<DateOnly> LakeDays(string lake)
    {
        var days = new HashSet<DateOnly>();
        foreach (var table in TableNames.Published)
        {
            var folder = Path.Combine(lake, LakeLayout.Transformed, table);
            try
            {
                foreach (var partition in Directory.EnumerateDirectories(folder))
                {
                    if (LakeLayout.SnapshotDateOf("/" + Path.GetFileName(partition)) is { } date)
                    {
                        days.Add(date);
                    }
                }
            }
            catch (Exception exception) when (SpotifyEtl.Storage.LocalEntry.IsEntryFailure(exception))
            {
                // A folder that cannot be listed after the run wrote in it counts as none: the days written are counted all the same.
            }
        }
        return days;
    }
}
