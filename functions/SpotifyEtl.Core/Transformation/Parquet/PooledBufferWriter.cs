using System.Buffers;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Transformation.Parquet;

/// <summary>
/// A growable byte buffer rented from <see cref="BytePool"/>. Writing a day's tables reuses a few buffers
/// instead of allocating large arrays per column, which the GC would have to zero and collect.
/// </summary>
internal sealed class PooledBufferWriter(int initialCapacity) : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer = BytePool.Rent(initialCapacity);

    public int WrittenCount { get; private set; }

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, WrittenCount);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, WrittenCount);

    /// <summary>Bytes already written, to fill in a header whose value is known only after what follows it.</summary>
    public Span<byte> Rewrite(int start, int length) => _buffer.AsSpan(0, WrittenCount).Slice(start, length);

    /// <summary>Forgets what was written after the first <paramref name="count"/> bytes.</summary>
    public void Truncate(int count) => WrittenCount = count >= 0 && count <= WrittenCount ? count : throw new ArgumentOutOfRangeException(nameof(count));

    /// <summary>Starts over, keeping the buffer (without clearing it: every byte handed out is written first).</summary>
    public void Clear() => WrittenCount = 0;

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (WrittenCount + count > _buffer.Length)
        {
            throw new InvalidOperationException("Advanced past the end of the buffer.");
        }
        WrittenCount += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsMemory(WrittenCount);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsSpan(WrittenCount);
    }

    private void Reserve(int sizeHint)
    {
        var needed = WrittenCount + Math.Max(sizeHint, 1);
        if (needed > _buffer.Length)
        {
            var larger = BytePool.Rent(Math.Max(needed, _buffer.Length * 2));
            WrittenSpan.CopyTo(larger);
            BytePool.Return(_buffer);
            _buffer = larger;
        }
    }

    public void Dispose()
    {
        BytePool.Return(_buffer);
        _buffer = [];
        WrittenCount = 0;
    }
}
