using System.Runtime;

namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// Holds garbage collection off while the tool transforms a batch, up to a budget of allocations.
/// <para>
/// A transformation keeps every row of a day alive until the day's tables are written, so a
/// collection during it mostly copies rows that survive anyway and pauses every core (docs/benchmarks.md).
/// With no collection the memory a run touches grows by the garbage it leaves.
/// </para>
/// <para>
/// The budget is twice the input's size (a little more than a run allocates per byte of JSON; for a run of
/// many days, twice its two largest days: see <see cref="TwoLargestDays"/>) and at
/// most an eighth of the memory the process may use: a batch larger than that spends its budget, the
/// runtime collects once and goes on as usual. Nothing here changes what the run produces.
/// </para>
/// </summary>
internal sealed class CollectionBudget : IDisposable
{
    private const long AllocationPerInputByte = 2;
    private const long Minimum = 16L << 20;

    private readonly bool _started;

    private CollectionBudget(bool started) => _started = started;

    /// <summary>The budget for an input of this many bytes, or 0 where the machine's memory does not allow one.</summary>
    public static long For(long inputBytes, long availableMemoryBytes)
    {
        var budget = Math.Min(Math.Max(inputBytes * AllocationPerInputByte, Minimum), availableMemoryBytes / 8);
        return budget >= Minimum ? budget : 0;
    }

    /// <summary>
    /// The input a budget covers when days are transformed one after the other: the two largest days, so
    /// that a run of one or two days (an extraction, a day's replay) never collects, while a backfill's
    /// memory is bounded by its largest days instead of growing with their number.
    /// </summary>
    public static long TwoLargestDays(IEnumerable<long> bytesPerDay) =>
        bytesPerDay.OrderDescending().Take(2).Sum();

    public static CollectionBudget Start(long inputBytes)
    {
        var budget = For(inputBytes, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        if (budget == 0 || GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            return new CollectionBudget(false);
        }
        try
        {
            return new CollectionBudget(GC.TryStartNoGCRegion(budget));
        }
        catch (Exception exception) when (exception is ArgumentOutOfRangeException or InvalidOperationException)
        {
            // More than this runtime's heap can set aside at once, or a region already open on another
            // thread: collect as usual.
            return new CollectionBudget(false);
        }
    }

    public void Dispose()
    {
        if (!_started || GCSettings.LatencyMode != GCLatencyMode.NoGCRegion)
        {
            return;
        }
        try
        {
            GC.EndNoGCRegion();
        }
        catch (InvalidOperationException)
        {
            // The budget was spent: the runtime collected and left the region by itself.
        }
    }
}
