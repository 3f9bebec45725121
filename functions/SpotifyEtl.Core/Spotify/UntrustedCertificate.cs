using System.Security.Authentication;

namespace SpotifyEtl.Spotify;

/// <summary>
/// A connection to Spotify (or to AWS, for a report from a bucket) refused by this machine because the server's certificate
/// did not pass its checks: most often a proxy, VPN or antivirus that inspects TLS and shows a certificate of its own, or a
/// clock that is wrong. The runtime says only "The SSL connection could not be established, see inner exception", which
/// reads as a network that is down, and asking again gets the same certificate: such a failure is told with its reason and
/// what to do, and Spotify is not asked again. Any other failure of the handshake (a TLS alert, a record damaged on the way,
/// a server that answers in plain HTTP) is the network's, and is retried as before.
/// </summary>
public static class UntrustedCertificate
{
    /// <summary>
    /// The reason the certificate was refused ("The remote certificate is invalid because of errors in the certificate chain:
    /// UntrustedRoot"), when <paramref name="exception"/> is such a refusal; null for any other failure. The runtime throws
    /// the refusal of a certificate as an <see cref="AuthenticationException"/> of its own, with nothing inside; the other
    /// failures of a handshake carry the error that ended it.
    /// </summary>
    public static string? ReasonOf(Exception exception) =>
        ExceptionChain.Of(exception).OfType<AuthenticationException>()
            .FirstOrDefault(refused => refused.InnerException is null && refused.Message.Contains("certificate", StringComparison.OrdinalIgnoreCase))
            ?.Message.TrimEnd('.');

    /// <summary>The settings that point the tool at other servers than Spotify's own.</summary>
    public const string SpotifySettings = "SPOTIFY_API_BASE_URL and SPOTIFY_ACCOUNTS_BASE_URL";

    /// <summary>
    /// The whole sentence for <paramref name="what"/> ("Spotify's token endpoint"), or null as <see cref="ReasonOf"/>.
    /// </summary>
    /// <param name="settings">The settings that may point at another server than meant, named for a certificate of another name.</param>
    public static string? Describe(Exception exception, string what, string settings = SpotifySettings) =>
        ReasonOf(exception) is { } reason ? $"{what} answered with a certificate this machine does not accept ({reason}). {AdviceFor(reason, settings)}" : null;

    /// <summary>What to do, by what the checks found.</summary>
    internal static string AdviceFor(string reason, string settings)
    {
        if (reason.Contains("NotTimeValid", StringComparison.Ordinal))
        {
            return "The certificate is out of date or not yet valid, by this machine's clock: check the date and time (and the time " +
                "zone) the machine has, then run again. A proxy that inspects TLS may also show an expired certificate of its own.";
        }
        if (reason.Contains("NameMismatch", StringComparison.Ordinal))
        {
            return $"The certificate names another server than the one asked: check {settings}, if set. A proxy that inspects " +
                "TLS may also show a certificate of its own for another name.";
        }
        return "A proxy, VPN or antivirus that inspects TLS shows a certificate of its own, signed by an authority this machine " +
            "does not trust: add that authority's certificate to the machine's trusted certificates" +
            (OperatingSystem.IsLinux()
                ? " (on Debian and Ubuntu, copy it into /usr/local/share/ca-certificates/ and run update-ca-certificates), or name a " +
                  "PEM file of the certificates to trust in SSL_CERT_FILE"
                : OperatingSystem.IsMacOS() ? " (Keychain Access, the System keychain, trusted for SSL)" : "") +
            ", then run again.";
    }
}
