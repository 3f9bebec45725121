using System.Net;
using SpotifyEtl.Spotify;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

public sealed class SpotifyErrorsTests
{
    [Fact]
    public void A_403_on_the_old_tracks_path_says_it_is_closed_and_that_items_is_read_instead()
    {
        var explanation = SpotifyErrors.Explain(HttpStatusCode.Forbidden, "playlists/3cEYpjA9oz9GiPac4AsH4n/tracks", userToken: true);

        Assert.Contains("/items", explanation, StringComparison.Ordinal);
        Assert.Contains("2026-03", explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_403_under_me_names_the_missing_scope_and_the_login_command()
    {
        var explanation = SpotifyErrors.Explain(HttpStatusCode.Forbidden, "me/top/tracks?time_range=short_term", userToken: true);

        Assert.Contains("user-top-read", explanation, StringComparison.Ordinal);
        Assert.Contains("spotify-etl auth login", explanation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Active premium subscription required for the owner of the app.")]
    [InlineData("PREMIUM_REQUIRED")]
    [InlineData("The owner of this app needs an active Premium subscription")]
    public void A_403_that_says_the_owners_premium_lapsed_says_so_on_every_path_instead_of_blaming_the_playlist_or_the_scopes(string message)
    {
        foreach (var (path, userToken) in new[]
        {
            ("playlists/3cEYpjA9oz9GiPac4AsH4n/items?limit=50", true), ("playlists/3cEYpjA9oz9GiPac4AsH4n", false),
            ("me/player/recently-played?limit=50", true), ("me/top/artists?time_range=long_term", true), ("me/tracks?limit=50", true), ("browse/categories", false),
        })
        {
            var explanation = SpotifyErrors.Explain(HttpStatusCode.Forbidden, path, userToken, message);

            Assert.Contains("no active Premium subscription", explanation, StringComparison.Ordinal);
            Assert.Contains(message, explanation, StringComparison.Ordinal);
            Assert.DoesNotContain("someone else", explanation, StringComparison.Ordinal);
            Assert.DoesNotContain("auth login", explanation, StringComparison.Ordinal);
        }
        // Other refusals keep their own explanations.
        Assert.Contains("someone else", SpotifyErrors.Explain(HttpStatusCode.Forbidden, "playlists/3cEYpjA9oz9GiPac4AsH4n/items", true, "Forbidden"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("User not registered in the Developer Dashboard")]
    [InlineData("Check settings on developer.spotify.com/dashboard, the user may not be registered.")]
    [InlineData("The user is not registered for this application.")]
    [InlineData("USER NOT REGISTERED")]
    public void A_403_that_says_the_account_is_not_on_the_apps_user_list_says_so_on_every_path_instead_of_blaming_the_playlist_or_the_scopes(string message)
    {
        foreach (var path in SourcePaths(new Random(message.Length)))
        {
            var explanation = SpotifyErrors.Explain(HttpStatusCode.Forbidden, path, userToken: true, message);

            Assert.Contains("user list", explanation, StringComparison.Ordinal);
            Assert.Contains("User Management", explanation, StringComparison.Ordinal);
            Assert.Contains(message, explanation, StringComparison.Ordinal);
            Assert.DoesNotContain("someone else", explanation, StringComparison.Ordinal);
            Assert.DoesNotContain("lacks the scope", explanation, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_403_on_a_playlists_details_never_blames_its_owner_since_any_playlists_details_are_readable(int seed)
    {
        var random = new Random(seed);
        foreach (var path in SourcePaths(random).Where(p => p.StartsWith("playlists/", StringComparison.Ordinal) && !p.Contains("37i9dQZ", StringComparison.Ordinal)))
        {
            var items = path.Split('?')[0].EndsWith("/items", StringComparison.Ordinal);
            foreach (var message in new string?[] { null, "Forbidden", "Forbidden.", "" })
            {
                var user = SpotifyErrors.Explain(HttpStatusCode.Forbidden, path, userToken: true, message);
                var app = SpotifyErrors.Explain(HttpStatusCode.Forbidden, path, userToken: false, message);

                if (items)
                {
                    Assert.Contains("someone else", user, StringComparison.Ordinal);
                    Assert.Contains("need a user token", app, StringComparison.Ordinal);
                    continue;
                }
                Assert.DoesNotContain("someone else", user, StringComparison.Ordinal);
                Assert.Contains("user list", user, StringComparison.Ordinal);
                Assert.DoesNotContain("someone else", app, StringComparison.Ordinal);
                Assert.DoesNotContain("user token", app, StringComparison.Ordinal);
                Assert.Contains("Premium", app, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>
    /// Any of Spotify's own playlists (an id beginning 37i9dQZ: Top 50, Discover Weekly, a Daily Mix), refused with a 404 or a
    /// 403, on its details or its items, with a user token or the app's: the message names that playlist as Spotify's and what
    /// to use instead, never "check the id" or "someone else's playlist".
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_refusal_of_any_Spotify_owned_playlist_says_Spotify_closed_it_to_Development_Mode_apps(int seed)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        var random = new Random(seed);
        for (var i = 0; i < 20; i++)
        {
            var id = SpotifyErrors.SpotifyOwnedPlaylistPrefix + new string(Enumerable.Range(0, 15).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            var market = random.Next(2) == 0 ? "" : "&market=SE";
            string[] paths = [$"playlists/{id}", $"playlists/{id}?fields=id,name,snapshot_id{market}", $"playlists/{id}/items?offset={50 * random.Next(0, 20)}&limit=50{market}"];
            foreach (var (path, status) in paths.SelectMany(p => new[] { (p, HttpStatusCode.NotFound), (p, HttpStatusCode.Forbidden) }))
            {
                foreach (var message in new string?[] { null, "", "Not found.", "Forbidden", "Resource not found" })
                {
                    var explanation = SpotifyErrors.Explain(status, path, userToken: random.Next(2) == 0, message);

                    Assert.Contains($"Playlist {id} is a Spotify-owned editorial or algorithmic playlist", explanation, StringComparison.Ordinal);
                    Assert.Contains("Development Mode", explanation, StringComparison.Ordinal);
                    Assert.Contains("a playlist you own or collaborate on", explanation, StringComparison.Ordinal);
                    Assert.DoesNotContain("someone else", explanation, StringComparison.Ordinal);
                    Assert.DoesNotContain("check the id", explanation, StringComparison.OrdinalIgnoreCase);
                }
            }
        }
    }

    /// <summary>
    /// A 404 on a user's playlist, its details or its items, with any token: besides a wrong id or a private playlist of
    /// someone else, the message names what a playlist the lake already holds most likely met (deleted or made private by
    /// its owner), that its history stays, and that the source is to be removed.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_404_on_a_users_playlist_names_a_deleted_playlist_as_well_as_a_wrong_id(int seed)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        var random = new Random(seed);
        for (var i = 0; i < 20; i++)
        {
            string id;
            do
            {
                id = new string(Enumerable.Range(0, 22).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            }
            while (id.StartsWith(SpotifyErrors.SpotifyOwnedPlaylistPrefix, StringComparison.Ordinal));
            string[] paths = [$"playlists/{id}", $"playlists/{id}?fields=id,name,snapshot_id", $"playlists/{id}/items?offset={50 * random.Next(0, 20)}&limit=50"];
            foreach (var path in paths)
            {
                var explanation = SpotifyErrors.Explain(HttpStatusCode.NotFound, path, userToken: random.Next(2) == 0, random.Next(2) == 0 ? null : "Resource not found");

                Assert.Contains($"No playlist {id} is visible to this app", explanation, StringComparison.Ordinal);
                Assert.Contains("check the id", explanation, StringComparison.Ordinal);
                Assert.Contains("deleted or made private by its owner", explanation, StringComparison.Ordinal);
                Assert.Contains("remove it from the sources", explanation, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>
    /// A 400 is the request itself (a market Spotify does not serve, which passes the shape check): the same request is refused
    /// on every run, so the message says to change the setting and never that the next run will do better.
    /// </summary>
    [Theory]
    [InlineData("Invalid market code")]
    [InlineData("")]
    [InlineData(null)]
    public void A_400_says_the_request_itself_was_refused_and_names_the_settings_to_check_on_every_path(string? message)
    {
        foreach (var path in SourcePaths(new Random(message?.Length ?? 7)))
        {
            var explanation = SpotifyErrors.Explain(HttpStatusCode.BadRequest, path, userToken: true, message);

            Assert.Contains("refused the request itself", explanation, StringComparison.Ordinal);
            Assert.Contains("market", explanation, StringComparison.Ordinal);
            Assert.DoesNotContain("tries again", explanation, StringComparison.Ordinal);
            if (message is { Length: > 0 })
            {
                Assert.Contains($"\"{message}\"", explanation, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>The paths the extraction asks, with generated playlist ids and query strings, as the client passes them to <see cref="SpotifyErrors.Explain"/>.</summary>
    private static IEnumerable<string> SourcePaths(Random random)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        for (var i = 0; i < 12; i++)
        {
            var id = new string(Enumerable.Range(0, 22).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            var market = random.Next(2) == 0 ? "" : "&market=SE";
            yield return $"playlists/{id}";
            yield return $"playlists/{id}?fields=id,name,snapshot_id{market}";
            yield return $"playlists/{id}/items?limit=50&additional_types=track,episode{market}";
            yield return $"playlists/{id}/items?offset={50 * random.Next(1, 40)}&limit=50&additional_types=track,episode";
        }
        yield return "playlists/37i9dQZF1DXcBWIGoYBM5M/items?limit=50";
        yield return "me/player/recently-played?limit=50";
        yield return $"me/player/recently-played?limit=50&before={random.NextInt64(1_600_000_000_000, 1_800_000_000_000)}";
        yield return "me/top/tracks?time_range=short_term&limit=50";
        yield return "me/top/artists?time_range=long_term&limit=50&offset=50";
        yield return "me/tracks?limit=50";
        yield return $"me/playlists?limit=50&offset={50 * random.Next(0, 4)}";
    }

    [Theory]
    [InlineData("me/player/recently-played?limit=50", "user-read-recently-played")]
    [InlineData("me/top/tracks?time_range=short_term&limit=50", "user-top-read")]
    [InlineData("me/tracks?limit=50&offset=100", "user-library-read")]
    [InlineData("me/playlists?limit=50", "playlist-read-private")]
    public void A_plain_403_under_me_names_the_scope_its_endpoint_needs(string path, string scope)
    {
        var explanation = SpotifyErrors.Explain(HttpStatusCode.Forbidden, path, userToken: true, "Forbidden");

        Assert.Contains($"The token lacks the scope this endpoint needs ({scope})", explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Quota_exhaustion_is_recognised_from_the_error_reason()
    {
        Assert.True(SpotifyErrors.IsQuotaExceeded("""{"error":{"status":429,"message":"Quota exceeded","reason":"QUOTA_EXCEEDED"}}"""u8.ToArray()));
        Assert.False(SpotifyErrors.IsQuotaExceeded("""{"error":{"status":429,"message":"API rate limit exceeded"}}"""u8.ToArray()));
        Assert.False(SpotifyErrors.IsQuotaExceeded("not json"u8.ToArray()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Spotifys_own_error_text_reaches_the_terminal_and_the_manifest_without_control_characters_or_an_echoed_token(int seed)
    {
        var random = new Random(seed);
        const string tokenCharacters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        string[] plain = ["Invalid", "access", "token", "for", "playlist", "3cEYpjA9oz9GiPac4AsH4n", "see", "https://developer.spotify.com/documentation/web-api",
            "/v1/playlists/3cEYpjA9oz9GiPac4AsH4n/items", "user-read-recently-played", "playlist-read-collaborative", new Guid(Enumerable.Range(0, 16).Select(_ => (byte)random.Next(256)).ToArray()).ToString()];
        string[] hostile = ["\u001b[2J", "\u001b[31m", "\u001b]0;title\u0007", "\r", "\n", "\u0000", "\u0085", "\u009b", "\u202e", "\u2066", "\u2028", "\t"];
        for (var round = 0; round < 200; round++)
        {
            // An access token, a client secret (32 hexadecimal digits), or a Basic header's base64 of "client_id:client_secret".
            var token = (round % 3) switch
            {
                0 => new string(Enumerable.Range(0, random.Next(32, 300)).Select(_ => tokenCharacters[random.Next(tokenCharacters.Length)]).ToArray()),
                1 => Convert.ToHexStringLower(Enumerable.Range(0, 16).Select(_ => (byte)random.Next(256)).ToArray()),
                _ => Convert.ToBase64String(Enumerable.Range(0, 65).Select(_ => (byte)random.Next(256)).ToArray()),
            };
            var words = Enumerable.Range(0, random.Next(1, 80)).Select(_ => random.Next(6) switch
            {
                0 => hostile[random.Next(hostile.Length)],
                1 => token,
                _ => plain[random.Next(plain.Length)],
            }).ToList();
            var message = string.Join(' ', words);
            var body = System.Text.Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["error"] = new Dictionary<string, object> { ["status"] = 401, ["message"] = message, ["reason"] = message },
            }));
            var auth = System.Text.Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["error"] = "invalid_grant", ["error_description"] = message,
            }));

            var api = SpotifyErrors.ReadApiError(body)!;
            var refused = SpotifyErrors.ReadAuthError(auth)!;

            foreach (var text in new[] { api.Message!, api.Reason!, refused.ErrorDescription! })
            {
                Assert.DoesNotContain(text, c => char.IsControl(c) || c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u2028' or '\u2029');
                // Not even a part of it as long as a client secret.
                Assert.All(Enumerable.Range(0, token.Length - 31), at => Assert.DoesNotContain(token.Substring(at, 32), text, StringComparison.Ordinal));
                Assert.True(text.Length <= SpotifyErrors.ServerTextLength + 1, $"{text.Length} characters kept");
            }
            // Words, links, paths, scopes and a request's id are kept: the text still says what Spotify said. Those checked end
            // well within the length kept (what was removed or withheld before them only shortens the text).
            var shown = api.Message!.Split(' ');
            var length = 0;
            foreach (var word in words.TakeWhile(word => (length += word.Length + 1) < SpotifyErrors.ServerTextLength - 20).Where(plain.Contains))
            {
                Assert.Contains(word, shown);
            }
        }
    }
}
