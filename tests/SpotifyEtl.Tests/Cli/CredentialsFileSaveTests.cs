using SpotifyEtl.Cli.Spotify;
using SpotifyEtl.Spotify;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// Runs that share one credentials file (extracts into two lakes, each handed a rotated refresh token at once) each save
/// it whole: no save fails, the file is always one of the saved ones, readable by its owner only, and no temporary file
/// holding a token is left beside it.
/// </summary>
public sealed class CredentialsFileSaveTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Saves_at_once_to_one_credentials_file_each_succeed_and_leave_one_whole_file(int seed)
    {
        var random = new Random(seed);
        var path = _folder["config/spotify-etl/credentials.json"];
        for (var round = 0; round < 20; round++)
        {
            var saved = Enumerable.Range(0, random.Next(2, 13))
                .Select(i => new SpotifyCredentials("client-id", "client-secret", $"refresh-{seed}-{round}-{i}-{random.Next()}"))
                .ToList();
            using var start = new Barrier(saved.Count);
            var saves = saved.Select(credentials => Task.Run(() =>
            {
                start.SignalAndWait();
                CredentialsFile.Save(path, credentials);
            })).ToArray();

            await Task.WhenAll(saves);

            Assert.Contains(CredentialsFile.Load(path).RefreshToken, saved.Select(credentials => credentials.RefreshToken));
            Assert.Equal(["credentials.json"], Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }
}
