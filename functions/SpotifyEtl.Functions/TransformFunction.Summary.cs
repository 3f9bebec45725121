using SpotifyEtl.Import;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Functions;

public sealed partial class TransformFunction
{
    /// <summary>
    /// The lines of what the invocation left to look at (runs whose raw objects are gone or that could not be read, objects set
    /// aside or with unreadable items), then its summary, logged: an Embedded Metric Format record of every count an alarm watches.
    /// </summary>
    private TransformSummary Summarize(int records, int manifests, int ignored, TransformBatchReport batch, IReadOnlyList<TransformReport> setAsideManifests,
        ImportReport? imported, HandledInputs handled)
    {
        foreach (var run in batch.IncompleteRuns)
        {
            Log(new IncompleteRunLogLine(TransformEvents.RunRawExpired, "warn", _rawBucket, $"{run.SnapshotDate:yyyy-MM-dd}", run.RunId, run.Missing.Count,
                run.Missing[0], run.FragmentKept, run.Summary), TransformLogContext.Default.IncompleteRunLogLine);
        }
        foreach (var run in batch.UnfoldedRuns)
        {
            Log(new UnfoldedRunLogLine(TransformEvents.RunUnread, "warn", _rawBucket, $"{run.SnapshotDate:yyyy-MM-dd}", run.RunId, run.Error, run.Summary),
                TransformLogContext.Default.UnfoldedRunLogLine);
        }
        foreach (var partial in batch.PartialPlaylists)
        {
            Log(new PartialPlaylistLogLine(TransformEvents.PlaylistPartial, "warn", $"{partial.SnapshotDate:yyyy-MM-dd}", partial.PlaylistId, partial.Entries, partial.Total,
                $"The day holds {partial.Entries} of the playlist's {partial.Total} items: every extraction of that day that read it stopped partway. " +
                "playlist_changes, days_on_playlist and playlist_top_songs read the missing items as dropped out that day. An extraction of the same " +
                "UTC day that lands the whole list replaces the part; a day already past keeps it."), TransformLogContext.Default.PartialPlaylistLogLine);
        }
        foreach (var report in batch.Objects.Where(r => r.Status != TransformStatus.Transformed || r.Skipped.Unreadable > 0))
        {
            Log(new ObjectLogLine(TransformEvents.Object, "warn", _rawBucket, report.RawKey, report.Status.ToString().ToLowerInvariant(),
                report.ItemsRead, report.Skipped.Unreadable, report.Reason, report.QuarantineKey), TransformLogContext.Default.ObjectLogLine);
        }

        // A manifest set aside counts with the raw objects set aside: the same metrics, the same alarms; so does a recently-played
        // page an import set aside (named once: an import that meets it set aside before counts it without). An object left unread
        // (no quarantine copy could be written, or a landed export file the history cannot read) is counted once, however
        // many parts of the invocation named it; so is a run of the day no event named that could not be read.
        var unread = batch.Objects.Concat(setAsideManifests).Where(r => r.Status == TransformStatus.Unreadable).Select(r => r.RawKey)
            .Concat(imported?.DamagedLandedFiles.Select(d => d.RawKey) ?? [])
            .Distinct(StringComparer.Ordinal).Count() + batch.UnfoldedRuns.Count;
        var summary = new TransformSummary(TransformEvents.Completed, records, manifests, batch.Transformed,
            batch.Quarantined + setAsideManifests.Count(r => r.Status == TransformStatus.Quarantined) + (imported?.ApiPlays?.UnreadableObjects ?? 0), unread, batch.Ignored + ignored, batch.UnreadableItems,
            imported?.IncompleteFiles ?? 0, imported?.UnreadableRows ?? 0, handled.Keys, handled.KeyCount, handled.ReplayDates, handled.ReplayDateCount,
            batch.Partitions, TransformMetrics.Emf(_metricNamespace));
        Log(summary, TransformLogContext.Default.TransformSummary);
        return summary;
    }

    private void LogFailure(int records, string error, string message, string? request, HandledInputs? handled) =>
        Log(new FailureLogLine(TransformEvents.Failed, "error", records, error, message, request, handled?.Keys, handled?.KeyCount, handled?.ReplayDates,
            handled?.ReplayDateCount), TransformLogContext.Default.FailureLogLine);
}

/// <summary>
/// What an invocation was asked to handle, as its completed and failed lines name it: the object keys its records name
/// (manifests, raw objects, data exports under <c>import/</c>) and the days it replays, the first <see cref="Shown"/> of
/// each with how many there are. Keys and dates only: an event holds nothing secret.
/// </summary>
internal sealed record HandledInputs(IReadOnlyList<string>? Keys, int? KeyCount, IReadOnlyList<string>? ReplayDates, int? ReplayDateCount)
{
    /// <summary>How many keys and dates a line shows at most; its count says how many there were.</summary>
    public const int Shown = 20;

    public static HandledInputs Of(S3EventNotification invocation)
    {
        var keys = (invocation.Records ?? []).Select(r => r?.S3?.Object?.Key).OfType<string>().Select(S3EventKeys.Decode).ToList();
        // A date as the payload spells it, shown safely and cut short: it may be what the invocation fails for.
        var dates = (invocation.ReplayDates ?? []).Select(d => ShownText.Of(d ?? "null", 32)).ToList();
        return new HandledInputs(keys.Count == 0 ? null : keys.Take(Shown).ToList(), keys.Count == 0 ? null : keys.Count,
            dates.Count == 0 ? null : dates.Take(Shown).ToList(), dates.Count == 0 ? null : dates.Count);
    }
}
