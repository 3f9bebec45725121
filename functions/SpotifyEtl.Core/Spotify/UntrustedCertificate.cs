using System.Security.Authentication;

namespace SpotifyEtl.Spotify;

/// <summary>
/// A connection to Spotify refused by this machine because the server's certificate was not trusted: most often a proxy,
/// VPN or antivirus that inspects TLS and shows its own certificate instead of Spotify's. The runtime says only "The SSL
/// connection could not be established, see inner exception", which reads as a network that is down, and asking again
/// gets the same certificate: such a failure is told with its reason and what to do, and is not retried.
/// </summary>
public static class UntrustedCertificate
{
    /// <summary>What to do, after the reason.</summary>
    public const string Advice =
        "A proxy, VPN or antivirus that inspects TLS shows its own certificate instead of Spotify's: add its CA certificate to " +
        "this machine's trusted certificates (on Debian and Ubuntu, copy it into /usr/local/share/ca-certificates/ and run " +
        "update-ca-certificates), or name a PEM file of the certificates to trust in SSL_CERT_FILE, then run again.";

    /// <summary>
    /// The reason the certificate was refused ("The remote certificate is invalid because of errors in the certificate chain:
    /// UntrustedRoot"), when <paramref name="exception"/> is such a refusal; null for any other failure (a connection reset in
    /// the handshake is the network's, and may pass).
    /// </summary>
    public static string? ReasonOf(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is AuthenticationException refused)
            {
                return refused.Message.TrimEnd('.');
            }
        }
        return null;
    }

    /// <summary>The whole sentence for <paramref name="what"/> ("Spotify's token endpoint"), or null as <see cref="ReasonOf"/>.</summary>
    public static string? Describe(Exception exception, string what) =>
        ReasonOf(exception) is { } reason ? $"{what} was reached, but this machine did not trust its certificate ({reason}). {Advice}" : null;
}
