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

    public override async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        if (!streamReads || key != racedKey || Interlocked.Increment(ref _reads) != racedRead)
        {
            return await _inner.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        }
        var own = await _inner.ReadAllBytesAsync(key, cancellationToken).ConfigureAwait(false);
        await _inner.PutAsync(key, new MemoryStream(stale), "application/octet-stream", cancellationToken).ConfigureAwait(false);
        try
        {
            return new MemoryStream(await _inner.ReadAllBytesAsync(key, cancellationToken).ConfigureAwait(false), writable: false);
        }
        finally
        {
            await _inner.PutAsync(key, new MemoryStream(own), "application/octet-stream", cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<PooledBytes> ReadPooledAsync(string key, CancellationToken cancellationToken = default)
    {
        if (key != racedKey || Interlocked.Increment(ref _reads) != racedRead)
        {
            return await _inner.ReadPooledAsync(key, cancellationToken).ConfigureAwait(false);
        }
        var own = await _inner.ReadAllBytesAsync(key, cancellationToken).ConfigureAwait(false);
        await _inner.PutAsync(key, new MemoryStream(stale), "application/octet-stream", cancellationToken).ConfigureAwait(false);
        try
        {
            return await _inner.ReadPooledAsync(key, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await _inner.PutAsync(key, new MemoryStream(own), "application/octet-stream", cancellationToken).ConfigureAwait(false);
        }
    }
}
