using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace SpotifyEtl.Storage;

/// <summary>
/// The SHA-256 of a content, as the lake names content by it (an export's landed files, DuckDB's unpacked library).
/// <para>
/// On Linux .NET hashes with the system's OpenSSL, which it loads at the first hash; when that load fails the runtime
/// ends the process on the spot ("No usable version of libssl was found", exit 134), whatever the reason. Under a low
/// open-file limit the reason is the limit: the first hash of an import can come while every descriptor the process may
/// hold is open. So the library is loaded here first, by the names the runtime tries, in its order (<see cref="OpenSslNames"/>): a load refused by the
/// limit becomes the limit's <see cref="IOException"/>, told like any other (no file is at fault, raise the limit), and a
/// load that succeeds leaves the runtime's own load nothing to open.
/// </para>
/// </summary>
public static class ContentHash
{
    /// <summary>
    /// The names .NET's cryptography tries for the system's OpenSSL on Linux: the version CLR_OPENSSL_VERSION_OVERRIDE
    /// names, where set, then the versions it knows, newest first.
    /// </summary>
    internal static IEnumerable<string> OpenSslNames(string? versionOverride) =>
        (string.IsNullOrEmpty(versionOverride) ? [] : (string[])[$"libssl.so.{versionOverride}"])
        .Concat(["libssl.so.3", "libssl.so.1.1", "libssl.so.1.0.2", "libssl.so.1.0.0", "libssl.so.10"]);

    private static volatile bool s_loaded;

    /// <summary>The SHA-256 of <paramref name="content"/>, as 64 lower-case hexadecimal digits.</summary>
    public static string Sha256(ReadOnlySpan<byte> content)
    {
        LoadOpenSsl();
        return Convert.ToHexStringLower(SHA256.HashData(content));
    }

    /// <summary>The SHA-256 of what is left of <paramref name="content"/>, as 64 lower-case hexadecimal digits.</summary>
    public static string Sha256(Stream content)
    {
        LoadOpenSsl();
        return Convert.ToHexStringLower(SHA256.HashData(content));
    }

    private static void LoadOpenSsl()
    {
        if (!s_loaded && OperatingSystem.IsLinux())
        {
            s_loaded = LoadFirst(OpenSslNames(Environment.GetEnvironmentVariable("CLR_OPENSSL_VERSION_OVERRIDE")), Load);
        }
    }

    /// <summary>
    /// Loads the first of <paramref name="names"/> that loads, as the runtime would. A name refused by the open-file limit
    /// throws it; a name not on this system is passed over. False when none loaded: the runtime is left to say so itself.
    /// </summary>
    internal static bool LoadFirst(IEnumerable<string> names, Func<string, (bool Loaded, string? Error)> load)
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
                throw new IOException($"{LocalEntry.TooManyOpenFiles} : the system's OpenSSL ({name}), which hashes content");
            }
        }
        return false;
    }

    private static (bool Loaded, string? Error) Load(string name)
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
