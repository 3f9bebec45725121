using System.Diagnostics;
using System.Text.RegularExpressions;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>The main job on a fresh machine, run as a user runs it: the built spotify-etl, twice.</summary>
public sealed class DemoCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    internal static (int ExitCode, string Output, string Errors) RunCli(params string[] arguments) =>
        RunCli(new Dictionary<string, string>(), arguments);

    /// <summary>Runs the built spotify-etl in its own process, as a user would, with extra environment variables.</summary>
    internal static (int ExitCode, string Output, string Errors) RunCli(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        RunCliWithStdin(environment, stdin: null, arguments);

    /// <summary>As above, with <paramref name="stdin"/> piped to it and then closed (null: the tests' own stdin).</summary>
    internal static (int ExitCode, string Output, string Errors) RunCliWithStdin(IReadOnlyDictionary<string, string> environment, string? stdin, params string[] arguments)
    {
        var start = SpotifyEtlProcess.StartInfo(arguments);
        start.RedirectStandardInput = stdin is not null;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, errors);
    }

    [Fact]
    public void Demo_prints_every_named_query_and_prints_the_same_tables_when_run_again()
    {
        var lake = _folder["lake"];

        var first = RunCli("demo", "--lake", lake, "--days", "3", "--items", "55");
        var second = RunCli("demo", "--lake", lake, "--days", "3", "--items", "55");

        Assert.True(first.ExitCode == 0, first.Output + first.Errors);
        foreach (var query in Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "queries"), "*.sql"))
        {
            Assert.Contains(Path.GetFileNameWithoutExtension(query) + ": ", first.Output, StringComparison.Ordinal);
        }
        Assert.Contains("Road Trip, 2026", first.Output, StringComparison.Ordinal);
        // Every query answers something on the demo's lake: one that printed only its header would pass the loop above.
        Assert.DoesNotContain("(no rows)", first.Output, StringComparison.Ordinal);
        // The sample export's unreadable rows, counted in its import's table, are said to be the sample's own, not a fault.
        var unreadable = System.Text.RegularExpressions.Regex.Match(first.Output, @"│ rows unreadable +│ +(\d+) │");
        Assert.True(unreadable.Success && int.Parse(unreadable.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, first.Output);
        Assert.Contains($"The sample export holds the quirks a real one may have: its {unreadable.Groups[1].Value} unreadable rows are expected here.", first.Output, StringComparison.Ordinal);
        Assert.Equal(first.Output, second.Output);
        // It ends with its report, and a link a terminal can open to the same file, its path escaped as a URL needs.
        var link = System.Text.RegularExpressions.Regex.Match(first.Output, @"^Open it in a browser: (file://\S+)$", System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.True(link.Success, first.Output);
        Assert.Equal(Path.Combine(lake, "report.html"), new Uri(link.Groups[1].Value).LocalPath);
    }

    [Fact]
    public void A_demo_without_format_writes_parquet_over_a_csv_demo_lake_as_its_help_says()
    {
        var lake = _folder["lake"];
        Assert.Equal(0, RunCli("demo", "--lake", lake, "--days", "1", "--items", "5", "--format", "csv").ExitCode);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(lake, "transformed", "songs"), "*.csv", SearchOption.AllDirectories));

        var again = RunCli("demo", "--lake", lake, "--days", "1", "--items", "5");
        var help = RunCli("demo", "--help").Output.ReplaceLineEndings(" ");

        Assert.True(again.ExitCode == 0, again.Errors);
        Assert.Empty(Directory.GetFiles(Path.Combine(lake, "transformed", "songs"), "*.csv", SearchOption.AllDirectories));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(lake, "transformed", "songs"), "*.parquet", SearchOption.AllDirectories));
        Assert.Contains("Default: parquet (as on AWS), whatever an earlier demo wrote", System.Text.RegularExpressions.Regex.Replace(help, @"\s+", " "), StringComparison.Ordinal);
        Assert.DoesNotContain("the lake's own", help, StringComparison.Ordinal);
    }

    [Fact]
    public void Demo_refuses_to_empty_a_folder_it_did_not_make()
    {
        File.WriteAllText(_folder["precious.txt"], "keep me");

        var run = RunCli("demo", "--lake", _folder.Path);

        Assert.Equal(64, run.ExitCode);
        Assert.Contains("not empty", run.Errors, StringComparison.Ordinal);
        Assert.True(File.Exists(_folder["precious.txt"]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Demo_refuses_to_empty_its_own_lake_once_it_holds_raw_or_export_data_the_demo_did_not_write(int seed)
    {
        var lake = _folder[$"demo-{seed}"];
        Assert.Equal(0, RunCli("demo", "--lake", lake, "--days", "2", "--items", "20").ExitCode);
        // The user's data in the demo lake: a page another command landed, an export of their own, a raw object or
        // export file changed since the demo wrote it, or an object set aside; anywhere in raw/, quarantine/ or import/.
        var random = new Random(seed);
        var demoFiles = new[] { "raw", "import" }.SelectMany(zone => Directory.EnumerateFiles(Path.Combine(lake, zone), "*", SearchOption.AllDirectories)).Order(StringComparer.Ordinal).ToList();
        var folders = demoFiles.Select(Path.GetDirectoryName).Distinct().ToList();
        var theirs = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var kind = random.Next(3);
            var path = kind switch
            {
                0 => Path.Combine(folders[random.Next(folders.Count)]!, $"20261121T{random.Next(0, 24):00}0000Z-p{random.Next(1, 9):0000}.json"),
                1 => Path.Combine(lake, random.Next(2) == 0 ? "import" : "quarantine/raw/recently_played", $"my_spotify_data_{random.Next(1000)}.zip"),
                _ => demoFiles[random.Next(demoFiles.Count)],
            };
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.AppendAllText(path, " ");
            theirs.Add(path);
        }
        var before = Snapshot(lake);

        var again = RunCli("demo", "--lake", lake, "--days", "2", "--items", "20");

        Assert.True(again.ExitCode == 64, again.Output + again.Errors);
        Assert.Contains("not written by 'spotify-etl demo'", again.Errors, StringComparison.Ordinal);
        Assert.Contains(Path.GetRelativePath(lake, theirs[0]).Replace('\\', '/'), again.Errors, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(lake));
    }

    /// <summary>
    /// A file or folder of the user's own beside a demo lake's folders (notes, an analysis, another report), which the demo did
    /// not write: the demo refuses to start afresh, names it, and deletes nothing.
    /// </summary>
    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Demo_refuses_to_empty_its_own_lake_once_it_holds_a_file_or_folder_of_the_users_beside_the_lakes_folders(int seed)
    {
        var lake = _folder[$"demo-{seed}"];
        Assert.Equal(0, RunCli("demo", "--lake", lake, "--days", "2", "--items", "20").ExitCode);
        var random = new Random(seed);
        string[] names = ["notes.txt", "analysis", "my-report.html", "Report.html", "raw-backup", ".ipynb_checkpoints", "transformed.old", "écoute.csv", "my notes"];
        var theirs = names.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).Order(StringComparer.Ordinal).ToList();
        foreach (var name in theirs)
        {
            if (random.Next(2) == 0)
            {
                File.WriteAllText(Path.Combine(lake, name), "mine");
            }
            else
            {
                File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(lake, name)).FullName, "work.ipynb"), "{}");
            }
        }
        var before = Snapshot(lake);

        var again = RunCli("demo", "--lake", lake, "--days", "2", "--items", "20");

        Assert.True(again.ExitCode == 64, again.Output + again.Errors);
        Assert.Contains($"it also holds {theirs[0]}", again.Errors, StringComparison.Ordinal);
        Assert.Contains("the demo did not write", again.Errors, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(lake));

        // What a desktop's file browser leaves in a folder it showed, and the copy of the page a demo stopped while writing
        // its report leaves beside it, are no data of the user's: the demo starts afresh over them.
        foreach (var name in theirs)
        {
            if (Directory.Exists(Path.Combine(lake, name)))
            {
                Directory.Delete(Path.Combine(lake, name), recursive: true);
            }
            else
            {
                File.Delete(Path.Combine(lake, name));
            }
        }
        File.WriteAllText(Path.Combine(lake, ".DS_Store"), "");
        File.WriteAllText(Path.Combine(lake, $".spotify-etl-report-{Guid.NewGuid():N}.tmp"), "<html");
        var afresh = RunCli("demo", "--lake", lake, "--days", "2", "--items", "20");
        Assert.True(afresh.ExitCode == 0, afresh.Errors);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Demo_in_a_lake_an_earlier_version_made_says_so_and_how_to_start_again_and_deletes_nothing(int seed)
    {
        // An earlier demo's marker was one line, listing none of the files it wrote; a user who pulled a newer version
        // and ran the demo again was told those files were not written by the demo.
        var lake = _folder[$"earlier-{seed}"];
        Assert.Equal(0, RunCli("demo", "--lake", lake, "--days", "2", "--items", "20").ExitCode);
        File.WriteAllText(Path.Combine(lake, ".spotify-etl-demo"), "Made by spotify-etl demo; the next demo run empties this folder.\n");
        var random = new Random(seed);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(lake, "raw"), "*", SearchOption.AllDirectories).Where(_ => random.Next(4) == 0).ToList())
        {
            File.Delete(file); // fewer or more files than this version's demo writes: it is the marker that tells
        }
        var before = Snapshot(lake);

        var again = RunCli("demo", "--lake", lake, "--days", "2", "--items", "20");

        Assert.True(again.ExitCode == 64, again.Output + again.Errors);
        Assert.Contains("made by an earlier version of 'spotify-etl demo'", again.Errors, StringComparison.Ordinal);
        Assert.Contains($"(rm -rf {ShellWord.Of(lake)})", again.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("not written by 'spotify-etl demo'", again.Errors, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(lake));
    }

    /// <summary>Every file of a folder but the tool's scratch folder, with its bytes.</summary>
    private static List<string> Snapshot(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(folder, f).StartsWith(".tmp", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => $"{f} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))}")
            .ToList();

    [Fact]
    public void Demo_runs_in_a_folder_an_earlier_failed_command_left_looking_empty()
    {
        var lake = _folder["looks-empty"];
        Directory.CreateDirectory(lake);
        // A transform of a folder with no raw objects fails, and leaves only the tool's scratch folder (its lock).
        Assert.Equal(65, RunCli("transform", "--lake", lake).ExitCode);

        var demo = RunCli("demo", "--lake", lake, "--days", "1", "--items", "20");

        Assert.True(demo.ExitCode == 0, demo.Output + demo.Errors);
    }

    [Theory]
    [InlineData("parquet")]
    [InlineData("csv")]
    public async Task The_tool_writes_the_same_bytes_as_the_library_in_either_format(string format)
    {
        // The process may be the native build (make test): what trimming or ahead-of-time compilation
        // changed would show here as different tables or reports.
        var sample = new SampleOptions(Days: 2, Items: 120, Seed: 11);
        var library = new LocalFolderStore(_folder["library"]);
        await new SampleGenerator(library).WriteAsync(sample);
        await new SampleGenerator(new LocalFolderStore(_folder["tool"])).WriteAsync(sample);
        var keys = await library.ListAsync(LakeLayout.Raw).ToListAsync();
        await new TransformPipeline(library, library, new TransformOptions { Format = TableFormats.Parse(format)!.Value }).TransformAsync(keys);

        var run = RunCli("transform", "--lake", _folder["tool"], "--format", format);

        Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        var expected = _folder.Files("library/transformed").ToDictionary(f => f.Key["library/".Length..], f => f.Value);
        var actual = _folder.Files("tool/transformed").ToDictionary(f => f.Key["tool/".Length..], f => f.Value);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        Assert.All(expected, file => Assert.True(file.Value.AsSpan().SequenceEqual(actual[file.Key]), $"{file.Key} differs"));
        Assert.NotEmpty(expected);
    }

    [Fact]
    public void Transform_reports_a_quarantined_object_and_exits_3_for_partial_success()
    {
        var raw = _folder["in/raw/top_tracks/snapshot_date=2026-11-20/short_term/20261120T060000Z-p0001.json"];
        Directory.CreateDirectory(Path.GetDirectoryName(raw)!);
        File.WriteAllText(raw, "{\"items\": [");

        var run = RunCli("transform", "--input", _folder["in"], "--lake", _folder["lake"]);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("not valid JSON", run.Output, StringComparison.Ordinal);
        // Whoever reads only stderr (stdout redirected, or --json read by a script) still learns there is something to look at.
        Assert.Contains("warning: 1 raw object was set aside under", run.Errors, StringComparison.Ordinal);
        var reason = _folder["lake/quarantine/top_tracks/snapshot_date=2026-11-20/short_term/20261120T060000Z-p0001.json.reason.txt"];
        Assert.True(File.Exists(reason));
        // The warning is the whole advice (the tool stands alone, without this repository's docs): mend the object where
        // it names, then run the command it names, which reads the object through and takes its copy out of quarantine.
        Assert.DoesNotContain("docs/", run.Errors, StringComparison.Ordinal);
        var command = Regex.Match(run.Errors, @"the raw object stays under (\S+)\. .*then run 'spotify-etl (transform --lake \S+)' again");
        Assert.True(command.Success, run.Errors);
        File.WriteAllText(Path.Combine(command.Groups[1].Value, "top_tracks/snapshot_date=2026-11-20/short_term/20261120T060000Z-p0001.json"),
            """{"items": [], "total": 0, "limit": 50, "offset": 0, "href": "https://api.spotify.com/v1/me/top/tracks", "next": null, "previous": null}""");
        var mended = RunCli(command.Groups[2].Value.Split(' '));
        Assert.Equal(0, mended.ExitCode);
        Assert.Empty(mended.Errors);
        Assert.False(File.Exists(reason));
    }
}
