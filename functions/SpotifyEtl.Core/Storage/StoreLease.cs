namespace SpotifyEtl.Storage;

/// <summary>
/// A store that lends a named lease to one holder at a time, whichever process or machine asks: the extraction
/// takes one so that two runs never load the same state and save over each other.
/// </summary>
public interface ILeasingStore
{
    /// <summary>
    /// Takes the lease named by <paramref name="key"/> for at most <paramref name="duration"/> (a holder that dies keeps
    /// it no longer), or tells who holds it. Disposing a taken lease gives it back.
    /// </summary>
    Task<StoreLease> TakeLeaseAsync(string key, TimeSpan duration, CancellationToken cancellationToken = default);
}

/// <summary>The answer of <see cref="ILeasingStore.TakeLeaseAsync"/>: taken (dispose to give it back), or held by another until a time.</summary>
public sealed class StoreLease : IAsyncDisposable
{
    private Func<ValueTask>? _giveBack;

    private StoreLease(bool taken, DateTimeOffset? heldUntil, Func<ValueTask>? giveBack)
    {
        Taken = taken;
        HeldUntil = heldUntil;
        _giveBack = giveBack;
    }

    public bool Taken { get; }

    /// <summary>When the other holder's lease ends at the latest; null when the store does not say (a lock the system lets go of when its process ends).</summary>
    public DateTimeOffset? HeldUntil { get; }

    public static StoreLease Held(Func<ValueTask> giveBack) => new(true, null, giveBack);

    public static StoreLease HeldByAnother(DateTimeOffset? until) => new(false, until, null);

    public ValueTask DisposeAsync() => Interlocked.Exchange(ref _giveBack, null)?.Invoke() ?? ValueTask.CompletedTask;
}
