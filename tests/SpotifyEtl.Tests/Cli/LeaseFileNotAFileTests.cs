using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Spotify;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// The lock file of the extraction lease (<c>.tmp/extraction-lease.lock</c>) that is no regular file (a socket, a FIFO,
/// a folder, a link to one, a dangling link): <c>extract</c> names it with what to do (exit 74), as it names the lake's
/// lock file, instead of blaming another extract (exit 75) or running on an entry no run can hold. The entry is left as
/// it was, and nothing is landed.
/// </summary>
public sealed class LeaseFileNotAFileTests : IDisposable
{
    private static readonly string[] Kinds =
        [SpecialEntries.Socket, SpecialEntries.Fifo, SpecialEntries.Folder, SpecialEntries.LinkToAFolder, SpecialEntries.DanglingLink];

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Spotify's addresses on a port nothing listens on: an extraction that got past its checks fails fast, asking no one.</summary>
    private Dictionary<string, string> NoSpotify => new(CliTestContext.ProcessWithCredentials(_folder["home"]))
    {
        ["SPOTIFY_ACCOUNTS_BASE_URL"] = "http://127.0.0.1:1",
        ["SPOTIFY_API_BASE_URL"] = "http://127.0.0.1:1",
    };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public void A_lease_file_that_is_no_file_is_named_with_exit_74_not_blamed_on_another_extract(int seed)
    {
        var random = new Random(seed);
        var kind = Kinds[seed % Kinds.Length];
        var lake = _folder[$"lake{random.Next(100)}"];
        var lease = Path.Combine(lake, LocalFolderStore.TemporaryFolder,
            Path.GetFileNameWithoutExtension(ExtractionState.LeaseKey) + LocalFolderStore.LeaseFileSuffix);
        SpecialEntries.Make(lease, kind, _folder["elsewhere"]);
        var before = SpecialEntries.Describe(lease);
        Assert.NotNull(before);

        var run = SpotifyEtlProcess.RunWithin(TimeSpan.FromMinutes(1), NoSpotify, "extract", "--lake", lake, "--playlist", "3cEYpjA9oz9GiPac4AsH4n", "--time-limit", "5");

        Assert.True(run.ExitCode == ExitCodes.IoError, $"a lease file that is a {kind}: exit {run.ExitCode}: {run.Errors}");
        Assert.Contains($"{lease}, the lock file of the lake's extraction lease, cannot be used: {before}", run.Errors, StringComparison.Ordinal);
        Assert.Contains("remove it, then run again", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("Another spotify-etl extract", run.Errors, StringComparison.Ordinal);
        Assert.Equal(before, SpecialEntries.Describe(lease));
        Assert.False(Directory.Exists(Path.Combine(lake, "raw")), "nothing is landed");
        Assert.False(Directory.Exists(Path.Combine(lake, "manifests")), "no manifest is written");
        Assert.False(File.Exists(Path.Combine(_folder["elsewhere"], "gone")), "no file is made outside the lake");
    }
}
