using System.Security.Cryptography;

namespace SpotifyEtl.Storage;

/// <summary>
/// The SHA-256 of a content, as the lake names content by it (an export's landed files, DuckDB's unpacked library). On
/// Linux .NET hashes with the system's OpenSSL, loaded here before the first hash (<see cref="SystemOpenSsl"/>), so that
/// a load the open-file limit refuses is the limit's error rather than the runtime's abort: the first hash of an import
/// can come while every descriptor the process may hold is open.
/// </summary>
public static class ContentHash
{
    private const string Use = "which hashes content";

    /// <summary>The SHA-256 of <paramref name="content"/>, as 64 lower-case hexadecimal digits.</summary>
    public static string Sha256(ReadOnlySpan<byte> content)
    {
        SystemOpenSsl.Load(Use);
        return Convert.ToHexStringLower(SHA256.HashData(content));
    }

    /// <summary>The SHA-256 of what is left of <paramref name="content"/>, as 64 lower-case hexadecimal digits.</summary>
    public static string Sha256(Stream content)
    {
        SystemOpenSsl.Load(Use);
        return Convert.ToHexStringLower(SHA256.HashData(content));
    }
}
