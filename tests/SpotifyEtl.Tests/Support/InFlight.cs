namespace SpotifyEtl.Tests.Support;

/// <summary>Counts the calls in progress and the most there were at once, for a double that shows whether work ran side by side.</summary>
public sealed class InFlight
{
    private int _now;
    private int _most;

    public int Most => Volatile.Read(ref _most);

    /// <summary>One more call in progress, until the returned scope is disposed.</summary>
    public Scope Enter()
    {
        var now = Interlocked.Increment(ref _now);
        for (var seen = Volatile.Read(ref _most); now > seen; seen = Volatile.Read(ref _most))
        {
            if (Interlocked.CompareExchange(ref _most, now, seen) == seen)
            {
                break;
            }
        }
        return new Scope(this);
    }

    public readonly struct Scope(InFlight owner) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref owner._now);
    }
}
