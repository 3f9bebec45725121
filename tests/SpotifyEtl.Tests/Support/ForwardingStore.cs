using SpotifyEtl.Storage;

namespace SpotifyEtl.Tests.Support;

/// <summary>
/// A store that passes every call to another one: a fault double overrides only the calls it breaks,
/// and inherits the rest, version listings included (a double that let <see cref="IObjectStore"/>'s
/// default answer them would list no ETags, and the pipeline would check names only). Pooled reads are left to
/// <see cref="IObjectStore"/>'s default, through <see cref="OpenReadAsync"/>, so that a double that breaks reads breaks
/// every read; they carry no ETag, so the check that a read is the version listed is off behind such a double (the tests
/// of that check wrap the store in <see cref="StaleInBetweenStore"/>, which passes the ETag on).
/// </summary>
public abstract class ForwardingStore(IObjectStore inner) : IObjectStore
{
    public string Description => inner.Description;

    public virtual Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) => inner.OpenReadAsync(key, cancellationToken);

    public virtual Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default) =>
        inner.PutAsync(key, content, contentType, cancellationToken);

    public virtual IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

    public virtual IAsyncEnumerable<ObjectVersion> ListVersionsAsync(string prefix, CancellationToken cancellationToken = default) =>
        inner.ListVersionsAsync(prefix, cancellationToken);

    public virtual Task CopyAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken = default) =>
        inner.CopyAsync(sourceKey, destinationKey, cancellationToken);

    public virtual Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => inner.ExistsAsync(key, cancellationToken);

    public virtual Task DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);
}
