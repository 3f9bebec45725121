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
/// runtime collects once and goes on as usual. Nothing here changes what the run produces. A process with a
/// limit on its address space (ulimit -v) gets no budget and collects as usual throughout.
/// </para>
/// <para>
/// Once the budget is spent, the runtime's own collections fall in the middle of days and size the heap by
/// the run's history, not by a day: <see cref="BetweenDays"/> collects at the end of a day instead, when
/// the day's rows are garbage, after about a day's worth of allocation (see <see cref="Interval"/>).
/// </para>
/// </summary>
internal sealed class CollectionBudget : IDisposable
{
    private const long AllocationPerInputByte = 2;
    private const long Minimum = 16L << 20;

    private readonly bool _started;
    private readonly long _interval;
    private long _heapAfterCollection;
    // Two days may end at once, each on its own thread: one of them collects.
    private readonly Lock _lock = new();

    private CollectionBudget(bool started, long budget)
    {
        _started = started;
        _interval = Interval(budget);
        _heapAfterCollection = GC.GetTotalMemory(false);
    }

    /// <summary>
    /// How much the heap grows between two collections at the ends of days once the budget is spent: half
    /// the budget, about one of the two largest days' allocations, with a floor so that days of a few pages
    /// do not collect every day.
    /// </summary>
    public static long Interval(long budget) => Math.Max(budget / 2, Minimum / 2);

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
        // Under a limit on the address space (ulimit -v), the runtime's server GC grows a no-GC region into memory it
        // could not commit and the process ends in a segmentation fault (.NET 10: a 110 MB transform under 1.05 to 1.2 GB, a
        // 320 MB one under 1.1 to 2.8 GB, and a million-stream import under 4 GB when it still held collections off):
        // collect as usual there.
        if (budget == 0 || GCSettings.LatencyMode == GCLatencyMode.NoGCRegion || ProcessLimits.AddressSpaceLimited())
        {
            return new CollectionBudget(false, budget);
        }
        if (GC.GetTotalAllocatedBytes() > Minimum)
        {
            // Listing a lake of many days allocates more than a day does, and the runtime keeps the memory it
            // grew to for it: hand it back before the days start (a run of a few days never gets here).
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
        try
        {
            return new CollectionBudget(TryStartRegion(budget), budget);
        }
        catch (Exception exception) when (exception is ArgumentOutOfRangeException or InvalidOperationException)
        {
            // More than this runtime's heap can set aside at once, or a region already open on another
            // thread: collect as usual.
            return new CollectionBudget(false, budget);
        }
    }

    /// <summary>
    /// Starts a no-GC region of the budget; false where the runtime cannot set that much aside. Without the full
    /// blocking collection the runtime starts a region with by default, where the heap has the room anyway (at the
    /// start of a run it does): that collection compacts what start-up allocated only to leave the region's memory
    /// as it was, and it took 5 to 15 ms of a two-day transform's first 40.
    /// </summary>
    internal static bool TryStartRegion(long budget) =>
        GC.TryStartNoGCRegion(budget, disallowFullBlockingGC: true) || GC.TryStartNoGCRegion(budget);

    /// <summary>
    /// Called at the end of each day: within the budget, nothing; once it is spent, a collection of the young
    /// generations when the heap grew by <see cref="Interval"/> since the last one. At that moment the
    /// day's rows are garbage, so little is promoted and the heap stays the size of a day plus what the run
    /// keeps across days.
    /// </summary>
    /// <returns>Whether it collected.</returns>
    public bool BetweenDays()
    {
        lock (_lock)
        {
            if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion || GC.GetTotalMemory(false) - _heapAfterCollection < _interval)
            {
                return false;
            }
            GC.Collect(1, GCCollectionMode.Forced, blocking: true, compacting: false);
            _heapAfterCollection = GC.GetTotalMemory(false);
            return true;
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
