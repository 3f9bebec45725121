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

    public static async Task<string> ReadAllTextAsync(this IObjectStore store, string key, CancellationToken cancellationToken = default) =>
        Encoding.UTF8.GetString(await store.ReadAllBytesAsync(key, cancellationToken).ConfigureAwait(false));
}

/// <summary>An object's bytes in a pooled buffer: return it with Dispose.</summary>
/// <param name="version">Which version of the object the bytes are (S3's version id); null where the store keeps none.</param>
/// <param name="tag">The tag of the content read, as <see cref="IObjectStore.ListVersionsAsync"/> gives it (S3's ETag); null where the store does not say.</param>
public sealed class PooledBytes(byte[] buffer, int length, string? version = null, string? tag = null) : IDisposable
{
    private byte[]? _buffer = buffer;

    public int Length { get; } = length;

    /// <summary>
    /// Which version of the object these bytes are (S3's version id, on a versioned bucket); null where the store keeps
    /// none. <see cref="IObjectStore.CopyVersionAsync"/> copies this version, whatever the key holds by then.
    /// </summary>
    public string? Version { get; } = version;

    /// <summary>
    /// The tag of the content read (S3's ETag), to compare with a listing's: a key listed with one tag and read with
    /// another was rewritten in between, even when by now it holds the listed content again. Null where the store does not say.
    /// </summary>
    public string? Tag { get; } = tag;

    /// <summary>
    /// Whether these bytes are the content a listing gave <paramref name="listedTag"/>: true when either side does not say
    /// (no tag, or an empty one), else when the tags are the same, compared as S3-compatible stores may quote them
    /// (with or without quotes or a weak <c>W/</c> prefix, in either case).
    /// </summary>
    public bool IsListed(string listedTag) =>
        string.IsNullOrEmpty(Tag) || string.IsNullOrEmpty(listedTag) || Bare(Tag).Equals(Bare(listedTag), StringComparison.OrdinalIgnoreCase);

    private static ReadOnlySpan<char> Bare(string tag) =>
        (tag.StartsWith("W/", StringComparison.OrdinalIgnoreCase) ? tag.AsSpan(2) : tag.AsSpan()).Trim('"');

    /// <summary>
    /// Reads a stream to its end into a buffer rented from <see cref="BytePool"/>, sized by <paramref name="length"/> when
    /// it is known: reading hundreds of response pages reuses a few buffers instead of allocating one large array per page.
    /// An object of more than <paramref name="maxBytes"/> is an <see cref="UnreadableObjectException"/>: at once when its
    /// length is known, else once that much has been read.
    /// </summary>
    internal static async Task<PooledBytes> ReadAsync(Stream stream, long? length, string store, string key, string? version, CancellationToken cancellationToken,
        string? tag = null, long maxBytes = long.MaxValue)
    {
        var most = Math.Min(maxBytes, Array.MaxLength);
        if (length > most)
        {
            throw new UnreadableObjectException(store, key, $"it is {length:N0} bytes, more than the {most:N0} one object may hold here (no Spotify response comes near)");
        }
        var buffer = BytePool.Rent((int)Math.Min(length is { } known ? Math.Max(known + 1, 4096) : 256 * 1024, most + 1));
        var read = 0;
        try
        {
            while (true)
            {
                if (read > most)
                {
                    throw new UnreadableObjectException(store, key, $"it is more than the {most:N0} bytes one object may hold here (no Spotify response comes near)");
                }
                if (read == buffer.Length)
                {
                    if (buffer.Length >= Array.MaxLength)
                    {
                        throw new UnreadableObjectException(store, key, $"it is more than the {Array.MaxLength:N0} bytes one object may hold");
                    }
                    var larger = BytePool.Rent((int)Math.Min(buffer.Length * 2L, Math.Min(most + 1, Array.MaxLength)));
                    buffer.AsSpan(0, read).CopyTo(larger);
                    BytePool.Return(buffer);
                    buffer = larger;
                }
                var chunk = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
                if (chunk == 0)
                {
                    return new PooledBytes(buffer, read, version, tag);
                }
                read += chunk;
            }
        }
        catch
        {
            BytePool.Return(buffer);
            throw;
        }
    }

    public ReadOnlySpan<byte> Span => (_buffer ?? throw new ObjectDisposedException(nameof(PooledBytes))).AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => (_buffer ?? throw new ObjectDisposedException(nameof(PooledBytes))).AsMemory(0, Length);

    /// <summary>The bytes as a read-only stream over the pooled buffer itself, valid until disposed.</summary>
    public Stream OpenRead() => new MemoryStream(_buffer ?? throw new ObjectDisposedException(nameof(PooledBytes)), 0, Length, writable: false);

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            BytePool.Return(buffer);
        }
    }
}
