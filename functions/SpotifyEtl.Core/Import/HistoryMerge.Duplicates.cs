namespace SpotifyEtl.Import;

public static partial class HistoryMerge
{
    /// <summary>
    /// Exact duplicates (<see cref="HistoryIdentity"/>) of one month as one entry each, the others counted per input: the
    /// best version (<see cref="Better"/>) with each field of the stream it leaves empty taken from the others, best first,
    /// so that a copy without <c>skipped</c> and one without <c>platform</c> keep both, in whatever order they came.
    /// </summary>
    private static List<Entry> Deduplicate(List<(ListeningRow Row, int Origin)> rows, int[] duplicates)
    {
        var groups = new Dictionary<HistoryIdentity, Entry>(rows.Count, HistoryIdentityComparer.Instance);
        Dictionary<HistoryIdentity, List<Entry>>? others = null;
        foreach (var (row, origin) in rows)
        {
            var identity = HistoryIdentity.Of(row);
            if (!groups.TryGetValue(identity, out var current))
            {
                groups[identity] = new Entry(row, origin);
                continue;
            }
            var candidate = new Entry(row, origin);
            var (kept, other) = Better(candidate, current) ? (candidate, current) : (current, candidate);
            groups[identity] = kept;
            duplicates[other.Origin]++;
            others ??= new Dictionary<HistoryIdentity, List<Entry>>(HistoryIdentityComparer.Instance);
            (others.TryGetValue(identity, out var list) ? list : others[identity] = []).Add(other);
        }
        foreach (var (identity, versions) in others ?? [])
        {
            versions.Sort((a, b) => Better(a, b) ? -1 : Better(b, a) ? 1 : 0);
            var best = groups[identity];
            groups[identity] = new Entry(versions.Aggregate(best.Row, (row, version) => Completed(row, version.Row)), best.Origin);
        }
        FoldUriLessRows(groups, rows, duplicates);
        FoldBareRows(groups, rows, duplicates);
        return [.. groups.Values];
    }

    /// <summary>The names an extended-history row gives its content, as <see cref="HistoryIdentity"/> takes them from a row without a URI.</summary>
    private static (string?, string?, string?, string?) Names(ListeningRow row) =>
        (row.TrackName ?? row.AudiobookChapterTitle ?? row.AudiobookTitle, row.ArtistName, row.EpisodeName, row.ShowName);

    /// <summary>
    /// An extended-history row that names its content but gives no URI (one export's copy of a stream whose URI another
    /// export gives) is the stream of the one row with a URI, the same names, and the same end and time played, where there
    /// is exactly one such row and no input holds both (as for a bare row, below). The row with the URI is kept, completed.
    /// </summary>
    private static void FoldUriLessRows(Dictionary<HistoryIdentity, Entry> groups, List<(ListeningRow Row, int Origin)> rows, int[] duplicates)
    {
        var uriLess = groups.Keys.Where(k => k.Source == HistorySource.Extended && k.Content is null && (k.Name ?? k.Artist ?? k.Episode ?? k.Show) is not null).ToList();
        if (uriLess.Count == 0)
        {
            return;
        }
        var withUri = groups.Where(g => g.Key.Source == HistorySource.Extended && g.Key.Content is not null)
            .GroupBy(g => (g.Key.EndedAt, g.Key.MsPlayed, Names(g.Value.Row))).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single().Key);
        var folds = uriLess.Where(k => withUri.ContainsKey((k.EndedAt, k.MsPlayed, (k.Name, k.Artist, k.Episode, k.Show))))
            .ToDictionary(k => k, k => withUri[(k.EndedAt, k.MsPlayed, (k.Name, k.Artist, k.Episode, k.Show))], HistoryIdentityComparer.Instance);
        Fold(groups, rows, duplicates, folds);
    }

    /// <summary>
    /// An extended-history row that names no content at all (no URI, no name, no album: an older export's audiobook chapter
    /// from before the audiobook keys, or a track whose metadata a newer export no longer gives) is the stream of the one row
    /// that names its content and ended in the same second after the same time played, where there is exactly one such row
    /// and no input holds both (one file never gives a stream twice: two such rows of one file are two streams that failed
    /// to load at once). The named row is kept, with what only the bare row says.
    /// </summary>
    private static void FoldBareRows(Dictionary<HistoryIdentity, Entry> groups, List<(ListeningRow Row, int Origin)> rows, int[] duplicates)
    {
        static bool Nameless(HistoryIdentity i) => i.Source == HistorySource.Extended && i is { Content: null, Name: null, Artist: null, Episode: null, Show: null };
        var bare = groups.Where(g => Nameless(g.Key) && g.Value.Row is { ContentType: ContentTypes.Unknown, AlbumName: null }).Select(g => g.Key).ToList();
        if (bare.Count == 0)
        {
            return;
        }
        var named = groups.Keys.Where(k => k.Source == HistorySource.Extended && !Nameless(k))
            .GroupBy(k => (k.EndedAt, k.MsPlayed)).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single());
        var folds = bare.Where(k => named.ContainsKey((k.EndedAt, k.MsPlayed))).ToDictionary(k => k, k => named[(k.EndedAt, k.MsPlayed)], HistoryIdentityComparer.Instance);
        Fold(groups, rows, duplicates, folds);
    }

    /// <summary>Each row of <paramref name="folds"/> folded into its target, where no input holds both: one file never gives a stream twice.</summary>
    private static void Fold(Dictionary<HistoryIdentity, Entry> groups, List<(ListeningRow Row, int Origin)> rows, int[] duplicates,
        Dictionary<HistoryIdentity, HistoryIdentity> folds)
    {
        if (folds.Count == 0)
        {
            return;
        }
        var involved = folds.Keys.Concat(folds.Values).ToHashSet(HistoryIdentityComparer.Instance);
        var holders = new Dictionary<HistoryIdentity, HashSet<int>>(HistoryIdentityComparer.Instance);
        foreach (var (row, origin) in rows)
        {
            var identity = HistoryIdentity.Of(row);
            if (involved.Contains(identity))
            {
                (holders.TryGetValue(identity, out var inputs) ? inputs : holders[identity] = []).Add(origin);
            }
        }
        foreach (var (nameless, target) in folds.Where(f => !holders[f.Key].Overlaps(holders[f.Value])))
        {
            var (stripped, kept) = (groups[nameless], groups[target]);
            groups.Remove(nameless);
            duplicates[stripped.Origin]++;
            groups[target] = new Entry(Completed(kept.Row, stripped.Row), kept.Origin);
        }
    }

    /// <summary>
    /// A row with the fields of the stream it leaves empty taken from another version of the same stream (an older export's
    /// empty <c>skipped</c>, or the same stream's nameless row). Its content's fields stay its own: an account row kept as an
    /// episode takes no track name from the older export's row that called it a track.
    /// </summary>
    private static ListeningRow Completed(ListeningRow named, ListeningRow nameless) => named with
    {
        ReasonStart = named.ReasonStart ?? nameless.ReasonStart,
        ReasonEnd = named.ReasonEnd ?? nameless.ReasonEnd,
        Shuffle = named.Shuffle ?? nameless.Shuffle,
        Skipped = named.Skipped ?? nameless.Skipped,
        Offline = named.Offline ?? nameless.Offline,
        IncognitoMode = named.IncognitoMode ?? nameless.IncognitoMode,
        OfflineStartedAt = named.OfflineStartedAt ?? nameless.OfflineStartedAt,
        Platform = named.Platform ?? nameless.Platform,
        ConnCountry = named.ConnCountry ?? nameless.ConnCountry,
    };

    /// <summary>Of two versions of one stream: the fuller, then the first by text, then the first input.</summary>
    private static bool Better(Entry candidate, Entry current)
    {
        // One account-data stream as a track and as an episode or chapter: the older export's one file called everything a
        // track, so the newer file's kind is the one to keep.
        if (candidate.Row.Source == HistorySource.Account && candidate.Row.ContentType != current.Row.ContentType
            && (candidate.Row.ContentType == ContentTypes.Track || current.Row.ContentType == ContentTypes.Track))
        {
            return current.Row.ContentType == ContentTypes.Track;
        }
        var filled = candidate.Row.Filled().CompareTo(current.Row.Filled());
        if (filled != 0)
        {
            return filled > 0;
        }
        var text = string.CompareOrdinal(candidate.Row.Canonical(), current.Row.Canonical());
        return text != 0 ? text < 0 : candidate.Origin < current.Origin;
    }
}
