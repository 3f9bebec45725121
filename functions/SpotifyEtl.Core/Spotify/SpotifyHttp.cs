using System.Net;

namespace SpotifyEtl.Spotify;

/// <summary>
/// The HTTP client an extraction's requests go through (the Web API's pages and the token endpoint), in the Lambda and on a
/// laptop alike. It asks for compressed answers (gzip, deflate or Brotli: a page of JSON travels at a fifth to a tenth of its
/// size) and decodes any of the three an answer names, asked for or a proxy's choice, so a raw object is the JSON Spotify
/// sent, decoded. The size cap (<see cref="SpotifyClientOptions.MaxResponseBytes"/>) counts the decoded bytes, so a small
/// compressed answer that would decode past it fails as a large one does. Connections are renewed every few minutes, so
/// a warm Lambda that keeps the client follows Spotify's DNS.
/// </summary>
public static class SpotifyHttp
{
    /// <summary>A client without a timeout of its own: <see cref="SpotifyApiClient"/> times each attempt.</summary>
    public static HttpClient Create() => new(new SocketsHttpHandler
    {
        AutomaticDecompression = DecompressionMethods.All,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
