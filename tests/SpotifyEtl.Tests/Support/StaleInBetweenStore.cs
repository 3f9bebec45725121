using SpotifyEtl.Storage;

namespace SpotifyEtl.Tests.Support;

/// <summary>
/// One read of one key (the first, or the <paramref name="racedRead"/>th) is answered with other bytes, put there for the
/// read and replaced by the key's own bytes right after it, as a slower writer's stale write and its repair would fall
/// around the read. Pooled reads are raced; with <paramref name="streamReads"/>, stream reads too (which carry no tag), so
/// that code reading the key either way meets the race.
/// </summary>
public sealed class StaleInBetweenStore(IObjectStore inner, string racedKey, byte[] stale, int racedRead = 1, bool streamReads = false)
    : ForwardingStore(inner), IObjectStore
{
    private readonly IObjectStore _inner = inner;
    private int _reads;

    public bool Raced => Volatile.Read(ref _reads) >= racedRead;

    public override Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) =>
        streamReads && IsRaced(key)
            ? StaleAsync<Stream>(key, async () => new MemoryStream(await _inner.ReadAllBytesAsync(key, cancellationToken).ConfigureAwait(false), writable: false), cancellationToken)
            : _inner.OpenReadAsync(key, cancellationToken);

    public Task<PooledBytes> ReadPooledAsync(string key, CancellationToken cancellationToken = default) =>
        IsRaced(key) ? StaleAsync(key, () => _inner.ReadPooledAsync(key, cancellationToken), cancellationToken) : _inner.ReadPooledAsync(key, cancellationToken);

    /// <summary>Whether this read of the key is the one raced (counting the raced key's reads only).</summary>
    private bool IsRaced(string key) => key == racedKey && Interlocked.Increment(ref _reads) == racedRead;

    /// <summary>The read, with the stale bytes put before it and the key's own bytes put back after it.</summary>
    private async Task<T> StaleAsync<T>(string key, Func<Task<T>> read, CancellationToken cancellationToken)
    {
        var own = await _inner.ReadAllBytesAsync(key, cancellationToken).ConfigureAwait(false);
        await _inner.PutAsync(key, new MemoryStream(stale), "application/octet-stream", cancellationToken).ConfigureAwait(false);
        try
        {
            return await read().ConfigureAwait(false);
        }
        finally
        {
            await _inner.PutAsync(key, new MemoryStream(own), "application/octet-stream", cancellationToken).ConfigureAwait(false);
        }
    }
}
