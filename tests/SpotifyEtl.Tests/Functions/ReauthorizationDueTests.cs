using System.Globalization;
using System.Text.Json;
using SpotifyEtl.Spotify;
using SpotifyEtl.Tests.Spotify;
using Xunit;

namespace SpotifyEtl.Tests.Functions;

/// <summary>
/// The weeks before a refresh token ends: Spotify ends it six months after the authorization, and a run that says so ahead
/// gives a person time to log in again before any run is refused and plays are lost.
/// </summary>
public sealed class ReauthorizationDueTests : ExtractFunctionHarness
{
    private void SecretAuthorizedAt(string? authorizedAt) => SecretAuthorizedAtJson(authorizedAt is null ? null : JsonSerializer.Serialize(authorizedAt));

    /// <summary>The secret with <c>authorized_at</c> written as this JSON (none when null).</summary>
    private void SecretAuthorizedAtJson(string? json) =>
        SecretsManager.Secrets[SecretId] = $$"""{"client_id":"{{SpotifyDouble.ClientId}}","client_secret":"{{SpotifyDouble.ClientSecret}}","refresh_token":"{{SpotifyDouble.InitialRefreshToken}}"{{(json is null ? "" : $",\"authorized_at\":{json}")}}}""";

    private List<JsonElement> Events(string name) => [.. Logged.Select(line => JsonDocument.Parse(line).RootElement)
        .Where(line => line.TryGetProperty("event", out var e) && e.GetString() == name)];

    /// <summary>
    /// Authorizations at random seconds over the eight months before the run (every part of the six months, the two weeks'
    /// edge, the end and past it), and at the ends of months, where six months later has fewer days.
    /// </summary>
    public static TheoryData<string> Authorizations()
    {
        var now = new InstantTimeProvider().GetUtcNow();
        var random = new Random(20261128);
        var times = new List<DateTimeOffset>();
        // The authorization whose end is exactly two weeks from now.
        var edge = (now + RefreshTokenExpiry.Notice).AddMonths(-6);
        // Either side of the notice's start and of the end, to the second.
        times.AddRange([edge, edge.AddSeconds(-1), edge.AddSeconds(1), now.AddMonths(-6), now.AddMonths(-6).AddSeconds(1), now.AddMonths(-6).AddSeconds(-1)]);
        for (var i = 0; i < 24; i++)
        {
            times.Add(now.AddSeconds(-random.NextInt64((long)TimeSpan.FromDays(245).TotalSeconds)));
        }
        times.AddRange([new(2026, 5, 31, 23, 30, 0, TimeSpan.Zero), new(2026, 5, 30, 12, 0, 0, TimeSpan.Zero), new(2026, 8, 31, 0, 0, 0, TimeSpan.Zero)]);
        var data = new TheoryData<string>();
        foreach (var time in times)
        {
            // Written with and without an offset: a person may edit the file, and any ISO 8601 time is read the same.
            data.Add(random.Next(3) == 0 ? time.ToOffset(TimeSpan.FromHours(2)).ToString("o", CultureInfo.InvariantCulture) : RefreshTokenExpiry.Format(time));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Authorizations))]
    public async Task A_run_warns_with_the_tokens_end_exactly_in_the_two_weeks_before_it_and_after_it_and_still_extracts(string authorizedAt)
    {
        SecretAuthorizedAt(authorizedAt);
        var authorized = DateTimeOffset.Parse(authorizedAt, CultureInfo.InvariantCulture);
        var end = authorized.UtcDateTime.AddMonths(6);
        var now = Clock.GetUtcNow();

        using var result = await JsonDocument.ParseAsync(Function().RunHandler(Event()));

        Assert.Equal("succeeded", result.RootElement.GetProperty("outcome").GetString());
        var due = Events(StackContract.LogEvents.ReauthorizationDue);
        if (end - now.UtcDateTime > TimeSpan.FromDays(14))
        {
            Assert.Empty(due);
            return;
        }
        var line = Assert.Single(due);
        Assert.Equal("warn", line.GetProperty("level").GetString());
        Assert.Equal(end, line.GetProperty("ends_at").GetDateTimeOffset().UtcDateTime);
        Assert.Equal(authorized.UtcDateTime, line.GetProperty("authorized_at").GetDateTimeOffset().UtcDateTime);
        Assert.Equal(end > now.UtcDateTime ? (int)(end - now.UtcDateTime).TotalDays : 0, line.GetProperty("days_left").GetInt32());
        var message = line.GetProperty("message").GetString()!;
        Assert.Contains(end.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), message, StringComparison.Ordinal);
        Assert.Contains("spotify-etl auth login --credentials <file>", message, StringComparison.Ordinal);
        Assert.Contains("aws secretsmanager put-secret-value", message, StringComparison.Ordinal);
        Assert.All(Logged, SpotifyExtractorTests.AssertNoSecret);
    }

    [Fact]
    public async Task A_secret_without_the_time_of_its_authorization_extracts_as_before_and_says_no_run_can_tell_when_its_token_ends()
    {
        SecretAuthorizedAt(null);

        using var result = await JsonDocument.ParseAsync(Function().RunHandler(Event()));

        Assert.Equal("succeeded", result.RootElement.GetProperty("outcome").GetString());
        Assert.Empty(Events(StackContract.LogEvents.ReauthorizationDue));
        // The event the reauthorization-due alarm counts: without it the first word of the token's end is the refusal.
        var message = Assert.Single(Events(StackContract.LogEvents.AuthorizedAtUnreadable)).GetProperty("message").GetString()!;
        Assert.Contains("has no authorized_at", message, StringComparison.Ordinal);
        Assert.Contains("spotify-etl auth login", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_apps_credentials_without_a_refresh_token_have_nothing_that_ends_and_give_no_notice()
    {
        SecretsManager.Secrets[SecretId] = $$"""{"client_id":"{{SpotifyDouble.ClientId}}","client_secret":"{{SpotifyDouble.ClientSecret}}"}""";

        using var result = await JsonDocument.ParseAsync(Function(new() { ["SPOTIFY_SOURCES"] = $$"""[{"type":"playlist","id":"{{Playlist}}"}]""" }).RunHandler(Event()));

        // The run went on past its credentials (the double's playlist answers an app's token in part).
        Assert.Contains(result.RootElement.GetProperty("outcome").GetString(), new[] { "succeeded", "partial" });
        Assert.Empty(Events(StackContract.LogEvents.ReauthorizationDue));
        Assert.Empty(Events(StackContract.LogEvents.AuthorizedAtUnreadable));
    }

    /// <summary>
    /// Values that are no time of an authorization, as JSON: other forms and types, times in the future, and secrets pasted
    /// into the field (a client secret, a refresh token), which must not reach the log. The second value is what the message
    /// says of it; null where it must not show the value at all.
    /// </summary>
    [Theory]
    [InlineData("\"yesterday\"", null)]
    [InlineData("\"2026-13-40T00:00:00Z\"", "('2026-13-40T00:00:00Z') is no time")]
    [InlineData("\"1/6/2026\"", "('1/6/2026') is no time")]
    [InlineData("\"12:00\"", "('12:00') is no time")]
    [InlineData("\"9999-12-31\"", "(9999-12-31T00:00:00Z) is in the future")]
    [InlineData("\"2027-01-01T00:00:00+01:00\"", "(2026-12-31T23:00:00Z) is in the future")]
    [InlineData("1779346800", "is a number")]
    [InlineData("{\"at\":\"2026-05-21\"}", "is a JSON object")]
    [InlineData("true", "is true or false")]
    [InlineData("\"0123456789abcdef0123456789abcdef\"", null)]
    [InlineData("\"double-refresh-token-pasted-into-the-wrong-field-by-mistake\"", null)]
    public async Task An_authorized_at_that_is_no_time_costs_the_run_only_its_notice_and_says_so_showing_only_a_value_that_looks_like_a_time(string json, string? said)
    {
        SecretAuthorizedAtJson(json);

        using var result = await JsonDocument.ParseAsync(Function().RunHandler(Event()));

        Assert.Equal("succeeded", result.RootElement.GetProperty("outcome").GetString());
        var line = Assert.Single(Events(StackContract.LogEvents.AuthorizedAtUnreadable));
        var message = line.GetProperty("message").GetString()!;
        Assert.Contains("authorized_at", message, StringComparison.Ordinal);
        Assert.Contains("spotify-etl auth login", message, StringComparison.Ordinal);
        if (said is not null)
        {
            Assert.Contains(said, message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("not shown", message, StringComparison.Ordinal);
            Assert.DoesNotContain(json.Trim('"'), string.Concat(Logged), StringComparison.Ordinal);
        }
        Assert.Empty(Events(StackContract.LogEvents.ReauthorizationDue));
    }

    [Fact]
    public void A_rotated_refresh_token_keeps_the_time_of_its_authorization_in_the_secret()
    {
        var authorizedAt = RefreshTokenExpiry.Format(Clock.GetUtcNow().AddMonths(-6).AddDays(3));
        SecretAuthorizedAt(authorizedAt);
        SpotifyApi.RotateRefreshTokenTo = "double-refresh-token-ROTATED";

        Function().RunHandler(Event()).Dispose();

        using (var secret = JsonDocument.Parse(SecretsManager.Secrets[SecretId]))
        {
            Assert.Equal("double-refresh-token-ROTATED", secret.RootElement.GetProperty("refresh_token").GetString());
            Assert.Equal(authorizedAt, secret.RootElement.GetProperty("authorized_at").GetString());
        }
        // The next run reads the rotated token's secret and warns as the first did: rotating did not move the end.
        Logged.Clear();
        Clock.Advance(TimeSpan.FromHours(1));
        Function().RunHandler(Event()).Dispose();
        Assert.Equal(2, Assert.Single(Events(StackContract.LogEvents.ReauthorizationDue)).GetProperty("days_left").GetInt32());
    }
}
