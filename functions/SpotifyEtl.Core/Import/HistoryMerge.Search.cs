namespace SpotifyEtl.Import;

/// <summary>The searches of the merge: entries by time, and the nearest one a play may pair with.</summary>
public static partial class HistoryMerge
{
    /// <summary>The entries (sorted by time) that ended in [from, to).</summary>
    private static List<Entry> Within(List<Entry> sorted, long from, long to)
    {
        var start = Lower(sorted, from);
        return sorted.GetRange(start, Lower(sorted, to) - start);
    }

    private static int Lower(List<Entry> sorted, long at)
    {
        int low = 0, high = sorted.Count;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (sorted[middle].Row.EndedAt < at) low = middle + 1; else high = middle;
        }
        return low;
    }

    /// <param name="preferLonger">
    /// Between rows as near, the one played longer: account rows of one minute are all as near a play, and the API lists a
    /// track played 30 seconds or more, not the skip before it.
    /// </param>
    private static Entry? Nearest(List<Entry> candidates, HashSet<Entry> paired, Func<Entry, long> distance, long tolerance, bool preferLonger = false)
    {
        Entry? best = null;
        var bestDistance = long.MaxValue;
        foreach (var candidate in candidates)
        {
            var d = distance(candidate);
            var nearer = d < bestDistance || (preferLonger && d == bestDistance && best is not null && (candidate.Row.MsPlayed ?? 0) > (best.Row.MsPlayed ?? 0));
            if (d <= tolerance && nearer && !paired.Contains(candidate))
            {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }
}
