using System.Runtime.InteropServices;
using SpotifyEtl.Lake;

namespace SpotifyEtl.Transformation;

/// <summary>
/// The tables of one snapshot date, folded from raw objects by the merge rules. The result depends
/// only on which raw objects of the day were folded, never on the order of folding:
/// <list type="bullet">
/// <item>songs, albums, artists, song_artists: one row per id; a later run's row wins (within a run, the later key).</item>
/// <item>playlists: per playlist, the version the day's latest run saw, unless that run did not land all of the version's
/// items (part of them, or, after the day's first landing, none) and an earlier run did.</item>
/// <item>playlist_entries: per playlist, the items of the latest run that landed all of its items, even when that run found
/// none (an emptied playlist has no entries), named from that run's metadata. A run that landed only some of its pages
/// (it stopped partway) is taken only when no run that day landed them all.</item>
/// <item>plays: one row per (played_at, song_id).</item>
/// <item>saved_tracks: one row per (song_id, saved_at); full_pass when a complete full pass that day listed it: one whose
/// pages that day run without a gap from the list's first to one whose "next" is null.</item>
/// <item>top_items: per item type and time range, the ranking of the day's latest run.</item>
/// </list>
/// </summary>
public sealed partial class SnapshotTables
{
    // Not readonly: a table absorbing another takes over whichever of each pair is the larger (FoldInto).
    private Dictionary<string, Versioned<SongRow>> _songs = new(StringComparer.Ordinal);
    private Dictionary<string, Versioned<AlbumRow>> _albums = new(StringComparer.Ordinal);
    private Dictionary<string, Versioned<ArtistRow>> _artists = new(StringComparer.Ordinal);
    private Dictionary<string, Versioned<SongArtistRow[]>> _songArtists = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Playlist, string Run), PlaylistRow> _versions = [];
    private readonly Dictionary<string, RunLists<PlaylistEntryRow>> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<(string PlayedAt, string SongId), PlayRow> _plays = [];
    private readonly Dictionary<(string Type, string Range), RunLists<TopItemRow>> _top = [];

    private SongRow[]? _songsById;
    private AlbumRow[]? _albumsById;
    private ArtistRow[]? _artistsById;
    private SongArtistRow[][]? _creditsById;

    public SnapshotTables(DateOnly snapshotDate) => SnapshotDate = snapshotDate;

    public DateOnly SnapshotDate { get; }

    /// <summary>Folds one raw object's rows in. Objects of the date may come in any order.</summary>
    public void Add(RawObjectKey key, TransformedObject rows)
    {
        if (key.SnapshotDate != SnapshotDate)
        {
            throw new ArgumentException($"{key} belongs to {key.SnapshotDate:yyyy-MM-dd}, not to {SnapshotDate:yyyy-MM-dd}.", nameof(key));
        }
        Forget();
        var order = new FoldOrder(key.RunId, key.ToString());
        foreach (var (id, row) in rows.Songs) { Latest(_songs, id, new(order, row)); }
        foreach (var (id, row) in rows.Albums) { Latest(_albums, id, new(order, row)); }
        foreach (var (id, row) in rows.Artists) { Latest(_artists, id, new(order, row)); }
        foreach (var (id, row) in rows.SongArtists) { Latest(_songArtists, id, new(order, row)); }
        foreach (var row in rows.Playlists) { _versions[(row.PlaylistId, key.RunId)] = row; }
        foreach (var row in rows.Plays) { Play(_plays, row); }
        if (key.Source == RawSource.SavedTracks) { AddSaved(key, rows); }
        if (key.Source == RawSource.PlaylistItems)
        {
            // Every items page counts, even one with no rows: it says what the version held.
            Lists(_entries, key.Subject).Add(key.RunId, rows.PlaylistEntries, new ListPage(key.Page, rows.ItemsRead, rows.ListOffset == 0), rows.ListTotal,
                ends: !rows.ListHasNext);
        }
        if (key.Source is RawSource.TopTracks or RawSource.TopArtists)
        {
            var type = key.Source == RawSource.TopTracks ? "track" : "artist";
            // Its page and whether it ends the list: a run stopped partway must not replace the day's whole ranking.
            Lists(_top, (type, key.Subject)).Add(key.RunId, rows.TopItems, new ListPage(key.Page, rows.ItemsRead, rows.ListOffset == 0), ends: !rows.ListHasNext);
        }
    }

    /// <summary>
    /// Folds another set of the same date in (another worker's tables, or a run's fragment in the S3
    /// path). Each table folds into its own dictionary, so the large ones fold in parallel. The other set
    /// gives up its rows to this one and is not to be read afterwards.
    /// </summary>
    public void Absorb(SnapshotTables other)
    {
        if (other.SnapshotDate != SnapshotDate)
        {
            throw new ArgumentException($"Tables of {other.SnapshotDate:yyyy-MM-dd} cannot fold into {SnapshotDate:yyyy-MM-dd}.", nameof(other));
        }
        Forget();
        Parallel.Invoke(
            () => FoldInto(ref _songs, ref other._songs),
            () => FoldInto(ref _songArtists, ref other._songArtists),
            () => { foreach (var (playlist, lists) in other._entries) { foreach (var list in lists.Runs) { Lists(_entries, playlist).Add(list); } } },
            () =>
            {
                FoldInto(ref _albums, ref other._albums);
                FoldInto(ref _artists, ref other._artists);
                foreach (var (version, row) in other._versions) { _versions[version] = row; }
                foreach (var row in other._plays.Values) { Play(_plays, row); }
                AbsorbSaved(other);
                foreach (var (ranking, lists) in other._top) { foreach (var list in lists.Runs) { Lists(_top, ranking).Add(list); } }
            });
    }

    // Sorted once: the day's partitions and its digest both read them. Folding more in forgets them.
    public IReadOnlyList<SongRow> Songs => SortedOnce(ref _songsById, _songs);
    public IReadOnlyList<AlbumRow> Albums => SortedOnce(ref _albumsById, _albums);
    public IReadOnlyList<ArtistRow> Artists => SortedOnce(ref _artistsById, _artists);

    public IReadOnlyList<SongArtistRow> SongArtists
    {
        get
        {
            var rows = new List<SongArtistRow>(_songArtists.Count * 2);
            foreach (var credits in SortedOnce(ref _creditsById, _songArtists))
            {
                rows.AddRange(credits.AsSpan()); // an array seen as IEnumerable is cast and copied through an interface
            }
            return rows;
        }
    }

    /// <summary>Per playlist, the version its latest run that day saw.</summary>
    /// <remarks>
    /// A run that did not land all of its version's items does not name the day's version where an earlier run did: the
    /// day keeps a version whose items it holds whole. That is a run that landed only part of them (it stopped partway),
    /// and a later run of the day that landed metadata but no items page: after the day's first landing the extraction
    /// lands a playlist's metadata again only for a new version, whose items it then asks for, so such a run stopped
    /// before its first page. Where no run landed its list whole, the day's version is that of the run whose part of the
    /// list the day keeps, so that its entries and its version agree.
    /// </remarks>
    public IReadOnlyList<PlaylistRow> Playlists =>
        _versions.GroupBy(v => v.Key.Playlist, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var runs = g.OrderByDescending(v => v.Key.Run, StringComparer.Ordinal).ToList();
                var lists = _entries.GetValueOrDefault(g.Key);
                var first = runs[^1].Key.Run;
                var whole = runs.FirstOrDefault(v => lists?.Landed(v.Key.Run) switch
                {
                    true => !lists.IsPartial(v.Key.Run),
                    _ => v.Key.Run == first,
                });
                // No run holds its list whole: the version of the run whose part of the list the day keeps (the entries
                // name it), else the latest run's.
                return whole.Value ?? (lists is null ? null : _versions.GetValueOrDefault((g.Key, lists.Chosen.Run))) ?? runs[0].Value;
            })
            .ToList();

    /// <summary>
    /// The playlists whose day's list is a run's part of it (<see cref="RunLists{TRow}.Chosen"/> not complete), by id; not one
    /// whose part belongs to a version the day does not keep (<see cref="PlaylistEntries"/> writes none of it).
    /// </summary>
    public IReadOnlyList<PartialPlaylist> PartialPlaylists
    {
        get
        {
            var latest = Playlists.ToDictionary(p => p.PlaylistId, StringComparer.Ordinal);
            return [.. _entries.Where(e => !e.Value.Chosen.Complete && !OfAnotherVersion(e.Key, e.Value.Chosen, latest)).OrderBy(e => e.Key, StringComparer.Ordinal)
                .Select(e => new PartialPlaylist(SnapshotDate, e.Key, e.Value.Chosen.Pages.Values.Sum(), e.Value.Chosen.Total ?? 0))];
        }
    }

    /// <summary>
    /// Part of a new version, landed after the day's first landing named an unchanged one (its metadata alone, its entries on
    /// an earlier day): the day keeps that version, and no entry it does not name.
    /// </summary>
    private bool OfAnotherVersion(string playlist, RunList<PlaylistEntryRow> list, Dictionary<string, PlaylistRow> latest) =>
        !list.Complete && (_versions.GetValueOrDefault((playlist, list.Run)) ?? latest.GetValueOrDefault(playlist))?.PlaylistSnapshotId
            != latest.GetValueOrDefault(playlist)?.PlaylistSnapshotId;

    public IReadOnlyList<PlaylistEntryRow> PlaylistEntries
    {
        get
        {
            var rows = new List<PlaylistEntryRow>(_entries.Values.Sum(lists => lists.Chosen.Rows.Count));
            var latest = Playlists.ToDictionary(p => p.PlaylistId, StringComparer.Ordinal);
            var playlists = _entries.Keys.ToArray();
            Array.Sort(playlists, StringComparer.Ordinal);
            foreach (var playlist in playlists)
            {
                var list = _entries[playlist].Chosen;
                // The version the same run landed; a run that landed items but no metadata takes the day's latest.
                var version = _versions.GetValueOrDefault((playlist, list.Run)) ?? latest.GetValueOrDefault(playlist);
                if (OfAnotherVersion(playlist, list, latest))
                {
                    continue;
                }
                foreach (var entry in InPositionOrder(list.Rows))
                {
                    rows.Add(entry with { PlaylistName = version?.PlaylistName, PlaylistSnapshotId = version?.PlaylistSnapshotId });
                }
            }
            return rows;
        }
    }

    public IReadOnlyList<PlayRow> Plays =>
        _plays.OrderBy(p => p.Key.PlayedAt, StringComparer.Ordinal).ThenBy(p => p.Key.SongId, StringComparer.Ordinal).Select(p => p.Value).ToList();

    public IReadOnlyList<TopItemRow> TopItems =>
        _top.OrderBy(t => t.Key.Type, StringComparer.Ordinal).ThenBy(t => t.Key.Range, StringComparer.Ordinal)
            .SelectMany(t => RankingRows(t.Key, t.Value.ChosenRanking)).ToList();

    /// <summary>
    /// A ranking's rows, by rank (pages that overlap share ranks: the id breaks the tie whatever the fold's order). A ranking
    /// Spotify served whole and empty (an account with no listening in the time range) is one row of rank
    /// <see cref="TopItemRow.EmptyRanking"/> and no item: a list with no rows on a day is one that did not change (a 304), so
    /// without it the last ranking with items would stand as today's.
    /// </summary>
    private static IEnumerable<TopItemRow> RankingRows((string Type, string Range) ranking, RunList<TopItemRow> chosen) =>
        chosen is { Rows.Count: 0, Ends: true, NoHole: true } && chosen.Pages.Values.Sum() == 0
            ? [new TopItemRow(ranking.Type, ranking.Range, TopItemRow.EmptyRanking, "")]
            : chosen.Rows.OrderBy(r => r.Rank).ThenBy(r => r.ItemId, StringComparer.Ordinal);

    /// <summary>
    /// Hands every table of the day to the visitor, empty ones included. The tables are sorted and
    /// visited in parallel, largest first, so the visitor must take calls from several threads.
    /// </summary>
    public Task ForEachTableAsync(ITableVisitor visitor) => Task.WhenAll(
        Task.Run(() => visitor.VisitAsync(Songs)),
        Task.Run(() => visitor.VisitAsync(PlaylistEntries)),
        Task.Run(() => visitor.VisitAsync(SongArtists)),
        Task.Run(() => visitor.VisitAsync(Albums)),
        Task.Run(() => visitor.VisitAsync(Artists)),
        Task.Run(() => visitor.VisitAsync(Playlists)),
        Task.Run(() => visitor.VisitAsync(Plays)),
        Task.Run(() => visitor.VisitAsync(SavedTracks)),
        Task.Run(() => visitor.VisitAsync(TopItems)));

    private void Forget() => (_songsById, _albumsById, _artistsById, _creditsById) = (null, null, null, null);

    /// <summary>
    /// Folds the smaller of two id dictionaries into the larger, which <paramref name="mine"/> keeps: which row stands
    /// for an id (<see cref="Latest"/>) does not depend on the side it came from, so only the smaller side's ids are
    /// looked up. A day's first worker to finish helps the other's day, and a fragment folds into an empty set.
    /// </summary>
    private static void FoldInto<TRow>(ref Dictionary<string, Versioned<TRow>> mine, ref Dictionary<string, Versioned<TRow>> theirs)
    {
        if (mine.Count < theirs.Count)
        {
            (mine, theirs) = (theirs, mine);
        }
        // Grown once to hold both, not doubled (and copied) as the other's rows arrive.
        mine.EnsureCapacity(mine.Count + theirs.Count);
        foreach (var (id, row) in theirs) { Latest(mine, id, row); }
    }

    // One lookup for a new id, which most are, where a look and then a store hashed and probed twice.
    private static void Latest<TKey, TRow>(Dictionary<TKey, Versioned<TRow>> rows, TKey id, Versioned<TRow> candidate) where TKey : notnull
    {
        ref var known = ref CollectionsMarshal.GetValueRefOrAddDefault(rows, id, out var exists);
        if (!exists || known.Order.CompareTo(candidate.Order) <= 0)
        {
            known = candidate;
        }
    }

    /// <summary>A play seen by two runs is one play; should their contexts differ, the same one is kept whatever the order.</summary>
    private static void Play(Dictionary<(string PlayedAt, string SongId), PlayRow> plays, PlayRow row)
    {
        var key = (row.PlayedAt, row.SongId);
        if (!plays.TryGetValue(key, out var known)
            || string.CompareOrdinal($"{row.ContextType}\u001f{row.ContextUri}", $"{known.ContextType}\u001f{known.ContextUri}") < 0)
        {
            plays[key] = row;
        }
    }

    private static RunLists<TRow> Lists<TKey, TRow>(Dictionary<TKey, RunLists<TRow>> lists, TKey id) where TKey : notnull
    {
        if (!lists.TryGetValue(id, out var known))
        {
            lists[id] = known = new RunLists<TRow>();
        }
        return known;
    }
}
