using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SpotifyEtl.Tests.Functions;

/// <summary>
/// AWS Signature Version 4, written from AWS's specification for the Secrets Manager double to check what
/// the function sends: independent of the SDK signer the function uses.
/// </summary>
internal static class SigV4
{
    public static string HexSha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>The canonical request; <paramref name="headers"/> are the signed headers, lowercase names, in any order.</summary>
    public static string CanonicalRequest(string method, string path, string query, IEnumerable<KeyValuePair<string, string>> headers, string payloadHash)
    {
        var sorted = headers.OrderBy(header => header.Key, StringComparer.Ordinal).ToList();
        return string.Join('\n',
            method,
            string.Join('/', path.Split('/').Select(segment => Uri.EscapeDataString(Uri.UnescapeDataString(segment)))),
            string.Join('&', query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)),
            string.Concat(sorted.Select(header => $"{header.Key}:{string.Join(' ', header.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))}\n")),
            string.Join(';', sorted.Select(header => header.Key)),
            payloadHash);
    }

    /// <summary>The hex signature of <paramref name="canonicalRequest"/> made at <paramref name="amzDate"/> (yyyyMMddTHHmmssZ).</summary>
    public static string Signature(string secretAccessKey, string amzDate, string region, string service, string canonicalRequest)
    {
        var day = amzDate[..8];
        var stringToSign = string.Join('\n', "AWS4-HMAC-SHA256", amzDate, $"{day}/{region}/{service}/aws4_request",
            HexSha256(Encoding.UTF8.GetBytes(canonicalRequest)));
        var key = Encoding.UTF8.GetBytes("AWS4" + secretAccessKey);
        foreach (var part in new[] { day, region, service, "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    public static string AmzDate(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
}
