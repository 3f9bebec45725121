using System.Text.Json;
using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using SpotifyEtl.Storage;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>
/// A 200 from the token endpoint whose body is no token is Spotify failing, not the credentials refused: retried, then the run
/// stops with its state saved. An <c>expires_in</c> that is any JSON number is a token all the same.
/// </summary>
public sealed class GarbledTokenResponseTests : IAsyncLifetime
{
    private ExtractionHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await ExtractionHarness.StartAsync();
        _h.Spotify.Plays.Add(1_763_700_000_000L);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    public static TheoryData<string, string> GarbledBodies()
    {
        var data = new TheoryData<string, string>
        {
            { "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>" },
            { "application/json", "" },
            { "application/json", "{\"access_token\": \"BQD" },
            { "application/json", "{\"access_token\": \"BQD\", \"expires_in\": 36" },
            { "application/json", "{}" },
            { "application/json", "null" },
            { "application/json", "[]" },
            { "application/json", "{\"token_type\": \"Bearer\", \"expires_in\": 3600}" },
            { "application/json", "{\"access_token\": \"\"}" },
            { "text/plain", "OK" },
        };
        // Every cut of a real token answer is garbled too.
        const string Token = "{\"access_token\":\"BQDx\",\"token_type\":\"Bearer\",\"expires_in\":3600}";
        foreach (var cut in new[] { 1, 10, 20, 30, 45, Token.Length - 1 })
        {
            data.Add("application/json", Token[..cut]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(GarbledBodies))]
    public async Task A_token_body_that_is_no_token_is_retried_then_stops_the_run_with_the_state_saved(string contentType, string body)
    {
        _h.Spotify.Inject("token", Enumerable.Range(0, 10).Select(_ => (Fault)new Fault.RawFault(200, contentType, body)).ToArray());

        var run = await _h.RunAsync(ExtractionSource.RecentlyPlayed(), ExtractionSource.TopTracks("short_term"));

        Assert.Equal(ExtractionOutcome.Stopped, run.Manifest.Outcome);
        Assert.All(run.Manifest.Sources, source => Assert.Contains(source.Status, new[] { SourceStatus.Stopped, SourceStatus.NotRun }));
        Assert.Equal(_h.ClientOptions.MaxRetryAttempts + 1, _h.Spotify.TokenGrants.Count);
        Assert.DoesNotContain("client id", run.Manifest.StopReason, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("not refused", run.Manifest.StopReason, StringComparison.Ordinal);
        Assert.True(await _h.Store.ExistsAsync(ExtractionState.Key));
    }

    /// <summary>
    /// An access token of 40 to 200 token characters with one to three that no token has put in at random places: control
    /// characters (NUL, tab, CR, LF, ESC, DEL), a space, or letters beyond ASCII (accented, a no-break space, a line separator,
    /// a byte order mark, an emoji, CJK).
    /// </summary>
    internal static string TokenWithForeignCharacters(int seed)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        string[] foreign = ["\0", "\t", "\r", "\n", "\u001b", "\u007f", " ", "\u00e9", "\u00a0", "\u2028", "\ufeff", "\ud83c\udfb5", "\u97f3", "\u0001"];
        var random = new Random(seed);
        var token = new System.Text.StringBuilder("BQD" + new string(Enumerable.Range(0, random.Next(40, 200)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray()));
        foreach (var _ in Enumerable.Range(0, random.Next(1, 4)))
        {
            token.Insert(random.Next(1, token.Length), foreign[random.Next(foreign.Length)]);
        }
        return token.ToString();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public async Task An_access_token_with_characters_no_token_has_is_a_garbled_answer_retried_then_stopping_the_run_without_showing_it(int seed)
    {
        var token = TokenWithForeignCharacters(seed);
        var body = new System.Text.Json.Nodes.JsonObject { ["access_token"] = token, ["token_type"] = "Bearer", ["expires_in"] = 3600 }.ToJsonString();
        _h.Spotify.Inject("token", Enumerable.Range(0, 10).Select(_ => (Fault)new Fault.RawFault(200, "application/json", body)).ToArray());

        var run = await _h.RunAsync(ExtractionSource.RecentlyPlayed(), ExtractionSource.TopTracks("short_term"));

        Assert.Equal(ExtractionOutcome.Stopped, run.Manifest.Outcome);
        Assert.All(run.Manifest.Sources, source => Assert.Contains(source.Status, new[] { SourceStatus.Stopped, SourceStatus.NotRun }));
        Assert.Equal(_h.ClientOptions.MaxRetryAttempts + 1, _h.Spotify.TokenGrants.Count);
        Assert.Empty(_h.Spotify.ApiRequests);
        Assert.Contains("not refused", run.Manifest.StopReason, StringComparison.Ordinal);
        Assert.Contains("access_token", run.Manifest.StopReason, StringComparison.Ordinal);
        var written = System.Text.Encoding.UTF8.GetString(await _h.Store.ReadAllBytesAsync(run.ManifestKey)) + string.Concat(_h.LogLines);
        // Not the token, nor any stretch of it between the characters that garbled it.
        Assert.DoesNotContain("BQD", written, StringComparison.Ordinal);
        Assert.All(token.Split(token.Where(c => c is < '!' or > '~').ToArray()).Where(part => part.Length >= 8),
            part => Assert.DoesNotContain(part, written, StringComparison.Ordinal));
    }

    /// <summary>
    /// An unquoted word in a token answer, before its tokens (<c>"expires_in": nan</c>, <c>"token_type": Bearer</c>, ...):
    /// the JSON reader's message quotes everything from the word to the body's end, the tokens too; none of it is shown.
    /// </summary>
    internal static string UnquotedWord(Random random)
    {
        string[] starts = ["t", "f", "n", "N", "B", "x", "I", "u"];
        return starts[random.Next(starts.Length)] + new string(Enumerable.Range(0, random.Next(0, 12)).Select(_ => (char)random.Next('a', 'z' + 1)).ToArray());
    }

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(34)]
    [InlineData(35)]
    [InlineData(36)]
    public async Task A_token_answer_with_an_unquoted_word_before_its_tokens_stops_the_run_without_showing_them(int seed)
    {
        var random = new Random(seed);
        var access = "BQD" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        var refresh = "AQC" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        string[] fields = ["\"token_type\": \"Bearer\"", "\"expires_in\": 3600", "\"scope\": \"user-read-recently-played\""];
        var broken = random.Next(fields.Length);
        fields[broken] = fields[broken][..(fields[broken].IndexOf(':', StringComparison.Ordinal) + 2)] + UnquotedWord(random);
        var body = $"{{{string.Join(", ", fields)}, \"access_token\": \"{access}\", \"refresh_token\": \"{refresh}\"}}";
        _h.Spotify.Inject("token", Enumerable.Range(0, 10).Select(_ => (Fault)new Fault.RawFault(200, "application/json", body)).ToArray());

        var run = await _h.RunAsync(ExtractionSource.RecentlyPlayed());

        Assert.Equal(ExtractionOutcome.Stopped, run.Manifest.Outcome);
        var written = System.Text.Encoding.UTF8.GetString(await _h.Store.ReadAllBytesAsync(run.ManifestKey)) + string.Concat(_h.LogLines);
        Assert.DoesNotContain(access[3..19], written, StringComparison.Ordinal);
        Assert.DoesNotContain(refresh[3..19], written, StringComparison.Ordinal);
        Assert.Contains("not JSON", run.Manifest.StopReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    [InlineData(24)]
    public async Task A_rotated_refresh_token_with_characters_no_token_has_is_never_saved_and_the_run_stops_without_showing_it(int seed)
    {
        // Saved, it would be refused by every later run, and only a new login would mend that.
        var token = TokenWithForeignCharacters(seed);
        var body = new System.Text.Json.Nodes.JsonObject
        {
            ["access_token"] = "BQDvalidaccesstoken", ["token_type"] = "Bearer", ["expires_in"] = 3600, ["refresh_token"] = token,
        }.ToJsonString();
        _h.Spotify.Inject("token", Enumerable.Range(0, 10).Select(_ => (Fault)new Fault.RawFault(200, "application/json", body)).ToArray());

        var run = await _h.RunAsync(ExtractionSource.RecentlyPlayed());

        Assert.Equal(ExtractionOutcome.Stopped, run.Manifest.Outcome);
        Assert.Empty(_h.RotatedTokens.Saved);
        Assert.Contains("refresh_token", run.Manifest.StopReason, StringComparison.Ordinal);
        var written = System.Text.Encoding.UTF8.GetString(await _h.Store.ReadAllBytesAsync(run.ManifestKey)) + string.Concat(_h.LogLines);
        Assert.All(token.Split(token.Where(c => c is < '!' or > '~').ToArray()).Where(part => part.Length >= 8),
            part => Assert.DoesNotContain(part, written, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(GarbledBodies))]
    public async Task A_garbled_token_body_once_is_retried_and_the_run_lands(string contentType, string body)
    {
        _h.Spotify.Inject("token", new Fault.RawFault(200, contentType, body));

        var run = await _h.RunAsync(ExtractionSource.RecentlyPlayed());

        Assert.Equal(ExtractionOutcome.Succeeded, run.Manifest.Outcome);
    }

    [Theory]
    [InlineData("99999999999")]
    [InlineData("3600.0")]
    [InlineData("3599.999")]
    [InlineData("0.5")]
    [InlineData("1e400")]
    [InlineData("1e-300")]
    [InlineData("0")]
    [InlineData("-3600")]
    [InlineData("\"3600\"")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("18446744073709551616")]
    public async Task Any_expires_in_still_gives_a_token_the_run_uses(string expiresIn)
    {
        _h.Spotify.ExpiresInJson = expiresIn;

        var run = await _h.RunAsync(ExtractionSource.RecentlyPlayed());

        Assert.Equal(ExtractionOutcome.Succeeded, run.Manifest.Outcome);
    }

    [Fact]
    public void A_token_lifetime_is_between_one_second_and_one_day_for_any_json_number()
    {
        var random = new Random(20261126);
        var numbers = Enumerable.Range(0, 200).Select(_ => (random.NextDouble() - 0.2) * Math.Pow(10, random.Next(-8, 20)))
            .Select(value => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture))
            .Concat(["1e308", "1e400", "-1e400", "0", "-0", "3600", "86401", "99999999999"]);
        foreach (var number in numbers)
        {
            using var json = JsonDocument.Parse(number);
            var lifetime = SpotifyTokenProvider.LifetimeOf(json.RootElement);
            Assert.InRange(lifetime, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        }
        Assert.Equal(TimeSpan.FromSeconds(3600), SpotifyTokenProvider.LifetimeOf(null));
        using var huge = JsonDocument.Parse("99999999999");
        Assert.Equal(TimeSpan.FromDays(1), SpotifyTokenProvider.LifetimeOf(huge.RootElement));
    }
}
