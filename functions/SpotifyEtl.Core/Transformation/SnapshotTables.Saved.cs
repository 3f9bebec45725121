using SpotifyEtl.Lake;

namespace SpotifyEtl.Transformation;

/// <summary>
/// The saved_tracks table. A full pass's rows are held per pass until the table is written, since whether the pass is
/// complete is known only once all of the day's objects are folded; an incremental pass's rows fold in as they come.
/// </summary>
public sealed partial class SnapshotTables
{
    /// <summary>Rows of incremental passes, and rows read from a fragment, whose run already settled their full_pass.</summary>
    private readonly Dictionary<(string SongId, string SavedAt), SavedTrackRow> _saved = [];
    private readonly Dictionary<(string Run, string Subject), FullPass> _passes = [];

    /// <summary>
    /// One row per (song_id, saved_at); full_pass when a complete full pass that day listed it. A song an incomplete
    /// pass listed is still a saved song that day, with full_pass false unless a complete pass listed it too.
    /// </summary>
    public IReadOnlyList<SavedTrackRow> SavedTracks
    {
        get
        {
            var rows = _passes.Count == 0 ? _saved : new Dictionary<(string SongId, string SavedAt), SavedTrackRow>(_saved);
            foreach (var pass in _passes.Values)
            {
                var complete = pass.Complete;
                foreach (var row in pass.Listed)
                {
                    Saved(rows, row.FullPass == complete ? row : row with { FullPass = complete });
                }
            }
            return rows.OrderBy(p => p.Key.SavedAt, StringComparer.Ordinal).ThenBy(p => p.Key.SongId, StringComparer.Ordinal).Select(p => p.Value).ToList();
        }
    }

    private void AddSaved(RawObjectKey key, TransformedObject rows)
    {
        if (!SavedTracksSubjects.IsFullPass(key.Subject))
        {
            foreach (var row in rows.SavedTracks) { Saved(_saved, row); }
            return;
        }
        // Every page counts, even one with no rows: a pass is complete only with all of them.
        if (!_passes.TryGetValue((key.RunId, key.Subject), out var pass))
        {
            _passes[(key.RunId, key.Subject)] = pass = new FullPass();
        }
        pass.Add(key.Page, rows.ListOffset == 0, rows.ListHasNext, rows.SavedTracks);
    }

    private void AbsorbSaved(SnapshotTables other)
    {
        foreach (var row in other._saved.Values) { Saved(_saved, row); }
        foreach (var (id, pass) in other._passes)
        {
            if (!_passes.TryGetValue(id, out var known))
            {
                _passes[id] = known = new FullPass();
            }
            known.Add(pass);
        }
    }

    /// <summary>A row seen twice is one row, full_pass if either copy is: the same whatever the order.</summary>
    private static void Saved(Dictionary<(string SongId, string SavedAt), SavedTrackRow> saved, SavedTrackRow row)
    {
        var key = (row.SongId, row.SavedAt);
        saved[key] = saved.TryGetValue(key, out var known) && known.FullPass ? known : row;
    }
}
