using System.Text.Json;
using SpotifyEtl.Cli.Commands;
using SpotifyEtl.Spotify;
using SpotifyEtl.Tests.Spotify;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A local extraction in the weeks before the refresh token ends: it says when, and what to run, on stderr, and goes on;
/// a rotated token keeps the time of its authorization in the credentials file.
/// </summary>
public sealed class RefreshTokenEndTests : IAsyncLifetime
{
    private SpotifyDouble _spotify = null!;

    public async Task InitializeAsync() => _spotify = await SpotifyDouble.StartAsync();

    public async Task DisposeAsync() => await _spotify.DisposeAsync();

    private static void AddAuthorizedAt(string path, string authorizedAt)
    {
        var fields = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path))!;
        fields["authorized_at"] = authorizedAt;
        File.WriteAllText(path, JsonSerializer.Serialize(fields));
    }

    /// <summary>
    /// Days since the authorization: well inside the six months, before the notice, inside it, past the end. Six months are
    /// 181 to 184 days, so the notice starts 167 to 170 days after: those days are left out, where a second between writing
    /// the file and the extraction's clock could move the answer.
    /// </summary>
    public static TheoryData<int> Ages()
    {
        var random = new Random(73);
        return [1, 90, random.Next(2, 150), random.Next(150, 167), 166, 171, random.Next(171, 182), 183, random.Next(184, 240), 400];
    }

    [Theory]
    [MemberData(nameof(Ages))]
    public async Task Extract_says_on_stderr_when_the_refresh_token_ends_in_the_two_weeks_before_and_after_its_end_and_still_extracts(int days)
    {
        using var cli = new CliTestContext(_spotify).WithCredentials();
        var authorizedAt = DateTimeOffset.Parse(RefreshTokenExpiry.Format(DateTimeOffset.UtcNow.AddDays(-days)), System.Globalization.CultureInfo.InvariantCulture);
        AddAuthorizedAt(cli.Context.DefaultCredentialsPath, RefreshTokenExpiry.Format(authorizedAt));
        var end = RefreshTokenExpiry.EndOf(authorizedAt);

        var exit = await ExtractCommand.Create(cli.Context).Parse(["--lake", Path.Combine(cli.Folder, "lake"), "--saved-tracks"]).InvokeAsync();

        Assert.Equal(0, exit);
        Assert.Single(Directory.GetFiles(Path.Combine(cli.Folder, "lake", "manifests")));
        if (end - DateTimeOffset.UtcNow > TimeSpan.FromDays(14))
        {
            Assert.DoesNotContain("refresh token", cli.Errors, StringComparison.Ordinal);
            return;
        }
        Assert.Contains(RefreshTokenExpiry.Format(end), cli.Errors, StringComparison.Ordinal);
        Assert.Contains(end > DateTimeOffset.UtcNow ? $"ends at {RefreshTokenExpiry.Format(end)}" : $"was due to end at {RefreshTokenExpiry.Format(end)}", cli.Errors, StringComparison.Ordinal);
        Assert.Contains(end > DateTimeOffset.UtcNow ? "Run 'spotify-etl auth login' before then." : "Run 'spotify-etl auth login' now.", cli.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("--credentials", cli.Errors, StringComparison.Ordinal);
        SpotifyExtractorTests.AssertNoSecret(cli.Output + cli.Errors);
    }

    [Fact]
    public async Task A_credentials_file_without_authorized_at_is_named_with_what_to_do_and_the_extraction_goes_on()
    {
        using var cli = new CliTestContext(_spotify);
        CliTestContext.WriteCredentials(cli.Context.DefaultCredentialsPath, SpotifyDouble.ClientId, SpotifyDouble.ClientSecret, SpotifyDouble.InitialRefreshToken, authorizedAt: false);

        var exit = await ExtractCommand.Create(cli.Context).Parse(["--lake", Path.Combine(cli.Folder, "lake"), "--saved-tracks"]).InvokeAsync();

        Assert.Equal(0, exit);
        Assert.Contains($"{cli.Context.DefaultCredentialsPath}: it has no authorized_at, so when its refresh token ends", cli.Errors, StringComparison.Ordinal);
        Assert.Contains("'spotify-etl auth login' writes it", cli.Errors, StringComparison.Ordinal);
        SpotifyExtractorTests.AssertNoSecret(cli.Output + cli.Errors);
    }

    [Fact]
    public async Task An_authorized_at_in_the_credentials_file_that_is_no_time_is_named_and_the_extraction_goes_on()
    {
        using var cli = new CliTestContext(_spotify).WithCredentials();
        AddAuthorizedAt(cli.Context.DefaultCredentialsPath, "last spring");

        var exit = await ExtractCommand.Create(cli.Context).Parse(["--lake", Path.Combine(cli.Folder, "lake"), "--saved-tracks"]).InvokeAsync();

        Assert.Equal(0, exit);
        Assert.Contains($"{cli.Context.DefaultCredentialsPath}: its authorized_at (a text of 11 characters, not shown) is no time", cli.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rotated_refresh_token_keeps_an_authorized_at_no_run_could_read_as_the_file_had_it()
    {
        using var cli = new CliTestContext(_spotify).WithCredentials();
        AddAuthorizedAt(cli.Context.DefaultCredentialsPath, "2026-05-31 12:00 CEST");
        _spotify.RotateRefreshTokenTo = "double-refresh-token-NEW";

        var exit = await ExtractCommand.Create(cli.Context).Parse(["--lake", Path.Combine(cli.Folder, "lake"), "--saved-tracks"]).InvokeAsync();

        Assert.Equal(0, exit);
        using var saved = JsonDocument.Parse(await File.ReadAllTextAsync(cli.Context.DefaultCredentialsPath));
        Assert.Equal("double-refresh-token-NEW", saved.RootElement.GetProperty("refresh_token").GetString());
        Assert.Equal("2026-05-31 12:00 CEST", saved.RootElement.GetProperty("authorized_at").GetString());
    }

    [Fact]
    public async Task A_rotated_refresh_token_keeps_the_time_of_its_authorization_in_the_credentials_file()
    {
        using var cli = new CliTestContext(_spotify).WithCredentials();
        var authorizedAt = RefreshTokenExpiry.Format(DateTimeOffset.UtcNow.AddDays(-100));
        AddAuthorizedAt(cli.Context.DefaultCredentialsPath, authorizedAt);
        _spotify.RotateRefreshTokenTo = "double-refresh-token-NEW";

        var exit = await ExtractCommand.Create(cli.Context).Parse(["--lake", Path.Combine(cli.Folder, "lake"), "--saved-tracks"]).InvokeAsync();

        Assert.Equal(0, exit);
        using var saved = JsonDocument.Parse(await File.ReadAllTextAsync(cli.Context.DefaultCredentialsPath));
        Assert.Equal("double-refresh-token-NEW", saved.RootElement.GetProperty("refresh_token").GetString());
        Assert.Equal(authorizedAt, saved.RootElement.GetProperty("authorized_at").GetString());
    }
}
