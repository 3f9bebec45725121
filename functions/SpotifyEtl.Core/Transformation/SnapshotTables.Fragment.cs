namespace SpotifyEtl.Transformation;

/// <summary>The fragment form of a day's tables: one run's tables, saved between invocations in the S3 path.</summary>
public sealed partial class SnapshotTables
{
    /// <summary>The fragment form, sorted throughout: the same rows always give the same bytes, whatever the fold order.</summary>
    internal SnapshotFragment ToFragment() => new(
        SnapshotDate,
        _songs.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Value).ToList(),
        _albums.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Value).ToList(),
        _artists.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Value).ToList(),
        _songArtists.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Value).ToList(),
        _versions.OrderBy(v => v.Key.Playlist, StringComparer.Ordinal).ThenBy(v => v.Key.Run, StringComparer.Ordinal)
            .Select(v => new RunVersion(v.Key.Run, v.Value)).ToList(),
        _entries.OrderBy(e => e.Key, StringComparer.Ordinal)
            .SelectMany(e => e.Value.Runs.Select(list => new PlaylistRun(e.Key, list.Run, [.. InPositionOrder(list.Rows)])
            {
                Pages = [.. list.Pages.Select(p => new ListPage(p.Key, p.Value, !list.Later.Contains(p.Key)))],
                Total = list.Total,
                Ends = list.Ends,
            })).ToList(),
        [.. Plays],
        // Settled: a fragment holds one run's objects, so whether its full pass is complete is known here.
        [.. SavedTracks],
        _top.OrderBy(t => t.Key.Type, StringComparer.Ordinal).ThenBy(t => t.Key.Range, StringComparer.Ordinal)
            .SelectMany(t => t.Value.Runs.Select(list => new TopRun(t.Key.Type, t.Key.Range, list.Run, list.Rows.OrderBy(r => r.Rank).ToList())
            {
                Pages = [.. list.Pages.Select(p => new ListPage(p.Key, p.Value, !list.Later.Contains(p.Key)))],
                Ends = list.Ends,
            })).ToList());

    internal static SnapshotTables FromFragment(SnapshotFragment fragment)
    {
        var tables = new SnapshotTables(fragment.SnapshotDate);
        foreach (var row in fragment.Songs) { Latest(tables._songs, row.Row.SongId, row); }
        foreach (var row in fragment.Albums) { Latest(tables._albums, row.Row.AlbumId, row); }
        foreach (var row in fragment.Artists) { Latest(tables._artists, row.Row.ArtistId, row); }
        foreach (var row in fragment.SongArtists.Where(r => r.Row.Length > 0)) { Latest(tables._songArtists, row.Row[0].SongId, row); }
        // An empty list of credits names no song: it is that of a song whose latest object credited no artist with an id,
        // which every song of the fragment without credits is (each object gives each of its songs a list, empty or not).
        foreach (var song in fragment.Songs.Where(song => !tables._songArtists.ContainsKey(song.Row.SongId)))
        {
            tables._songArtists[song.Row.SongId] = new(song.Order, []);
        }
        foreach (var version in fragment.Versions) { tables._versions[(version.Row.PlaylistId, version.Run)] = version.Row; }
        foreach (var list in fragment.Entries)
        {
            // A fragment written before pages were kept has none: its list counts as whole, as it was taken then.
            var lists = Lists(tables._entries, list.PlaylistId);
            lists.Add(list.Run, list.Rows, null, list.Total, list.Ends ?? false);
            foreach (var page in list.Pages ?? [])
            {
                lists.Add(list.Run, [], page);
            }
        }
        foreach (var row in fragment.Plays) { Play(tables._plays, row); }
        foreach (var row in fragment.SavedTracks) { Saved(tables._saved, row); }
        foreach (var list in fragment.Top)
        {
            // A fragment written before pages were kept has none: its ranking counts as whole, as it was taken then.
            var lists = Lists(tables._top, (list.ItemType, list.TimeRange));
            lists.Add(list.Run, list.Rows, null, null, list.Ends ?? false);
            foreach (var page in list.Pages ?? [])
            {
                lists.Add(list.Run, [], page);
            }
        }
        return tables;
    }
}
