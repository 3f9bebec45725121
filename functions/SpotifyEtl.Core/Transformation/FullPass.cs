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
    /// whose "next" is null.
    /// </summary>
    public bool Complete
    {
        get
        {
            if (_pages.Count == 0)
            {
                return false;
            }
            int first = int.MaxValue, last = int.MinValue;
            foreach (var page in _pages.Keys)
            {
                (first, last) = (Math.Min(first, page), Math.Max(last, page));
            }
            return first is 0 or 1 && last - first + 1 == _pages.Count && _pages[first].Starts && !_pages[last].Continues;
        }
    }
}
