namespace SpotifyEtl.Spotify;

/// <summary>
/// The time a run may use. Lambda stops a function at its timeout (15 minutes at most); a wait that
/// would outlast the budget ends the run cleanly instead, with its state saved.
/// </summary>
public sealed class RunBudget(TimeProvider timeProvider, DateTimeOffset deadline)
{
    public static RunBudget Starting(TimeProvider timeProvider, TimeSpan length) => new(timeProvider, timeProvider.GetUtcNow() + length);

    public static RunBudget Unlimited(TimeProvider timeProvider) => new(timeProvider, DateTimeOffset.MaxValue);

    public DateTimeOffset Deadline { get; } = deadline;

    public TimeSpan Remaining
    {
        get
        {
            var now = timeProvider.GetUtcNow();
            return Deadline == DateTimeOffset.MaxValue ? TimeSpan.MaxValue : Deadline > now ? Deadline - now : TimeSpan.Zero;
        }
    }

    public bool Allows(TimeSpan wait) => wait < Remaining;
}
