using System.Globalization;
using SpotifyEtl.Cli.Queries;

namespace SpotifyEtl.Cli.Report;

/// <summary>
/// The days a lake's weekly charts rest on: the day of its first play and its latest snapshot (the day its last
/// extraction ran, which may not have been over). A week that begins before the first play's day, or does not end
/// before the latest snapshot, is one the lake holds only in part, and its bar would read as a drop in listening: the
/// charts draw it paler and say why. The lifetime history's months likewise: the last, not over by the history's last
/// day (or the latest snapshot, where that is later), is one it holds only in part, and so is each month that meets
/// the days between the data export's last stream and the first play the extraction read, where these are apart
/// (an export requested before the extraction began): nothing is known of those days. Its first month is whole where
/// the history holds the extended streaming history, which begins when the account did; without it (the account data,
/// which holds its last year, or the API's plays alone) the history's first day is where the lake's knowledge begins,
/// and that month too is one it holds in part. Plays that end more than a week before the latest snapshot (recently played
/// no longer extracted, or nothing played) end the weekly charts of plays early: the week of the last play is drawn paler,
/// and the note says where they end. A week that meets a recently-played gap a run's manifest names (<see cref="PlayGaps"/>)
/// is one the lake holds in part too: more was played then than Spotify kept for the next run.
/// </summary>
internal sealed record LakeSpan(DateOnly? FirstPlay, DateOnly? LatestSnapshot, DateOnly? HistoryLast = null, DateOnly? ExportLast = null,
    DateOnly? HistoryBeginsCut = null, DateOnly? LastPlay = null)
{
    /// <summary>The days of each recently-played gap the lake's run manifests name (<see cref="Report.PlayGaps"/>), in order.</summary>
    public IReadOnlyList<(DateOnly From, DateOnly To)> PlayGaps { get; init; } = [];

    public static readonly LakeSpan Unknown = new(null, null);

    /// <summary>
    /// The first play's day from the plays table, the latest snapshot from the data-quality answer (the one the page's
    /// header names) or, where that failed, from the plays; unknown where neither can be read.
    /// </summary>
    public static LakeSpan Read(LakeDatabase database, IReadOnlyDictionary<string, QueryAnswer> answers)
    {
        var latest = answers.GetValueOrDefault("data_quality")?.Result?.Rows.Select(r => r[0]).Max(StringComparer.Ordinal);
        return new LakeSpan(Day(database, "SELECT MIN(substr(played_at, 1, 10)) FROM plays"),
            Date(latest) ?? Day(database, "SELECT MAX(snapshot_date) FROM plays"),
            Day(database, "SELECT MAX(substr(ended_at, 1, 10)) FROM listening_history"),
            Day(database, "SELECT MAX(substr(ended_at, 1, 10)) FROM listening_history WHERE source <> 'api'"),
            Day(database, "SELECT MIN(substr(ended_at, 1, 10)) FROM listening_history HAVING COUNT(CASE WHEN source = 'extended' THEN 1 END) = 0"),
            Day(database, "SELECT MAX(substr(played_at, 1, 10)) FROM plays"));
    }

    /// <summary>
    /// The days between the export's last stream and the first play the extraction read (the plays table's first, not the
    /// history's first API row: a play the export also holds is the export's row there), when at least one lies between them.
    /// </summary>
    private (DateOnly From, DateOnly To)? UnknownDays => ExportLast is { } exported && FirstPlay is { } read && read.DayNumber - exported.DayNumber > 1
        ? (exported.AddDays(1), read.AddDays(-1))
        : null;

    /// <summary>The last day the history may hold: its last stream's, or the latest snapshot where later; null without a history.</summary>
    private DateOnly? HistoryEnd => HistoryLast is { } last ? (LatestSnapshot is { } latest && latest > last ? latest : last) : null;

    /// <summary>Whether the history's month (yyyy-MM) is not over by the last day it may hold, or meets the days nothing is known of.</summary>
    public bool IsPartialMonth(string? month) =>
        HistoryEnd is { } end && Date(month + "-01") is { } start && (start.AddMonths(1).AddDays(-1) >= end
            || (UnknownDays is { } gap && start <= gap.To && start.AddMonths(1).AddDays(-1) >= gap.From)
            || (HistoryBeginsCut is { } begins && start <= begins && start.AddMonths(1).AddDays(-1) >= begins));

    /// <summary>What the history's paler months are, in one sentence; null without a history.</summary>
    public string? MonthNote() => HistoryEnd is { } end
        ? "Paler: a month the history holds only in part (" + (HistoryBeginsCut is { } begins
            ? $"it begins on {Iso(begins)}, as far back as the account data (its last year) or the API's plays go; the extended streaming history holds the streams before; "
            : "") + (UnknownDays is { } unknown
            ? $"nothing is known from {Iso(unknown.From)} to {Iso(unknown.To)}, between the data export's last stream and the first play the extraction read; "
            : "") + $"it runs to {Iso(end)}, a day that may not have been over)."
        : null;

    /// <summary>Where the history begins later than the account (no extended streaming history), in one sentence; null otherwise.</summary>
    public string? HistoryBeginsNote() => HistoryBeginsCut is { } begins
        ? $"The history begins on {Iso(begins)}, as far back as the account data (its last year) or the API's plays go: an artist first streamed on or soon " +
          "after that day may have been heard before. The extended streaming history, which begins with the account, holds the streams before."
        : null;

    /// <summary>
    /// Whether the lake holds the week that starts on this day (a Monday, as yyyy-MM-dd) only in part, counting its first plays:
    /// the first play's day is held in part too (the first extraction reads only Spotify's last plays), so a week that begins
    /// on it is as well.
    /// </summary>
    public bool IsPartialWeekOfPlays(string? weekStart) =>
        Date(weekStart) is { } start && ((FirstPlay is { } first && start <= first) || EndsPartial(start)
            || (PlaysEndEarly is { } last && start <= last && last <= start.AddDays(6))
            || PlayGaps.Any(gap => gap.From <= start.AddDays(6) && gap.To >= start));

    /// <summary>The last play's day, where it is more than a week before the latest snapshot; null otherwise.</summary>
    private DateOnly? PlaysEndEarly => LastPlay is { } last && LatestSnapshot is { } latest && latest.DayNumber - last.DayNumber > 7 ? last : null;

    /// <summary>The Monday (UTC) of the latest snapshot's week, as the weekly questions label weeks; null when unknown.</summary>
    public string? LatestWeek => LatestSnapshot is { } latest ? Iso(latest.AddDays(-(((int)latest.DayOfWeek + 6) % 7))) : null;

    /// <summary>Whether the week that starts on this day is not over by the latest snapshot (a library's saves have no first day).</summary>
    public bool IsPartialWeek(string? weekStart) => Date(weekStart) is { } start && EndsPartial(start);

    private bool EndsPartial(DateOnly weekStart) => LatestSnapshot is { } latest && weekStart.AddDays(6) >= latest;

    /// <summary>
    /// What a chart's paler weeks are (<paramref name="mark"/>: how the chart draws them, "Paler" bars or "Hollow" dots), in one
    /// sentence, of the weeks it draws so (<paramref name="drawn"/>, Mondays as yyyy-MM-dd): a first play, a gap or an end of
    /// plays in weeks cut off the chart is not said; null when nothing about them is known.
    /// </summary>
    public string? Note(bool countsFirstPlay, IReadOnlyList<string?> drawn, string mark = "Paler")
    {
        var weeks = drawn.Select(Date).OfType<DateOnly>().ToList();
        bool Meets(DateOnly from, DateOnly to) => weeks.Any(start => start <= to && start.AddDays(6) >= from);
        var known = new List<string>();
        if (countsFirstPlay && FirstPlay is { } first && weeks.Any(start => start <= first))
        {
            known.Add($"the lake's plays begin on {Iso(first)}");
        }
        if (countsFirstPlay && PlaysEndEarly is { } last && Meets(last, last))
        {
            known.Add($"they end on {Iso(last)}, with nothing charted after that week: recently played was not extracted since, or nothing was played");
        }
        var gaps = countsFirstPlay ? PlayGaps.Where(gap => Meets(gap.From, gap.To)).ToList() : [];
        if (gaps.Count > 0)
        {
            var named = string.Join(", ", gaps.Take(3).Select(gap => gap.From == gap.To ? Iso(gap.From) : $"{Iso(gap.From)} to {Iso(gap.To)}"));
            known.Add($"plays may be missing on {named}{(gaps.Count > 3 ? $" and {gaps.Count - 3} more stretches" : "")}: " +
                "more was played between two runs than Spotify keeps (its data export holds them)");
        }
        if (LatestSnapshot is { } latest && weeks.Any(EndsPartial))
        {
            known.Add($"its latest snapshot is {Iso(latest)}, a day that may not have been over");
        }
        return known.Count == 0 ? null : $"{mark}: a week the lake holds only in part ({string.Join("; ", known)}).";
    }

    /// <summary>
    /// The days of a year (yyyy) the charts of plays hold, where they hold it only in part: from the first play's day, where the
    /// year holds it, to its latest snapshot (or the last play's day, where plays end more than a week before it), where the
    /// year holds that; null for a year held whole or unknown.
    /// </summary>
    public YearPart? PartOfYearOfPlays(string? year) =>
        Part(year, FirstPlay, PlaysEndEarly ?? LatestSnapshot, null) is { } part
            ? new(part.From, part.To, $"Only part of {year}: the lake's plays in it run from {Iso(part.From)}" +
                (part.To == PlaysEndEarly ? $" to their last, on {Iso(part.To)} (recently played was not extracted since, or nothing was played)"
                    : part.To == LatestSnapshot ? $" to its latest snapshot, {Iso(part.To)}, a day that may not have been over" : $" to {Iso(part.To)}") +
                ". The table below holds every year.")
            : null;

    /// <summary>
    /// The days of a year (yyyy) the history holds, where it holds it only in part: from the day it begins where the year holds
    /// that and the account does not (no extended streaming history), to the last day it may hold, or with days between the
    /// export's last stream and the extraction's first play, of which nothing is known; null for a year held whole.
    /// </summary>
    public YearPart? PartOfYearOfHistory(string? year)
    {
        var gap = UnknownDays is { } days && Date(year + "-01-01") is { } start && days.From <= start.AddYears(1).AddDays(-1) && days.To >= start ? days : ((DateOnly From, DateOnly To)?)null;
        // Days nothing is known of at either end of the year are not days it holds: a year whose first plays the extraction
        // read after an export of years before begins with those plays, not on 1 January.
        var (begins, ends) = (HistoryBeginsCut, HistoryEnd);
        if (gap is { } unknown && Date(year + "-01-01") is { } january)
        {
            begins = unknown.From <= january && (begins is null || begins <= unknown.To) ? unknown.To.AddDays(1) : begins;
            ends = unknown.To >= january.AddYears(1).AddDays(-1) && (ends is null || ends >= unknown.From) ? unknown.From.AddDays(-1) : ends;
        }
        return Part(year, begins, ends, gap) is { } part
            ? new(part.From, part.To, $"Only part of {year}: the history holds it from {Iso(part.From)}" +
                (part.From == HistoryBeginsCut ? " (as far back as the account data, its last year, or the API's plays go)" : "") +
                (part.To == HistoryEnd ? $" to {Iso(part.To)}, a day that may not have been over" : $" to {Iso(part.To)}") +
                (gap is { } g ? $"; nothing is known from {Iso(g.From)} to {Iso(g.To)}, between the data export's last stream and the first play the extraction read" : "") +
                ". The table below holds every year.")
            : null;
    }

    private static (DateOnly From, DateOnly To)? Part(string? year, DateOnly? begins, DateOnly? ends, (DateOnly, DateOnly)? gap)
    {
        if (Date(year + "-01-01") is not { } first)
        {
            return null;
        }
        var last = first.AddYears(1).AddDays(-1);
        var from = begins is { } b && b > first && b <= last ? b : first;
        var to = ends is { } e && e >= first && e <= last ? e : last;
        return from == first && to == last && gap is null ? null : (from, to);
    }

    /// <summary>The days of a year a chart holds (<see cref="PartOfYearOfPlays"/>), and the sentence under the chart that says so.</summary>
    public sealed record YearPart(DateOnly From, DateOnly To, string Note)
    {
        /// <summary>What follows the year in a chart's title: its first and last day held; null where these are its own (days unknown between them).</summary>
        public string? Span => From.DayOfYear == 1 && To.AddDays(1).DayOfYear == 1 ? null : $"{Iso(From)} to {Iso(To)}";
    }

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly? Date(string? text) =>
        text is { Length: >= 10 } && DateOnly.TryParseExact(text.AsSpan(0, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    private static DateOnly? Day(LakeDatabase database, string sql)
    {
        try
        {
            return Date(database.Read(sql, "the lake's span").Rows.FirstOrDefault()?[0]);
        }
        catch (Exception exception) when (exception is QueryFailedException or LakeException)
        {
            return null; // no plays table, or a damaged file: the section that reads it says so
        }
    }
}
