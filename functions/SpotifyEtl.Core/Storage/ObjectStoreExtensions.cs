using System.Text;

namespace SpotifyEtl.Storage;

public static class ObjectStoreExtensions
{
    public static async Task PutBytesAsync(this IObjectStore store, string key, byte[] bytes, string contentType, CancellationToken cancellationToken = default)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        await store.PutAsync(key, stream, contentType, cancellationToken).ConfigureAwait(false);
    }

    public static Task PutTextAsync(this IObjectStore store, string key, string text, string contentType, CancellationToken cancellationToken = default) =>
        store.PutBytesAsync(key, Encoding.UTF8.GetBytes(text), contentType, cancellationToken);

    public static async Task<byte[]> ReadAllBytesAsync(this IObjectStore store, string key, CancellationToken cancellationToken = default)
    {
        var stream = await store.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }
    }

    /// <summary>
    /// Reads a whole object into a buffer rented from the shared pool: reading hundreds of response pages
    /// reuses a few buffers instead of allocating (and collecting) one large array per page.
    /// </summary>
    public static async Task<PooledBytes> ReadPooledAsync(this IObjectStore store, string key, CancellationToken cancellationToken = default)
    {
        var stream = await store.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var pool = System.Buffers.ArrayPool<byte>.Shared;
            var buffer = pool.Rent(stream.CanSeek ? (int)Math.Max(stream.Length + 1, 4096) : 256 * 1024);
            var length = 0;
            try
            {
                while (true)
                {
                    if (length == buffer.Length)
                    {
                        var larger = pool.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(larger);
                        pool.Return(buffer);
                        buffer = larger;
                    }
                    var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return new PooledBytes(buffer, length);
                    }
                    length += read;
                }
            }
            catch
            {
                pool.Return(buffer);
                throw;
            }
        }
    }

    public static async Task<string> ReadAllTextAsync(this IObjectStore store, string key, CancellationToken cancellationToken = default) =>
        Encoding.UTF8.GetString(await store.ReadAllBytesAsync(key, cancellationToken).ConfigureAwait(false));
}

/// <summary>An object's bytes in a pooled buffer: return it with Dispose.</summary>
public sealed class PooledBytes(byte[] buffer, int length) : IDisposable
{
    private byte[]? _buffer = buffer;

    public int Length { get; } = length;

    public ReadOnlySpan<byte> Span => (_buffer ?? throw new ObjectDisposedException(nameof(PooledBytes))).AsSpan(0, Length);

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
