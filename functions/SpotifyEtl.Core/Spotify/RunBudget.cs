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

    /// <summary>
    /// The time a request asked again after a wait is left at least: a wait that leaves less (a Retry-After of 835 s with 835.05 s
    /// left) would be sat out only for the request after it to be cut short, the run ending as out of time, with no wait saved
    /// and the quarter hour spent idle; the run stops at once instead, saving the wait.
    /// </summary>
    public static readonly TimeSpan AskAgain = TimeSpan.FromSeconds(10);

    /// <summary>Whether the run can sit out <paramref name="wait"/> and still ask again (<see cref="AskAgain"/>).</summary>
    public bool Allows(TimeSpan wait) => Remaining == TimeSpan.MaxValue || wait + AskAgain < Remaining;
}
