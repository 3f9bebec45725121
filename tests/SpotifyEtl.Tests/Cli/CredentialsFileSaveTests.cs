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

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_save_removes_the_temporary_files_of_ended_saves_and_leaves_those_of_saves_under_way()
    {
        // Each holds a refresh token. A save's writer is its process id and start: an id alone may be a running process's by
        // now (a container's process 1 every time), whose files a save must not take for its own leftovers, nor keep for ever.
        var path = _folder["config/spotify-etl/credentials.json"];
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var pid = Environment.ProcessId;
        var underWay = $"{path}.{pid}.{SpotifyEtl.Storage.TemporaryFiles.StartOf(pid)}-{Guid.NewGuid():N}.tmp";
        var idReused = $"{path}.{pid}.1-{Guid.NewGuid():N}.tmp";
        using (var ended = System.Diagnostics.Process.Start("true")!)
        {
            ended.WaitForExit();
            File.WriteAllText($"{path}.{ended.Id}.{Guid.NewGuid():N}.tmp", "{}"); // as an earlier version named them
        }
        File.WriteAllText(underWay, "{}");
        File.WriteAllText(idReused, "{}");
        File.WriteAllText($"{path}.{pid}.{Guid.NewGuid():N}.tmp", "{}"); // an earlier version's, of this id: this process names none so

        CredentialsFile.Save(path, new SpotifyCredentials("client-id", "client-secret", "refresh"));

        Assert.Equal(["credentials.json", Path.GetFileName(underWay)],
            Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(path)!).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
