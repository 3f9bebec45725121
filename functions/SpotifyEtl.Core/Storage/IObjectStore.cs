using System.Runtime.CompilerServices;

namespace SpotifyEtl.Storage;

/// <summary>
/// The narrow view of object storage that extraction and transformation need. One store is one
/// bucket (or one folder on a laptop); keys use '/' separators and never start with '/'.
/// </summary>
public interface IObjectStore
{
    /// <summary>A human-readable location for messages, such as <c>s3://bucket</c> or a folder path.</summary>
    string Description { get; }

    /// <summary>Opens an object for reading. Throws <see cref="ObjectNotFoundException"/> when it is absent.</summary>
    Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Writes (or overwrites) an object with the whole content of <paramref name="content"/>.</summary>
    Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default);

    /// <summary>Keys under a prefix, in ordinal order, following every page.</summary>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>
    /// Keys under a prefix with a tag that changes whenever an object is rewritten (S3's ETag), in
    /// ordinal order. The transformation compares two listings to know whether its inputs changed
    /// while it worked. A store that cannot tell versions apart returns empty tags.
    /// </summary>
    async IAsyncEnumerable<ObjectVersion> ListVersionsAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var key in ListAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            yield return new ObjectVersion(key, "");
        }
    }

    /// <summary>Copies an object within this store.</summary>
    Task CopyAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken = default);

    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default);

    Task DeleteAsync(string key, CancellationToken cancellationToken = default);
}

/// <summary>A key and the tag of its current content.</summary>
public readonly record struct ObjectVersion(string Key, string Tag);

public sealed class ObjectNotFoundException(string store, string key)
    : Exception($"No object '{key}' in {store}.")
{
    public string Key { get; } = key;
}
