using SpotifyEtl.Cli.Shell;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A lake where one of its folders (raw/, transformed/, quarantine/, ...) is a file: a plain file, an empty one or a
/// link to a file, picked by the seed. Every verb of the local lake says which path is a file where a folder is
/// expected and what to do, exits 74, and leaves the file as it was; none of them reports the folder empty or missing.
/// </summary>
public sealed class LakeFolderIsAFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("raw", 1)]
    [InlineData("raw", 2)]
    [InlineData("raw", 3)]
    [InlineData("transformed", 4)]
    [InlineData("transformed", 5)]
    [InlineData("quarantine", 6)]
    [InlineData("staging", 7)]
    [InlineData("reports", 8)]
    [InlineData("import", 9)]
    [InlineData("state", 10)]
    [InlineData("manifests", 11)]
    public async Task A_lake_folder_that_is_a_file_is_named_as_such_with_exit_74(string name, int seed)
    {
        var random = new Random(seed);
        var lake = _folder["lake"];
        await new SampleGenerator(new LocalFolderStore(lake)).WriteAsync(new SampleOptions(Days: 1, Items: 3, Seed: seed));
        var path = Path.Combine(lake, name);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        var bytes = new byte[random.Next(3) == 0 ? 0 : random.Next(1, 500)];
        random.NextBytes(bytes);
        if (random.Next(3) == 0)
        {
            File.WriteAllBytes(_folder["target"], bytes);
            File.CreateSymbolicLink(path, _folder["target"]);
        }
        else
        {
            File.WriteAllBytes(path, bytes);
        }
        string[][] verbs =
        [
            ["transform", "--lake", lake],
            ["transform", "--input", _folder["lake/raw"], "--lake", lake],
            ["query", "--lake", lake],
            ["current", "--lake", lake],
            ["report", "--lake", lake, "--out", _folder["report.html"]],
        ];
        var verb = verbs[random.Next(verbs.Length)];
        if (name == "raw" && verb.Contains("--input"))
        {
            verb = verbs[0]; // --input names the raw file itself: that is another mistake
        }

        var run = DemoCommandTests.RunCli(verb);

        Assert.True(run.ExitCode == ExitCodes.IoError, $"{string.Join(' ', verb[..1])}: exit {run.ExitCode}: {run.Errors}");
        Assert.Contains($"{path} is a file where the lake keeps its {name}/ folder: move it out of the lake", run.Errors, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }
}
