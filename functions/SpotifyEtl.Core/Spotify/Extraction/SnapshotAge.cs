using SpotifyEtl.Lake;

namespace SpotifyEtl.Spotify.Extraction;

/// <summary>
/// When a snapshot source's response lands again though Spotify says it is unchanged (a playlist's <c>snapshot_id</c>,
/// a top list's ETag): where the raw zone's snapshots expire, a response nobody changes would otherwise keep its only raw
/// copy until the lifecycle deletes it (<see cref="ExtractorOptions.SnapshotRelandDays"/>).
/// </summary>
internal static class SnapshotAge
{
    /// <summary>
    /// Whether what the run <paramref name="landedBy"/> landed is <paramref name="relandDays"/> days old at the run
    /// <paramref name="runId"/>, counted by the calendar (UTC) as S3's lifecycle counts an object's age. A landing that
    /// names no time, or a time after this run's (a clock that ran fast then), is due as well: its age is unknown.
    /// 0 days: never.
    /// </summary>
    public static bool Due(int relandDays, string? landedBy, string runId) =>
        relandDays > 0 && RawObjectKey.ParseRunId(runId) is { } now
        && (RawObjectKey.ParseRunId(landedBy) is not { } landed || landed > now
            || DateOnly.FromDateTime(now.UtcDateTime).DayNumber - DateOnly.FromDateTime(landed.UtcDateTime).DayNumber >= relandDays);
}
