namespace SpotifyEtl.Transformation;

/// <summary>
/// One run's full pass over the library on one day: which of its pages landed, and the rows they listed. Its rows are
/// the whole library only when the pass is complete: a run that stopped partway (a failure, its time budget spent)
/// landed its first pages and no others.
/// </summary>
internal sealed class FullPass
{
    /// <summary>Per page number: whether it starts the list ("offset" 0) and whether its "next" links on.</summary>
    private readonly Dictionary<int, (bool Starts, bool Continues)> _pages = [];

    /// <summary>The rows of every page folded, as read (a page folded twice lists its rows twice).</summary>
    public List<SavedTrackRow> Listed { get; } = [];

    public void Add(int page, bool starts, bool continues, List<SavedTrackRow> rows)
    {
        Page(page, starts, continues);
        Listed.AddRange(rows);
    }

    public void Add(FullPass other)
    {
        foreach (var (page, (starts, continues)) in other._pages)
        {
            Page(page, starts, continues);
        }
        Listed.AddRange(other.Listed);
    }

    /// <summary>Copies of one page that disagree (one rewritten in place) leave it the less complete reading, in either order.</summary>
    private void Page(int page, bool starts, bool continues) =>
        _pages[page] = _pages.TryGetValue(page, out var known) ? (known.Starts && starts, known.Continues || continues) : (starts, continues);

    /// <summary>
    /// Whether the pass landed every page: its page numbers run without a gap from the first, which is the list's start
    /// (page 0, as the extraction numbers them, or 1, as hand-landed and sample lakes do, with "offset" 0), to a page
    /// whose "next" is null. Pages after that one, from a page that starts the list again, are a pass made again within the
    /// run (the library changed under the first): one stopped partway takes nothing from the whole pass before it.
    /// </summary>
    public bool Complete
    {
        get
        {
            if (_pages.Count == 0)
            {
                return false;
            }
            var (first, last) = (_pages.Keys.Min(), _pages.Keys.Max());
            if (first is not (0 or 1) || last - first + 1 != _pages.Count || !_pages[first].Starts)
            {
                return false;
            }
            for (var page = first; page <= last; page++)
            {
                if (!_pages[page].Continues)
                {
                    // The list's end, then nothing, or the start of the pass made again.
                    return page == last || _pages[page + 1].Starts;
                }
            }
            return false;
        }
    }
}
