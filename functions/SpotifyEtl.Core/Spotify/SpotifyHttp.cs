using System.Net;

namespace SpotifyEtl.Spotify;

/// <summary>
/// The HTTP client every Spotify request goes through, in the Lambda and on a laptop alike. It asks for compressed answers
/// (gzip, deflate or Brotli: a page of JSON travels at a fifth to a tenth of its size) and decodes whatever encoding an
/// answer names, one it asked for or one a proxy chose, so a raw object is the JSON Spotify sent, decoded, whatever the
/// wire carried. The size cap (<see cref="SpotifyClientOptions.MaxResponseBytes"/>) counts the decoded bytes, so a small
/// compressed answer that would decode past it fails as a large one does. Connections are renewed every few minutes, so
/// a warm Lambda that keeps the client follows Spotify's DNS.
/// </summary>
public static class SpotifyHttp
{
    /// <summary>
    /// A client; <paramref name="timeout"/> bounds each request for a caller without <see cref="SpotifyApiClient"/>'s own
    /// timeout per attempt (the login's code exchange), and none is set where the client is given to it.
    /// </summary>
    public static HttpClient Create(TimeSpan? timeout = null) => new(new SocketsHttpHandler
    {
        AutomaticDecompression = DecompressionMethods.All,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        Timeout = timeout ?? Timeout.InfiniteTimeSpan,
    };
}
