using SpotifyEtl.Cli.Commands;
using SpotifyEtl.Cli.Spotify;
using SpotifyEtl.Spotify;
using SpotifyEtl.Tests.Spotify;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// Two lakes extracted with one credentials file: the other run has Spotify rotate the refresh token, which ends the
/// one this run read, and saves the new one in the file before this run asks for its token. This run, refused, asks
/// once more with the token the file holds now, and extracts; a file that holds no newer token, or one Spotify refuses
/// too, still ends the run with exit 77 and what to run.
/// </summary>
public sealed class SharedCredentialsTests : IAsyncLifetime
{
    private SpotifyDouble _spotify = null!;

    public async Task InitializeAsync() => _spotify = await SpotifyDouble.StartAsync();

    public async Task DisposeAsync() => await _spotify.DisposeAsync();

    /// <summary>What the other run leaves in the file: the token Spotify rotated to, the same token, or a token Spotify refuses too.</summary>
    public enum OtherRun { SavedTheRotatedToken, SavedNothing, SavedARefusedToken }

    [Theory]
    [InlineData(OtherRun.SavedTheRotatedToken)]
    [InlineData(OtherRun.SavedNothing)]
    [InlineData(OtherRun.SavedARefusedToken)]
    public async Task A_refresh_token_another_run_rotated_is_read_again_from_the_credentials_file_once(OtherRun other)
    {
        using var cli = new CliTestContext(_spotify).WithCredentials();
        var path = cli.Context.DefaultCredentialsPath;
        const string rotated = "double-refresh-token-ROTATED-BY-THE-OTHER-LAKE";
        var first = 0;
        _spotify.OnTokenRequest = grant =>
        {
            if (grant != "refresh_token" || Interlocked.Exchange(ref first, 1) != 0)
            {
                return;
            }
            // The other run's rotation, at the moment this run asks with the token it read.
            _spotify.ValidRefreshTokens.Clear();
            _spotify.ValidRefreshTokens.Add(rotated);
            if (other != OtherRun.SavedNothing)
            {
                CredentialsFile.Save(path, CredentialsFile.Load(path) with { RefreshToken = other == OtherRun.SavedTheRotatedToken ? rotated : "a-token-spotify-ended-too" });
            }
        };

        var exit = await ExtractCommand.Create(cli.Context).Parse(["--lake", Path.Combine(cli.Folder, "lake"), "--saved-tracks"]).InvokeAsync();

        var refreshes = _spotify.TokenGrants.Count(grant => grant == "refresh_token");
        if (other == OtherRun.SavedTheRotatedToken)
        {
            Assert.True(exit == 0, cli.Errors);
            Assert.Single(Directory.GetFiles(Path.Combine(cli.Folder, "lake", "manifests")));
            Assert.Equal(rotated, CredentialsFile.Load(path).RefreshToken);
            Assert.Equal(2, refreshes);
        }
        else
        {
            Assert.Equal(77, exit);
            Assert.Contains("spotify-etl auth login", cli.Errors, StringComparison.Ordinal);
            // Asked again only where the file held another token, and only once.
            Assert.Equal(other == OtherRun.SavedNothing ? 1 : 2, refreshes);
        }
        SpotifyExtractorTests.AssertNoSecret(cli.Output + cli.Errors);
    }

    /// <summary>
    /// The token taken from the file is rotated again later in the run: the file then holds the new token with the
    /// <c>authorized_at</c> the file had (the other run's login), not the one of the token this run read, so that the
    /// notice that the refresh token ends comes when it does.
    /// </summary>
    [Fact]
    public async Task A_token_taken_from_the_file_and_rotated_again_keeps_the_time_of_its_own_login()
    {
        using var cli = new CliTestContext(_spotify).WithCredentials();
        var path = cli.Context.DefaultCredentialsPath;
        var read = CredentialsFile.Load(path).AuthorizedAt;
        var otherLogin = new DateTimeOffset(DateTime.UtcNow.Date.AddHours(-3), TimeSpan.Zero);
        Assert.NotEqual(read, otherLogin);
        const string other = "double-refresh-token-OF-THE-OTHER-LAKES-LOGIN";
        const string rotatedAgain = "double-refresh-token-ROTATED-AGAIN";
        var first = 0;
        _spotify.OnTokenRequest = grant =>
        {
            if (grant == "refresh_token" && Interlocked.Exchange(ref first, 1) == 0)
            {
                _spotify.ValidRefreshTokens.Clear();
                _spotify.ValidRefreshTokens.Add(other);
                _spotify.RotateRefreshTokenTo = rotatedAgain;
                CredentialsFile.Save(path, CredentialsFile.Load(path) with { RefreshToken = other, AuthorizedAt = otherLogin });
            }
        };

        var exit = await ExtractCommand.Create(cli.Context).Parse(["--lake", Path.Combine(cli.Folder, "lake"), "--saved-tracks"]).InvokeAsync();

        Assert.True(exit == 0, cli.Errors);
        var saved = CredentialsFile.Load(path);
        Assert.Equal(rotatedAgain, saved.RefreshToken);
        Assert.Equal(otherLogin, saved.AuthorizedAt);
        SpotifyExtractorTests.AssertNoSecret(cli.Output + cli.Errors);
    }
}
