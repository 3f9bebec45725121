namespace SpotifyEtl.Transformation;

/// <summary>
/// A run whose manifest (or, where it has none, its last run report) names raw objects of its day that are no longer
/// there: they expired (the raw bucket's lifecycle rule keeps snapshots <c>rawExpirationDays</c>, the recently-played
/// pages for ever) or were deleted. Its fragment, built while they were there, was kept when it had one
/// (<paramref name="FragmentKept"/>); otherwise its tables were built from the objects that remain.
/// </summary>
/// <param name="Missing">The raw keys the manifest (or report) names that are gone, in order.</param>
public sealed record IncompleteRun(DateOnly SnapshotDate, string RunId, IReadOnlyList<string> Missing, bool FragmentKept)
{
    /// <summary>What happened, in words, and what to do: the log line's message.</summary>
    public string Summary =>
        $"Run {RunId} of {SnapshotDate:yyyy-MM-dd}: {Missing.Count} raw object(s) its manifest (or, without one, its last run report) names are gone, such as {Missing[0]} " +
        "(snapshots expire after the stack's rawExpirationDays; or they were deleted). " +
        (FragmentKept
            ? "The run's tables were kept as they were built while every object was there, and the day was published with them. " +
              "Its objects that remain were not read again: a page of the run landed again since (a quarantined page mended) is not in its tables."
            : "The run had no tables built while they were there, so they were built from the objects that remain and lack what the missing ones held. " +
              "If the objects were deleted by mistake, restore their previous versions (the raw bucket keeps them rawNoncurrentVersionExpirationDays) and replay the day.");
}
