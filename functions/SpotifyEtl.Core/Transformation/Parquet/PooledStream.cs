namespace SpotifyEtl.Transformation.Parquet;

/// <summary>
/// A table file built in memory before it is stored: written once from the start, then read from the
/// start. Its bytes live in a buffer rented from the shared pool (<see cref="PooledBufferWriter"/>), so
/// the files of every day reuse the same few buffers where a <see cref="MemoryStream"/> would allocate
/// and copy a larger array each time it grows.
/// </summary>
internal sealed class PooledStream(int initialCapacity = 64 * 1024) : Stream
{
    private readonly PooledBufferWriter _buffer = new(initialCapacity);
    private int _position;

    /// <summary>Every byte written so far.</summary>
    public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => true;
    public override long Length => _buffer.WrittenCount;

    public override long Position
    {
        get => _position;
        set => _position = (int)Math.Clamp(value, 0, _buffer.WrittenCount);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <summary>Appends: the file is written from its start to its end, never over itself.</summary>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        buffer.CopyTo(_buffer.GetSpan(buffer.Length));
        _buffer.Advance(buffer.Length);
        _position = _buffer.WrittenCount;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var available = _buffer.WrittenSpan[_position..];
        var count = Math.Min(available.Length, buffer.Length);
        available[..count].CopyTo(buffer);
        _position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer, offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    /// <summary>The rest of the file in one write, from the pooled buffer itself.</summary>
    public override async Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
    {
        var rest = _buffer.WrittenMemory[_position..];
        _position = _buffer.WrittenCount;
        await destination.WriteAsync(rest, cancellationToken).ConfigureAwait(false);
    }

    public override void CopyTo(Stream destination, int bufferSize)
    {
        var rest = _buffer.WrittenSpan[_position..];
        _position = _buffer.WrittenCount;
        destination.Write(rest);
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => _buffer.WrittenCount + offset,
    };

    public override void SetLength(long value) => throw new NotSupportedException("A table file is only appended to.");

    public override void Flush()
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _buffer.Dispose();
        }
        base.Dispose(disposing);
    }
}
