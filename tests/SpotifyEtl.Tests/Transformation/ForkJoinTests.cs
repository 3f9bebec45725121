using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>
/// Two pieces of work at once, as a digest's sections are written and merged: both always run to their end
/// before the call returns or throws, and a failure comes out as it was thrown, whichever piece failed and
/// whichever finished first. They run alone, after the parallel tests: whether the second piece gets a thread of
/// its own depends on the pool having one to spare.
/// </summary>
[CollectionDefinition(nameof(ForkJoinTests), DisableParallelization = true)]
[Collection(nameof(ForkJoinTests))]
public sealed class ForkJoinTests
{
    private sealed class FirstFailed : Exception;

    private sealed class SecondFailed : Exception;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Both_pieces_have_ended_when_the_call_returns_or_throws_and_a_failure_keeps_its_type(int seed)
    {
        var random = new Random(seed);
        for (var trial = 0; trial < 40; trial++)
        {
            var firstFails = random.Next(2) == 0;
            var secondFails = random.Next(2) == 0;
            var firstDelay = random.Next(0, 15);
            var secondDelay = random.Next(0, 15);
            var firstEnded = false;
            var secondEnded = false;

            var thrown = Record.Exception(() => ForkJoin.Run(
                () =>
                {
                    Thread.Sleep(firstDelay);
                    firstEnded = true;
                    if (firstFails)
                    {
                        throw new FirstFailed();
                    }
                },
                () =>
                {
                    Thread.Sleep(secondDelay);
                    Volatile.Write(ref secondEnded, true);
                    if (secondFails)
                    {
                        throw new SecondFailed();
                    }
                }));

            Assert.True(firstEnded);
            Assert.True(Volatile.Read(ref secondEnded), $"the second piece was still running (trial {trial})");
            if (firstFails)
            {
                Assert.IsType<FirstFailed>(thrown);
            }
            else if (secondFails)
            {
                Assert.IsType<SecondFailed>(thrown);
            }
            else
            {
                Assert.Null(thrown);
            }
        }
    }

    [Fact]
    public void The_pieces_run_at_once_when_the_pool_has_a_thread_to_spare()
    {
        // Each waits for the other to have started: done one after the other, neither would ever see the other.
        using var firstStarted = new ManualResetEventSlim();
        using var secondStarted = new ManualResetEventSlim();
        var together = false;

        ForkJoin.Run(
            () =>
            {
                firstStarted.Set();
                together = secondStarted.Wait(TimeSpan.FromSeconds(60));
            },
            () =>
            {
                secondStarted.Set();
                firstStarted.Wait(TimeSpan.FromSeconds(60));
            });

        Assert.True(together);
    }
}
