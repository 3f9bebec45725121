using System.Text.Json.Serialization;

namespace SpotifyEtl.Functions;

// The transform function's output: one JSON log line per raw object and per record it ignores,
// and the summary it returns, which names what it handled. Keys, buckets, counts and reasons only: nothing secret is ever read.

/// <summary>A raw object that was quarantined, or that held items of a shape this version could not read.</summary>
internal sealed record ObjectLogLine(
    string Event,
    string Level,
    string Bucket,
    string Key,
    string Status,
    int ItemsRead,
    int UnreadableItems,
    string? Reason,
    string? QuarantineKey);

/// <summary>
/// A run whose manifest names raw objects that are gone (expired or deleted): its tables kept as they were built while
/// they were there, or, with none to keep, built from what remains.
/// </summary>
internal sealed record IncompleteRunLogLine(string Event, string Level, string Bucket, string SnapshotDate, string RunId, int MissingObjects,
    string FirstMissing, bool FragmentKept, string Message);

/// <summary>A run no event of the invocation named that could not be read: its day was published from its other runs.</summary>
internal sealed record UnfoldedRunLogLine(string Event, string Level, string Bucket, string SnapshotDate, string RunId, string Error, string Message);

/// <summary>
/// A day that holds only part of a playlist: every extraction of the day that read it stopped partway, so its entries are
/// those landed, and the questions that compare the playlist's versions or days read the rest as dropped out that day.
/// </summary>
internal sealed record PartialPlaylistLogLine(string Event, string Level, string SnapshotDate, string PlaylistId, int Entries, int Total, string Message);

/// <summary>A record of the event that is not this function's to transform, and why.</summary>
internal sealed record IgnoredRecordLogLine(string Event, string Level, string? Bucket, string? Key, string? EventName, string Reason);

/// <summary>The invocation failed on an error a retry may cure (S3 unavailable, throttling, a timeout).</summary>
/// <remarks>
/// <c>request</c>: the S3 request that failed, as <c>GET s3://bucket/key</c>, when S3 was what failed. <c>keys</c> and
/// <c>replay_dates</c>: what the invocation was asked to handle (<see cref="HandledInputs"/>), absent for a payload that could not be read.
/// </remarks>
internal sealed record FailureLogLine(string Event, string Level, int Records, string Error, string Message, string? Request = null,
    IReadOnlyList<string>? Keys = null, int? KeyCount = null, IReadOnlyList<string>? ReplayDates = null, int? ReplayDateCount = null);

/// <summary>
/// The invocation's result, returned to Lambda and logged. Its <c>_aws</c> member makes the line an
/// Embedded Metric Format record: CloudWatch turns the counts into metrics that alarms watch.
/// </summary>
/// <param name="Unread">Objects left unread: no quarantine copy could be written, or a landed export file the history cannot read.</param>
/// <param name="ImportIncompleteFiles">Files of data exports under <c>import/</c> not imported whole: skipped for a reason to look at, or broken off.</param>
/// <param name="ImportUnreadableRows">Rows of imported export files that could not be read.</param>
internal sealed record TransformSummary(
    string Event,
    int Records,
    int Manifests,
    int Transformed,
    int Quarantined,
    int Unread,
    int Ignored,
    int UnreadableItems,
    int ImportIncompleteFiles,
    int ImportUnreadableRows,
    IReadOnlyList<string>? Keys,
    int? KeyCount,
    IReadOnlyList<string>? ReplayDates,
    int? ReplayDateCount,
    IReadOnlyDictionary<string, int> Partitions,
    [property: JsonPropertyName("_aws")] EmfMetadata Aws);

// EMF spells its own members in PascalCase, whatever the naming policy of the line around them.
internal sealed record EmfMetadata(
    [property: JsonPropertyName("Timestamp")] long Timestamp,
    [property: JsonPropertyName("CloudWatchMetrics")] IReadOnlyList<EmfDirective> CloudWatchMetrics);

internal sealed record EmfDirective(
    [property: JsonPropertyName("Namespace")] string Namespace,
    [property: JsonPropertyName("Dimensions")] IReadOnlyList<IReadOnlyList<string>> Dimensions,
    [property: JsonPropertyName("Metrics")] IReadOnlyList<EmfMetric> Metrics);

internal sealed record EmfMetric([property: JsonPropertyName("Name")] string Name, [property: JsonPropertyName("Unit")] string Unit);

/// <summary>The <c>event</c> of each log line the transform writes (infra/contract.json, "logEvents").</summary>
internal static class TransformEvents
{
    public const string Completed = StackContract.LogEvents.TransformCompleted;
    public const string Failed = StackContract.LogEvents.TransformFailed;
    public const string Object = StackContract.LogEvents.TransformObject;
    public const string RecordIgnored = "transform_record_ignored";
    public const string RunRawExpired = "transform_run_raw_expired";
    public const string RunUnread = "transform_run_unread";
    public const string PlaylistPartial = "transform_playlist_partial";
}

internal static class TransformMetrics
{
    public const string Transformed = StackContract.Metrics.Transformed;
    public const string Quarantined = StackContract.Metrics.Quarantined;
    public const string UnreadableItems = StackContract.Metrics.UnreadableItems;
    public const string Unread = StackContract.Metrics.Unread;
    public const string ImportIncompleteFiles = StackContract.Metrics.ImportIncompleteFiles;
    public const string ImportUnreadableRows = StackContract.Metrics.ImportUnreadableRows;

    /// <summary>The metric names are the summary's own snake_case members, which EMF reads from the same line.</summary>
    public static EmfMetadata Emf(string metricNamespace) => new(
        DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        [new EmfDirective(metricNamespace, [[]], [.. new[] { Transformed, Quarantined, Unread, UnreadableItems, ImportIncompleteFiles, ImportUnreadableRows }
            .Select(name => new EmfMetric(name, "Count"))])]);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ObjectLogLine))]
[JsonSerializable(typeof(IgnoredRecordLogLine))]
[JsonSerializable(typeof(IncompleteRunLogLine))]
[JsonSerializable(typeof(UnfoldedRunLogLine))]
[JsonSerializable(typeof(PartialPlaylistLogLine))]
[JsonSerializable(typeof(FailureLogLine))]
[JsonSerializable(typeof(TransformSummary))]
internal sealed partial class TransformLogContext : JsonSerializerContext;
