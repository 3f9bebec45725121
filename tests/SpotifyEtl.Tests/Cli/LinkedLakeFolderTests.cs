using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// The refusals that keep a lake's folders its own (no lake made inside raw/ or transformed/, no report written over a raw
/// object) hold for a path that reaches those folders through symbolic links, as for one written out: a link is one place
/// by two paths, and the lake's files are lost the same way through either.
/// </summary>
public sealed class LinkedLakeFolderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static List<(string Path, long Length, DateTime Written)> Files(string folder) =>
        [.. Directory.EnumerateFileSystemEntries(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Order(StringComparer.Ordinal)
            .Select(path => (Path.GetRelativePath(folder, path), File.Exists(path) ? new FileInfo(path).Length : -1, File.GetLastWriteTimeUtc(path)))];

    private string Lake(int seed)
    {
        var lake = _folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "2", "--items", "12", "--seed", $"{seed}").ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        return lake;
    }

    /// <summary>
    /// A path to <paramref name="target"/> through links: a link to it, or to a folder above it inside the lake with the
    /// rest written after the link, or to the lake itself; absolute or relative; sometimes a link to a link.
    /// </summary>
    private string Through(string lake, string target, Random random)
    {
        var relative = Path.GetRelativePath(lake, target).Split(Path.DirectorySeparatorChar);
        // How much of the path the link stands for: from the lake alone to the whole of it.
        var cut = random.Next(relative.Length == 1 && relative[0] == "." ? 0 : 0, relative.Length + 1);
        var linked = Path.Combine([lake, .. relative[..cut]]);
        var rest = relative[cut..];
        var link = _folder[$"link-{random.Next(100_000)}"];
        File.CreateSymbolicLink(link, random.Next(2) == 0 ? linked : Path.GetRelativePath(Path.GetDirectoryName(link)!, linked));
        if (random.Next(3) == 0)
        {
            var again = _folder[$"link-{random.Next(100_000)}-again"];
            File.CreateSymbolicLink(again, link);
            link = again;
        }
        return rest.Length == 0 ? link : Path.Combine([link, .. rest]);
    }

    [Theory]
    [InlineData(61)]
    [InlineData(62)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(66)]
    [InlineData(67)]
    [InlineData(68)]
    public void A_folder_inside_a_lakes_raw_or_transformed_folder_reached_through_links_is_refused_as_a_lake_and_the_lake_is_left_as_it_was(int seed)
    {
        var random = new Random(seed);
        var lake = Lake(seed);
        var input = _folder["input"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", input, "--days", "1", "--items", "3", "--seed", $"{seed}").ExitCode);
        var zone = Path.Combine(lake, random.Next(2) == 0 ? "raw" : "transformed");
        var folders = Directory.GetDirectories(zone, "*", SearchOption.AllDirectories).Append(zone).ToArray();
        var inside = folders[random.Next(folders.Length)];
        var given = Through(lake, inside, random);
        if (random.Next(3) == 0 && inside != zone)
        {
            given = Path.Combine(given, "new-lake");
        }
        string[][] verbs =
        [
            ["transform", "--lake", given, "--input", Path.Combine(input, "raw")], ["sample", "--out", given, "--days", "1", "--items", "2"],
            ["import", Path.Combine(input, "raw"), "--lake", given], ["transform", "--lake", given], ["current", "--lake", given], ["query", "--lake", given],
        ];
        var before = Files(lake);

        foreach (var verb in verbs)
        {
            var run = DemoCommandTests.RunCli(verb);

            Assert.True(run.ExitCode == ExitCodes.NoInput, $"{string.Join(' ', verb)} ({given} leads to {inside}): exit {run.ExitCode}: {run.Errors}");
            // Named as the lake's folder it is, with the lake (through the link, where the link stands for the lake itself).
            Assert.True(run.Errors.Contains("a lake there would be read by that lake", StringComparison.Ordinal) || run.Errors.Contains("folder, not the lake: give", StringComparison.Ordinal),
                $"{string.Join(' ', verb)}: {run.Errors}");
            Assert.Equal(before, Files(lake));
        }
        var again = DemoCommandTests.RunCli("transform", "--lake", lake);
        Assert.True(again.ExitCode == 0, again.Errors);
        Assert.False(Directory.Exists(Path.Combine(lake, "quarantine")));
    }

    [Theory]
    [InlineData(71)]
    [InlineData(72)]
    [InlineData(73)]
    [InlineData(74)]
    [InlineData(75)]
    [InlineData(76)]
    public void A_report_out_that_reaches_a_lakes_folder_through_links_is_refused_and_writes_nothing_there(int seed)
    {
        var random = new Random(seed);
        var lake = Lake(seed);
        var kept = Directory.GetFiles(Path.Combine(lake, random.Next(3) == 0 ? "transformed" : "raw"), "*", SearchOption.AllDirectories);
        var target = kept[random.Next(kept.Length)];
        // Over a file the lake keeps, or into one of its folders (as a folder given as --out, which gets report.html).
        var over = random.Next(2) == 0;
        var place = over ? target : Path.GetDirectoryName(target)!;
        var (lakeGiven, outGiven) = random.Next(3) switch
        {
            0 => (Through(lake, lake, random), place),
            1 => (lake, Through(lake, place, random)),
            _ => (Through(lake, lake, random), Through(lake, place, random)),
        };
        var before = Files(lake);

        var run = DemoCommandTests.RunCli("report", "--lake", lakeGiven, "--out", outGiven);

        Assert.True(run.ExitCode == ExitCodes.Usage, $"--lake {lakeGiven} --out {outGiven} ({place}): exit {run.ExitCode}: {run.Errors}");
        Assert.Contains("the report would replace what the lake keeps there", run.Errors, StringComparison.Ordinal);
        Assert.Equal(before, Files(lake));
    }
}
