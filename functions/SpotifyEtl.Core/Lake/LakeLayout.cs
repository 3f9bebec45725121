namespace SpotifyEtl.Lake;

/// <summary>
/// The prefixes of the lake. On AWS, <c>raw/</c>, <c>quarantine/</c> and <c>state/</c> live in the raw
/// bucket and <c>staging/</c>, <c>transformed/</c> and <c>reports/</c> in the transformed bucket;
/// on a laptop all of them live in one folder, the local lake.
/// </summary>
public static class LakeLayout
{
    public const string Raw = StackContract.Lake.Raw;
    /// <summary>A raw/ folder inside raw/: no raw object's key, but a sample or a copy of raw/ written one level too deep.</summary>
    public const string RawInsideRaw = Raw + Raw;
    /// <summary>Raw objects the transformation could not read, each with a <c>.reason.txt</c> beside it.</summary>
    public const string Quarantine = StackContract.Lake.Quarantine;
    /// <summary>Extraction state between runs: cursors, snapshot ids, a rotated refresh token never.</summary>
    public const string State = StackContract.Lake.State;
    /// <summary>Extraction manifests, one per run.</summary>
    public const string Manifests = StackContract.Lake.Manifests;
    /// <summary>Rows derived from one raw object each, merged into <see cref="Transformed"/>.</summary>
    public const string Staging = StackContract.Lake.Staging;
    /// <summary>The tables Athena and DuckDB read: <c>transformed/{table}/snapshot_date=.../{table}.parquet</c> (or <c>.csv</c>).</summary>
    public const string Transformed = StackContract.Lake.Transformed;
    /// <summary>One JSON run report per transformation run and snapshot day.</summary>
    public const string Reports = StackContract.Lake.Reports;
    /// <summary>Where a user drops the Spotify data export (its zip or its files) in the raw bucket: the transform function imports it.</summary>
    public const string Import = StackContract.Lake.Import;

    /// <summary>The key segment of one day's partition, <c>snapshot_date=yyyy-MM-dd</c>, in every raw, staging, table and report key.</summary>
    public static string SnapshotSegment(DateOnly snapshotDate) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{StackContract.PartitionColumn}={snapshotDate:yyyy-MM-dd}");

    /// <summary>
    /// The date of the first <see cref="SnapshotSegment"/> in a key, read as far as that segment and no further; null
    /// where there is none. Only the date: whether the rest of the key is well formed is another question.
    /// </summary>
    public static DateOnly? SnapshotDateOf(string key)
    {
        var segment = $"/{StackContract.PartitionColumn}=";
        var at = key.IndexOf(segment, StringComparison.Ordinal);
        return at >= 0 && key.Length - (at + segment.Length) >= 10
            && DateOnly.TryParseExact(key.AsSpan(at + segment.Length, 10), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out var date)
            ? date
            : null;
    }

    public static string Partition(string table, DateOnly snapshotDate) => $"{table}/{SnapshotSegment(snapshotDate)}/";

    /// <summary>Beside each quarantined copy: <c>{copy}.reason.txt</c>, what was wrong with it.</summary>
    public const string ReasonSuffix = ".reason.txt";

    /// <summary><c>quarantine/{key without raw/}</c>: where a raw object the transformation cannot read is copied.</summary>
    public static string QuarantineKey(string rawKey) =>
        Quarantine + (rawKey.StartsWith(Raw, StringComparison.Ordinal) ? rawKey[Raw.Length..] : rawKey);

    /// <summary><c>staging/snapshot_date={date}/</c>: the run fragments of one day (S3 only).</summary>
    public static string FragmentPrefix(DateOnly date) => $"{Staging}{SnapshotSegment(date)}/";

    public static string FragmentKey(DateOnly date, string runId) => $"{FragmentPrefix(date)}{runId}{FragmentExtension}";

    private const string FragmentExtension = ".json.gz";

    /// <summary>Whether a key under a day's fragment prefix is a fragment this tool writes: a run id and <c>.json.gz</c>, nothing else.</summary>
    public static bool IsFragmentKey(string prefix, string key) =>
        key.StartsWith(prefix, StringComparison.Ordinal) && key.EndsWith(FragmentExtension, StringComparison.Ordinal)
        && RawObjectKey.IsRunId(FragmentRun(prefix, key));

    /// <summary>The run id of a fragment's key (<see cref="IsFragmentKey"/>).</summary>
    public static string FragmentRun(string prefix, string key) => key[prefix.Length..^FragmentExtension.Length];

    /// <summary><c>reports/snapshot_date={date}/{run}.json</c>: what happened to each raw object of a run.</summary>
    public static string ReportKey(DateOnly date, string runId) => $"{Reports}{SnapshotSegment(date)}/{runId}.json";
}
