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

    /// <summary>Every form a user copies a playlist from, for generated ids: the Spotify app's share links (localized ones too), URIs, embeds.</summary>
    [Fact]
    public void A_playlist_source_accepts_a_bare_id_a_uri_or_any_share_link_of_it()
    {
        var random = new Random(5);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        string[] forms =
        [
            "{0}", " {0} ", "spotify:playlist:{0}", "spotify:user:some.one:playlist:{0}",
            "https://open.spotify.com/playlist/{0}", "https://open.spotify.com/playlist/{0}/", "https://open.spotify.com/playlist/{0}?si=a1b2c3d4e5",
            "https://open.spotify.com/intl-de/playlist/{0}?si=x", "https://open.spotify.com/intl-pt/playlist/{0}", "https://open.spotify.com/intl-ja/playlist/{0}#top",
            "https://open.spotify.com/embed/playlist/{0}?utm_source=generator", "https://open.spotify.com/user/spotify/playlist/{0}", "http://open.spotify.com/playlist/{0}",
        ];
        for (var i = 0; i < 50; i++)
        {
            var id = new string(Enumerable.Range(0, 22).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            foreach (var form in forms)
            {
                Assert.Equal(id, ExtractionSource.Playlist(string.Format(System.Globalization.CultureInfo.InvariantCulture, form, id)).Subject);
            }
        }
    }

    [Theory]
    [InlineData("https://open.spotify.com/album/3cEYpjA9oz9GiPac4AsH4n")]
    [InlineData("https://open.spotify.com/playlist/3cEYpjA9oz9GiPac4AsH4n/tracks")]
    [InlineData("spotify:album:3cEYpjA9oz9GiPac4AsH4n")]
    [InlineData("https://open.spotify.com/playlist/short")]
    public void A_link_to_something_else_is_refused_naming_what_was_given(string value)
    {
        var error = Assert.Throws<SpotifyConfigurationException>(() => ExtractionSource.Playlist(value));
        Assert.Contains(value.Trim(), error.Message, StringComparison.Ordinal);
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

    /// <summary>
    /// A key no source has, however it is spelt (the stack's own settings are camelCase, so timeRange comes naturally), is
    /// refused naming it, never dropped: a top-tracks source read without its range would land medium_term, run after run.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_key_no_source_has_is_refused_naming_it_and_the_key_meant(int seed)
    {
        var random = new Random(seed);
        string[] types = ["top_tracks", "top_artists", "recently_played", "saved_tracks", "playlist"];
        (string Key, string? Meant)[] keys = [("timeRange", "time_range"), ("TimeRange", "time_range"), ("time-range", "time_range"),
            ("TIME_RANGE", "time_range"), ("ID", "id"), ("range", null), ("playlist_id", null)];
        foreach (var _ in Enumerable.Range(0, 20))
        {
            var type = types[random.Next(types.Length)];
            var (key, meant) = keys[random.Next(keys.Length)];
            var json = $$"""[{"type":"recently_played"},{"type":"{{type}}","id":"3cEYpjA9oz9GiPac4AsH4n","{{key}}":"short_term"}]""";

            var error = Assert.Throws<SpotifyConfigurationException>(() => ExtractionSource.ParseList(json, "SPOTIFY_SOURCES"));

            Assert.StartsWith($"SPOTIFY_SOURCES[1]: unknown key \"{key}\"", error.Message, StringComparison.Ordinal);
            if (meant is not null)
            {
                Assert.Contains($"(did you mean \"{meant}\"?)", error.Message, StringComparison.Ordinal);
            }
            else
            {
                Assert.DoesNotContain("did you mean", error.Message, StringComparison.Ordinal);
            }
        }
        Assert.Equal(ExtractionSource.TopTracks("short_term"), ExtractionSource.ParseList("""[{"type":"top_tracks","time_range":"short_term"}]""", "x").Single());
    }

    /// <summary>Every kind of JSON value that is no source object, at every place in an otherwise good list.</summary>
    public static TheoryData<string> ListsWithANonSource()
    {
        var good = new[] { """{"type":"recently_played"}""", """{"type":"playlist","id":"3cEYpjA9oz9GiPac4AsH4n"}""" };
        var data = new TheoryData<string>();
        foreach (var bad in new[] { "null", "0", "1.5", "\"recently_played\"", "true", "false", "[]", "[null]", """[{"type":"recently_played"}]""" })
        {
            for (var at = 0; at <= good.Length; at++)
            {
                data.Add($"[{string.Join(',', good.Take(at).Append(bad).Concat(good.Skip(at)))}]");
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ListsWithANonSource))]
    public void A_list_holding_something_other_than_a_source_is_a_configuration_error_naming_where(string json)
    {
        var error = Assert.Throws<SpotifyConfigurationException>(() => ExtractionSource.ParseList(json, "SPOTIFY_SOURCES"));
        Assert.Contains("SPOTIFY_SOURCES", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void A_null_entry_is_named_by_its_place_in_the_list(int at)
    {
        var entries = new List<string> { """{"type":"recently_played"}""", """{"type":"saved_tracks"}""" };
        entries.Insert(at, "null");

        var error = Assert.Throws<SpotifyConfigurationException>(() => ExtractionSource.ParseList($"[{string.Join(',', entries)}]", "SPOTIFY_SOURCES"));

        Assert.StartsWith($"SPOTIFY_SOURCES[{at}]: null is not a source", error.Message, StringComparison.Ordinal);
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
