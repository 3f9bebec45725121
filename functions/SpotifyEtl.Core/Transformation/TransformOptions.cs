namespace SpotifyEtl.Transformation;

/// <summary>How a <see cref="TransformPipeline"/> runs: the table format, staging, parallelism, progress.</summary>
public sealed record TransformOptions
{
    public TableFormat Format { get; init; } = TableFormats.Default;

    /// <summary>
    /// The S3 path: each run's tables are saved as one fragment under <c>staging/</c>, and a day's tables
    /// are published from every fragment of the day, so a run reads only its own raw objects. Off (the
    /// local lake), a day's tables are rebuilt from all of its raw objects and nothing is staged.
    /// </summary>
    public bool StageRuns { get; init; }

    /// <summary>
    /// The clock that tells, on the S3 path, a run without a fragment that has ended (folded with the day) from one whose
    /// extraction may still be landing pages (left to its own manifest's event).
    /// </summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Raw objects read and parsed at once, shared by the days transformed at once (a worker whose day is parsed helps the other).</summary>
    public int Parallelism { get; init; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>
    /// Whether every object's report is kept in <see cref="TransformBatchReport.Objects"/>. Off, an object
    /// transformed with nothing to note is only counted (<see cref="TransformBatchReport.Unlisted"/>) once its
    /// day is done, so that a backfill holds a report only for each object that needs attention, and its
    /// memory is that of its largest day whatever the number of days. The run reports saved in the lake
    /// list every object either way.
    /// </summary>
    public bool ListEveryObject { get; init; } = true;

    /// <summary>
    /// Off: each day's digest is still written, but the current-state tables (songs_current, ...) are not
    /// rebuilt, and stay behind until they are rebuilt from the partitions (<c>spotify-etl current</c>).
    /// </summary>
    public bool UpdateCurrentTables { get; init; } = true;

    /// <summary>
    /// Called each time a day's tables are written and its rows are no longer held (on the thread that
    /// wrote them; the next day may be parsing meanwhile): the moment a host that manages its own memory,
    /// such as the command line's collection budget, can collect cheaply.
    /// </summary>
    public Action? BetweenDays { get; init; }

    /// <summary>Told after each raw object is parsed, possibly from several threads at once.</summary>
    public IProgress<TransformProgress>? Progress { get; init; }
}

/// <summary>One more raw object parsed, of this many bytes.</summary>
public readonly record struct TransformProgress(long Bytes);
