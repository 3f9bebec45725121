using System.Buffers;
using System.Numerics;

namespace SpotifyEtl.Storage;

/// <summary>
/// The byte buffers the tool rents: objects read whole, tables and digests being written. Buffers up to
/// half a megabyte come from the runtime's shared pool; larger ones from a pool of their own that every
/// thread sees.
/// <para>
/// The shared pool keeps the last buffer of each size a thread returned for that thread alone, and a
/// transform's tasks move between threads: a day's 8 MB digest buffer, returned on one thread, was not
/// found by the merge of the digests on another, which took fresh memory instead. Fresh memory is what a
/// first run pays for most (docs/benchmarks.md), and few buffers are this large, so a lock per size costs
/// nothing that matters.
/// </para>
/// <para>
/// The large pool keeps what it is given back, up to 16 buffers of each size, and never trims them: a
/// process holds the buffers its busiest moment needed at once (a backfill's, those of its largest days),
/// which the next day or invocation reuses instead of touching fresh memory. Its buffers are allocated without
/// being cleared (<see cref="GC.AllocateUninitializedArray{T}"/>): a rent rounds up to a power of two, and a cleared
/// buffer has every page of it touched at once, where an uncleared one touches only the pages written. Every
/// pooled buffer holds what its last renter left in it anyway.
/// </para>
/// </summary>
internal static class BytePool
{
    /// <summary>The smallest buffer the pool of large ones holds: a rent of more than half of it comes from there.</summary>
    public const int Large = 1 << LargeShift;

    private const int LargeShift = 20;

    private const int LargestShift = 30;
    private const int KeptPerSize = 16;

    /// <summary>The large pool: returned buffers by size, 1 MB to 1 GB, each size's stack also its lock.</summary>
    private static readonly Stack<byte[]>[] s_large = [.. Enumerable.Range(0, LargestShift - LargeShift + 1).Select(_ => new Stack<byte[]>(KeptPerSize))];

    /// <summary>A buffer of at least <paramref name="minimumLength"/> bytes, not cleared.</summary>
    public static byte[] Rent(int minimumLength) => minimumLength > Large / 2
        ? RentLarge(minimumLength)
        : ArrayPool<byte>.Shared.Rent(minimumLength);

    private static byte[] RentLarge(int minimumLength)
    {
        var shift = Math.Max(LargeShift, BitOperations.Log2((uint)minimumLength - 1) + 1);
        if (shift > LargestShift)
        {
            return GC.AllocateUninitializedArray<byte>(minimumLength);
        }
        var kept = s_large[shift - LargeShift];
        lock (kept)
        {
            if (kept.TryPop(out var buffer))
            {
                return buffer;
            }
        }
        return GC.AllocateUninitializedArray<byte>(1 << shift);
    }

    /// <summary>
    /// Returns a buffer <see cref="Rent"/> gave: both pools hand out powers of two, so its length says which pool it came
    /// from. An empty array (what a rent of nothing gives, or a writer that holds none) is nobody's and is let go.
    /// </summary>
    public static void Return(byte[] buffer)
    {
        if (buffer.Length == 0)
        {
            return;
        }
        if (buffer.Length >= Large)
        {
            // More than the pool keeps of one size, or longer than its largest, goes to the collector.
            if (BitOperations.IsPow2(buffer.Length) && BitOperations.Log2((uint)buffer.Length) is var shift and <= LargestShift)
            {
                var kept = s_large[shift - LargeShift];
                lock (kept)
                {
                    if (kept.Count < KeptPerSize)
                    {
                        kept.Push(buffer);
                    }
                }
            }
        }
        else
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
