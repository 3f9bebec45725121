using System.Text.Json;
using SpotifyEtl.Lake;

namespace SpotifyEtl.Spotify.Extraction;

/// <summary>The name a run lands under: its start, moved past any run of the same second or of a clock stepped back.</summary>
public sealed partial class SpotifyExtractor
{
    /// <summary>
    /// The start the run is named after: its own, or a second after the last run's when that one started in the same
    /// second (or the clock has stepped back), so that no run lands its objects and manifest over another's.
    /// <para>
    /// A last run more than <see cref="ClockAhead"/> ahead of this one was named by a clock that was wrong (a machine whose
    /// clock ran fast, a state copied from one): following it would land every run under that future day, and the once-a-day
    /// sources would wait for it. The run is named by its own clock instead, with a warning.
    /// </para>
    /// <para>
    /// Whichever way it is named, it is named a second later while a run of that id has a manifest: after a fast clock was
    /// corrected, the runs the corrected clock names catch up with those the fast one named (an hourly run at 11:00 on both),
    /// and would land over their pages, whose plays Spotify no longer serves.
    /// </para>
    /// </summary>
    private async Task<DateTimeOffset> RunStartAsync(DateTimeOffset startedAt, string? lastRunId, CancellationToken cancellationToken)
    {
        var second = new DateTimeOffset(startedAt.UtcTicks - startedAt.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var farAhead = FarAhead(lastRunId, second);
        var start = farAhead is null && RawObjectKey.ParseRunId(lastRunId) is { } previous && previous >= second ? previous.AddSeconds(1) : second;
        while (await ManifestExistsAsync(RawObjectKey.FormatRunId(start), cancellationToken).ConfigureAwait(false))
        {
            start = start.AddSeconds(1);
        }
        if (farAhead is not { } last)
        {
            return start;
        }
        var message = $"The last run is named {lastRunId}, {(last - second).TotalHours:N0} hours ahead of this machine's clock (UTC {second:yyyy-MM-dd HH:mm:ss}): " +
            "the clock of that run, or this one, is wrong. This run is named by this clock, and lands under its day; check the clock if that day is wrong.";
        _options.Warn?.Invoke(message);
        _options.Log?.Invoke(JsonSerializer.Serialize(new ClockLogLine("warn", "run_clock_behind", RawObjectKey.FormatRunId(start), lastRunId!, message),
            ExtractionJsonContext.Default.ClockLogLine));
        return start;
    }

    /// <summary>How far ahead of the clock the last run may be named and still be followed (a clock stepped back, runs within a second).</summary>
    internal static readonly TimeSpan ClockAhead = TimeSpan.FromHours(1);

    /// <summary>The last run's start where it is more than <see cref="ClockAhead"/> ahead of <paramref name="now"/> (a clock that ran fast); else null.</summary>
    private static DateTimeOffset? FarAhead(string? lastRunId, DateTimeOffset now) =>
        RawObjectKey.ParseRunId(lastRunId) is { } last && last - now > ClockAhead ? last : null;

    /// <summary>
    /// Whether a run of this id left a manifest; false where the store will not say: the extract function's role may
    /// write manifests but not read them (S3 answers it 403), and a check that cannot be made must not stop the run.
    /// </summary>
    private async Task<bool> ManifestExistsAsync(string runId, CancellationToken cancellationToken)
    {
        if (!_options.ManifestsReadable)
        {
            return false;
        }
        try
        {
            return await _store.ExistsAsync(ExtractionManifest.KeyFor(runId), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return false;
        }
    }
}
