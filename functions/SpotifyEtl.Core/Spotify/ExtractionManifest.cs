using System.Text.Json;
using System.Text.Json.Serialization;
using SpotifyEtl.Lake;

namespace SpotifyEtl.Spotify;

/// <summary>What one run did, written last, to <c>manifests/{runId}.json</c>.</summary>
/// <param name="Requests">HTTP requests the run sent to the Web API, retries and 304s included (token requests excluded).</param>
/// <param name="NotModified">Of those, the conditional requests Spotify answered 304 Not Modified.</param>
public sealed record ExtractionManifest(
    string RunId,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    long DurationMs,
    ExtractionOutcome Outcome,
    string? StopReason,
    bool QuotaExceeded,
    string GrantType,
    bool RefreshTokenRotated,
    string? RefreshTokenSaveError,
    int Requests,
    int NotModified,
    IReadOnlyList<SourceReport> Sources)
{
    public static string KeyFor(string runId) => $"{LakeLayout.Manifests}{runId}.json";

    /// <summary>
    /// The raw keys a manifest's sources list, in its order. A <see cref="JsonException"/> for bytes that are no manifest,
    /// a null among its sources or keys included (a manifest written by another tool or by hand): the reader's types say
    /// neither can be null, but the source generator does not hold JSON to that.
    /// </summary>
    public static List<string> ListedKeys(ReadOnlySpan<byte> json)
    {
        var manifest = JsonSerializer.Deserialize(json, ExtractionJsonContext.Default.ExtractionManifest)
            ?? throw new JsonException("the manifest is null");
        var keys = new List<string>();
        var sources = manifest.Sources ?? [];
        for (var i = 0; i < sources.Count; i++)
        {
            var objects = (sources[i] ?? throw new JsonException($"sources[{i}] is null")).Objects ?? [];
            for (var j = 0; j < objects.Count; j++)
            {
                keys.Add(objects[j] ?? throw new JsonException($"sources[{i}].objects[{j}] is null"));
            }
        }
        return keys;
    }
}

/// <summary>One source's part of a run.</summary>
/// <param name="Requests">Web API requests this source sent, retries, 304s and the one that failed or stopped it included.</param>
/// <param name="NotModified">Conditional requests answered 304: nothing landed for them.</param>
/// <param name="Pass">For saved tracks: a full pass (pages under <c>me</c>) or an incremental one (under <c>recent</c>).</param>
/// <param name="Objects">Every raw key this source landed in this run.</param>
public sealed record SourceReport(
    string Source,
    string Type,
    string Subject,
    SourceStatus Status,
    int Pages,
    int Items,
    int Requests,
    int NotModified,
    ExtractionPass? Pass,
    long DurationMs,
    int? HttpStatus,
    string? Error,
    IReadOnlyList<string> Objects)
{
    /// <summary>Recently played: plays that may be missing because Spotify no longer kept them when the run asked.</summary>
    public RecentlyPlayedGap? Gap { get; init; }

    /// <summary>What a person should know that did not fail the source (a recently-played cursor that went back, say); null when nothing.</summary>
    public IReadOnlyList<string>? Warnings { get; init; }
}

/// <summary>
/// Plays after <paramref name="After"/> (the saved cursor: the newest play landed before) and before
/// <paramref name="Before"/> (the oldest play Spotify still had) that no run landed: Spotify keeps only about the
/// last 50 plays, and more than that were played between two runs. The data export holds them
/// (<c>spotify-etl import</c>).
/// </summary>
public sealed record RecentlyPlayedGap(DateTimeOffset After, DateTimeOffset Before)
{
    /// <summary>The gap in words, for a person: the log line's message and the CLI's warning begin with it.</summary>
    public string Summary =>
        $"Plays between {After.UtcDateTime:yyyy-MM-dd HH:mm:ss} and {Before.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC may be missing: Spotify keeps only " +
        "about the last 50 plays, and more were played between two extractions.";
}

/// <summary>How a run ended, as the manifest, the log lines and the CLI's exit code say it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ExtractionOutcome>))]
public enum ExtractionOutcome
{
    /// <summary>Every source landed or was unchanged.</summary>
    [JsonStringEnumMemberName("succeeded")] Succeeded,
    /// <summary>Some sources failed (403, 404, persistent 5xx); the others landed.</summary>
    [JsonStringEnumMemberName("partial")] Partial,
    /// <summary>Rate limit, quota or time budget ended the run early, cleanly, with state saved.</summary>
    [JsonStringEnumMemberName("stopped")] Stopped,
    /// <summary>Authentication failed (for example <c>invalid_grant</c>), or the open-file limit refused a file or a socket: nothing more could run.</summary>
    [JsonStringEnumMemberName("failed")] Failed,
}

/// <summary>What happened to one source in a run.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SourceStatus>))]
public enum SourceStatus
{
    /// <summary>New responses landed.</summary>
    [JsonStringEnumMemberName("landed")] Landed,
    /// <summary>Nothing new: same playlist snapshot, 304 Not Modified, or already extracted today.</summary>
    [JsonStringEnumMemberName("unchanged")] Unchanged,
    /// <summary>Spotify refused or kept failing (403, 404, persistent 5xx, a body that is not a page).</summary>
    [JsonStringEnumMemberName("failed")] Failed,
    /// <summary>Rate limit, quota or time budget stopped the run during this source.</summary>
    [JsonStringEnumMemberName("stopped")] Stopped,
    /// <summary>The run stopped before this source started.</summary>
    [JsonStringEnumMemberName("not_run")] NotRun,
}

/// <summary>Which kind of pass a saved-tracks extraction made.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ExtractionPass>))]
public enum ExtractionPass
{
    /// <summary>Every page of the library, landed under the subject <c>me</c>: removals show.</summary>
    [JsonStringEnumMemberName("full")] Full,
    /// <summary>Only the pages saved since the last landing, under the subject <c>recent</c>.</summary>
    [JsonStringEnumMemberName("incremental")] Incremental,
}

public static class ExtractionEnumNames
{
    /// <summary>The wire name of an outcome (<c>succeeded</c>, <c>partial</c>, ...), exactly as the manifest writes it.</summary>
    public static string ToWireName(this ExtractionOutcome outcome) =>
        JsonSerializer.Serialize(outcome, ExtractionJsonContext.Default.ExtractionOutcome).Trim('"');

    /// <summary>The wire name of a status (<c>landed</c>, <c>not_run</c>, ...), exactly as the manifest writes it.</summary>
    public static string ToWireName(this SourceStatus status) =>
        JsonSerializer.Serialize(status, ExtractionJsonContext.Default.SourceStatus).Trim('"');
}

/// <summary>The structured log line written once per source.</summary>
public sealed record SourceLogLine(
    string Level,
    string Event,
    string RunId,
    string Source,
    SourceStatus Status,
    int Pages,
    int Items,
    int Requests,
    int NotModified,
    long DurationMs,
    int? HttpStatus,
    string? Error,
    RecentlyPlayedGap? Gap = null,
    IReadOnlyList<string>? Warnings = null);

/// <summary>The log line of a run named by its own clock because the last run's name was far ahead of it.</summary>
public sealed record ClockLogLine(string Level, string Event, string RunId, string LastRunId, string Message);

/// <summary>The log line of a recently-played gap (<see cref="RecentlyPlayedGap"/>), which the stack's alarm counts.</summary>
public sealed record GapLogLine(string Level, string Event, string RunId, string Source, DateTimeOffset After, DateTimeOffset Before, string Message);

/// <summary>The log line of a rotated refresh token saved only at the end of the run.</summary>
public sealed record TokenLogLine(string Level, string Event, string RunId, string Message);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = false)]
[JsonSerializable(typeof(ExtractionState))]
[JsonSerializable(typeof(ExtractionManifest))]
[JsonSerializable(typeof(SourceLogLine))]
[JsonSerializable(typeof(GapLogLine))]
[JsonSerializable(typeof(ClockLogLine))]
[JsonSerializable(typeof(TokenLogLine))]
[JsonSerializable(typeof(ExtractionOutcome))]
[JsonSerializable(typeof(SourceStatus))]
public sealed partial class ExtractionJsonContext : JsonSerializerContext;
