using SpotifyEtl.Storage;

namespace SpotifyEtl.Tests.Support;

/// <summary>
/// Freezes a process at one point of its writes: the <c>pauseAt</c>-th write (a put, copy or delete, counted from 1)
/// and every write after it wait until <see cref="Release"/>, so that another process can run whole in between.
/// Reads pass straight through with their ETags, so the check that a read is the version listed stays on.
/// </summary>
public sealed class PausingStore(IObjectStore inner, int pauseAt) : ForwardingStore(inner), IObjectStore
{
    private readonly IObjectStore _inner = inner;
    private readonly List<string> _keys = [];

    /// <summary>Set when the write to pause at is reached.</summary>
    public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Writes asked for so far, the paused ones among them.</summary>
    public int Writes => Keys.Count;

    public Task<PooledBytes> ReadPooledAsync(string key, CancellationToken cancellationToken = default) => _inner.ReadPooledAsync(key, cancellationToken);

    public override async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
    {
        await WaitAsync(key).ConfigureAwait(false);
        await base.PutAsync(key, content, contentType, cancellationToken).ConfigureAwait(false);
    }

    public override async Task CopyAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken = default)
    {
        await WaitAsync(destinationKey).ConfigureAwait(false);
        await base.CopyAsync(sourceKey, destinationKey, cancellationToken).ConfigureAwait(false);
    }

    public override async Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        await WaitAsync(key).ConfigureAwait(false);
        await base.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The keys written (put, copied to or deleted), in the order asked for.</summary>
    public IReadOnlyList<string> Keys
    {
        get
        {
            lock (_keys)
            {
                return [.. _keys];
            }
        }
    }

    private Task WaitAsync(string key)
    {
        int count;
        lock (_keys)
        {
            _keys.Add(key);
            count = _keys.Count;
        }
        if (count < pauseAt)
        {
            return Task.CompletedTask;
        }
        Reached.TrySetResult();
        return Release.Task;
    }
}
