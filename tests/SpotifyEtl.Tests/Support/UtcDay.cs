namespace SpotifyEtl.Tests.Support;

/// <summary>For tests of commands that read the machine's clock and expect two runs on one snapshot date.</summary>
internal static class UtcDay
{
    /// <summary>
    /// Returns at once unless UTC midnight is less than <paramref name="room"/> away; then waits until just
    /// after it, so that the runs that follow share a day.
    /// </summary>
    public static async Task WithRoomAsync(TimeSpan room)
    {
        var now = DateTimeOffset.UtcNow;
        var untilMidnight = now.Date.AddDays(1) - now.UtcDateTime;
        if (untilMidnight < room)
        {
            await Task.Delay(untilMidnight + TimeSpan.FromSeconds(1));
        }
    }
}
