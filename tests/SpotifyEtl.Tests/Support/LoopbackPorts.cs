using System.Net;
using System.Net.Sockets;

namespace SpotifyEtl.Tests.Support;

/// <summary>
/// A loopback port free for a listener the test starts a moment later (a login's callback). Not one the system picks
/// (port 0): those come from the range it hands to outgoing connections, which the other tests open by the hundred, and
/// one of them could take the port between the probe and the listener. These come from below that range.
/// </summary>
internal static class LoopbackPorts
{
    /// <summary>Linux's default ephemeral range starts at 32768; macOS's at 49152.</summary>
    private const int Lowest = 20000;
    private const int BelowEphemeral = 32768;

    public static int Free()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = Random.Shared.Next(Lowest, BelowEphemeral);
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (SocketException) when (attempt < 100)
            {
                // Taken: another.
            }
        }
    }
}
