using SpotifyEtl.Storage;

namespace SpotifyEtl.Tests.Support;

/// <summary>
/// A key holds other bytes from just before one listing of <paramref name="racedPrefix"/> (the <paramref name="racedListing"/>th) until
/// right after its next read, when its own bytes are put back: a slower writer's stale write that a reader lists and
/// reads, and the repair that follows. On S3 the key then has its first ETag again, so a listing taken before the stale
/// write and one taken after the repair agree.
/// </summary>
public sealed class StaleListedStore(IObjectStore inner, string racedKey, string racedPrefix, byte[] stale, int racedListing) : ForwardingStore(inner), IObjectStore
{
    private readonly IObjectStore _inner = inner;
    private int _listings;
    private byte[]? _own;

    public bool Raced { get; private set; }

    public override async IAsyncEnumerable<ObjectVersion> ListVersionsAsync(string prefix,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (prefix == racedPrefix && Interlocked.Increment(ref _listings) == racedListing)
        {
            _own = await _inner.ReadAllBytesAsync(racedKey, cancellationToken).ConfigureAwait(false);
            await _inner.PutAsync(racedKey, new MemoryStream(stale), "application/octet-stream", cancellationToken).ConfigureAwait(false);
        }
        await foreach (var version in _inner.ListVersionsAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            yield return version;
        }
    }

    public async Task<PooledBytes> ReadPooledAsync(string key, CancellationToken cancellationToken = default)
    {
        var read = await _inner.ReadPooledAsync(key, cancellationToken).ConfigureAwait(false);
        if (key == racedKey && Interlocked.Exchange(ref _own, null) is { } own)
        {
            Raced = true;
            await _inner.PutAsync(key, new MemoryStream(own), "application/octet-stream", cancellationToken).ConfigureAwait(false);
        }
        return read;
    }
}
