namespace SpotifyEtl.Transformation;

/// <summary>
/// A run of a day that no event of the invocation named, folded because it has raw objects and no fragment (its own event
/// failed, or its extraction stopped before its manifest), whose objects could not be read this time: S3 refused one (an
/// object uploaded under a KMS key the function may not use), or a read failed. Its failure is its own: the day is
/// published from the runs that stand, without it, where every later event of the day failed on it too.
/// </summary>
public sealed record UnfoldedRun(DateOnly SnapshotDate, string RunId, string Error)
{
    /// <summary>What happened, in words, and what to do: the log line's message.</summary>
    public string Summary =>
        $"Run {RunId} of {SnapshotDate:yyyy-MM-dd} could not be read ({Error}). The day was published from its other runs, without this one's rows; " +
        "each later event of the day tries it again. Make its objects readable (the error names the request), then replay the day.";
}
