using Microsoft.Extensions.Time.Testing;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>
/// A clock that moves only when a test moves it and tells the test when code under test has started waiting on it.
/// A wait begins some time after the event a test can observe (Polly tells of a retry before it starts the delay), so
/// moving the clock as soon as the event is seen can pass the wait by before it is set, and the wait then never ends.
/// </summary>
internal sealed class TimerCountingClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly object _gate = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _awaited = [];
    private int _timers;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        lock (_gate)
        {
            _timers++;
            foreach (var waiter in _awaited.Where(waiter => waiter.Count <= _timers).ToList())
            {
                waiter.Reached.TrySetResult();
                _awaited.Remove(waiter);
            }
        }
        return timer;
    }

    /// <summary>Completes once <paramref name="count"/> timers have been created on this clock since it was made.</summary>
    public Task TimersCreated(int count)
    {
        lock (_gate)
        {
            if (_timers >= count)
            {
                return Task.CompletedTask;
            }
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _awaited.Add((count, reached));
            return reached.Task;
        }
    }
}
