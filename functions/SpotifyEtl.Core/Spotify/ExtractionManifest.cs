using System.Text.Json.Serialization;
using SpotifyEtl.Lake;

namespace SpotifyEtl.Spotify;

/// <summary>What one run did, written to <c>manifests/{runId}.json</c>.</summary>
public sealed record ExtractionManifest(
    string RunId,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    long DurationMs,
    string Outcome,
    string? StopReason,
    bool QuotaExceeded,
    string GrantType,
    bool RefreshTokenRotated,
    string? RefreshTokenSaveError,
    IReadOnlyList<SourceReport> Sources)
{
    public static string KeyFor(string runId) => $"{LakeLayout.Manifests}{runId}.json";
}

/// <summary>One source's part of a run.</summary>
/// <param name="Status">landed, unchanged, failed, stopped, or not_run (the run stopped before it).</param>
public sealed record SourceReport(
    string Source,
    string Type,
    string Subject,
    string Status,
    int Pages,
    int Items,
    int Requests,
    long DurationMs,
    int? HttpStatus,
    string? Error,
    IReadOnlyList<string> Objects);

public static class ExtractionOutcomes
{
    /// <summary>Every source landed or was unchanged.</summary>
    public const string Succeeded = "succeeded";
    /// <summary>Some sources failed (403, 404, persistent 5xx); the others landed.</summary>
    public const string Partial = "partial";
    /// <summary>Rate limit or quota ended the run early, cleanly, with state saved.</summary>
    public const string Stopped = "stopped";
    /// <summary>Authentication failed (for example <c>invalid_grant</c>): nothing more could run.</summary>
    public const string Failed = "failed";
}

public static class SourceStatuses
{
    public const string Landed = "landed";
    public const string Unchanged = "unchanged";
    public const string Failed = "failed";
    public const string Stopped = "stopped";
    public const string NotRun = "not_run";
}

/// <summary>The structured log line written once per source.</summary>
public sealed record SourceLogLine(
    string Level,
    string Event,
    string RunId,
    string Source,
    string Status,
    int Pages,
    int Items,
    int Requests,
    long DurationMs,
    int? HttpStatus,
    string? Error);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = false)]
[JsonSerializable(typeof(ExtractionState))]
[JsonSerializable(typeof(ExtractionManifest))]
[JsonSerializable(typeof(SourceLogLine))]
public sealed partial class ExtractionJsonContext : JsonSerializerContext;
