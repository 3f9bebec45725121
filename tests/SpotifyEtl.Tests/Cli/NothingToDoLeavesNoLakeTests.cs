using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// An import or a landing transform given inputs that hold nothing it could use ends with one error and exit 65, and
/// makes nothing: no lake folder where none was (which later verbs would take for a lake with nothing in it yet, and
/// which "did you mean --lake" would pass over), and no empty report on stdout. Inputs of every such shape: an empty
/// folder, folders of empty folders, and for a transform files that are no raw object (not .json, outside raw/, or
/// under raw/ without a raw object's key) and dangling links. A --lake that cannot be one is named whatever the inputs.
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
            if (!forImport && random.Next(2) == 0)
            {
                // A page saved on its own, outside any raw/ folder: its source and date are unknown, so it never lands.
                File.WriteAllText(Path.Combine(folder, "page.json"), """{"items":[]}""");
            }
            if (!forImport && random.Next(2) == 0)
            {
                // Under raw/ but no raw object's key (no snapshot date): never landed either.
                var misplaced = Path.Combine(folder, "raw", "playlist", "somewhere");
                Directory.CreateDirectory(misplaced);
                File.WriteAllText(Path.Combine(misplaced, "page.json"), """{"items":[]}""");
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
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void An_import_of_files_that_hold_no_history_makes_no_lake_and_a_demo_may_use_the_folder_after(int seed)
    {
        // The export's other files (account data with no history in it), a JSON of another shape, a zip of such files.
        var random = new Random(seed);
        var input = Directory.CreateDirectory(_folder[$"other-{seed}"]).FullName;
        string[] names = ["Userdata.json", "Payments.json", "Follow.json", "notes.json", "Inferences.json"];
        foreach (var name in names.OrderBy(_ => random.Next()).Take(random.Next(1, names.Length + 1)))
        {
            File.WriteAllText(Path.Combine(input, name), random.Next(2) == 0 ? """{"username":"ana","country":"ES"}""" : """[{"a":1}]""");
        }
        string[] given = random.Next(2) == 0 ? [input] : [.. Directory.GetFiles(input)];
        var lake = _folder[$"lake-other-{seed}"];

        var run = DemoCommandTests.RunCli(["import", .. given, "--lake", lake]);

        Assert.True(run.ExitCode == 65, $"exit {run.ExitCode}: {run.Errors}");
        Assert.False(Directory.Exists(lake), $"{lake} was made: {string.Join(", ", Directory.Exists(lake) ? Directory.GetFileSystemEntries(lake, "*", SearchOption.AllDirectories) : [])}");
        // Nothing is left that a demo would refuse as a folder of another tool's.
        Assert.Equal(0, DemoCommandTests.RunCli("demo", "--lake", lake).ExitCode);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(11)]
    [InlineData(12)]
    public void A_transform_landing_inputs_holding_no_raw_object_makes_no_lake(int seed)
    {
        var lake = _folder[$"lake-transform-{seed}"];
        var input = EmptyInput(seed, forImport: false);

        var run = DemoCommandTests.RunCli("transform", "--input", input, "--lake", lake);

        Assert.True(run.ExitCode == 65, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains("No raw objects found in", run.Errors, StringComparison.Ordinal);
        // Each .json file that could not land is named with why, as when some others land.
        foreach (var page in Directory.GetFiles(input, "page.json", SearchOption.AllDirectories))
        {
            Assert.Contains($"skipped {page}: ", run.Errors, StringComparison.Ordinal);
        }
        Assert.False(Directory.Exists(lake), $"{lake} was made");
    }

    [Theory]
    [InlineData("import")]
    [InlineData("transform")]
    public void A_lake_that_is_a_file_is_named_as_such_even_when_the_inputs_hold_nothing(string verb)
    {
        var lake = _folder["lake-file"];
        File.WriteAllText(lake, "a file");
        var input = EmptyInput(10, forImport: verb == "import");

        var run = verb == "import" ? DemoCommandTests.RunCli("import", input, "--lake", lake) : DemoCommandTests.RunCli("transform", "--input", input, "--lake", lake);

        Assert.True(run.ExitCode == 74, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains("is a file, not a folder", run.Errors, StringComparison.Ordinal);
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
