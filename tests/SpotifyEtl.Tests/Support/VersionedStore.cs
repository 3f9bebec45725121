using System.Runtime.CompilerServices;
using System.Text;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Tests.Support;

/// <summary>
/// A bucket with versioning, as the raw bucket is on AWS, in memory: every write adds a version, a read says which
/// version it read, and a copy of a version copies that version whatever the key holds by then. The S3 emulator keeps
/// no versions, so the tests that need them use this store.
/// </summary>
internal sealed class VersionedStore : IObjectStore
{
    private readonly object _gate = new();
    private readonly SortedDictionary<string, List<(string Version, byte[] Bytes)>> _objects = new(StringComparer.Ordinal);
    private int _versions;

    /// <summary>Called after each write, with its key: a test changes the bucket at that moment.</summary>
    public Func<string, Task>? AfterPut { get; set; }

    public string Description => "versioned-bucket";

    public string Text(string key) => Encoding.UTF8.GetString(Current(key).Bytes);

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) =>
        Task.FromResult<Stream>(new MemoryStream(Current(key).Bytes, writable: false));

    public Task<Stream> OpenVersionReadAsync(string key, string version, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var versions = _objects.GetValueOrDefault(key) ?? throw new ObjectNotFoundException(Description, key);
            var bytes = versions.FirstOrDefault(v => v.Version == version).Bytes ?? throw new VersionNotFoundException(Description, key, version);
            return Task.FromResult<Stream>(new MemoryStream(bytes, writable: false));
        }
    }

    /// <summary>The version id of what <paramref name="key"/> holds now.</summary>
    public string CurrentVersion(string key) => Current(key).Version;

    public Task<PooledBytes> ReadPooledAsync(string key, CancellationToken cancellationToken = default)
    {
        var (version, bytes) = Current(key);
        var buffer = BytePool.Rent(Math.Max(bytes.Length, 1));
        bytes.CopyTo(buffer, 0);
        return Task.FromResult(new PooledBytes(buffer, bytes.Length, version));
    }

    public async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        Add(key, buffer.ToArray());
        if (AfterPut is { } after)
        {
            await after(key);
        }
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var version in ListVersionsAsync(prefix, cancellationToken))
        {
            yield return version.Key;
        }
    }

    public async IAsyncEnumerable<ObjectVersion> ListVersionsAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        List<ObjectVersion> listed;
        lock (_gate)
        {
            listed = _objects.Where(o => o.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(o => new ObjectVersion(o.Key, o.Value[^1].Version)).ToList();
        }
        foreach (var version in listed)
        {
            await Task.Yield();
            yield return version;
        }
    }

    public Task CopyAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken = default)
    {
        Add(destinationKey, Current(sourceKey).Bytes);
        return Task.CompletedTask;
    }

    public Task CopyVersionAsync(string sourceKey, string sourceVersion, string destinationKey, CancellationToken cancellationToken = default)
    {
        byte[] bytes;
        lock (_gate)
        {
            bytes = (_objects.GetValueOrDefault(sourceKey) ?? []).Single(v => v.Version == sourceVersion).Bytes;
        }
        Add(destinationKey, bytes);
        return Task.CompletedTask;
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_objects.ContainsKey(key));
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _objects.Remove(key);
        }
        return Task.CompletedTask;
    }

    private void Add(string key, byte[] bytes)
    {
        lock (_gate)
        {
            if (!_objects.TryGetValue(key, out var versions))
            {
                _objects[key] = versions = [];
            }
            versions.Add(($"v{++_versions}", bytes));
        }
    }

    private (string Version, byte[] Bytes) Current(string key)
    {
        lock (_gate)
        {
            return _objects.TryGetValue(key, out var versions) ? versions[^1] : throw new ObjectNotFoundException(Description, key);
        }
    }
}
