using SpotifyEtl.Storage;

namespace SpotifyEtl.Tests.Support;

/// <summary>
/// Runs concurrent writers one store call at a time, in an order drawn from a seed: each call waits for its turn,
/// and a turn is given, to one waiting call drawn at random, only once every writer still at work is waiting (or
/// done). Each seed is one order of the writers' calls, the same on every run; many seeds try the orders a
/// scheduler could produce.
/// </summary>
public sealed class Interleaving(int seed, int writers)
{
    private readonly Random _random = new(seed);
    private readonly Lock _gate = new();
    private readonly List<(TaskCompletionSource Turn, string Call)> _waiting = [];
    private int _running = writers;

    /// <summary>The store calls in the order they were let through: the writer's name and the call.</summary>
    public List<string> Calls { get; } = [];

    /// <summary>Waits for this writer's next call's turn.</summary>
    public Task TurnAsync(string writer, string call)
    {
        var turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiting.Add((turn, $"{writer}: {call}"));
            _running--;
            GiveATurn();
        }
        return turn.Task;
    }

    /// <summary>Says a writer made its last call.</summary>
    public void Done()
    {
        lock (_gate)
        {
            _running--;
            GiveATurn();
        }
    }

    /// <summary>Runs <paramref name="write"/> as one of the writers, saying so when it ends whichever way.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> write)
    {
        try
        {
            return await write();
        }
        finally
        {
            Done();
        }
    }

    private void GiveATurn()
    {
        if (_running > 0 || _waiting.Count == 0)
        {
            return;
        }
        var next = _random.Next(_waiting.Count);
        var (turn, call) = _waiting[next];
        _waiting.RemoveAt(next);
        Calls.Add(call);
        _running++;
        turn.SetResult();
    }
}

/// <summary>One writer's view of a shared store: each read, write and copy it makes waits for its turn in an <see cref="Interleaving"/>.</summary>
public sealed class TurnTakingStore(IObjectStore inner, Interleaving turns, string writer) : ForwardingStore(inner), IObjectStore
{
    private readonly IObjectStore _inner = inner;

    public async Task<PooledBytes> ReadPooledAsync(string key, CancellationToken cancellationToken = default)
    {
        await turns.TurnAsync(writer, $"read {key}");
        return await _inner.ReadPooledAsync(key, cancellationToken);
    }

    public override async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
    {
        await turns.TurnAsync(writer, $"put {key}");
        await base.PutAsync(key, content, contentType, cancellationToken);
    }

    public override async Task CopyAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken = default)
    {
        await turns.TurnAsync(writer, $"copy {sourceKey} to {destinationKey}");
        await base.CopyAsync(sourceKey, destinationKey, cancellationToken);
    }

    public async Task CopyVersionAsync(string sourceKey, string sourceVersion, string destinationKey, CancellationToken cancellationToken = default)
    {
        await turns.TurnAsync(writer, $"copy {sourceKey} ({sourceVersion}) to {destinationKey}");
        await _inner.CopyVersionAsync(sourceKey, sourceVersion, destinationKey, cancellationToken);
    }

    public override async Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        await turns.TurnAsync(writer, $"delete {key}");
        await base.DeleteAsync(key, cancellationToken);
    }
}
