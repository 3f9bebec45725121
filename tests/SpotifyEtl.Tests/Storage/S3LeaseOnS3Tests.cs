using System.Text;
using Amazon.S3;
using Microsoft.Extensions.Time.Testing;
using SpotifyEtl.Spotify;
using SpotifyEtl.Storage;
using Xunit;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// The extraction's lease on S3 (<see cref="S3ObjectStore.TakeLeaseAsync"/>), on the emulator with S3's conditional
/// writes (<see cref="ConditionalWrites"/>): one holder at a time, however many take it at once and in whatever order
/// their writes arrive, and an ended lease is taken over by exactly one of them.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class S3LeaseOnS3Tests(FauxqsServer server) : IDisposable
{
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(15);
    private readonly ConditionalWrites _writes = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 21, 6, 0, 0, TimeSpan.Zero));
    private AmazonS3Client? _client;
    private string _bucket = "";

    public void Dispose()
    {
        _client?.Dispose();
        _writes.Dispose();
    }

    private async Task<Func<S3ObjectStore>> BucketAsync()
    {
        _client = server.CreateClient(_writes);
        _bucket = await server.CreateBucketAsync("lease");
        return () => Store(_clock);
    }

    /// <summary>The bucket as a taker whose clock is <paramref name="time"/> sees it.</summary>
    private S3ObjectStore Store(TimeProvider time) => new(_client!, _bucket) { Time = time };

    [Fact]
    public async Task A_second_taker_is_refused_until_the_lease_is_given_back_then_takes_it()
    {
        var store = await BucketAsync();
        var first = await store().TakeLeaseAsync(ExtractionState.LeaseKey, Duration);
        Assert.True(first.Taken);

        var second = await store().TakeLeaseAsync(ExtractionState.LeaseKey, Duration);
        Assert.False(second.Taken);
        Assert.Equal(_clock.GetUtcNow() + Duration, second.HeldUntil);

        await first.DisposeAsync();
        await using var third = await store().TakeLeaseAsync(ExtractionState.LeaseKey, Duration);
        Assert.True(third.Taken);
    }

    [Fact]
    public async Task The_lease_of_a_holder_that_died_is_taken_over_once_it_has_ended_and_not_before()
    {
        var store = await BucketAsync();
        var died = await store().TakeLeaseAsync(ExtractionState.LeaseKey, Duration); // never given back
        Assert.True(died.Taken);

        _clock.Advance(Duration - TimeSpan.FromSeconds(1));
        Assert.False((await store().TakeLeaseAsync(ExtractionState.LeaseKey, Duration)).Taken);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await using var next = await store().TakeLeaseAsync(ExtractionState.LeaseKey, Duration);
        Assert.True(next.Taken);
    }

    [Fact]
    public async Task A_holder_giving_back_a_lease_taken_over_from_it_leaves_the_new_holder_holding()
    {
        var store = await BucketAsync();
        var late = await store().TakeLeaseAsync(ExtractionState.LeaseKey, TimeSpan.FromMinutes(1));
        _clock.Advance(TimeSpan.FromMinutes(2));
        await using var next = await store().TakeLeaseAsync(ExtractionState.LeaseKey, Duration);
        Assert.True(next.Taken);

        await late.DisposeAsync(); // its write is refused: the lease is no longer the version it wrote

        Assert.False((await store().TakeLeaseAsync(ExtractionState.LeaseKey, Duration)).Taken);
    }

    [Fact]
    public async Task An_object_at_the_lease_key_that_is_no_lease_is_replaced_by_a_lease()
    {
        var store = await BucketAsync();
        await store().PutBytesAsync(ExtractionState.LeaseKey, Encoding.UTF8.GetBytes("not a lease {"), "application/json");

        await using var lease = await store().TakeLeaseAsync(ExtractionState.LeaseKey, Duration);

        Assert.True(lease.Taken);
        Assert.False((await store().TakeLeaseAsync(ExtractionState.LeaseKey, Duration)).Taken);
    }

    [Fact]
    public async Task A_conflict_S3_asks_to_retry_is_retried_and_the_lease_taken()
    {
        var store = await BucketAsync();
        _writes.ConflictNext = 2;

        await using var lease = await store().TakeLeaseAsync(ExtractionState.LeaseKey, Duration);

        Assert.True(lease.Taken);
        Assert.False((await store().TakeLeaseAsync(ExtractionState.LeaseKey, Duration)).Taken);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task A_conflict_S3_answers_the_giving_back_with_is_retried_and_the_next_taker_takes_the_lease(int conflicts)
    {
        var store = await BucketAsync();
        var first = await store().TakeLeaseAsync(ExtractionState.LeaseKey, Duration);
        Assert.True(first.Taken);
        _writes.ConflictNext = conflicts;

        await first.DisposeAsync();

        await using var next = await store().TakeLeaseAsync(ExtractionState.LeaseKey, Duration);
        Assert.True(next.Taken);
    }

    [Fact]
    public async Task Conflicts_that_do_not_end_fail_the_taking_naming_the_lease_not_report_it_held()
    {
        var store = await BucketAsync();
        _writes.ConflictNext = 100;

        var error = await Assert.ThrowsAsync<IOException>(() => store().TakeLeaseAsync(ExtractionState.LeaseKey, Duration));

        Assert.Contains("state/extraction-lease.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("409", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_taking_S3_carried_out_whose_answer_was_lost_is_recognised_as_the_takers_own(bool overAnEndedLease)
    {
        var store = await BucketAsync();
        if (overAnEndedLease)
        {
            Assert.True((await store().TakeLeaseAsync(ExtractionState.LeaseKey, TimeSpan.FromMinutes(1))).Taken);
            _clock.Advance(TimeSpan.FromMinutes(2));
        }
        var refusedBefore = _writes.Refused;
        _writes.LoseAnswersNext = 1; // the write lands, its answer does not, and the SDK sends it again

        var lease = await store().TakeLeaseAsync(ExtractionState.LeaseKey, Duration);

        Assert.True(lease.Taken);
        Assert.True(_writes.Refused > refusedBefore, "the SDK's second sending was not refused: the lost answer was never tried");
        Assert.False((await store().TakeLeaseAsync(ExtractionState.LeaseKey, Duration)).Taken);
        await lease.DisposeAsync();
        await using var next = await store().TakeLeaseAsync(ExtractionState.LeaseKey, Duration);
        Assert.True(next.Taken);
    }

    [Fact]
    public async Task A_lease_given_back_is_free_to_a_taker_whose_clock_is_behind()
    {
        var store = await BucketAsync();
        var behind = new FakeTimeProvider(_clock.GetUtcNow() - TimeSpan.FromSeconds(30));
        await (await store().TakeLeaseAsync(ExtractionState.LeaseKey, Duration)).DisposeAsync();

        await using var lease = await Store(behind).TakeLeaseAsync(ExtractionState.LeaseKey, Duration);

        Assert.True(lease.Taken);
    }

    [Fact]
    public async Task Two_takers_that_both_read_the_ended_lease_before_either_replaces_it_leave_one_holder()
    {
        var store = await BucketAsync();
        Assert.True((await store().TakeLeaseAsync(ExtractionState.LeaseKey, TimeSpan.FromMinutes(1))).Taken);
        _clock.Advance(TimeSpan.FromMinutes(2));
        // Each taker's creation is refused, it reads the ended lease, then replaces it (If-Match): hold the replacements until
        // both are waiting, so that both have read the same version before either writes, however fast either taker is.
        var replacements = 0;
        var bothRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _writes.BeforeCondition = async request =>
        {
            if (request.Headers.Contains("If-Match"))
            {
                if (Interlocked.Increment(ref replacements) == 2)
                {
                    bothRead.SetResult();
                }
                await bothRead.Task.WaitAsync(TimeSpan.FromSeconds(30));
            }
        };

        var leases = await Task.WhenAll(Task.Run(() => store().TakeLeaseAsync(ExtractionState.LeaseKey, Duration)),
            Task.Run(() => store().TakeLeaseAsync(ExtractionState.LeaseKey, Duration)));

        Assert.Single(leases, lease => lease.Taken);
        Assert.Equal(2, replacements);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(2 * 24 * 60)]
    public async Task A_lease_on_S3_must_end_and_not_before_it_begins(int minutes)
    {
        var store = await BucketAsync();
        var duration = minutes == -1 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMinutes(minutes);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store().TakeLeaseAsync(ExtractionState.LeaseKey, duration));
    }

    /// <summary>
    /// Generated rounds: takers at once, their conditional writes let through in a random order, on a lease that is free,
    /// held, given back, or ended with its holder dead.
    /// </summary>
    [Theory]
    [InlineData(2, 11)]
    [InlineData(3, 12)]
    [InlineData(5, 13)]
    [InlineData(8, 14)]
    public async Task Of_takers_at_once_exactly_one_holds_the_lease_whatever_order_their_writes_arrive_in(int takers, int seed)
    {
        var store = await BucketAsync();
        var random = new Random(seed);
        foreach (var start in new[] { "free", "held", "given-back", "ended" })
        {
            var key = $"state/lease-{start}.json";
            if (start != "free")
            {
                var earlier = await store().TakeLeaseAsync(key, start == "held" ? Duration : TimeSpan.FromMinutes(1));
                Assert.True(earlier.Taken);
                if (start == "given-back")
                {
                    await earlier.DisposeAsync();
                }
            }
            if (start == "ended")
            {
                _clock.Advance(TimeSpan.FromMinutes(2));
            }

            var delays = Enumerable.Range(0, takers).Select(_ => TimeSpan.FromMilliseconds(random.Next(0, 40))).ToArray();
            var write = 0;
            _writes.BeforeCondition = _ => Task.Delay(delays[Interlocked.Increment(ref write) % takers]);
            var leases = await Task.WhenAll(Enumerable.Range(0, takers).Select(_ => Task.Run(() => store().TakeLeaseAsync(key, Duration))));
            _writes.BeforeCondition = _ => Task.CompletedTask;

            Assert.Equal(start == "held" ? 0 : 1, leases.Count(lease => lease.Taken));
            Assert.False((await store().TakeLeaseAsync(key, Duration)).Taken);
        }
    }
}
