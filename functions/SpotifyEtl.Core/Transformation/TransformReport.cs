using System.Text.Json.Serialization;
using SpotifyEtl.Lake;

namespace SpotifyEtl.Transformation;

public enum TransformStatus
{
    /// <summary>Rows were folded into the day's tables.</summary>
    Transformed,
    /// <summary>The object could not be read; it was copied to quarantine with the reason beside it.</summary>
    Quarantined,
    /// <summary>
    /// The store holds an entry it cannot read as an object (a dangling link, a FIFO, a file it may not read,
    /// one too large): reported with its reason, and not copied, since a copy would have to read it.
    /// </summary>
    Unreadable,
    /// <summary>The key is outside <c>raw/</c>: not the transformation's object.</summary>
    Ignored,
}

/// <summary>
/// What happened to one raw object. It holds no clock reading, so transforming the same object
/// again gives the same report.
/// </summary>
public sealed record TransformReport(
    string RawKey,
    [property: JsonConverter(typeof(JsonStringEnumConverter<TransformStatus>))] TransformStatus Status,
    string? Source,
    string? SnapshotDate,
    int ItemsRead,
    int Rows,
    SkippedItems Skipped,
    string? Reason,
    string? QuarantineKey)
{
    private static readonly SkippedItems None = new(0, 0, 0, 0);

    /// <summary>Why items of a transformed object were unreadable (the first few); absent when none were.</summary>
    public IReadOnlyList<string>? UnreadableReasons { get; init; }

    public static TransformReport Transformed(RawObjectKey key, TransformedObject rows) =>
        new(key.ToString(), TransformStatus.Transformed, key.Source.ToKeySegment(), $"{key.SnapshotDate:yyyy-MM-dd}", rows.ItemsRead, rows.RowCount,
            new SkippedItems(rows.SkippedLocalFiles, rows.SkippedEpisodes, rows.SkippedUnavailable, rows.Unreadable), null, null)
        {
            UnreadableReasons = rows.UnreadableReasons.Count == 0 ? null : [.. rows.UnreadableReasons],
        };

    public static TransformReport Unread(string key, string reason) =>
        new(key, TransformStatus.Unreadable, null, null, 0, 0, None, reason, null);

    public static TransformReport Quarantined(string key, string reason, string quarantineKey) =>
        new(key, TransformStatus.Quarantined, null, null, 0, 0, None, reason, quarantineKey);

    public static TransformReport Ignored(string key, string reason) =>
        new(key, TransformStatus.Ignored, null, null, 0, 0, None, reason, null);
}

/// <param name="Unreadable">Items with no track at all, or a track without an id: a shape this version does not know.</param>
public sealed record SkippedItems(int LocalFiles, int Episodes, int Unavailable, int Unreadable)
{
    public int Total => LocalFiles + Episodes + Unavailable + Unreadable;
}

/// <summary>The objects of one run on one day, as written to <c>reports/snapshot_date={date}/{run}.json</c>.</summary>
public sealed record RunReport(string RunId, string SnapshotDate, IReadOnlyList<TransformReport> Objects);

/// <summary>The outcome of one transformation: the objects it read and the partitions it published with their row counts.</summary>
public sealed record TransformBatchReport(IReadOnlyList<TransformReport> Objects, IReadOnlyDictionary<string, int> Partitions)
{
    public int Transformed => Objects.Count(o => o.Status == TransformStatus.Transformed);
    public int Quarantined => Objects.Count(o => o.Status == TransformStatus.Quarantined);
    public int Ignored => Objects.Count(o => o.Status == TransformStatus.Ignored);
    public int Unreadable => Objects.Count(o => o.Status == TransformStatus.Unreadable);
    /// <summary>Items whose shape this version could not read, in objects that still yielded rows.</summary>
    public int UnreadableItems => Objects.Sum(o => o.Skipped.Unreadable);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(TransformReport))]
[JsonSerializable(typeof(RunReport))]
[JsonSerializable(typeof(TransformBatchReport))]
public sealed partial class TransformReportContext : JsonSerializerContext;
