namespace SpotifyEtl.Import;

public static partial class HistoryMerge
{
    /// <summary>Exact duplicates (<see cref="HistoryIdentity"/>) of one month as one entry each; the others counted per input.</summary>
    private static List<Entry> Deduplicate(List<(ListeningRow Row, int Origin)> rows, int[] duplicates)
    {
        var groups = new Dictionary<HistoryIdentity, Entry>(rows.Count, HistoryIdentityComparer.Instance);
        foreach (var (row, origin) in rows)
        {
            var identity = HistoryIdentity.Of(row);
            if (!groups.TryGetValue(identity, out var current))
            {
                groups[identity] = new Entry(row, origin);
                continue;
            }
            var candidate = new Entry(row, origin);
            if (Better(candidate, current))
            {
                groups[identity] = candidate;
                duplicates[current.Origin]++;
            }
            else
            {
                duplicates[origin]++;
            }
        }
        FoldBareRows(groups, duplicates);
        return [.. groups.Values];
    }

    /// <summary>
    /// An extended-history row that names no content at all (no URI, no name: an older export's audiobook chapter from before
    /// the audiobook keys, or a track whose metadata a newer export no longer gives) is the stream of the one row that names
    /// its content and ended in the same second after the same time played, where there is exactly one such row.
    /// </summary>
    private static void FoldBareRows(Dictionary<HistoryIdentity, Entry> groups, int[] duplicates)
    {
        static bool Bare(HistoryIdentity i) => i.Source == HistorySource.Extended && i is { Content: null, Name: null, Artist: null, Episode: null, Show: null };
        var bare = groups.Where(g => Bare(g.Key)).ToList();
        if (bare.Count == 0)
        {
            return;
        }
        var named = groups.Where(g => g.Key.Source == HistorySource.Extended && !Bare(g.Key))
            .GroupBy(g => (g.Key.EndedAt, g.Key.MsPlayed)).Where(g => g.Count() == 1).Select(g => g.Key).ToHashSet();
        foreach (var (identity, entry) in bare)
        {
            if (named.Contains((identity.EndedAt, identity.MsPlayed)))
            {
                groups.Remove(identity);
                duplicates[entry.Origin]++;
            }
        }
    }

    /// <summary>Of two versions of one stream: the fuller, then the first by text, then the first input.</summary>
    private static bool Better(Entry candidate, Entry current)
    {
        var filled = candidate.Row.Filled().CompareTo(current.Row.Filled());
        if (filled != 0)
        {
            return filled > 0;
        }
        var text = string.CompareOrdinal(candidate.Row.Canonical(), current.Row.Canonical());
        return text != 0 ? text < 0 : candidate.Origin < current.Origin;
    }
}
