using System.Collections.Concurrent;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>
/// A clock on which every wait (Retry-After, backoff) finishes at once and moves the clock forward by
/// its length: tests see which waits were asked for without sleeping.
/// </summary>
public sealed class InstantTimeProvider(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public InstantTimeProvider() : this(new DateTimeOffset(2026, 11, 21, 6, 0, 0, TimeSpan.Zero))
    {
    }

    public ConcurrentQueue<TimeSpan> Waits { get; } = new();

    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Waits at least this long are recorded and never end on their own: only a cancellation ends them. Null: none held.</summary>
    public TimeSpan? HoldWaitsFrom { get; set; }

    /// <summary>Completes once a wait is held (<see cref="HoldWaitsFrom"/>).</summary>
    public Task Held => _held.Task;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new InstantTimer();
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            Waits.Enqueue(dueTime);
            if (dueTime >= HoldWaitsFrom)
            {
                _held.TrySetResult();
                return timer;
            }
            Advance(dueTime);
            ThreadPool.QueueUserWorkItem(_ => callback(state));
        }
        return timer;
    }

    private sealed class InstantTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;
        public void Dispose() { }
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
