using System.Text.Json.Serialization;

namespace SpotifyEtl.Functions;

// The transform function's output: one JSON log line per raw object and per record it ignores,
// and the summary it returns. Keys, buckets, counts and reasons only: nothing secret is ever read.

/// <summary>What happened to one raw object of the event.</summary>
internal sealed record ObjectLogLine(
    string Event,
    string Level,
    string Bucket,
    string Key,
    string Status,
    string? Source,
    string? SnapshotDate,
    int ItemsRead,
    IReadOnlyDictionary<string, int>? Rows,
    int SkippedItems,
    string? Reason,
    string? QuarantineKey,
    string? ReportKey);

/// <summary>A record of the event that is not this function's to transform, and why.</summary>
internal sealed record IgnoredRecordLogLine(string Event, string Level, string? Bucket, string? Key, string? EventName, string Reason);

/// <summary>The invocation failed on an error a retry may cure (S3 unavailable, throttling, a timeout).</summary>
internal sealed record FailureLogLine(string Event, string Level, int Records, string Error, string Message);

/// <summary>The invocation's result, returned to Lambda and logged.</summary>
internal sealed record TransformSummary(
    string Event,
    int Records,
    int Transformed,
    int Quarantined,
    int Ignored,
    IReadOnlyDictionary<string, int> Partitions);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ObjectLogLine))]
[JsonSerializable(typeof(IgnoredRecordLogLine))]
[JsonSerializable(typeof(FailureLogLine))]
[JsonSerializable(typeof(TransformSummary))]
internal sealed partial class TransformLogContext : JsonSerializerContext;
