namespace SpotifyEtl.Lake;

/// <summary>
/// The prefixes of the lake. On AWS, <c>raw/</c>, <c>quarantine/</c> and <c>state/</c> live in the raw
/// bucket and <c>staging/</c>, <c>transformed/</c> and <c>reports/</c> in the transformed bucket;
/// on a laptop all of them live in one folder, the local lake.
/// </summary>
public static class LakeLayout
{
    public const string Raw = "raw/";
    /// <summary>Raw objects the transformation could not read, each with a <c>.reason.txt</c> beside it.</summary>
    public const string Quarantine = "quarantine/";
    /// <summary>Extraction state between runs: cursors, snapshot ids, a rotated refresh token never.</summary>
    public const string State = "state/";
    /// <summary>Extraction manifests, one per run.</summary>
    public const string Manifests = "manifests/";
    /// <summary>Rows derived from one raw object each, merged into <see cref="Transformed"/>.</summary>
    public const string Staging = "staging/";
    /// <summary>The tables Athena and DuckDB read: <c>transformed/{table}/snapshot_date=.../{table}.csv</c>.</summary>
    public const string Transformed = "transformed/";
    /// <summary>One JSON run report per raw object transformed.</summary>
    public const string Reports = "reports/";
    /// <summary>Where a user drops the Spotify data export (its zip or its files) in the raw bucket: the transform function imports it.</summary>
    public const string Import = "import/";

    public static string Partition(string table, DateOnly snapshotDate) => $"{table}/snapshot_date={snapshotDate:yyyy-MM-dd}/";
}
