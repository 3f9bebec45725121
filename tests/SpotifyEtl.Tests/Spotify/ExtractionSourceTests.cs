using SpotifyEtl.Spotify;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

public sealed class ExtractionSourceTests
{
    [Fact]
    public void Sources_parse_from_the_SPOTIFY_SOURCES_json_of_the_contract()
    {
        var sources = ExtractionSource.ParseList(
            """
            [{"type":"playlist","id":"3cEYpjA9oz9GiPac4AsH4n"},{"type":"recently_played"},
             {"type":"top_tracks","time_range":"short_term"},{"type":"top_artists","time_range":"long_term"},
             {"type":"saved_tracks"}]
            """, "SPOTIFY_SOURCES");

        Assert.Equal(["playlist:3cEYpjA9oz9GiPac4AsH4n", "recently_played", "top_tracks:short_term", "top_artists:long_term", "saved_tracks"],
            sources.Select(source => source.Name));
    }

    [Fact]
    public void A_playlist_source_accepts_a_share_link_or_uri()
    {
        Assert.Equal("3cEYpjA9oz9GiPac4AsH4n", ExtractionSource.Playlist("https://open.spotify.com/playlist/3cEYpjA9oz9GiPac4AsH4n?si=abc").Subject);
        Assert.Equal("3cEYpjA9oz9GiPac4AsH4n", ExtractionSource.Playlist("spotify:playlist:3cEYpjA9oz9GiPac4AsH4n").Subject);
    }

    [Theory]
    [InlineData("""[{"type":"album"}]""", "unknown source type")]
    [InlineData("""[{"type":"top_tracks","time_range":"forever"}]""", "not a time range")]
    [InlineData("""[{"type":"playlist"}]""", "needs an \"id\"")]
    [InlineData("""{"type":"playlist"}""", "not a JSON array")]
    public void A_bad_source_list_says_what_is_wrong(string json, string expected)
    {
        var error = Assert.Throws<SpotifyConfigurationException>(() => ExtractionSource.ParseList(json, "SPOTIFY_SOURCES"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scopes_are_exactly_those_the_sources_need()
    {
        var scopes = new[] { ExtractionSource.RecentlyPlayed(), ExtractionSource.TopArtists("short_term") }
            .SelectMany(source => source.Scopes).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(["user-read-recently-played", "user-top-read"], scopes);
    }

    [Fact]
    public void Credentials_never_show_their_secret_or_token()
    {
        var text = new SpotifyCredentials("id", "the-secret", "the-token").ToString();
        Assert.DoesNotContain("the-secret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("the-token", text, StringComparison.Ordinal);
    }
}
