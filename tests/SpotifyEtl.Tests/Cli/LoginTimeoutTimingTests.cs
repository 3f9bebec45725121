using SpotifyEtl.Cli.Spotify;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A login's wait for the browser ends as a timeout, with the login to run again, at whatever moment its time runs out:
/// before the listener first waits (a busy machine, a one-second --timeout), or while it waits.
/// </summary>
public sealed class LoginTimeoutTimingTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(50)]
    public async Task The_wait_ends_as_a_timeout_naming_the_login_to_run_again_whenever_its_time_runs_out(int milliseconds)
    {
        using var listener = new LoopbackCallbackListener(LoopbackPorts.Free());
        using var timeout = new CancellationTokenSource();
        if (milliseconds == 0)
        {
            // Run out before the wait began: the listener is stopped before it first waits.
            await timeout.CancelAsync();
        }
        else
        {
            timeout.CancelAfter(milliseconds);
        }

        var ended = await Assert.ThrowsAsync<TimeoutException>(() => listener.WaitForCodeAsync("state", timeout.Token));

        Assert.Contains("spotify-etl auth login", ended.Message, StringComparison.Ordinal);
    }
}
