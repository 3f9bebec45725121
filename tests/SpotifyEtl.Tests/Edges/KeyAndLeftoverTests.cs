using System.Diagnostics;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;
using static SpotifyEtl.Tests.Transformation.SpotifyJson;

namespace SpotifyEtl.Tests.Edges;

/// <summary>Keys with digits that are not ASCII, and what a run leaves behind for the next one: each handled once, none forever.</summary>
public sealed class KeyAndLeftoverTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Digits of several scripts: Arabic-Indic, Devanagari, fullwidth, Bengali, Thai, mathematical bold.</summary>
    private static readonly int[] DigitZeros = [0x0660, 0x0966, 0xFF10, 0x09E6, 0x0E50, 0x1D7CE];

    private static IEnumerable<string> KeysWithForeignDigits(int count, int seed)
    {
        var random = new Random(seed);
        const string valid = "raw/top_tracks/snapshot_date=2026-11-20/short_term/20261120T060000Z-p0001.json";
        var digitPositions = Enumerable.Range(0, valid.Length).Where(i => char.IsAsciiDigit(valid[i])).ToArray();
        for (var n = 0; n < count; n++)
        {
            var chars = valid.Select(c => c.ToString()).ToArray();
            var position = digitPositions[random.Next(digitPositions.Length)];
            chars[position] = char.ConvertFromUtf32(DigitZeros[random.Next(DigitZeros.Length)] + (valid[position] - '0'));
            yield return string.Concat(chars);
        }
    }

    [Fact]
    public async Task A_key_with_a_digit_that_is_not_ASCII_is_quarantined_once_and_never_taken_for_the_latest_run()
    {
        var lake = new LocalFolderStore(_folder.Path);
        var album = Album("a1", "A", "2020", "year");
        var good = new RawObjectKey(RawSource.TopTracks, HostileInputs.Day, "short_term", HostileInputs.Run, 1).ToString();
        await lake.PutTextAsync(good, Page(0, Track("good", "Good", album, Artist("r1", "R"))), "application/json");
        var foreign = KeysWithForeignDigits(40, seed: 5).Distinct(StringComparer.Ordinal).ToList();
        foreach (var key in foreign)
        {
            Assert.False(RawObjectKey.TryParse(key, out _, out _), key);
            await lake.PutTextAsync(key, Page(0, Track("impostor", "Impostor", album, Artist("r1", "R"))), "application/json");
        }
        var keys = new List<string>();
        await foreach (var key in lake.ListAsync(LakeLayout.Raw))
        {
            keys.Add(key);
        }

        var report = await new TransformPipeline(lake, lake, new TransformOptions { Format = TableFormat.Csv }).TransformAsync(keys);

        Assert.Equal(foreign.Count + 1, report.Objects.Count);
        Assert.Equal(foreign.Count, report.Quarantined);
        Assert.All(report.Objects.Where(o => o.RawKey != good), o => Assert.Contains("raw layout", o.Reason, StringComparison.Ordinal));
        var songs = await lake.ReadAllTextAsync(TableFormat.Csv.PartitionKey(TableNames.Songs, HostileInputs.Day));
        Assert.DoesNotContain("impostor", songs, StringComparison.Ordinal);
    }

    [Fact]
    public void A_temporary_file_of_a_process_id_now_used_by_another_process_is_removed_and_a_live_writers_is_kept()
    {
        var store = new LocalFolderStore(_folder.Path);
        var temporary = Directory.CreateDirectory(Path.Combine(_folder.Path, LocalFolderStore.TemporaryFolder)).FullName;
        using var other = Process.Start(new ProcessStartInfo("sleep", "30"))!;
        // The start as the writer stamps it (on Linux, clock ticks since boot); an earlier start is another process of that id.
        var start = long.Parse(TemporaryFiles.StartOf(other.Id)!, System.Globalization.CultureInfo.InvariantCulture);
        var reused = new[] { $"{other.Id}.{start - 100}-{Guid.NewGuid():N}.tmp", $"{Environment.ProcessId}.1-{Guid.NewGuid():N}.tmp", $"{other.Id}.0-{Guid.NewGuid():N}.tmp" };
        var live = $"{other.Id}.{start}-{Guid.NewGuid():N}.tmp";
        foreach (var name in reused.Append(live).Append(LocalFolderStore.LockFile))
        {
            File.WriteAllText(Path.Combine(temporary, name), "x");
        }

        var removed = store.RemoveStaleTemporaryFiles();
        other.Kill();

        Assert.Equal(reused.Length, removed);
        Assert.Equal(new[] { live, LocalFolderStore.LockFile, LocalFolderStore.SweptMarker }.Order(StringComparer.Ordinal),
            Directory.EnumerateFiles(temporary).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_quarantine_reason_without_its_copy_is_kept_while_another_process_works_on_the_lake_and_removed_once_it_is_alone()
    {
        var lake = _folder["lake"];
        var good = new RawObjectKey(RawSource.TopTracks, HostileInputs.Day, "short_term", HostileInputs.Run, 1).ToString();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(lake, good))!);
        File.WriteAllText(Path.Combine(lake, good), Page(0, Track("t1", "Song", Album("a1", "A", "2020", "year"), Artist("r1", "R"))));
        var reasons = Enumerable.Range(0, 5).Select(i => Path.Combine(lake, "quarantine", "top_tracks", $"snapshot_date=2026-11-{10 + i}", "x", $"p{i}.json.reason.txt")).ToList();
        foreach (var reason in reasons)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(reason)!);
            File.WriteAllText(reason, "in progress");
        }
        var lockPath = Path.Combine(lake, LocalFolderStore.TemporaryFolder, LocalFolderStore.LockFile);
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);

        // Another transform runs: it holds the lake's lock shared, and its reasons wait for their copies.
        using (new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite))
        {
            var during = DemoCommandTests.RunCli("transform", "--lake", lake, "--format", "csv");
            Assert.True(during.ExitCode == 0, during.Errors);
            Assert.All(reasons, reason => Assert.True(File.Exists(reason), reason));
        }
        var after = DemoCommandTests.RunCli("transform", "--lake", lake, "--format", "csv");

        Assert.True(after.ExitCode == 0, after.Errors);
        Assert.All(reasons, reason => Assert.False(File.Exists(reason), reason));
    }

    /// <remarks>
    /// Writers on several threads meet the limit at once, and the command reports the first failure and returns
    /// while the others are still failing. A signal handled on a thread of its own raced that return: about one run
    /// in ten ended by SIGXFSZ (exit 153). Many runs, at generated limits and under both heap page sizes, force the
    /// orders of events that race shows up in.
    /// </remarks>
    [Fact]
    public async Task A_file_size_limit_reached_mid_transform_ends_with_exit_74_and_a_message_not_a_silent_signal()
    {
        var sample = _folder["sample"];
        var made = DemoCommandTests.RunCli("sample", "--out", sample, "--days", "2", "--items", "300");
        Assert.True(made.ExitCode == 0, made.Errors);
        var random = new Random(2611);
        var outcomes = new List<string>();
        for (var run = 0; run < 24; run++)
        {
            // 1 to 64 blocks of 1 KB: from the first page written to midway through the day's tables.
            var blocks = random.Next(1, 65);
            var pages = run % 2 == 0 ? "on" : "off";
            var lake = _folder[$"lake-{run}"];
            TempFolder.CopyTree(sample, lake);
            var start = SpotifyEtlProcess.StartInfo(["transform", "--lake", lake]);
            var command = SpotifyEtlProcess.ShellCommand(start);
            using var process = Process.Start(new ProcessStartInfo("bash", ["-c", $"ulimit -f {blocks} && exec {command}"])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                WorkingDirectory = start.WorkingDirectory,
                // The runtime's executable memory is a file mapping the limit would also refuse; only the lake's files are to meet it.
                Environment = { ["DOTNET_EnableWriteXorExecute"] = "0", ["SPOTIFY_ETL_HUGE_PAGES"] = pages },
            })!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = await process.StandardError.ReadToEndAsync();
            await output;
            await process.WaitForExitAsync();
            var reported = errors.Contains("file-size limit", StringComparison.Ordinal) && !errors.Contains("   at ", StringComparison.Ordinal);
            if (process.ExitCode != 74 || !reported)
            {
                outcomes.Add($"limit {blocks} KB, heap pages {pages}: exit {process.ExitCode}, stderr: {errors.Trim()}");
            }
            Directory.Delete(lake, recursive: true);
        }
        Assert.True(outcomes.Count == 0, string.Join('\n', outcomes));
    }

    /// <summary>
    /// Files another tool or a person left under transformed/ (notes, exports, a table of another name) in the other
    /// format: at generated places and names, they neither switch the lake's format nor double its tables.
    /// </summary>
    [Theory]
    [InlineData("parquet", ".csv")]
    [InlineData("csv", ".parquet")]
    public void Stray_files_under_transformed_do_not_decide_the_lakes_format(string format, string strayExtension)
    {
        var lake = _folder[$"lake-{format}"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "2", "--items", "40").ExitCode);
        var first = DemoCommandTests.RunCli("transform", "--lake", lake, "--format", format);
        Assert.True(first.ExitCode == 0, first.Errors);
        var transformed = Path.Combine(lake, "transformed");
        var tables = Directory.GetDirectories(transformed).Select(Path.GetFileName).ToList();
        var random = new Random(format.Length);
        for (var i = 0; i < 12; i++)
        {
            // Beside the tables, in a folder of its own, or inside a table's folder under another name; "aaa" lists first.
            var folder = (i % 3) switch
            {
                0 => transformed,
                1 => Path.Combine(transformed, i % 2 == 0 ? "aaa" : $"notes-{i}"),
                _ => Path.Combine(transformed, tables[random.Next(tables.Count)]!),
            };
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, $"{(i % 4 == 0 ? "a" : "export")}-{i}{strayExtension}"), "a,b\n1,2\n");
        }
        // Named like a daily table's file, but beside its partitions instead of in one: in every daily table's folder,
        // where a walk of the folder meets it before the partitions.
        var besidePartitions = tables.Where(table => !table!.EndsWith("_current", StringComparison.Ordinal))
            .Select(table => Path.Combine(transformed, table!, table + strayExtension)).ToHashSet();
        foreach (var path in besidePartitions)
        {
            File.WriteAllText(path, "a,b\n1,2\n");
        }

        var again = DemoCommandTests.RunCli("transform", "--lake", lake);
        var query = DemoCommandTests.RunCli("query", "--lake", lake, "--query", "top_artists");

        Assert.True(again.ExitCode == 0, again.Errors);
        Assert.True(query.ExitCode == 0, query.Errors);
        var tableFiles = Directory.EnumerateFiles(transformed, "*", SearchOption.AllDirectories)
            .Where(path => tables.Contains(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(path)))) || tables.Contains(Path.GetFileName(Path.GetDirectoryName(path))))
            .Where(path => Path.GetFileNameWithoutExtension(path) is var name && tables.Contains(name) && !besidePartitions.Contains(path))
            .ToList();
        Assert.NotEmpty(tableFiles);
        Assert.All(tableFiles, path => Assert.EndsWith("." + format, path, StringComparison.Ordinal));
    }
}
