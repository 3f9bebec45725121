namespace SpotifyEtl.Import;

/// <summary>What became of the rows of one input (a landed file, or the API's plays).</summary>
public sealed class OriginCounts
{
    public int Kept { get; internal set; }
    /// <summary>Exact duplicates of a stream another row (of this input or another) already holds.</summary>
    public int Duplicates { get; internal set; }
    /// <summary>
    /// Streams another source holds more precisely: account rows within the extended history or of a stream an API play names (the
    /// play is kept, with the row's time played), API plays the export holds.
    /// </summary>
    public int Covered { get; internal set; }
}

/// <summary>The listening history and what became of each input's rows.</summary>
public sealed record MergedHistory(IReadOnlyList<ListeningRow> Rows, IReadOnlyList<OriginCounts> Origins);

/// <summary>
/// Makes one history of every input, each stream counted once. A pure function of the set of rows: the
/// order of inputs, and of rows within them, changes nothing (inputs are numbered in the order of their
/// content-derived keys, which only breaks ties between equal rows).
/// <list type="number">
/// <item>Exact duplicates (<see cref="HistoryIdentity"/>) are one row: the fullest version, then the first by text. An extended row
/// that names no content is the stream of the one row that does and ended in that second after that time played.</item>
/// <item>Account rows only fill periods the extended history does not cover: from its first stream's minute to its last stream,
/// the days (UTC) it has streams on; in that first and last minute, only the rows an extended stream of the minute names.</item>
/// <item>An API play and an export row of the same track ending within <see cref="ApiTolerance"/> are one stream (the export's row,
/// which knows more); an API play and an account row of the same track and artist names in that minute, likewise (the API's row,
/// with the account row's time played; of two rows of the minute, the longer played). A play that pairs with neither, and an export
/// row of its track (or an account row of its names) that began within the tolerance of its <c>played_at</c>, are one stream too
/// (the export's row): some clients have stamped a play with its start, not its end. A play that pairs with none of those is
/// the stream of the first row of its track (or names) to end after it, if that row could have begun by the play and no
/// other play has it: the time played counts no pause, so a paused stream began earlier than its end less that time.</item>
/// </list>
/// </summary>
public static partial class HistoryMerge
{
    /// <summary>How far apart the API's <c>played_at</c> and the export's <c>ts</c> of one stream may be.</summary>
    public static readonly TimeSpan ApiTolerance = TimeSpan.FromSeconds(15);

    private sealed class Entry(ListeningRow row, int origin)
    {
        public ListeningRow Row { get; set; } = row;
        public int Origin { get; } = origin;
        public bool Covered { get; set; }
    }

    /// <param name="inputs">The rows of each input; an input's index is its origin in the result.</param>
    /// <param name="span">The extended history's span when the inputs are only some months' rows (else taken from them).</param>
    /// <param name="counted">
    /// The months (their first second) whose rows <see cref="MergedHistory.Origins"/> counts; every month when null. Rows
    /// merged from some months' windows count only in their own month, so that counts summed over windows count each row once.
    /// </param>
    public static MergedHistory Merge(IReadOnlyList<IReadOnlyList<ListeningRow>> inputs, ExtendedSpan? span = null, Func<long, bool>? counted = null)
    {
        var origins = inputs.Select(_ => new OriginCounts()).ToArray();
        // One stream's versions all end in the same second, so in the same month: months are deduplicated at once.
        var months = ByMonth(inputs);
        var keptByMonth = new List<Entry>[months.Count];
        Parallel.For(0, months.Count, i =>
        {
            var duplicates = new int[inputs.Count];
            keptByMonth[i] = Deduplicate(months[i].Rows, duplicates);
            if (counted?.Invoke(months[i].Start) == false)
            {
                return;
            }
            lock (origins)
            {
                for (var origin = 0; origin < duplicates.Length; origin++)
                {
                    origins[origin].Duplicates += duplicates[origin];
                }
            }
        });
        var kept = keptByMonth.SelectMany(m => m).ToList();
        var extended = kept.Where(e => e.Row.Source == HistorySource.Extended).ToList();
        var account = kept.Where(e => e.Row.Source == HistorySource.Account).ToList();
        var api = kept.Where(e => e.Row.Source == HistorySource.Api).OrderBy(e => e.Row, HistoryOrder.Instance).ToList();

        span ??= extended.Count > 0 ? new ExtendedSpan(extended.Min(e => e.Row.EndedAt), extended.Max(e => e.Row.EndedAt)) : null;
        if (span is { } covered)
        {
            // Within the span, only the days the extended history has streams on: a file of it that is missing (skipped or
            // not imported) leaves its days to the account data rather than empty. A video stream covers its day as any
            // other does, so the video file imported alone covers the account rows of the days it has streams on.
            var first = covered.First / 60 * 60;
            var last = covered.Last / 60 * 60;
            var days = extended.Select(e => Day(e.Row.EndedAt)).ToHashSet();
            // In the span's first and last minutes an account row's minute cannot say whether its stream ended before or
            // after the extended history's edge (account data asked for later holds the streams after it): covered there
            // only by an extended stream of that minute with its names.
            var edges = extended.Where(e => e.Row.EndedAt / 60 * 60 is var minute && (minute == first || minute == last))
                .Select(e => (e.Row.EndedAt / 60 * 60, e.Row.TrackName, e.Row.ArtistName)).ToHashSet();
            foreach (var row in account.Where(e => e.Row.EndedAt >= first && e.Row.EndedAt <= covered.Last && days.Contains(Day(e.Row.EndedAt))))
            {
                row.Covered = (row.Row.EndedAt != first && row.Row.EndedAt != last) || edges.Contains((row.Row.EndedAt, row.Row.TrackName, row.Row.ArtistName));
            }
        }
        if (api.Count > 0)
        {
            extended.Sort((a, b) => HistoryOrder.Instance.Compare(a.Row, b.Row));
            var open = account.Where(e => !e.Covered).OrderBy(e => e.Row, HistoryOrder.Instance).ToList();
            foreach (var month in api.SelectMany(e => HistoryMonths.Touched(e.Row.EndedAt)).Distinct().Order())
            {
                MatchApiPlays(month, api, extended, open);
            }
        }

        foreach (var entry in counted is null ? kept : kept.Where(e => counted(HistoryMonths.Start(e.Row.EndedAt))))
        {
            if (entry.Covered)
            {
                origins[entry.Origin].Covered++;
            }
            else
            {
                origins[entry.Origin].Kept++;
            }
        }
        // Months follow one another in time: each sorted on its own, in parallel, they make the whole table's order.
        var sorted = new List<ListeningRow>[keptByMonth.Length];
        Parallel.For(0, keptByMonth.Length, i =>
        {
            sorted[i] = keptByMonth[i].Where(e => !e.Covered).Select(e => e.Row).ToList();
            HistoryOrder.Sort(sorted[i]);
        });
        return new MergedHistory([.. sorted.SelectMany(m => m)], origins);
    }

    /// <summary>The UTC day of a time: every row's time is after 2008 (<see cref="ExportTime.FirstDay"/>), so never negative.</summary>
    private static long Day(long seconds) => seconds / 86_400;

    /// <summary>Every input's rows by the month they ended in (its first second), months in time order, each row with its input's index.</summary>
    private static List<(long Start, List<(ListeningRow Row, int Origin)> Rows)> ByMonth(IReadOnlyList<IReadOnlyList<ListeningRow>> inputs)
    {
        var months = new Dictionary<long, List<(ListeningRow, int)>>();
        long start = 0, next = long.MinValue;
        List<(ListeningRow, int)>? current = null;
        for (var origin = 0; origin < inputs.Count; origin++)
        {
            foreach (var row in inputs[origin])
            {
                if (current is null || row.EndedAt < start || row.EndedAt >= next)
                {
                    start = HistoryMonths.Start(row.EndedAt);
                    next = HistoryMonths.Next(start);
                    if (!months.TryGetValue(start, out current))
                    {
                        months[start] = current = [];
                    }
                }
                current.Add((row, origin));
            }
        }
        return [.. months.OrderBy(m => m.Key).Select(m => (m.Key, m.Value))];
    }

    /// <summary>
    /// Pairs each API play, in time order, with the nearest unpaired export row of the same stream, among the rows of
    /// one month's window, and settles the rows of that month. Every row a play of the month could pair with, and
    /// every play that could take it first, lies in the window, so a month comes out the same whether all months are
    /// merged at once or it is rebuilt alone.
    /// </summary>
    private static void MatchApiPlays(long month, List<Entry> api, List<Entry> extended, List<Entry> account)
    {
        var (from, to) = HistoryMonths.Window(month);
        var end = HistoryMonths.Next(month);
        var plays = Within(api, from, to);
        if (plays.Count == 0)
        {
            return;
        }
        var tolerance = (long)ApiTolerance.TotalSeconds;
        var byTrack = Within(extended, from, to).Where(e => e.Row.TrackUri is not null).GroupBy(e => e.Row.TrackUri!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var byName = Within(account, from, to).Where(e => e.Row.TrackName is not null)
            .GroupBy(e => NameKey(e.Row.TrackName, e.Row.ArtistName), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var paired = new HashSet<Entry>(ReferenceEqualityComparer.Instance);
        bool InMonth(Entry e) => e.Row.EndedAt >= month && e.Row.EndedAt < end;
        var unpaired = new List<Entry>();
        foreach (var play in plays)
        {
            var at = play.Row.EndedAt;
            if (play.Row.TrackUri is { } uri && byTrack.TryGetValue(uri, out var streams)
                && Nearest(streams, paired, e => Math.Abs(e.Row.EndedAt - at), tolerance) is { } stream)
            {
                paired.Add(stream);
                play.Covered |= InMonth(play);
            }
            else if (byName.TryGetValue(NameKey(play.Row.TrackName, play.Row.ArtistName), out var minutes)
                && Nearest(minutes, paired, e => Distance(e.Row.EndedAt, at), tolerance, preferLonger: true) is { } minute)
            {
                // The account row is cut to the minute its stream ended in: the API's play is the same stream, to the second.
                PairWithAccount(play, minute);
            }
            else
            {
                unpaired.Add(play);
            }
        }
        // Only once every play has had its pick by end: a play stamped with its end never loses its row to one stamped with
        // its start. A row's start is its end less the time played, so only streams shorter than the window's reach into the
        // next month qualify (a track played a day long is no such stream).
        var paused = new List<Entry>();
        foreach (var play in unpaired)
        {
            var at = play.Row.EndedAt;
            if (play.Row.TrackUri is { } uri && byTrack.TryGetValue(uri, out var streams)
                && Nearest(streams, paired, e => StartsWithinReach(e) ? Math.Abs(e.Row.StartedAt - at) : long.MaxValue, tolerance) is { } stream)
            {
                paired.Add(stream);
                play.Covered |= InMonth(play);
            }
            else if (byName.TryGetValue(NameKey(play.Row.TrackName, play.Row.ArtistName), out var minutes)
                && Nearest(minutes, paired, e => StartsWithinReach(e) ? Distance(e.Row.EndedAt - (e.Row.MsPlayed!.Value + 999) / 1000, at) : long.MaxValue, tolerance, preferLonger: true) is { } minute)
            {
                // An account row's stream began in the minute it ended in, less the time played. The row is kept: its minute
                // is the stream's end, where the play's second is its start.
                paired.Add(minute);
                play.Covered |= InMonth(play);
            }
            else
            {
                paused.Add(play);
            }
        }
        // A stream paused on the way began earlier than its end less the time played says (which counts no pause): a play
        // stamped with its start then pairs by neither. Its stream is the first of its track (or names) to end after it, if
        // that one could have begun by the play (its end less the time played is no earlier) and no play has it.
        foreach (var play in paused)
        {
            var at = play.Row.EndedAt;
            if (play.Row.TrackUri is { } uri && byTrack.TryGetValue(uri, out var streams)
                && FirstEndingAfter(streams, at, 0, e => e.Row.StartedAt) is { } stream && !paired.Contains(stream))
            {
                paired.Add(stream);
                play.Covered |= InMonth(play);
            }
            else if (byName.TryGetValue(NameKey(play.Row.TrackName, play.Row.ArtistName), out var minutes)
                && FirstEndingAfter(minutes, at, 59, e => e.Row.EndedAt + 59 - e.Row.MsPlayed!.Value / 1000) is { } minute && !paired.Contains(minute))
            {
                paired.Add(minute);
                play.Covered |= InMonth(play);
            }
        }

        // The first of the candidates (sorted by end) to end after the play, where it began no earlier than the play by its
        // latest start (its end, up to slack seconds after the one it records, less the time played) and within the reach of
        // a start; null when the first does not.
        Entry? FirstEndingAfter(List<Entry> candidates, long at, long slack, Func<Entry, long> latestStart)
        {
            var index = Lower(candidates, at - slack + 1);
            var first = index < candidates.Count ? candidates[index] : null;
            return first is not null && StartsWithinReach(first) && latestStart(first) >= at - tolerance
                && (first.Row.EndedAt - at) * 1000 < StartReach ? first : null;
        }

        // The API's play keeps its track and second; the time played is the account row's, which Spotify measured, where the
        // play's is the track's length, whatever part of it was heard.
        void PairWithAccount(Entry play, Entry minute)
        {
            paired.Add(minute);
            minute.Covered |= InMonth(minute);
            if (InMonth(play) && minute.Row.MsPlayed is { } ms)
            {
                play.Row = play.Row with { MsPlayed = ms };
            }
        }
    }

    private static bool StartsWithinReach(Entry e) => e.Row.MsPlayed is int ms && ms > 0 && ms < StartReach;

    /// <summary>The longest time played (ms) of a stream an API play may pair with by its start: the window's day, less the tolerance twice.</summary>
    private static readonly long StartReach = (HistoryMonths.Day - 2 * (long)ApiTolerance.TotalSeconds) * 1000;

    /// <summary>How far an exact time is outside an account row's minute.</summary>
    private static long Distance(long minute, long at) => at < minute ? minute - at : at >= minute + 60 ? at - (minute + 59) : 0;

    private static string NameKey(string? track, string? artist) =>
        $"{track?.Trim().ToUpperInvariant()}\u001f{artist?.Trim().ToUpperInvariant()}";
}
