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

    [Theory]
    [InlineData("SPOTIFY_ACCOUNTS_BASE_URL", "https://accounts.spotify.com/", "api.spotify.com")]
    [InlineData("SPOTIFY_API_BASE_URL", "https://api.spotify.com/v1/", "accounts.spotify.com")]
    public void A_base_url_that_is_not_absolute_http_names_its_variable_and_gives_that_variable_s_example(string variable, string example, string other)
    {
        foreach (var bad in new[] { "accounts.local", "ftp://127.0.0.1/", "notaurl" })
        {
            var error = Assert.Throws<SpotifyConfigurationException>(() => SpotifyEndpoints.FromEnvironment(name => name == variable ? bad : null));

            Assert.Contains(variable, error.Message, StringComparison.Ordinal);
            Assert.Contains($"Example: {example}", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(other, error.Message, StringComparison.Ordinal);
        }
    }
}
