using System.Runtime;
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
}
