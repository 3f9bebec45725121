using System.Buffers;

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
/// which the next day or invocation reuses instead of touching fresh memory.
/// </para>
/// </summary>
internal static class BytePool
{
    /// <summary>The smallest buffer the pool of large ones holds: a rent of more than half of it comes from there.</summary>
    public const int Large = 1 << 20;

    /// <summary>Up to 1 GB; more buffers of one size than it keeps go to the collector when returned.</summary>
    private static readonly ArrayPool<byte> s_large = ArrayPool<byte>.Create(maxArrayLength: 1 << 30, maxArraysPerBucket: 16);

    /// <summary>A buffer of at least <paramref name="minimumLength"/> bytes, not cleared.</summary>
    public static byte[] Rent(int minimumLength) => minimumLength > Large / 2
        ? s_large.Rent(minimumLength)
        : ArrayPool<byte>.Shared.Rent(minimumLength);

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
            s_large.Return(buffer);
        }
        else
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
