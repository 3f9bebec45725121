namespace SpotifyEtl.Transformation;

/// <summary>The orders a day's tables are read in: by id, by position, and by a digest's keys.</summary>
public sealed partial class SnapshotTables
{
    /// <summary>
    /// The song artists in the order of a digest's keys, by song and then by artist, so that the digest writes them as
    /// they come instead of sorting them all (it checks the order, and sorts where ids that are not ASCII break it).
    /// Songs come in the order the partition sorted once; a song's few artists are sorted on their own.
    /// </summary>
    // One iterator for the table, not an enumerator per song as SelectMany makes.
    internal IEnumerable<SongArtistRow> SongArtistsByKey
    {
        get
        {
            var byArtist = new SongArtistRow[4];
            foreach (var credits in SortedOnce(ref _creditsById, _songArtists))
            {
                if (credits.Length == 1)
                {
                    yield return credits[0];
                    continue;
                }
                if (byArtist.Length < credits.Length) { byArtist = new SongArtistRow[credits.Length]; }
                credits.CopyTo(byArtist, 0);
                Array.Sort(byArtist, 0, credits.Length, ByArtistId.Instance);
                for (var i = 0; i < credits.Length; i++) { yield return byArtist[i]; }
            }
        }
    }

    private sealed class ByArtistId : IComparer<SongArtistRow>
    {
        public static readonly ByArtistId Instance = new();

        public int Compare(SongArtistRow? x, SongArtistRow? y) => string.CompareOrdinal(x!.ArtistId, y!.ArtistId);
    }

    /// <summary>
    /// <see cref="ById"/>, kept: the partitions and the digest are written on two threads at once, and the
    /// one that asks second waits for the first's sort instead of sorting again.
    /// </summary>
    private static TRow[] SortedOnce<TRow>(ref TRow[]? sorted, Dictionary<string, Versioned<TRow>> rows)
    {
        lock (rows)
        {
            return sorted ??= ById(rows);
        }
    }

    /// <summary>The rows in the ordinal order of their ids (unique: they are the dictionary's keys).</summary>
    private static TRow[] ById<TRow>(Dictionary<string, Versioned<TRow>> rows)
    {
        var ids = new string[rows.Count];
        var values = new TRow[rows.Count];
        var into = values.AsSpan(); // no check of each row's type (OrdinalSort.ByKey)
        var i = 0;
        foreach (var (id, row) in rows)
        {
            ids[i] = id;
            into[i++] = row.Row;
        }
        return OrdinalSort.ByKey(ids, values);
    }

    /// <summary>
    /// By position, then by every other field: a total order, so that two rows at one position (pages of
    /// a run that overlap) come out the same whatever order they were folded in.
    /// </summary>
    private static PlaylistEntryRow[] InPositionOrder(List<PlaylistEntryRow> rows)
    {
        var order = OrdinalSort.Order(rows, row => (ulong)((long)row.Position - int.MinValue), (x, y) =>
        {
            var (a, b) = (rows[x], rows[y]);
            var byField = string.CompareOrdinal(a.SongId, b.SongId);
            if (byField == 0) { byField = string.CompareOrdinal(a.AddedAt, b.AddedAt); }
            return byField != 0 ? byField : string.CompareOrdinal(a.AddedBy, b.AddedBy);
        });
        return Array.ConvertAll(order, i => rows[i]);
    }
}
