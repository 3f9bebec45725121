using System.Text.Json;
using SpotifyEtl.Cli.Commands;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// The built spotify-etl run as a user runs it, with the mistakes users make: each gets one line on
/// stderr saying what was wrong and what to do, the documented exit code, nothing on stdout, no stack
/// trace and no ANSI escape (the output is redirected here).
/// </summary>
public sealed class CliProbeTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static (int ExitCode, string Output, string Errors) Run(params string[] arguments) => DemoCommandTests.RunCli(arguments);

    private static void AssertCleanError((int ExitCode, string Output, string Errors) run, int exitCode, string message)
    {
        Assert.True(run.ExitCode == exitCode, $"exit {run.ExitCode}, expected {exitCode}: {run.Errors}");
        Assert.Contains(message, run.Errors, StringComparison.Ordinal);
        Assert.StartsWith("spotify-etl: ", run.Errors, StringComparison.Ordinal);
        Assert.Empty(run.Output);
        AssertNoTraceNorAnsi(run);
    }

    private static void AssertNoTraceNorAnsi((int ExitCode, string Output, string Errors) run)
    {
        Assert.DoesNotContain("Unhandled exception", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", run.Output + run.Errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("100000")]
    [InlineData("0")]
    public void Sample_refuses_a_number_of_days_out_of_range_and_writes_nothing(string days)
    {
        var run = Run("sample", "--out", _folder["sample"], "--days", days);

        AssertCleanError(run, 64, $"--days must be a whole number from 1 to 366 (to 3653 with --large), not '{days}'.");
        Assert.Contains("spotify-etl sample --help", run.Errors, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder["sample"]));
    }

    [Theory]
    [InlineData("--days", "367")]
    [InlineData("--days", "1096")]
    [InlineData("--items", "10001")]
    public void Sample_asks_for_large_past_its_everyday_bounds_and_writes_nothing(string option, string value)
    {
        var run = Run("sample", "--out", _folder["sample"], option, value);

        AssertCleanError(run, 64, $"{option} above");
        Assert.Contains("needs --large", run.Errors, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder["sample"]));
    }

    [Fact]
    public void A_large_sample_bigger_than_the_free_disk_is_refused_before_anything_is_written()
    {
        // Ten years of 100,000-item playlists: terabytes, more than any disk this runs on has free.
        var run = Run("sample", "--out", _folder["sample"], "--large", "--days", "3653", "--items", "100000");

        AssertCleanError(run, 74, " more there, choose fewer --days or --items, or another --out.");
        Assert.Matches(@"takes about [0-9.]+ TiB \(up to [0-9.]+ TiB\) and .* has [0-9.]+ [KMGT]iB free", run.Errors);
        Assert.False(Directory.Exists(_folder["sample"]));
    }

    /// <summary>
    /// The size estimate is within a fifth of what a sample writes: one that fits the free space only by the estimate's low
    /// side is refused before a byte is written, where it failed with its last objects unwritten; run again over what a run
    /// stopped by a full disk wrote, only the rest is asked for, where the whole sample was asked for again.
    /// </summary>
    [Theory]
    [InlineData(1.02)]
    [InlineData(1.1)]
    [InlineData(1.15)]
    public void A_sample_that_fits_only_by_its_estimates_low_side_is_refused_and_a_rerun_asks_only_for_the_rest(double freeOverEstimate)
    {
        var folder = Directory.CreateDirectory(_folder["sample"]);
        var free = Sizes.FreeAt(folder.FullName)!.Value.Bytes;
        var estimate = (long)(free / freeOverEstimate);

        var refused = Assert.Throws<CliException>(() => SampleCommand.CheckFreeSpace(folder, estimate, "--out"));

        Assert.Equal(74, refused.ExitCode);
        Assert.Contains(" free: free ", refused.Message, StringComparison.Ordinal);
        // Half of it written by a run the full disk stopped: the rest fits.
        SampleCommand.CheckFreeSpace(folder, estimate, "--out", already: estimate / 2);
    }

    /// <summary>
    /// The demo within its everyday bounds (a year of 10,000-item playlists is about 18 GiB) on a disk with 64 MB free: refused
    /// before a byte is written, as sample refuses it, where it wrote until the disk was full with nothing on the screen.
    /// </summary>
    [Fact]
    public void A_demo_larger_than_the_free_disk_is_refused_before_anything_is_written()
    {
        var disk = _folder["small-disk"];
        var start = SpotifyEtlProcess.StartInfo(["demo", "--lake", Path.Combine(disk, "lake"), "--days", "366", "--items", "10000"]);

        var run = SpotifyEtlProcess.RunWithin(TimeSpan.FromMinutes(1), ReadOnlyMount.OnASmallDisk(start, disk, 64));

        AssertCleanError(run, 74, " more there, choose fewer --days or --items, or another --lake.");
        // Measured on the small disk, which only the command sees: the size said is its own.
        Assert.Matches(@"takes about [0-9.]+ GiB \(up to [0-9.]+ GiB\) and .* has [0-9.]+ MiB free", run.Errors);
    }

    [Fact]
    public void A_large_sample_within_the_disk_is_written()
    {
        var run = Run("sample", "--out", _folder["sample"], "--large", "--days", "400", "--items", "1", "--json");

        Assert.True(run.ExitCode == 0, run.Errors);
        Assert.Equal(400, Directory.GetDirectories(_folder["sample/raw/playlist"]).Length);
    }

    [Fact]
    public void Usage_errors_exit_64_in_every_verb()
    {
        AssertCleanError(Run("transform", "--input"), 64, "--input");
        AssertCleanError(Run("sample"), 64, "'spotify-etl sample' needs --out <out>");
        AssertCleanError(Run("extract", "--lake", _folder["lake"], "--top-items-limit", "x"), 64, "--top-items-limit must be a whole number");
        AssertCleanError(Run("auth", "login", "--port", "70000"), 64, "--port must be a whole number from 1 to 65535");
        AssertCleanError(Run("extract", "--lake", _folder["lake"]), 64, "No sources");
        AssertCleanError(Run("nosuch"), 64, "'nosuch'");
    }

    [Fact]
    public void Transform_with_a_missing_input_exits_66_and_names_it()
    {
        AssertCleanError(Run("transform", "--input", _folder["nothere"], "--lake", _folder["lake"]), 66, $"--input {_folder["nothere"]} does not exist");
    }

    [Fact]
    public void Missing_or_malformed_input_files_exit_66_and_65()
    {
        File.WriteAllText(_folder["credentials.json"], "{not json");
        File.WriteAllText(_folder["sources.json"], "[\"playlist\": 1");
        Directory.CreateDirectory(_folder["empty"]);

        AssertCleanError(Run("extract", "--lake", _folder["lake"], "--config", _folder["nothere.json"]), 66, $"No sources file at {_folder["nothere.json"]}");
        AssertCleanError(Run("extract", "--lake", _folder["lake"], "--saved-tracks", "--credentials", _folder["nothere.json"]), 66, "No credentials file at");
        AssertCleanError(Run("extract", "--lake", _folder["lake"], "--saved-tracks", "--credentials", _folder["credentials.json"]), 65, "must be JSON of the form");
        AssertCleanError(Run("transform", "--input", _folder["empty"], "--lake", _folder["lake"]), 65, "No raw objects found in");
        AssertCleanError(Run("extract", "--lake", _folder["lake"], "--config", _folder["sources.json"]), 65, _folder["sources.json"]);
    }

    [Theory]
    [InlineData(SpecialEntries.Fifo)]
    [InlineData(SpecialEntries.Socket)]
    [InlineData(SpecialEntries.Folder)]
    [InlineData(SpecialEntries.LinkToAFolder)]
    [InlineData(SpecialEntries.DanglingLink)]
    public async Task A_config_that_is_no_file_is_bad_input_naming_what_stands_there_and_a_fifo_is_never_waited_on(string kind)
    {
        var config = _folder["sources.json"];
        SpecialEntries.Make(config, kind, _folder["elsewhere"]);

        // In a process of its own, ended past the limit: a read that waited on the FIFO would otherwise outlive the test.
        var run = await Task.Run(() => SpotifyEtlProcess.RunWithin(TimeSpan.FromSeconds(60), "extract", "--lake", _folder["lake"], "--config", config));

        AssertCleanError(run, 65, kind is SpecialEntries.Folder or SpecialEntries.LinkToAFolder
            ? $"{config} is a folder, not a sources file: name the JSON file listing the sources with --config."
            : $"{config} cannot be read as a sources file: {SpecialEntries.Describe(config)}");
    }

    [Fact]
    public void Transform_into_a_lake_that_cannot_be_written_exits_74_and_names_the_lake()
    {
        WriteSample("in", days: 1);
        File.WriteAllText(_folder["file"], "not a folder");

        AssertCleanError(Run("transform", "--input", _folder["in"], "--lake", _folder["file/lake"]), 74,
            $"{_folder["file"]} is a file, not a folder, so {_folder["file/lake"]} cannot be a folder under it: name a folder for --lake elsewhere.");
    }

    [Fact]
    public void Verbose_adds_the_stack_trace()
    {
        File.WriteAllText(_folder["file"], "not a folder");
        WriteSample("in", days: 1);

        var run = Run("transform", "--verbose", "--input", _folder["in"], "--lake", _folder["file/lake"]);

        Assert.Equal(74, run.ExitCode);
        Assert.Contains("   at ", run.Errors, StringComparison.Ordinal);
        var extract = Run("extract", "--verbose", "--lake", _folder["lake"], "--saved-tracks", "--credentials", _folder["nothere.json"]);
        Assert.Equal(66, extract.ExitCode);
        Assert.Contains("   at ", extract.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Query_with_an_unknown_name_exits_64_and_lists_the_names()
    {
        AssertCleanError(Run("query", "--lake", _folder["lake"], "--query", "nosuch"), 64, "No named query 'nosuch'. Choose one of: ");
        Assert.Contains("playlist_top_songs", Run("query", "--lake", _folder["lake"], "--query", "nosuch").Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_links_in_the_input_are_skipped_with_a_warning_and_the_rest_is_transformed_with_exit_3()
    {
        WriteSample("in", days: 1);
        File.CreateSymbolicLink(_folder["in/raw/dangling.json"], _folder["nowhere.json"]);
        File.CreateSymbolicLink(_folder["in/raw/self.json"], _folder["in/raw/self.json"]);
        Directory.CreateDirectory(_folder["in/raw/loop"]);
        Directory.CreateSymbolicLink(_folder["in/raw/loop/back"], _folder["in"]);

        var run = Run("transform", "--input", _folder["in"], "--lake", _folder["lake"], "--format", "csv");

        Assert.True(run.ExitCode == 3, run.Errors);
        Assert.Contains($"warning: skipped {_folder["in/raw/dangling.json"]}: it is a dangling symbolic link", run.Errors, StringComparison.Ordinal);
        Assert.Contains($"warning: skipped {_folder["in/raw/self.json"]}: it is a symbolic link that cannot be followed", run.Errors, StringComparison.Ordinal);
        Assert.Contains($"warning: skipped {_folder["in/raw/loop/back"]}: it leads to a folder already read", run.Errors, StringComparison.Ordinal);
        AssertNoTraceNorAnsi(run);
        Assert.NotEmpty(Directory.GetFiles(_folder["lake/transformed/songs"], "*.csv", SearchOption.AllDirectories));
        Assert.Contains("transformed", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_summaries_are_one_object_on_stdout_that_agrees_with_the_lake()
    {
        var sample = Run("sample", "--out", _folder["in"], "--days", "2", "--json");
        var transform = Run("transform", "--input", _folder["in"], "--lake", _folder["lake"], "--json");

        Assert.Equal(0, sample.ExitCode);
        Assert.Equal(0, transform.ExitCode);
        Assert.Empty(sample.Errors + transform.Errors);
        using var written = JsonDocument.Parse(sample.Output);
        Assert.Equal(Directory.GetFiles(_folder["in/raw"], "*.json", SearchOption.AllDirectories).Length, written.RootElement.GetProperty("objects").GetInt32());
        using var summary = JsonDocument.Parse(transform.Output);
        Assert.Equal(written.RootElement.GetProperty("objects").GetInt32(), summary.RootElement.GetProperty("transformed").GetInt32());
        // The partitions listed are exactly the partition files written, each with the rows the file holds.
        var listed = summary.RootElement.GetProperty("partitions").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        var files = Directory.GetFiles(_folder["lake/transformed"], "*.parquet", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(_folder["lake/transformed"], Path.GetDirectoryName(file)!).Replace('\\', '/'))
            .Where(partition => partition.Contains("/snapshot_date=", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(files.Order(StringComparer.Ordinal), listed.Keys.Order(StringComparer.Ordinal));
        using var duck = new SpotifyEtl.Tests.Support.DuckDb();
        foreach (var (partition, rows) in listed)
        {
            var file = _folder[$"lake/transformed/{partition}/{partition.Split('/')[0]}.parquet"].Replace("'", "''", StringComparison.Ordinal);
            Assert.Equal(rows.ToString(System.Globalization.CultureInfo.InvariantCulture), duck.Query($"SELECT count(*) FROM read_parquet('{file}')").Rows.Single()[0]);
        }
        Assert.DoesNotContain("╭", transform.Output, StringComparison.Ordinal);
        // The items left out, by why, are the runs' reports' own counts summed.
        var reported = Directory.GetFiles(_folder["lake/reports"], "*.json", SearchOption.AllDirectories)
            .SelectMany(file => JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("objects").EnumerateArray())
            .Select(o => o.GetProperty("skipped")).ToList();
        var skipped = summary.RootElement.GetProperty("skipped");
        foreach (var why in new[] { "local_files", "episodes", "unavailable", "unreadable", "total" })
        {
            Assert.Equal(reported.Sum(s => s.GetProperty(why).GetInt32()), skipped.GetProperty(why).GetInt32());
        }
        Assert.True(skipped.GetProperty("total").GetInt32() > 0, "the sample skips local files, episodes and unavailable tracks");
    }

    [Fact]
    public void A_killed_runs_leftovers_are_removed_at_the_next_start_and_temporary_files_never_appear_among_the_objects()
    {
        WriteSample("in", days: 1);
        var dead = _folder["lake/.tmp/999999999-0123456789abcdef0123456789abcdef.tmp"];
        var legacy = _folder["lake/transformed/songs/snapshot_date=2026-11-20/songs.parquet.0123456789abcdef0123456789abcdef.tmp"];
        var orphanReason = _folder["lake/quarantine/top_tracks/snapshot_date=2026-11-20/short_term/20261120T060000Z-p0001.json.reason.txt"];
        foreach (var path in new[] { dead, legacy, orphanReason })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "left by a killed run");
        }

        var run = Run("transform", "--input", _folder["in"], "--lake", _folder["lake"]);

        Assert.True(run.ExitCode == 0, run.Errors);
        Assert.False(File.Exists(dead));
        Assert.False(File.Exists(legacy));
        Assert.False(File.Exists(orphanReason));
        Assert.Empty(Directory.GetFiles(_folder["lake"], "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Help_documents_the_exit_codes()
    {
        var run = Run("--help");

        Assert.Equal(0, run.ExitCode);
        foreach (var code in new[] { "  0  success", "  3  partial success", " 64  usage", " 65  bad input data", " 66  ", " 69  ", " 74  ", " 77  " })
        {
            Assert.Contains(code, run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Version_answers_alone_and_refuses_any_other_word_beside_it()
    {
        // The parser clears every other word's error for --version: "spotify-etl --version junk" printed the version, exit 0.
        var alone = Run("--version");
        Assert.True(alone.ExitCode == 0, alone.Errors);
        Assert.Matches(@"^\d+\.\d+\.\d+\S*\n$", alone.Output);

        AssertCleanError(Run("junk", "--version"), 64, "--version is written alone ('spotify-etl --version'), not with 'junk'.");

        var random = new Random(89);
        string[] words = ["junk", "--json", "transform", "--lake", "lake", "--verbose", "query", "--help", "-h", "--version"];
        for (var round = 0; round < 6; round++)
        {
            var others = Enumerable.Range(0, 1 + random.Next(3)).Select(_ => words[random.Next(words.Length - 1)]).ToList();
            // Before any verb, where it is the tool's option (after one, it is an unknown option of that verb, refused as such).
            var line = others.Prepend("--version").ToArray();
            var run = Run(line);
            AssertCleanError(run, 64, "--version is written alone ('spotify-etl --version'), not with ");
            Assert.All(others, word => Assert.Contains($"'{word}'", run.Errors, StringComparison.Ordinal));
        }
    }

    private void WriteSample(string folder, int days)
    {
        var run = Run("sample", "--out", _folder[folder], "--days", $"{days}", "--items", "10");
        Assert.True(run.ExitCode == 0, run.Errors);
    }
}
