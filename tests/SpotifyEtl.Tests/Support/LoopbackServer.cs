using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SpotifyEtl.Tests.Support;

/// <summary>
/// A real HTTP server for a test double: Kestrel, in-process, on 127.0.0.1 and a port the OS picks; HTTPS when given a
/// certificate (<see cref="SelfSigned"/>).
/// </summary>
internal static class LoopbackServer
{
    public static async Task<(T Server, Uri Address)> StartAsync<T>(Func<WebApplication, T> create, Func<T, RequestDelegate> handler,
        X509Certificate2? tls = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (tls is not null)
            {
                listen.UseHttps(tls);
            }
        }));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = create(app);
        app.Run(handler(server));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (server, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>
    /// A certificate a process refuses, of one kind: <c>untrusted</c> (signed by no authority it trusts), <c>another-name</c>
    /// (trusted, for another host than 127.0.0.1) or <c>expired</c> (trusted, out of date); and the PEM it is to trust, written
    /// to a file <c>SSL_CERT_FILE</c> names.
    /// </summary>
    public static (X509Certificate2 Shown, string TrustedPem) Refused(string kind)
    {
        var shown = kind switch
        {
            "another-name" => SelfSigned(dnsName: "proxy.example"),
            "expired" => SelfSigned(notAfter: DateTimeOffset.UtcNow.AddDays(-1)),
            "untrusted" => SelfSigned(),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "untrusted, another-name or expired"),
        };
        if (kind != "untrusted")
        {
            return (shown, shown.ExportCertificatePem());
        }
        using var other = SelfSigned();
        return (shown, other.ExportCertificatePem());
    }

    /// <summary>
    /// A certificate that signs itself, for 127.0.0.1 (or for the host name <paramref name="dnsName"/> alone), valid from
    /// five minutes ago for a day (or until <paramref name="notAfter"/>): a process trusts it through <c>SSL_CERT_FILE</c>
    /// naming its PEM (<see cref="X509Certificate2.ExportCertificatePem"/>), as OpenSSL reads that variable.
    /// </summary>
    public static X509Certificate2 SelfSigned(string? dnsName = null, DateTimeOffset? notAfter = null)
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new CertificateRequest($"CN={dnsName ?? "127.0.0.1"}", key, System.Security.Cryptography.HashAlgorithmName.SHA256,
            System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        if (dnsName is null)
        {
            names.AddIpAddress(IPAddress.Loopback);
        }
        else
        {
            names.AddDnsName(dnsName);
        }
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, 0, critical: true));
        var end = notAfter ?? DateTimeOffset.UtcNow.AddDays(1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5) < end ? DateTimeOffset.UtcNow.AddMinutes(-5) : end.AddDays(-1), end);
        // Through PKCS#12, so that the key is one Kestrel's TLS can use on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
    }
}
