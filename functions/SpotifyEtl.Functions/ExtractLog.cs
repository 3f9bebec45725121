using System.Text.Json.Serialization;
using SpotifyEtl.Spotify;

namespace SpotifyEtl.Functions;

// The extract function's input and output: the scheduled event it reads, the result it returns, and its log lines
// (run, lease, secret events). Ids, outcomes and reasons only: no token, secret or credential.

/// <summary>The fields of an EventBridge scheduled event the handler reads (only for the logs).</summary>
internal sealed record ScheduledEvent(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("detail-type")] string? DetailType,
    [property: JsonPropertyName("source")] string? Source,
    [property: JsonPropertyName("time")] DateTimeOffset? Time);

internal sealed record ExtractResult(string RunId, ExtractionOutcome Outcome, string ManifestKey, int Sources, int FailedSources);

internal sealed record RunLogLine(string Level, string Event, string RunId, ExtractionOutcome Outcome, string? StopReason, bool QuotaExceeded, string ManifestKey, string? EventId);

internal sealed record LeaseLogLine(string Level, string Event, string Reason, DateTimeOffset? HeldUntil, string? EventId);

internal sealed record ExtractSkipped(string Outcome, string Reason, DateTimeOffset? HeldUntil);

internal sealed record SecretEventLogLine(string Level, string Event, string SecretId, string Message);

/// <summary>The refresh token ends within weeks, or has passed its end: when it was authorized, when it ends, whole days left.</summary>
internal sealed record ReauthorizationDueLogLine(string Level, string Event, string SecretId, string Message, DateTimeOffset AuthorizedAt, DateTimeOffset EndsAt, int DaysLeft);

/// <summary>
/// The invocation failed: the run's id (absent when it failed before the run was named: the lease, the secret), the error's
/// type and message, and the S3 request when S3 was what failed.
/// </summary>
internal sealed record ExtractFailureLogLine(string Level, string Event, string? RunId, string Error, string Message, string? Request);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ScheduledEvent))]
[JsonSerializable(typeof(ExtractResult))]
[JsonSerializable(typeof(RunLogLine))]
[JsonSerializable(typeof(SecretEventLogLine))]
[JsonSerializable(typeof(ReauthorizationDueLogLine))]
[JsonSerializable(typeof(ExtractFailureLogLine))]
[JsonSerializable(typeof(LeaseLogLine))]
[JsonSerializable(typeof(ExtractSkipped))]
internal sealed partial class FunctionJsonContext : JsonSerializerContext;
