using SpotifyEtl.Cli.Shell;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A --lake one level off: a lake's own raw/ or transformed/ folder, or the folder above a lake. Each verb names the
/// folder to give instead, with exit 66, and writes nothing where it was pointed (no .tmp/, no lock, no quarantine);
/// and the tool's own working files, wherever they are under raw/, are never taken for raw objects.
/// </summary>
public sealed class LakeFolderMistakeTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Every entry under the folder, folders and hidden ones included.</summary>
    private static List<string> Entries(string folder) =>
        Directory.EnumerateFileSystemEntries(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(path => Path.GetRelativePath(folder, path)).Order(StringComparer.Ordinal).ToList();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void A_lakes_raw_or_transformed_folder_given_as_the_lake_is_refused_with_the_lake_to_give_and_left_as_it_was(int seed)
    {
        var random = new Random(seed);
        var lake = _folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "1", "--items", $"{random.Next(3, 30)}", "--seed", $"{seed}").ExitCode);
        var transformed = random.Next(2) == 0;
        if (transformed)
        {
            Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        }
        var inside = Path.Combine(lake, transformed && random.Next(2) == 0 ? "transformed" : "raw") + (random.Next(2) == 0 ? "/" : "");
        string[][] verbs =
        [
            ["transform", "--lake", inside], ["current", "--lake", inside], ["query", "--lake", inside], ["demo", "--lake", inside],
            ["report", "--lake", inside, "--out", _folder["r.html"]],
        ];
        var before = Entries(lake);

        foreach (var verb in verbs)
        {
            var run = DemoCommandTests.RunCli(verb);

            Assert.True(run.ExitCode == ExitCodes.NoInput, $"{string.Join(' ', verb)}: exit {run.ExitCode}: {run.Errors}");
            Assert.Contains($"give --lake {lake}.", run.Errors, StringComparison.Ordinal);
            Assert.Equal(before, Entries(lake));
        }
        // The lake itself still transforms cleanly: nothing was left in its raw/ to set aside.
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        Assert.False(Directory.Exists(Path.Combine(lake, "quarantine")));
    }

    /// <summary>
    /// A folder deeper inside one of a lake's folders (a source's folder under raw/, a table's under transformed/, a partition,
    /// a new folder there) given as the lake or a sample's --out: refused by every verb that would make or read a lake there,
    /// naming the lake around it, and nothing is written; a lake made there had been read by the lake around it as raw
    /// objects to set aside or tables of its own.
    /// </summary>
    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(34)]
    [InlineData(35)]
    [InlineData(36)]
    public void A_folder_inside_a_lakes_raw_or_transformed_folder_is_refused_as_a_lake_and_the_lake_is_left_as_it_was(int seed)
    {
        var random = new Random(seed);
        var lake = _folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "2", "--items", $"{random.Next(3, 20)}", "--seed", $"{seed}").ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        var input = _folder["input"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", input, "--days", "1", "--items", "3", "--seed", $"{seed}").ExitCode);
        var zone = random.Next(2) == 0 ? "raw" : "transformed";
        var folders = Directory.GetDirectories(Path.Combine(lake, zone), "*", SearchOption.AllDirectories);
        var inside = folders[random.Next(folders.Length)];
        if (random.Next(3) == 0)
        {
            inside = Path.Combine(inside, "new-lake");
        }
        string[][] verbs =
        [
            ["transform", "--lake", inside, "--input", Path.Combine(input, "raw")], ["sample", "--out", inside, "--days", "1", "--items", "2"],
            ["import", Path.Combine(input, "raw"), "--lake", inside], ["transform", "--lake", inside], ["query", "--lake", inside],
        ];
        var before = Entries(lake);

        foreach (var verb in verbs)
        {
            var run = DemoCommandTests.RunCli(verb);

            Assert.True(run.ExitCode == ExitCodes.NoInput, $"{string.Join(' ', verb)}: exit {run.ExitCode}: {run.Errors}");
            Assert.Contains($"the {zone}/ folder of the lake {lake}", run.Errors, StringComparison.Ordinal);
            Assert.Equal(before, Entries(lake));
        }
        var again = DemoCommandTests.RunCli("transform", "--lake", lake);
        Assert.True(again.ExitCode == 0, again.Errors);
        Assert.False(Directory.Exists(Path.Combine(lake, "quarantine")));
    }

    /// <summary>
    /// Any other folder a lake keeps (its state, staging, reports, manifests, quarantine, import copies, or its scratch
    /// folder .tmp/), given as the lake or a sample's --out, whether the lake has made it yet or not: refused naming the lake
    /// around it, and nothing is written. A lake made there was read by the lake around it as its own files, or removed with
    /// its scratch files; a demo lake's import/ folder became a lake the next demo refused to empty.
    /// </summary>
    [Theory]
    [InlineData(41)]
    [InlineData(42)]
    public void Every_other_folder_of_a_lake_is_refused_as_a_lake_and_the_lake_is_left_as_it_was(int seed)
    {
        var random = new Random(seed);
        var lake = _folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("demo", "--lake", lake, "--days", "2", "--items", "10", "--seed", $"{seed}").ExitCode);
        var input = _folder["input"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", input, "--days", "1", "--items", "3", "--seed", $"{seed}").ExitCode);
        string[] names = ["state", "staging", "reports", "manifests", "quarantine", "import", LocalFolderStore.TemporaryFolder];
        var before = Entries(lake);

        foreach (var name in names)
        {
            var inside = Path.Combine(lake, name) + (random.Next(2) == 0 ? "/" : "");
            string[][] verbs =
            [
                ["transform", "--lake", inside, "--input", Path.Combine(input, "raw")], ["import", Path.Combine(input, "raw"), "--lake", inside],
                ["sample", "--out", inside, "--days", "1", "--items", "2"], ["query", "--lake", inside], ["demo", "--lake", inside],
            ];
            foreach (var verb in verbs.OrderBy(_ => random.Next()).Take(2))
            {
                var run = DemoCommandTests.RunCli(verb);

                Assert.True(run.ExitCode == ExitCodes.NoInput, $"{string.Join(' ', verb)}: exit {run.ExitCode}: {run.Errors}");
                Assert.Contains($"is the {name}/ folder of the lake {lake}, not a lake: give {(verb[0] == "sample" ? "--out" : "--lake")} {lake} to use that lake", run.Errors, StringComparison.Ordinal);
                Assert.Equal(before, Entries(lake));
            }
        }
    }

    /// <summary>
    /// A lake kept in a folder of the user's own that happens to be named raw/ or transformed/, beside partitioned data of
    /// theirs (<c>weather/year=2024/</c>), outside any lake: it is no lake's folder, and every verb works there.
    /// </summary>
    [Theory]
    [InlineData("raw")]
    [InlineData("transformed")]
    public void A_lake_inside_a_folder_of_the_users_named_as_a_lakes_folder_but_in_no_lake_works(string name)
    {
        var theirs = Path.Combine(_folder["data"], name, "weather", "year=2024");
        Directory.CreateDirectory(theirs);
        File.WriteAllText(Path.Combine(theirs, "part-0.csv"), "day,mm\n2024-01-01,3\n");
        var lake = Path.Combine(_folder["data"], name, "spotify");

        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "1", "--items", "3").ExitCode);
        var transformed = DemoCommandTests.RunCli("transform", "--lake", lake);
        Assert.True(transformed.ExitCode == 0, transformed.Errors);
        var answers = DemoCommandTests.RunCli("query", "--lake", lake, "--query", "top_tracks");
        Assert.True(answers.ExitCode == 0, answers.Errors);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    public async Task The_tools_working_files_under_raw_are_never_taken_for_raw_objects(int seed)
    {
        var random = new Random(seed);
        var lake = _folder["lake"];
        await new SampleGenerator(new LocalFolderStore(lake)).WriteAsync(new SampleOptions(Days: 1, Items: 5, Seed: seed));
        // What an older version left when given raw/ as its lake, or a lake copied somewhere under raw/.
        var folders = Directory.GetDirectories(Path.Combine(lake, "raw"), "*", SearchOption.AllDirectories).Prepend(Path.Combine(lake, "raw")).ToList();
        for (var i = 0; i < 1 + random.Next(3); i++)
        {
            var working = Path.Combine(folders[i == 0 ? 0 : random.Next(folders.Count)], LocalFolderStore.TemporaryFolder);
            Directory.CreateDirectory(working);
            foreach (var name in new[] { LocalFolderStore.LockFile, LocalFolderStore.SweptMarker, $"{random.Next()}.json" }.Take(1 + random.Next(3)))
            {
                File.WriteAllBytes(Path.Combine(working, name), new byte[random.Next(3)]);
            }
        }
        string[] verb = random.Next(2) == 0 ? ["transform", "--lake", lake] : ["transform", "--input", Path.Combine(lake, "raw"), "--lake", _folder["other"]];

        var run = DemoCommandTests.RunCli(verb);

        Assert.True(run.ExitCode == 0, $"{string.Join(' ', verb)}: exit {run.ExitCode}: {run.Errors}");
        Assert.Equal("", run.Errors);
        Assert.False(Directory.Exists(Path.Combine(lake, "quarantine")));
        Assert.False(Directory.Exists(_folder["other/quarantine"]));
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    [InlineData(24)]
    [InlineData(25)]
    public async Task The_folder_above_a_lake_is_named_with_the_lakes_it_holds_and_left_as_it_was(int seed)
    {
        var random = new Random(seed);
        var above = _folder["above"];
        var names = Enumerable.Range(0, 1 + random.Next(5)).Select(i => $"lake{i}-{random.Next(100)}").ToList();
        foreach (var name in names)
        {
            await new SampleGenerator(new LocalFolderStore(Path.Combine(above, name))).WriteAsync(new SampleOptions(Days: 1, Items: 3, Seed: seed));
        }
        Directory.CreateDirectory(Path.Combine(above, "not-a-lake"));
        string[][] verbs =
        [
            ["transform", "--lake", above], ["query", "--lake", above], ["current", "--lake", above], ["report", "--lake", above, "--out", _folder["r.html"]],
        ];
        var verb = verbs[random.Next(verbs.Length)];
        var before = Entries(above);

        var run = DemoCommandTests.RunCli(verb);

        Assert.True(run.ExitCode == ExitCodes.NoInput, $"{string.Join(' ', verb)}: exit {run.ExitCode}: {run.Errors}");
        Assert.Contains($"{above} holds no lake; did you mean --lake {Path.Combine(above, names.Order(StringComparer.Ordinal).First())}", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-lake", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("spotify-etl transform --lake", run.Errors, StringComparison.Ordinal);
        Assert.Equal(before, Entries(above));
    }

    [Theory]
    [InlineData(41)]
    [InlineData(42)]
    [InlineData(43)]
    public void A_sample_out_that_is_a_lakes_transformed_folder_is_refused_with_the_lake_to_give_and_left_as_it_was(int seed)
    {
        var random = new Random(seed);
        var lake = _folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "1", "--items", $"{random.Next(3, 30)}", "--seed", $"{seed}").ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        var inside = Path.Combine(lake, "transformed") + (random.Next(2) == 0 ? "/" : "");
        var before = Entries(lake);

        var run = DemoCommandTests.RunCli("sample", "--out", inside, "--days", "1", "--items", $"{random.Next(3, 30)}", "--seed", $"{seed + 1}");

        Assert.True(run.ExitCode == ExitCodes.NoInput, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains($"is the lake's transformed/ folder, not the lake: give --out {lake}.", run.Errors, StringComparison.Ordinal);
        Assert.Equal(before, Entries(lake));
    }

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(34)]
    public void A_sample_out_that_ends_in_raw_is_a_usage_error_naming_its_parent_and_writes_nothing(int seed)
    {
        var random = new Random(seed);
        var parent = _folder[$"lake-{random.Next(1000)}"];
        if (random.Next(2) == 0)
        {
            Directory.CreateDirectory(Path.Combine(parent, "raw"));
        }
        var before = Entries(_folder.Path);
        var outFolder = Path.Combine(parent, "raw") + (random.Next(2) == 0 ? "/" : "");

        var run = DemoCommandTests.RunCli("sample", "--out", outFolder, "--days", "1", "--items", "3");

        Assert.True(run.ExitCode == ExitCodes.Usage, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains($"--out is the folder that will hold raw/, so give its parent, {parent}.", run.Errors, StringComparison.Ordinal);
        Assert.Equal(before, Entries(_folder.Path));
    }

    [Theory]
    [InlineData(41)]
    [InlineData(42)]
    public async Task Objects_of_a_raw_folder_inside_raw_are_set_aside_saying_it_looks_written_one_level_too_deep(int seed)
    {
        var lake = _folder["lake"];
        // A sample written into the lake's raw/ (as sample --out lake/raw did), beside or instead of the lake's own objects.
        await new SampleGenerator(new LocalFolderStore(Path.Combine(lake, "raw"))).WriteAsync(new SampleOptions(Days: 1, Items: 3, Seed: seed));
        if (seed % 2 == 0)
        {
            await new SampleGenerator(new LocalFolderStore(lake)).WriteAsync(new SampleOptions(Days: 1, Items: 3, Seed: seed));
        }

        var run = DemoCommandTests.RunCli("transform", "--lake", lake);

        Assert.True(run.ExitCode == ExitCodes.Partial, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains($"{Path.Combine(lake, "raw", "raw")} is a raw/ folder inside raw/, which looks like a sample or a copy written one level too deep", run.Errors, StringComparison.Ordinal);
        var reasons = Directory.GetFiles(Path.Combine(lake, "quarantine"), "*.reason.txt", SearchOption.AllDirectories);
        Assert.NotEmpty(reasons);
        Assert.All(reasons, reason => Assert.Contains("a raw/ folder inside raw/ looks like a sample or a copy written one level too deep", File.ReadAllText(reason), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(51)]
    [InlineData(52)]
    public async Task Current_on_a_lake_not_yet_transformed_says_so_and_writes_nothing_in_it(int seed)
    {
        var lake = _folder["lake"];
        await new SampleGenerator(new LocalFolderStore(lake)).WriteAsync(new SampleOptions(Days: 1, Items: 3, Seed: seed));
        var before = Entries(lake);

        var run = DemoCommandTests.RunCli("current", "--lake", lake);

        Assert.True(run.ExitCode == ExitCodes.NoInput, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains("has no transformed/ tables yet", run.Errors, StringComparison.Ordinal);
        Assert.Equal(before, Entries(lake));
    }

    [Fact]
    public void Current_on_a_lake_whose_daily_partitions_were_all_removed_rebuilds_its_current_tables_empty()
    {
        // A guard beside the lake holding only an imported history (nothing to rebuild, exit 66): here there are
        // current-state tables left from days since removed, and rebuilding them empty is the answer.
        var lake = _folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "2", "--items", "5").ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        foreach (var partition in Directory.GetDirectories(Path.Combine(lake, "transformed"), "snapshot_date=*", SearchOption.AllDirectories)
                     .Where(path => !Path.GetFileName(Path.GetDirectoryName(path)!).EndsWith("_current", StringComparison.Ordinal)))
        {
            Directory.Delete(partition, recursive: true);
        }

        var run = DemoCommandTests.RunCli("current", "--lake", lake);

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains("from 0 days' partitions: songs_current 0 rows", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("raw")]
    [InlineData("transformed")]
    public void A_folder_of_that_name_holding_no_lake_content_is_not_taken_for_a_lakes_folder(string name)
    {
        // A user's own folder, of notes and files: no partitions, no imported export.
        var folder = _folder[name];
        Directory.CreateDirectory(Path.Combine(folder, "notes", "2026"));
        File.WriteAllText(Path.Combine(folder, "notes", "todo.txt"), "listen");
        var before = Entries(folder);

        var run = DemoCommandTests.RunCli("transform", "--lake", folder);

        Assert.True(run.ExitCode == ExitCodes.DataError, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains("No raw objects found in", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("is the lake's", run.Errors, StringComparison.Ordinal);
        Assert.Equal(before, Entries(folder));
    }
}
