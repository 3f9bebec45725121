using SpotifyEtl.Lake;

namespace SpotifyEtl.Transformation;

/// <summary>
/// The rows of one table that one raw object yielded:
/// <c>staging/{table}/snapshot_date={date}/{source}.{subject}.{run}.p{page}.csv</c>. The name comes
/// from the raw key alone, so processing the same object again overwrites the same file.
/// </summary>
public sealed record StagingKey(string Table, DateOnly SnapshotDate, RawSource Source, string Subject, string RunId, int Page)
{
    public static StagingKey For(string table, RawObjectKey raw) =>
        new(table, raw.SnapshotDate, raw.Source, raw.Subject, raw.RunId, raw.Page);

    public static string PartitionPrefix(string table, DateOnly snapshotDate) =>
        LakeLayout.Staging + LakeLayout.Partition(table, snapshotDate);

    public override string ToString() =>
        $"{PartitionPrefix(Table, SnapshotDate)}{Source.ToKeySegment()}.{Subject}.{RunId}.p{Page:0000}.csv";

    public static bool TryParse(string key, string table, DateOnly snapshotDate, out StagingKey parsed)
    {
        parsed = null!;
        var prefix = PartitionPrefix(table, snapshotDate);
        if (!key.StartsWith(prefix, StringComparison.Ordinal) || !key.EndsWith(".csv", StringComparison.Ordinal))
        {
            return false;
        }
        var parts = key[prefix.Length..^4].Split('.');
        if (parts.Length != 4 || !RawSourceNames.TryParse(parts[0], out var source)
            || parts[3].Length != 5 || parts[3][0] != 'p' || !int.TryParse(parts[3].AsSpan(1), out var page))
        {
            return false;
        }
        parsed = new StagingKey(table, snapshotDate, source, parts[1], parts[2], page);
        return true;
    }

    /// <summary>Later runs win; within a run, the order of the raw keys.</summary>
    public static readonly IComparer<StagingKey> OldestFirst = Comparer<StagingKey>.Create((a, b) =>
    {
        var byRun = string.CompareOrdinal(a.RunId, b.RunId);
        return byRun != 0 ? byRun : string.CompareOrdinal(a.ToString(), b.ToString());
    });
}
