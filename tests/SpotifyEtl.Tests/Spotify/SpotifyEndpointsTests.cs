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

    /// <summary>
    /// The client secret and the tokens go to these addresses: https anywhere, plain http only to this machine (a double, a
    /// local proxy). Generated addresses: loopback in its spellings, and hosts and addresses of other machines.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Plain_http_is_taken_only_to_this_machine(int seed)
    {
        var random = new Random(seed);
        string[] loopback = ["127.0.0.1", "localhost", "[::1]", $"127.{random.Next(256)}.{random.Next(256)}.{1 + random.Next(254)}"];
        string[] elsewhere = ["accounts.example.com", $"10.{random.Next(256)}.{random.Next(256)}.{1 + random.Next(254)}",
            $"192.168.{random.Next(256)}.{1 + random.Next(254)}", "proxy.internal", "[2001:db8::1]", "localhost.example.com"];
        foreach (var variable in new[] { SpotifyEndpoints.ApiBaseVariable, SpotifyEndpoints.AccountsBaseVariable })
        {
            foreach (var (host, local) in loopback.Select(h => (h, true)).Concat(elsewhere.Select(h => (h, false))))
            {
                var port = random.Next(2) == 0 ? "" : $":{1024 + random.Next(60000)}";
                var plain = $"http://{host}{port}/{(random.Next(2) == 0 ? "v1" : "")}";
                var secure = $"https://{host}{port}/";
                Uri Read(string value) => SpotifyEndpoints.FromEnvironment(name => name == variable ? value : null) is var endpoints
                    && variable == SpotifyEndpoints.ApiBaseVariable ? endpoints.ApiBase : endpoints.AccountsBase;

                Assert.Equal(("https", host), (Read(secure).Scheme, Read(secure).Host));
                if (local)
                {
                    Assert.Equal(("http", host), (Read(plain).Scheme, Read(plain).Host));
                }
                else
                {
                    var error = Assert.Throws<SpotifyConfigurationException>(() => Read(plain));
                    Assert.Contains($"{variable}='{plain}' is plain http to another machine", error.Message, StringComparison.Ordinal);
                }
            }
        }
    }
}
