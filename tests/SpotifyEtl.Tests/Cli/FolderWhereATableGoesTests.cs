using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A folder where transform writes a table file (a day's, or a current-state table's): the run names it and says to move
/// it out of the lake (exit 74), not the system's "Is a directory" with advice about disk space; the folder and what it
/// holds are left as they were, and the run after it is moved out writes every table.
/// </summary>
public sealed class FolderWhereATableGoesTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task A_folder_where_a_table_file_goes_is_named_with_what_to_do(int seed)
    {
        var random = new Random(seed);
        var lake = _folder["lake"];
        await new SampleGenerator(new LocalFolderStore(lake)).WriteAsync(new SampleOptions(Days: 1 + random.Next(2), Items: 3, Seed: seed));
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        var tables = Directory.EnumerateFiles(Path.Combine(lake, "transformed"), "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var table = tables[random.Next(tables.Count)];
        File.Delete(table);
        Directory.CreateDirectory(table);
        File.WriteAllText(Path.Combine(table, "kept.txt"), "mine");

        var run = DemoCommandTests.RunCli("transform", "--lake", lake);

        Assert.True(run.ExitCode == 74, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains($"{table} is a folder where the lake keeps a file: move it out of the lake", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("disk has space", run.Errors, StringComparison.Ordinal);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(table, "kept.txt")));

        Directory.Move(table, _folder["moved-out"]);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        Assert.True(File.Exists(table));
    }

    /// <summary>
    /// The reverse: a file where the lake keeps a folder above a table file (a table's folder, a day's partition, a
    /// current-state table's folder), for transform and for current: named with what to do, not "already exists" with
    /// advice about disk space, and the file left as it was.
    /// </summary>
    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public async Task A_file_where_a_tables_folder_goes_is_named_with_what_to_do(int seed)
    {
        var random = new Random(seed);
        var lake = _folder["lake"];
        await new SampleGenerator(new LocalFolderStore(lake)).WriteAsync(new SampleOptions(Days: 1 + random.Next(2), Items: 3, Seed: seed));
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        var transformed = Path.Combine(lake, "transformed");
        var folders = Directory.EnumerateDirectories(transformed, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var folder = folders[random.Next(folders.Count)];
        Directory.Delete(folder, recursive: true);
        File.WriteAllText(folder, "mine");
        var verb = folder.Contains("_current", StringComparison.Ordinal) && random.Next(2) == 0 ? "current" : "transform";

        var run = DemoCommandTests.RunCli(verb, "--lake", lake);

        Assert.True(run.ExitCode == 74, $"{verb}: exit {run.ExitCode}: {run.Errors}");
        Assert.Contains($"{folder} is a file where the lake keeps a folder: move it out of the lake", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("disk has space", run.Errors, StringComparison.Ordinal);
        Assert.Equal("mine", File.ReadAllText(folder));

        File.Move(folder, _folder["moved-out"]);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        Assert.True(Directory.Exists(folder));
    }
}
