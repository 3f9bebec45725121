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

    /// <summary>Copies an object within this store.</summary>
    Task CopyAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken = default);

    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default);

    Task DeleteAsync(string key, CancellationToken cancellationToken = default);
}

public sealed class ObjectNotFoundException(string store, string key)
    : Exception($"No object '{key}' in {store}.")
{
    public string Key { get; } = key;
}
