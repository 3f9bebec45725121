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

internal sealed class RunList<TRow>(string run)
{
    public string Run { get; } = run;
    public List<TRow> Rows { get; } = [];
    public HashSet<TRow> Seen { get; } = [];
}
