using SpotifyEtl.Spotify;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

public sealed class SpotifyEndpointsTests
{
    [Fact]
    public void Endpoints_default_to_Spotify_and_take_overrides_from_the_environment()
    {
        Assert.Equal(new Uri("https://api.spotify.com/v1/"), SpotifyEndpoints.FromEnvironment(_ => null).ApiBase);
        Assert.Equal(new Uri("https://accounts.spotify.com/api/token"), SpotifyEndpoints.FromEnvironment(_ => null).TokenUri);

        var proxied = SpotifyEndpoints.FromEnvironment(name => name == "SPOTIFY_API_BASE_URL" ? "http://127.0.0.1:9000/v1" : "http://127.0.0.1:9001");

        Assert.Equal(new Uri("http://127.0.0.1:9000/v1/"), proxied.ApiBase);
        Assert.Equal(new Uri("http://127.0.0.1:9001/api/token"), proxied.TokenUri);
    }

    [Fact]
    public void A_base_url_that_is_not_absolute_http_names_its_variable()
    {
        var error = Assert.Throws<SpotifyConfigurationException>(() => SpotifyEndpoints.FromEnvironment(name => name == "SPOTIFY_ACCOUNTS_BASE_URL" ? "accounts.local" : null));

        Assert.Contains("SPOTIFY_ACCOUNTS_BASE_URL", error.Message, StringComparison.Ordinal);
    }
}
