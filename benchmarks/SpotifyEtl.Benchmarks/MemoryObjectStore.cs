using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Benchmarks;

/// <summary>A bucket in memory, for generating the benchmark's input without touching the disk.</summary>
internal sealed class MemoryObjectStore : IObjectStore
{
    private readonly ConcurrentDictionary<string, byte[]> _objects = new(StringComparer.Ordinal);

    public string Description => "memory";

    public IReadOnlyDictionary<string, byte[]> Objects => _objects;

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) =>
        _objects.TryGetValue(key, out var bytes)
            ? Task.FromResult<Stream>(new MemoryStream(bytes, writable: false))
            : throw new ObjectNotFoundException(Description, key);

    public async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        _objects[key] = buffer.ToArray();
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var key in _objects.Keys.Where(key => key.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            yield return key;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task CopyAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken = default)
    {
        _objects[destinationKey] = _objects.TryGetValue(sourceKey, out var bytes) ? bytes : throw new ObjectNotFoundException(Description, sourceKey);
        return Task.CompletedTask;
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult(_objects.ContainsKey(key));

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        _objects.TryRemove(key, out _);
        return Task.CompletedTask;
    }
}
