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
}
