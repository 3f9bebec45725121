using SpotifyEtl.Storage;

namespace SpotifyEtl.Import;

/// <summary>The content of one offered file, in an array that may be rented from <see cref="BytePool"/> (disposing returns it).</summary>
public sealed class ExportBytes(byte[] buffer, int length, bool pooled) : IDisposable
{
    private byte[]? _buffer = buffer;

    public int Length { get; } = length;

    public ReadOnlySpan<byte> Span => Array.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => Array.AsMemory(0, Length);

    /// <summary>The content as a read-only stream over the array, for landing it.</summary>
    public Stream OpenRead() => new MemoryStream(Array, 0, Length, writable: false);

    private byte[] Array => _buffer ?? throw new ObjectDisposedException(nameof(ExportBytes));

    public void Dispose()
    {
        var rented = Interlocked.Exchange(ref _buffer, null);
        if (pooled && rented is not null)
        {
            BytePool.Return(rented);
        }
    }
}
