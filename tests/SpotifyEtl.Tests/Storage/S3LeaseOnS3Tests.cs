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

    public void Dispose()
    {
        _client?.Dispose();
        _writes.Dispose();
    }

    private async Task<Func<S3ObjectStore>> BucketAsync()
    {
        _client = server.CreateClient(_writes);
        var bucket = await server.CreateBucketAsync("lease");
        return () => new S3ObjectStore(_client, bucket) { Time = _clock };
    }

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
    public async Task A_conflict_answered_while_another_conditional_write_is_in_flight_means_another_holds_the_lease()
    {
        var store = await BucketAsync();
        _writes.ConflictNext = 2; // the creation, then the replacement of what the read found

        var lease = await store().TakeLeaseAsync(ExtractionState.LeaseKey, Duration);

        Assert.False(lease.Taken);
        await using var after = await store().TakeLeaseAsync(ExtractionState.LeaseKey, Duration);
        Assert.True(after.Taken);
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
            _writes.BeforeCondition = () => Task.Delay(delays[Interlocked.Increment(ref write) % takers]);
            var leases = await Task.WhenAll(Enumerable.Range(0, takers).Select(_ => Task.Run(() => store().TakeLeaseAsync(key, Duration))));
            _writes.BeforeCondition = () => Task.CompletedTask;

            Assert.Equal(start == "held" ? 0 : 1, leases.Count(lease => lease.Taken));
            Assert.False((await store().TakeLeaseAsync(key, Duration)).Taken);
        }
    }
}
