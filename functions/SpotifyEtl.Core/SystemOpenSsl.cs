using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using SpotifyEtl.Storage;

namespace SpotifyEtl;

/// <summary>
/// The system's OpenSSL, which .NET on Linux loads for its first hash and for its first TLS connection. When that load
/// fails the runtime ends the process on the spot ("No usable version of libssl was found", exit 134), whatever the
/// reason, and under a low open-file limit the reason is the limit: the load can come while every descriptor the process
/// may hold is open. So the library is loaded here first, by the names the runtime tries, in its order
/// (<see cref="Names"/>): a load refused by the limit becomes the limit's <see cref="IOException"/>, told like any other (no
/// file is at fault, raise the limit), and a load that succeeds leaves the runtime's own load nothing to open.
/// </summary>
public static class SystemOpenSsl
{
    private static volatile bool s_loaded;

    /// <summary>
    /// Loads the library before the first use this process makes of it, <paramref name="use"/> naming that use for the
    /// error of a limit that refuses it ("which hashes content"). Off Linux, and once loaded, it does nothing.
    /// </summary>
    public static void Load(string use)
    {
        if (!s_loaded && OperatingSystem.IsLinux())
        {
            s_loaded = LoadFirst(Names(Environment.GetEnvironmentVariable("CLR_OPENSSL_VERSION_OVERRIDE")), LoadLibrary, use);
        }
    }

    /// <summary>
    /// <see cref="Load"/>, then the system's trusted certificates read into the cache the runtime checks a server's
    /// certificate against (<c>SSL_CERT_FILE</c> and <c>SSL_CERT_DIR</c>, or OpenSSL's defaults), which the first connection
    /// would read: a file the limit keeps it from opening there is passed over, and that connection fails as one to an
    /// untrusted server does. Read here, before the process holds its lake's files and its connections, they are read with
    /// the most room the process will have. The runtime reads them again after some minutes, with what the run then
    /// holds open. A folder of them that cannot be read is left to the connection to report, as it was.
    /// </summary>
    public static void LoadForTls(string use)
    {
        Load(use);
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        try
        {
            using var roots = new X509Store(StoreName.Root, StoreLocation.LocalMachine);
            roots.Open(OpenFlags.ReadOnly);
            foreach (var certificate in roots.Certificates)
            {
                certificate.Dispose();
            }
        }
        catch (Exception exception) when (exception is System.Security.Cryptography.CryptographicException || LocalEntry.IsEntryFailure(exception))
        {
            // Unreadable certificates are the connection's to report (it fails as one to an untrusted server); the limit goes on.
        }
    }

    /// <summary>
    /// The names .NET's cryptography tries for the system's OpenSSL on Linux: the version CLR_OPENSSL_VERSION_OVERRIDE
    /// names, where set, then the versions it knows, newest first.
    /// </summary>
    internal static IEnumerable<string> Names(string? versionOverride) =>
        (string.IsNullOrEmpty(versionOverride) ? [] : (string[])[$"libssl.so.{versionOverride}"])
        .Concat(["libssl.so.3", "libssl.so.1.1", "libssl.so.1.0.2", "libssl.so.1.0.0", "libssl.so.10"]);

    /// <summary>
    /// Loads the first of <paramref name="names"/> that loads, as the runtime would. A name refused by the open-file limit
    /// throws it; a name not on this system is passed over. False when none loaded: the runtime is left to say so itself.
    /// </summary>
    internal static bool LoadFirst(IEnumerable<string> names, Func<string, (bool Loaded, string? Error)> load, string use)
    {
        foreach (var name in names)
        {
            var (loaded, error) = load(name);
            if (loaded)
            {
                return true;
            }
            if (error is not null && error.Contains(LocalEntry.TooManyOpenFiles, StringComparison.Ordinal))
            {
                throw new IOException($"{LocalEntry.TooManyOpenFiles} : the system's OpenSSL ({name}), {use}");
            }
        }
        return false;
    }

    private static (bool Loaded, string? Error) LoadLibrary(string name)
    {
        try
        {
            // Held for the life of the process, as the runtime holds it.
            _ = NativeLibrary.Load(name);
            return (true, null);
        }
        catch (DllNotFoundException exception)
        {
            return (false, exception.Message);
        }
    }
}
