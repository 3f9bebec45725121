using SpotifyEtl.Cli.Shell;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// `import`, `extract` and `sample` make the lake they write, but not in a folder that holds no lake and has lakes among its own
/// folders (the folder above a demo's lake, say): that would be one more lake mixed with those below it. They refuse it
/// as the verbs that read a lake do (exit 66, the lakes named), before writing anything there; a new folder, one of
/// unrelated files, or an existing lake still takes the lake.
/// </summary>
public sealed class LakeAboveLakesTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Every entry under the folder, folders and hidden ones included, with the length of each file.</summary>
    private static List<string> Entries(string folder) =>
        Directory.EnumerateFileSystemEntries(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(path => $"{Path.GetRelativePath(folder, path)} {(File.Exists(path) ? new FileInfo(path).Length : -1)}")
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>Spotify's addresses on a port nothing listens on: an extraction that got past its checks fails fast, asking no one.</summary>
    private Dictionary<string, string> NoSpotify => new(CliTestContext.ProcessWithCredentials(_folder["home"]))
    {
        ["SPOTIFY_ACCOUNTS_BASE_URL"] = "http://127.0.0.1:1",
        ["SPOTIFY_API_BASE_URL"] = "http://127.0.0.1:1",
    };

    [Theory]
    [InlineData(41)]
    [InlineData(42)]
    [InlineData(43)]
    [InlineData(44)]
    [InlineData(45)]
    [InlineData(46)]
    public async Task Import_and_extract_refuse_the_folder_above_lakes_naming_them_and_write_nothing_there(int seed)
    {
        var random = new Random(seed);
        var above = _folder[new[] { ".lake", "lakes", "my lakes", "data.d" }[random.Next(4)] + random.Next(100)];
        // Lakes of every kind a lake can be: sampled raw objects, tables only, an extraction's state only.
        var lakes = new List<string>();
        for (var i = 0; i < 1 + random.Next(4); i++)
        {
            var lake = Path.Combine(above, $"{new[] { "demo", "lake", "backup" }[random.Next(3)]}-{i}{random.Next(100)}");
            lakes.Add(lake);
            switch (random.Next(3))
            {
                case 0:
                    await new SampleGenerator(new LocalFolderStore(lake)).WriteAsync(new SampleOptions(Days: 1, Items: 3, Seed: seed));
                    break;
                case 1:
                    Directory.CreateDirectory(Path.Combine(lake, "transformed", "listening_history"));
                    break;
                default:
                    Directory.CreateDirectory(Path.Combine(lake, "state"));
                    File.WriteAllText(Path.Combine(lake, "state", "extraction.json"), "{}");
                    break;
            }
        }
        var unrelated = Path.Combine(above, "not-a-lake");
        Directory.CreateDirectory(unrelated);
        File.WriteAllText(Path.Combine(unrelated, "notes.txt"), "keep me");
        if (random.Next(2) == 0)
        {
            File.WriteAllText(Path.Combine(above, "README"), "lakes below");
        }
        var export = _folder["my_spotify_data.zip"];
        File.WriteAllBytes(export, SampleExport.Write(new SampleExportOptions(40, seed)).Zips[0].Zip);
        var extract = random.Next(2) == 0;
        string[] Verb(string lake) => extract
            ? ["extract", "--lake", lake, "--playlist", "3cEYpjA9oz9GiPac4AsH4n", "--time-limit", "5"]
            : ["import", export, "--lake", lake];
        var before = Entries(above);

        var refused = DemoCommandTests.RunCli(NoSpotify, Verb(above));

        Assert.True(refused.ExitCode == ExitCodes.NoInput, $"{string.Join(' ', Verb(above))}: exit {refused.ExitCode}: {refused.Errors}");
        Assert.Contains($"{above} holds no lake; did you mean --lake {lakes.Order(StringComparer.Ordinal).First()}", refused.Errors, StringComparison.Ordinal);
        Assert.Contains("A new lake needs a folder of its own.", refused.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-lake", refused.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", refused.Errors, StringComparison.Ordinal);
        Assert.Equal(before, Entries(above));

        // A folder of its own takes the lake: a new one beside the lakes, the folder of unrelated files, or a lake itself.
        var own = new[] { Path.Combine(above, $"new-{random.Next(100)}"), unrelated, lakes[random.Next(lakes.Count)] }[random.Next(3)];
        var accepted = DemoCommandTests.RunCli(NoSpotify, Verb(own));
        Assert.DoesNotContain("holds no lake", accepted.Errors, StringComparison.Ordinal);
        Assert.True(extract ? accepted.ExitCode is not (ExitCodes.NoInput or ExitCodes.Success) : accepted.ExitCode is 0 or ExitCodes.Partial,
            $"{string.Join(' ', Verb(own))}: exit {accepted.ExitCode}: {accepted.Errors}");
        Assert.True(Directory.Exists(Path.Combine(own, extract ? "manifests" : "transformed/listening_history")), $"no lake written in {own}");
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(unrelated, "notes.txt")));
    }

    /// <summary>
    /// <c>sample --out</c> naming the folder above lakes would give it a raw/ of its own, one more lake mixed with those
    /// below: refused as import and extract refuse it (exit 66, the lakes named), before anything is written there.
    /// </summary>
    [Theory]
    [InlineData(51)]
    [InlineData(52)]
    [InlineData(53)]
    [InlineData(54)]
    [InlineData(55)]
    public async Task Sample_refuses_an_out_above_lakes_naming_them_and_writes_nothing_there(int seed)
    {
        var random = new Random(seed);
        var above = _folder[new[] { ".lake", "lakes", "my lakes", "data.d" }[random.Next(4)] + random.Next(100)];
        var lakes = new List<string>();
        for (var i = 0; i < 1 + random.Next(4); i++)
        {
            var lake = Path.Combine(above, $"{new[] { "demo", "lake", "backup" }[random.Next(3)]}-{i}{random.Next(100)}");
            lakes.Add(lake);
            switch (random.Next(3))
            {
                case 0:
                    await new SampleGenerator(new LocalFolderStore(lake)).WriteAsync(new SampleOptions(Days: 1, Items: 3, Seed: seed));
                    break;
                case 1:
                    Directory.CreateDirectory(Path.Combine(lake, "transformed", "listening_history"));
                    break;
                default:
                    Directory.CreateDirectory(Path.Combine(lake, "state"));
                    break;
            }
        }
        if (random.Next(2) == 0)
        {
            Directory.CreateDirectory(Path.Combine(above, "not-a-lake"));
        }
        var before = Entries(above);
        string[] Sample(string folder) => ["sample", "--out", folder, "--days", "1", "--items", "3", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture)];

        var refused = DemoCommandTests.RunCli(Sample(above));

        Assert.True(refused.ExitCode == ExitCodes.NoInput, $"exit {refused.ExitCode}: {refused.Errors}");
        Assert.Contains($"{above} holds no lake; did you mean --out {lakes.Order(StringComparer.Ordinal).First()}", refused.Errors, StringComparison.Ordinal);
        Assert.Contains("A sample needs a folder of its own.", refused.Errors, StringComparison.Ordinal);
        Assert.Equal(before, Entries(above));

        // A folder of its own takes the sample.
        var own = Path.Combine(above, $"new-{random.Next(100)}");
        var accepted = DemoCommandTests.RunCli(Sample(own));
        Assert.True(accepted.ExitCode == 0, accepted.Errors);
        Assert.True(Directory.Exists(Path.Combine(own, "raw")));
    }
}
