using SpotifyEtl.Storage;
using Xunit;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// The pool is the process's: another test renting the same size at the same moment would take the buffer these
/// tests look for, so they run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(nameof(BytePoolTests), DisableParallelization = true)]
[Collection(nameof(BytePoolTests))]
public sealed class BytePoolTests
{
    [Fact]
    public void A_large_buffer_returned_on_one_thread_is_the_one_the_next_rent_of_its_size_gets_on_another()
    {
        var random = new Random(26);
        for (var trial = 0; trial < 40; trial++)
        {
            // Past half the threshold (the large pool) up to 64 MB, and the edges of each power of two.
            var size = random.Next(4) switch
            {
                0 => BytePool.Large / 2 + 1,
                1 => 1 << random.Next(20, 27),
                2 => (1 << random.Next(20, 26)) + 1,
                _ => random.Next(BytePool.Large / 2 + 1, 64 << 20),
            };

            var first = OnThreadOfItsOwn(() => BytePool.Rent(size));
            Assert.True(first.Length >= size);
            OnThreadOfItsOwn(() => { BytePool.Return(first); return 0; });
            var second = OnThreadOfItsOwn(() => BytePool.Rent(size));

            Assert.Same(first, second);
            BytePool.Return(second);
        }
    }

    [Fact]
    public void A_rent_of_any_size_gives_at_least_that_many_bytes_and_takes_its_buffer_back()
    {
        var random = new Random(2611);
        for (var trial = 0; trial < 200; trial++)
        {
            var size = random.Next(3) switch
            {
                0 => random.Next(0, 4096),
                1 => BytePool.Large / 2 + random.Next(-2, 3),
                _ => random.Next(0, 16 << 20),
            };
            var buffer = BytePool.Rent(size);
            Assert.True(buffer.Length >= size, $"{buffer.Length} bytes for a rent of {size}");
            buffer.AsSpan(0, size).Fill(0xA5);
            BytePool.Return(buffer);
        }
        // What a rent of nothing gives, and what a writer holds once disposed, goes back without a complaint.
        BytePool.Return(BytePool.Rent(0));
        BytePool.Return([]);
    }

    [Fact]
    public void A_large_buffer_the_pool_did_not_hand_out_goes_back_without_a_complaint_and_is_never_rented()
    {
        var random = new Random(2612);
        for (var trial = 0; trial < 20; trial++)
        {
            var shift = random.Next(20, 25);
            var foreign = new byte[(1 << shift) + random.Next(1, 4096)];
            BytePool.Return(foreign);
            var rented = BytePool.Rent(foreign.Length - 1);
            Assert.NotSame(foreign, rented);
            Assert.True(rented.Length >= foreign.Length - 1);
            BytePool.Return(rented);
        }
    }

    private static T OnThreadOfItsOwn<T>(Func<T> work)
    {
        var result = default(T);
        var thread = new Thread(() => result = work());
        thread.Start();
        thread.Join();
        return result!;
    }
}
