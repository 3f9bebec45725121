using System.Diagnostics;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// The lake's lock file or the credentials file that is no file (a folder, a link to one, a dangling link, a FIFO): the
/// verb names it and says what to do, at once. A FIFO is never opened: that would wait for a writer for ever, deaf to Ctrl-C.
/// </summary>
public sealed class LakeEntriesThatAreNoFileTests : IDisposable
{
    private static readonly string[] Kinds = ["folder", "link to a folder", "dangling link", "fifo"];
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task A_lock_file_that_is_no_file_is_named_with_exit_74(int seed)
    {
        var random = new Random(seed);
        var lake = _folder["lake"];
        await new SampleGenerator(new LocalFolderStore(lake)).WriteAsync(new SampleOptions(Days: 1, Items: 3, Seed: seed));
        Assert.Equal(0, Run("transform", "--lake", lake).ExitCode);
        var kind = Kinds[seed % Kinds.Length];
        var lockFile = Path.Combine(lake, LocalFolderStore.TemporaryFolder, LocalFolderStore.LockFile);
        File.Delete(lockFile);
        Make(lockFile, kind);
        var verb = random.Next(2) == 0 ? "transform" : "current";

        var run = Run(verb, "--lake", lake);

        Assert.True(run.ExitCode == 74, $"{verb} with a lock that is a {kind}: exit {run.ExitCode}: {run.Errors}");
        Assert.Contains("the lake's lock file, cannot be used", run.Errors, StringComparison.Ordinal);
        Assert.Contains("Remove it", run.Errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("folder")]
    [InlineData("link to a folder")]
    [InlineData("dangling link")]
    [InlineData("fifo")]
    public void A_credentials_file_that_is_no_file_is_named_with_exit_65(string kind)
    {
        var credentials = _folder["config/credentials.json"];
        Make(credentials, kind);

        var run = Run("extract", "--lake", _folder["lake"], "--recently-played", "--credentials", credentials);

        Assert.True(run.ExitCode == 65, $"credentials that are a {kind}: exit {run.ExitCode}: {run.Errors}");
        Assert.Contains(kind.EndsWith("folder", StringComparison.Ordinal)
            ? $"{credentials} is a folder, not a credentials file: name the file itself, such as --credentials {credentials}/credentials.json."
            : "cannot be read as a credentials file", run.Errors, StringComparison.Ordinal);
    }

    private void Make(string path, string kind)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        switch (kind)
        {
            case "folder":
                Directory.CreateDirectory(path);
                break;
            case "link to a folder":
                Directory.CreateDirectory(_folder["elsewhere"]);
                File.CreateSymbolicLink(path, _folder["elsewhere"]);
                break;
            case "dangling link":
                File.CreateSymbolicLink(path, _folder["gone"]);
                break;
            default:
                using (var mkfifo = Process.Start("mkfifo", path))
                {
                    mkfifo.WaitForExit();
                }
                break;
        }
    }

    private static (int ExitCode, string Errors) Run(params string[] arguments)
    {
        var run = SpotifyEtlProcess.RunWithin(TimeSpan.FromMinutes(1), arguments);
        return (run.ExitCode, run.Errors);
    }
}
