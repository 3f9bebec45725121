using System.Runtime;
using System.Runtime.CompilerServices;
using SpotifyEtl.Cli.Shell;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>The GC's latency mode is process-wide: these tests run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(CollectionBudgetTests), DisableParallelization = true)]
[Collection(nameof(CollectionBudgetTests))]
public sealed class CollectionBudgetTests
{
    private const long MB = 1L << 20;
    private const long GB = 1L << 30;

    [Fact]
    public void The_budget_is_twice_the_input_with_a_floor_for_small_runs()
    {
        Assert.Equal(268 * MB, CollectionBudget.For(134 * MB, 24 * GB));
        Assert.Equal(16 * MB, CollectionBudget.For(200 * 1024, 24 * GB));
    }

    [Fact]
    public void The_budget_never_takes_more_than_an_eighth_of_the_memory_and_is_none_where_that_is_too_little()
    {
        Assert.Equal(1 * GB, CollectionBudget.For(4 * GB, 8 * GB));
        Assert.Equal(0, CollectionBudget.For(134 * MB, 100 * MB));
    }

    [Fact]
    public void A_budget_covers_the_two_largest_days_whatever_the_number_of_days()
    {
        Assert.Equal(0, CollectionBudget.TwoLargestDays([]));
        Assert.Equal(5 * MB, CollectionBudget.TwoLargestDays([5 * MB]));
        Assert.Equal(9 * MB, CollectionBudget.TwoLargestDays([5 * MB, 4 * MB]));
        var random = new Random(26);
        foreach (var days in new[] { 3, 10, 100, 1_000 })
        {
            var sizes = Enumerable.Range(0, days).Select(_ => (long)random.Next(1, 8) * MB).Append(8 * MB).Append(8 * MB).ToList();
            Assert.Equal(16 * MB, CollectionBudget.TwoLargestDays(sizes));
        }
    }

    [Fact]
    public void A_budget_leaves_the_process_collecting_as_usual_once_disposed_even_when_it_was_spent()
    {
        using (CollectionBudget.Start(1 * MB))
        {
            // Spend more than the 16 MB floor: the runtime leaves the region by itself.
            for (var i = 0; i < 40; i++)
            {
                GC.KeepAlive(new byte[1 * MB]);
            }
        }
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);

        using (CollectionBudget.Start(1 * MB))
        {
        }
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void A_region_starts_without_a_full_collection_where_the_heap_has_room()
    {
        // A full collection frees an object nothing refers to; a region of a two-day transform's budget is
        // bigger than what the runtime starts a region without collecting for, unless told not to collect.
        var garbage = Garbage();

        Assert.True(CollectionBudget.TryStartRegion(CollectionBudget.For(111 * MB, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes)));
        try
        {
            Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
            Assert.True(garbage.IsAlive);
        }
        finally
        {
            GC.EndNoGCRegion();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference Garbage() => new(new object());

    [Fact]
    public void Between_days_the_heap_may_grow_by_about_one_of_the_two_largest_days_with_a_floor()
    {
        Assert.Equal(134 * MB, CollectionBudget.Interval(268 * MB));
        Assert.Equal(8 * MB, CollectionBudget.Interval(16 * MB));
        Assert.Equal(8 * MB, CollectionBudget.Interval(0));
    }

    [Fact]
    public void Within_the_budget_the_end_of_a_day_collects_nothing()
    {
        using var budget = CollectionBudget.Start(1 * MB);
        Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        var collections = GC.CollectionCount(0);

        Assert.False(budget.BetweenDays());

        Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        Assert.Equal(collections, GC.CollectionCount(0));
    }

    [Fact]
    public void Once_the_budget_is_spent_the_end_of_a_day_collects_when_the_heap_grew_by_the_interval_and_not_before()
    {
        using var budget = CollectionBudget.Start(1 * MB);
        var kept = new List<byte[]>();
        // More than the 16 MB floor, kept alive: the runtime leaves the region and the heap has grown.
        for (var i = 0; i < 40; i++)
        {
            kept.Add(new byte[1 * MB]);
        }
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        var collections = GC.CollectionCount(1);

        Assert.True(budget.BetweenDays());
        Assert.True(GC.CollectionCount(1) > collections);
        // Right after a collection the heap has not grown: the next day's end leaves it be.
        Assert.False(budget.BetweenDays());
        GC.KeepAlive(kept);
    }
}
