using System.Text.Json.Serialization;

namespace SpotifyEtl.Transformation;

public enum TransformStatus
{
    /// <summary>Rows were staged and their partitions merged.</summary>
    Transformed,
    /// <summary>The object could not be read; it was copied to quarantine with the reason beside it.</summary>
    Quarantined,
    /// <summary>The key is outside <c>raw/</c>: not this function's object.</summary>
    Ignored,
}

/// <summary>
/// What happened to one raw object, written to <c>reports/</c> as JSON. It holds no clock reading,
/// so transforming the same object again writes the same report.
/// </summary>
public sealed record TransformReport(
    string RawKey,
    [property: JsonConverter(typeof(JsonStringEnumConverter<TransformStatus>))] TransformStatus Status,
    string? Source,
    string? SnapshotDate,
    int ItemsRead,
    IReadOnlyDictionary<string, int> Rows,
    SkippedItems Skipped,
    string? Reason,
    string? QuarantineKey);

public sealed record SkippedItems(int LocalFiles, int Episodes, int Unavailable)
{
    public int Total => LocalFiles + Episodes + Unavailable;
}

/// <summary>The outcome of one batch: an S3 event's records, or a folder on a laptop.</summary>
public sealed record TransformBatchReport(IReadOnlyList<TransformReport> Objects, IReadOnlyDictionary<string, int> MergedRows)
{
    public int Transformed => Objects.Count(o => o.Status == TransformStatus.Transformed);
    public int Quarantined => Objects.Count(o => o.Status == TransformStatus.Quarantined);
    public int Ignored => Objects.Count(o => o.Status == TransformStatus.Ignored);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(TransformReport))]
[JsonSerializable(typeof(TransformBatchReport))]
public sealed partial class TransformReportContext : JsonSerializerContext;
