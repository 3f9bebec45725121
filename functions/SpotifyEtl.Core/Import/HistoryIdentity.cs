namespace SpotifyEtl.Import;

/// <summary>
/// What makes two rows the same stream. Extended history: the end to the second, the time played and the
/// content (its URI, or its names where a row has none); the other fields may differ between export eras (an
/// older export's <c>skipped</c> is often null) and the fuller row is kept, completed from the others. Account data: the minute, the time
/// played and the names, whichever keys gave them. API plays: the end to the second and the track.
/// </summary>
internal readonly record struct HistoryIdentity(HistorySource Source, long EndedAt, int? MsPlayed, string? Content, string? Name, string? Artist, string? Episode, string? Show)
{
    public static HistoryIdentity Of(ListeningRow row) => row.Source switch
    {
        HistorySource.Api => new(row.Source, row.EndedAt, null, row.TrackUri, null, null, null, null),
        // The names whatever keys held them: the older account data's one file gives a podcast's episode and show as
        // trackName and artistName, where a newer export's podcast file gives them as episodeName and podcastName.
        HistorySource.Account => new(row.Source, row.EndedAt, row.MsPlayed, null, row.TrackName ?? row.EpisodeName ?? row.AudiobookChapterTitle,
            row.ArtistName ?? row.ShowName ?? row.AudiobookTitle, null, null),
        _ => (row.TrackUri ?? row.EpisodeUri ?? row.AudiobookChapterUri) is { } uri
            ? new(row.Source, row.EndedAt, row.MsPlayed, uri, null, null, null, null)
            : new(row.Source, row.EndedAt, row.MsPlayed, null, row.TrackName ?? row.AudiobookChapterTitle ?? row.AudiobookTitle,
                row.ArtistName, row.EpisodeName, row.ShowName),
    };
}

/// <summary>
/// Equality of identities as the record defines it, with a hash of the cheap parts only (source, end, time played and
/// the content's length and last characters, where track URIs differ): a million streams are hashed without
/// reading every character of every URI, and the rare identities that share such a hash are told apart by equality.
/// </summary>
internal sealed class HistoryIdentityComparer : IEqualityComparer<HistoryIdentity>
{
    public static readonly HistoryIdentityComparer Instance = new();

    public bool Equals(HistoryIdentity x, HistoryIdentity y) => x.Equals(y);

    public int GetHashCode(HistoryIdentity identity)
    {
        var text = identity.Content ?? identity.Name;
        var tail = text is { Length: > 0 } ? text.AsSpan(Math.Max(0, text.Length - 4)) : default;
        long suffix = 0;
        foreach (var c in tail)
        {
            suffix = (suffix << 16) | c;
        }
        return HashCode.Combine(identity.Source, identity.EndedAt, identity.MsPlayed, text?.Length ?? -1, suffix);
    }
}

/// <summary>The order of the table's rows: by end, then by every field, so the same set of rows is always written alike.</summary>
internal sealed class HistoryOrder : IComparer<ListeningRow>
{
    public static readonly HistoryOrder Instance = new();

    /// <summary>
    /// Sorts in this order: by end time as plain numbers first (cheap for a million rows), then each run of
    /// rows that end in the same second by every field.
    /// </summary>
    public static void Sort(List<ListeningRow> rows)
    {
        var items = rows.ToArray();
        var keys = new long[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            keys[i] = items[i].EndedAt;
        }
        Array.Sort(keys, items);
        for (var start = 0; start < items.Length;)
        {
            var end = start + 1;
            while (end < items.Length && keys[end] == keys[start])
            {
                end++;
            }
            if (end - start > 1)
            {
                Array.Sort(items, start, end - start, Instance);
            }
            start = end;
        }
        rows.Clear();
        rows.AddRange(items);
    }

    public int Compare(ListeningRow? x, ListeningRow? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }
        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }
        var order = x.EndedAt.CompareTo(y.EndedAt);
        if (order == 0) order = x.Source.CompareTo(y.Source);
        if (order == 0) order = string.CompareOrdinal(x.TrackUri ?? x.EpisodeUri ?? x.AudiobookChapterUri, y.TrackUri ?? y.EpisodeUri ?? y.AudiobookChapterUri);
        if (order == 0) order = Nullable.Compare(x.MsPlayed, y.MsPlayed);
        if (order == 0) order = string.CompareOrdinal(x.TrackName ?? x.EpisodeName, y.TrackName ?? y.EpisodeName);
        return order != 0 ? order : string.CompareOrdinal(x.Canonical(), y.Canonical());
    }
}
