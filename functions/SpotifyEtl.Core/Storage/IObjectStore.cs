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

    /// <summary>
    /// Opens one version of an object, the one an event names (S3's <c>versionId</c>), whatever the key holds by now.
    /// Throws <see cref="VersionNotFoundException"/> when that version is gone, <see cref="ObjectNotFoundException"/> when
    /// the key is, and <see cref="VersionUnknownException"/> when the store knows no such version id (a bucket without
    /// versioning). A store that keeps no versions (the local lake) has none to give: it opens what the key holds.
    /// </summary>
    Task<Stream> OpenVersionReadAsync(string key, string version, CancellationToken cancellationToken = default) =>
        OpenReadAsync(key, cancellationToken);

    /// <summary>
    /// Reads a whole object into a buffer rented from <see cref="BytePool"/> (dispose the result to return it):
    /// reading hundreds of response pages reuses a few buffers instead of allocating one large array per
    /// page. Throws <see cref="ObjectNotFoundException"/> when it is absent.
    /// </summary>
    async Task<PooledBytes> ReadPooledAsync(string key, CancellationToken cancellationToken = default)
    {
        var stream = await OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await PooledBytes.ReadAsync(stream, stream.CanSeek ? stream.Length : null, Description, key, version: null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes (or overwrites) an object with the whole content of <paramref name="content"/>.</summary>
    Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes (or overwrites) an object with what <paramref name="write"/> writes, from its start to its end, to
    /// the stream it is handed. A store that can takes the bytes as they come: the local lake writes them into
    /// the file, so a table file is never held whole in memory as well. By default the object is built in a
    /// pooled buffer of <paramref name="sizeHint"/> bytes to start with, then put whole.
    /// </summary>
    async Task WriteAsync(string key, Action<Stream> write, int sizeHint, string contentType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var buffer = new Transformation.Parquet.PooledStream(sizeHint);
        write(buffer);
        buffer.Position = 0;
        await PutAsync(key, buffer, contentType, cancellationToken).ConfigureAwait(false);
    }

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

    /// <summary>
    /// Copies one version of an object, the <see cref="PooledBytes.Version"/> of a read, whatever the key holds by now.
    /// A store that keeps no versions has none to give: it copies what the key holds.
    /// </summary>
    Task CopyVersionAsync(string sourceKey, string sourceVersion, string destinationKey, CancellationToken cancellationToken = default) =>
        CopyAsync(sourceKey, destinationKey, cancellationToken);

    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default);

    Task DeleteAsync(string key, CancellationToken cancellationToken = default);
}

/// <summary>A key and the tag of its current content.</summary>
public readonly record struct ObjectVersion(string Key, string Tag)
{
    /// <summary>The tag of an entry listed that is no object to read (a folder this user may not list, a link, a FIFO): reading it says why.</summary>
    public const string NoObject = "entry";
}

public sealed class ObjectNotFoundException(string store, string key)
    : Exception($"No object '{key}' in {store}.")
{
    public string Key { get; } = key;
}
