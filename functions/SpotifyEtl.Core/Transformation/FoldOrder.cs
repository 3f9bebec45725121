namespace SpotifyEtl.Transformation;

/// <summary>Where a row came from, for "the later run wins": the run, then the raw key.</summary>
internal readonly record struct FoldOrder(string Run, string Key) : IComparable<FoldOrder>
{
    public int CompareTo(FoldOrder other)
    {
        var byRun = string.CompareOrdinal(Run, other.Run);
        return byRun != 0 ? byRun : string.CompareOrdinal(Key, other.Key);
    }
}

/// <summary>A row with where it came from; a value, stored inline in the day's dictionaries.</summary>
internal readonly record struct Versioned<TRow>(FoldOrder Order, TRow Row);

/// <summary>
/// A page of a list response: its number in the run (from its key), how many items it held (null ones too), and whether
/// it starts at the list's first item (its offset is 0; null where not known, in a fragment written before this was kept).
/// </summary>
internal sealed record ListPage(int Page, int Items, bool? Starts = null);

/// <summary>One run's rows of one list (a playlist's items, a ranking), with the pages they came from.</summary>
internal sealed class RunList<TRow>(string run)
{
    public string Run { get; } = run;
    public List<TRow> Rows { get; } = [];
    public HashSet<TRow> Seen { get; } = [];

    /// <summary>Items per page number, over the pages folded: a page folded twice counts once.</summary>
    public SortedDictionary<int, int> Pages { get; } = [];

    /// <summary>The page numbers whose page starts after the list's first item (an offset above 0).</summary>
    public HashSet<int> Later { get; } = [];

    /// <summary>
    /// Whether the pages folded run from the list's first item with none missing between: the lowest is the run's first
    /// page (the extraction numbers them from 0, a sample from 1) and starts at offset 0, so a run whose first page was
    /// set aside is not taken for one that read the list from its start.
    /// </summary>
    public bool NoHole => Pages.Count > 0 && Pages.Keys.First() <= 1 && !Later.Contains(Pages.Keys.First())
        && Pages.Keys.Last() - Pages.Keys.First() == Pages.Count - 1;

    /// <summary>How many items the list holds, as its pages say (the largest, where they differ); null where they do not say.</summary>
    public int? Total { get; set; }

    /// <summary>
    /// Whether the run landed every page of the list: its pages hold as many items as the list does, or run from its first
    /// item to a page that says the list ends there, none missing between (Spotify's total may count items it does not
    /// list). A run that stopped partway (a failure, a spent Retry-After budget) landed fewer and no last page; a list whose
    /// pages give no total counts as whole.
    /// </summary>
    public bool Complete => Total is not { } total || Pages.Values.Sum() >= total || (Ends && NoHole);

    /// <summary>Whether a page of the run said the list ends there (no <c>next</c>).</summary>
    public bool Ends { get; set; }

    public void Add(IEnumerable<TRow> rows, ListPage? page, int? total, bool ends = false)
    {
        Ends |= ends;
        // Pages of one run are disjoint; a page folded twice (a repeated event) must not repeat its rows.
        foreach (var row in rows)
        {
            if (Seen.Add(row))
            {
                Rows.Add(row);
            }
        }
        if (page is not null)
        {
            Pages[page.Page] = page.Items;
            if (page.Starts == false)
            {
                Later.Add(page.Page);
            }
        }
        // Pages read while the playlist changed may disagree: the largest total, whatever order they fold in.
        if (total is { } pages)
        {
            Total = Math.Max(Total ?? 0, pages);
        }
    }
}

/// <summary>
/// Every run's rows of one list that day. The day's list is the latest run's that landed the whole list, or, where no
/// run did, the latest run's: which one does not depend on the order the pages are folded in, since every run is kept
/// until the day's tables are written.
/// </summary>
internal sealed class RunLists<TRow>
{
    private readonly SortedDictionary<string, RunList<TRow>> _runs = new(StringComparer.Ordinal);

    public IEnumerable<RunList<TRow>> Runs => _runs.Values;

    /// <summary>Whether <paramref name="run"/> landed any page of the list.</summary>
    public bool Landed(string run) => _runs.ContainsKey(run);

    /// <summary>Whether <paramref name="run"/> landed part of the list, not all of it.</summary>
    public bool IsPartial(string run) => _runs.TryGetValue(run, out var list) && !list.Complete;

    public RunList<TRow> Chosen => _runs.Values.LastOrDefault(list => list.Complete) ?? _runs.Values.Last();

    /// <summary>
    /// The day's ranking (a top list): the latest run's that read it whole, or, where none did, the latest run's. A ranking
    /// is read from its first item up to a limit the stack sets, so the total Spotify gives (every item it could rank)
    /// does not tell a whole one; a run read it whole when its pages leave no hole (none set aside) and it reached the
    /// list's end or holds as many items as any run of the day. A run stopped after its first page (a failure, a spent
    /// Retry-After budget) holds fewer, and no longer replaces the day's whole ranking. A run whose pages are not known
    /// (a fragment of an earlier version) counts as whole, as it was taken then.
    /// </summary>
    public RunList<TRow> ChosenRanking
    {
        get
        {
            // A run whose pages are not known counts by its rows: a partial run must hold as many as it did to replace it.
            var most = _runs.Values.Select(list => list.Pages.Count == 0 ? list.Rows.Count : list.NoHole ? list.Pages.Values.Sum() : 0).DefaultIfEmpty(0).Max();
            return _runs.Values.LastOrDefault(list => list.Pages.Count == 0 || (list.NoHole && (list.Ends || list.Pages.Values.Sum() >= most)))
                ?? _runs.Values.Last();
        }
    }

    public void Add(string run, IEnumerable<TRow> rows, ListPage? page = null, int? total = null, bool ends = false)
    {
        if (!_runs.TryGetValue(run, out var list))
        {
            _runs[run] = list = new RunList<TRow>(run);
        }
        list.Add(rows, page, total, ends);
    }

    /// <summary>
    /// Folds another worker's list of a run in, which that worker gives up: a run this side has not seen is taken over
    /// whole, and otherwise the smaller list's rows join the larger, which is kept. A list's rows are a set, read sorted,
    /// so the side they came from changes nothing but how many are hashed again.
    /// </summary>
    public void Add(RunList<TRow> other)
    {
        if (!_runs.TryGetValue(other.Run, out var list))
        {
            _runs[other.Run] = other;
            return;
        }
        if (list.Rows.Count < other.Rows.Count)
        {
            _runs[other.Run] = other;
            (list, other) = (other, list);
        }
        list.Add(other.Rows, null, other.Total, other.Ends);
        foreach (var (page, items) in other.Pages)
        {
            list.Pages[page] = items;
        }
        list.Later.UnionWith(other.Later);
    }
}
