using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// An import or a landing transform given inputs that hold nothing it could use ends with one error and exit 65, and
/// makes nothing: no lake folder where none was (which later verbs would take for a lake with nothing in it yet, and
/// which "did you mean --lake" would pass over), and no empty report on stdout. Inputs of every such shape: an empty
/// folder, folders of empty folders, and for a transform files that are no raw object and dangling links.
/// </summary>
public sealed class NothingToDoLeavesNoLakeTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static bool NotScratch(string path) => !path.StartsWith("lake/.tmp/", StringComparison.Ordinal);

    /// <summary>A folder of a generated shape that holds no file a verb could use; <paramref name="forImport"/> leaves out files import would read.</summary>
    private string EmptyInput(int seed, bool forImport)
    {
        var random = new Random(seed);
        var input = _folder[$"input-{seed}-{forImport}"];
        Directory.CreateDirectory(input);
        for (var i = 0; i < random.Next(0, 4); i++)
        {
            var folder = Path.Combine(input, string.Join(Path.DirectorySeparatorChar, Enumerable.Range(0, random.Next(1, 4)).Select(d => $"d{i}{d}")));
            Directory.CreateDirectory(folder);
            if (!forImport && random.Next(2) == 0)
            {
                // Not .json: no raw object, and never landed.
                File.WriteAllText(Path.Combine(folder, "notes.txt"), "not a raw object");
            }
            // A dangling link import names in its report of files, as it should: only transform's inputs get one.
            if (!forImport && !OperatingSystem.IsWindows() && random.Next(3) == 0)
            {
                File.CreateSymbolicLink(Path.Combine(folder, "gone.json"), Path.Combine(_folder.Path, "no-such-target.json"));
            }
        }
        return input;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void An_import_of_inputs_holding_no_file_makes_no_lake_and_prints_no_report(int seed)
    {
        var lake = _folder[$"lake-import-{seed}"];

        var run = DemoCommandTests.RunCli("import", EmptyInput(seed, forImport: true), "--lake", lake);

        Assert.True(run.ExitCode == 65, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains("nothing was imported", run.Errors, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("", run.Output);
        Assert.False(Directory.Exists(lake), $"{lake} was made");
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void A_transform_landing_inputs_holding_no_raw_object_makes_no_lake(int seed)
    {
        var lake = _folder[$"lake-transform-{seed}"];

        var run = DemoCommandTests.RunCli("transform", "--input", EmptyInput(seed, forImport: false), "--lake", lake);

        Assert.True(run.ExitCode == 65, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains("No raw objects found in", run.Errors, StringComparison.Ordinal);
        Assert.False(Directory.Exists(lake), $"{lake} was made");
    }

    [Fact]
    public void An_import_of_an_empty_folder_into_an_existing_lake_leaves_it_as_it_was()
    {
        var lake = _folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "1", "--items", "5").ExitCode);
        var before = _folder.Files("lake");

        var run = DemoCommandTests.RunCli("import", EmptyInput(9, forImport: true), "--lake", lake);

        Assert.Equal(65, run.ExitCode);
        // The tool's scratch folder (.tmp/: locks) aside, the lake holds what it held.
        Assert.Equal(before.Keys.Where(NotScratch), _folder.Files("lake").Keys.Where(NotScratch));
        Assert.Equal("", run.Output);
    }
}
