using System.IO.Compression;
using System.Text.Json;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>spotify-etl import as a user runs it: the export's zips, its unzipped folder, and inputs that are not an export.</summary>
public sealed class ImportCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private readonly SampleExportFiles _export = SampleExport.Write(new SampleExportOptions(300, 5));

    private List<string> WriteSample()
    {
        var paths = new List<string>();
        foreach (var (name, zip) in _export.Zips)
        {
            paths.Add(_folder[name]);
            File.WriteAllBytes(paths[^1], zip);
        }
        return paths;
    }

    [Fact]
    public void Import_of_the_zips_reports_every_file_in_json_and_a_second_import_lands_nothing_and_gives_the_same_table()
    {
        var zips = WriteSample();
        var lake = _folder["lake"];
        var first = DemoCommandTests.RunCli(["import", .. zips, "--lake", lake, "--json"]);
        // The sample holds files that are not history and rows that cannot be read: partial success, each with its reason.
        Assert.Equal(3, first.ExitCode);
        using var report = JsonDocument.Parse(first.Output);
        var files = report.RootElement.GetProperty("files").EnumerateArray().ToList();
        Assert.Contains(files, f => f.GetProperty("skipped").GetString()?.Contains("not a .json file", StringComparison.Ordinal) == true);
        Assert.All(files.Where(f => f.GetProperty("skipped").ValueKind == JsonValueKind.Null), f =>
            Assert.Equal(f.GetProperty("rows_read").GetInt32(), f.GetProperty("rows_kept").GetInt32() + f.GetProperty("duplicates").GetInt32()
                + f.GetProperty("covered").GetInt32() + f.GetProperty("unreadable").GetInt32()));
        var rows = report.RootElement.GetProperty("history_rows").GetInt32();
        // Each distinct stream once: the extended history's, and the account data's after it ends; duplicates, overlaps
        // between the two exports and account rows the extended history covers are not kept twice.
        Assert.Equal(_export.Streams + _export.AccountOnly, rows);
        var table = _folder.Files("lake/transformed/listening_history");

        var second = DemoCommandTests.RunCli(["import", .. zips, "--lake", lake, "--json"]);
        using var again = JsonDocument.Parse(second.Output);
        Assert.Equal(0, again.RootElement.GetProperty("landed_files").GetInt32());
        Assert.Equal(rows, again.RootElement.GetProperty("history_rows").GetInt32());
        Assert.Equal(table.Keys, _folder.Files("lake/transformed/listening_history").Keys);
        Assert.All(table, file => Assert.Equal(file.Value, File.ReadAllBytes(_folder[file.Key])));
    }

    /// <summary>
    /// A folder of downloads holds the unzipped export beside files of any size that are no part of it: those are passed
    /// over by their names, unread, as the export's own other files are, not refused as too large for an export's file.
    /// </summary>
    [Theory]
    [InlineData("holiday.mkv")]
    [InlineData("backup.tar")]
    [InlineData("._Streaming_History_Audio_2024.json")]
    [InlineData("Spotify Technical Log Information/SpotifyTechnicalLog.json")]
    [InlineData("notes.json")]
    public void A_file_no_export_holds_is_passed_over_by_its_name_however_large(string name)
    {
        var downloads = Directory.CreateDirectory(_folder["downloads"]).FullName;
        ZipFile.ExtractToDirectory(new MemoryStream(_export.Zips[0].Zip), Path.Combine(downloads, "my_spotify_data"));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(downloads, name))!);
        using (var large = File.Create(Path.Combine(downloads, name)))
        {
            large.SetLength((512L << 20) + 1); // sparse: past the largest file an export holds, no disk used
        }

        var run = DemoCommandTests.RunCli(["import", downloads, "--lake", _folder["lake"], "--json"]);

        using var report = JsonDocument.Parse(run.Output);
        var file = report.RootElement.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("input").GetString()!.EndsWith(name, StringComparison.Ordinal));
        var skipped = file.GetProperty("skipped").GetString()!;
        Assert.True(file.GetProperty("ignored").GetBoolean(), skipped);
        if (name.EndsWith(".json", StringComparison.Ordinal) && !name.StartsWith("._", StringComparison.Ordinal))
        {
            // A .json of no history file's name, too large to be one of the export's files: passed over, not a skipped history file.
            Assert.Contains("not named as one of its streaming-history files", skipped, StringComparison.Ordinal);
        }
        else
        {
            Assert.DoesNotContain("larger than", skipped, StringComparison.Ordinal);
            Assert.Contains(name.StartsWith("._", StringComparison.Ordinal) ? "macOS's metadata" : "not a .json file", skipped, StringComparison.Ordinal);
        }
        Assert.True(report.RootElement.GetProperty("history_rows").GetInt32() > 0, run.Output);
    }

    /// <summary>
    /// Beside the unzipped export, entries that cannot be opened under names the import passes over unread (a dangling
    /// link, a link loop, a FIFO) are passed over as a readable file of that name is: the import ends 0, not 3 naming a
    /// file no export holds. One named like a history file, or named on the command line, is still refused with its reason.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void An_entry_that_cannot_be_opened_under_a_name_the_import_passes_over_is_passed_over_not_refused(int seed)
    {
        var random = new Random(seed);
        var downloads = Directory.CreateDirectory(_folder["downloads"]).FullName;
        ZipFile.ExtractToDirectory(new MemoryStream(_export.Zips[0].Zip), Path.Combine(downloads, "my_spotify_data"));
        var baseline = DemoCommandTests.RunCli(["import", downloads, "--lake", _folder["baseline"], "--json"]);
        string[] names = ["cover.jpg", "notes.txt", "ReadMe.pdf", "video.mkv", "._StreamingHistory_music_9.json", "stream.sock"];
        var odd = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var name = names[random.Next(names.Length)];
            var path = Path.Combine(downloads, random.Next(2) == 0 ? "" : "my_spotify_data", $"{Path.GetFileNameWithoutExtension(name)}-{i}{Path.GetExtension(name)}");
            switch (random.Next(3))
            {
                case 0:
                    File.CreateSymbolicLink(path, $"/nonexistent/{Guid.NewGuid():N}");
                    break;
                case 1:
                    File.CreateSymbolicLink(path, path);
                    break;
                default:
                    using (System.Diagnostics.Process.Start("mkfifo", [path])!)
                    {
                    }
                    SpinWait.SpinUntil(() => File.Exists(path), TimeSpan.FromSeconds(10));
                    break;
            }
            odd.Add(Path.GetFileName(path));
        }

        var run = DemoCommandTests.RunCli(["import", downloads, "--lake", _folder["lake"], "--json"]);

        using var report = JsonDocument.Parse(run.Output);
        Assert.True(run.ExitCode == baseline.ExitCode, $"exit {run.ExitCode}, against {baseline.ExitCode} without the odd entries: " +
            string.Join("; ", report.RootElement.GetProperty("files").EnumerateArray().Where(f => f.GetProperty("skipped").ValueKind == JsonValueKind.String && !f.GetProperty("ignored").GetBoolean())));
        using var expected = JsonDocument.Parse(baseline.Output);
        Assert.Equal(expected.RootElement.GetProperty("history_rows").GetInt32(), report.RootElement.GetProperty("history_rows").GetInt32());
        foreach (var name in odd)
        {
            var file = report.RootElement.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("input").GetString()!.EndsWith(name, StringComparison.Ordinal));
            Assert.True(file.GetProperty("ignored").GetBoolean(), file.ToString());
        }

        // Under a history file's name, the same entry is refused, naming why.
        var history = Path.Combine(downloads, "StreamingHistory_music_7.json");
        File.CreateSymbolicLink(history, $"/nonexistent/{Guid.NewGuid():N}");
        var refused = DemoCommandTests.RunCli(["import", downloads, "--lake", _folder["lake"], "--json"]);
        Assert.Equal(3, refused.ExitCode);
        using var partial = JsonDocument.Parse(refused.Output);
        var named = partial.RootElement.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("input").GetString()!.EndsWith("StreamingHistory_music_7.json", StringComparison.Ordinal));
        Assert.False(named.GetProperty("ignored").GetBoolean());
        Assert.Contains("dangling symbolic link", named.GetProperty("skipped").GetString()!, StringComparison.Ordinal);

        // Named on the command line, under any name, it is what the user meant to import: refused, naming why.
        var given = Path.Combine(_folder.Path, "my_spotify_data");
        File.CreateSymbolicLink(given, $"/nonexistent/{Guid.NewGuid():N}");
        var direct = DemoCommandTests.RunCli(["import", given, "--lake", _folder["lake"]]);
        Assert.True(direct.ExitCode == 65, $"exit {direct.ExitCode}: {direct.Errors}");
        Assert.Contains("dangling symbolic link", direct.Errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lake")]
    [InlineData("data/lakes/mine")]
    public void Importing_a_folder_that_holds_the_lake_reads_the_export_in_it_and_not_the_lake(string lakeUnder)
    {
        var zips = WriteSample();
        var lake = _folder[lakeUnder];
        var first = DemoCommandTests.RunCli(["import", .. zips, "--lake", lake, "--json"]);
        Assert.Equal(3, first.ExitCode);

        // The folder the zips are in, which now holds the lake too (its raw/, tables, lock): import . --lake ./lake.
        var again = DemoCommandTests.RunCli(["import", _folder.Path, "--lake", lake, "--json"]);

        Assert.True(again.ExitCode == first.ExitCode, again.Errors);
        using var report = JsonDocument.Parse(again.Output);
        var inputs = report.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("input").GetString()!).ToList();
        Assert.DoesNotContain(inputs, input => input.Contains($"/{lakeUnder}/", StringComparison.Ordinal));
        using var before = JsonDocument.Parse(first.Output);
        Assert.Equal(before.RootElement.GetProperty("files").GetArrayLength(), inputs.Count);
        Assert.Equal(before.RootElement.GetProperty("history_rows").GetInt32(), report.RootElement.GetProperty("history_rows").GetInt32());
    }

    [Fact]
    public void Importing_a_folder_that_holds_a_link_to_the_lake_reads_the_export_and_not_the_lake()
    {
        var zips = WriteSample();
        var lake = Path.Combine(Path.GetDirectoryName(_folder.Path)!, $"{Path.GetFileName(_folder.Path)}-lake");
        try
        {
            var link = _folder["lake-link"];
            Directory.CreateDirectory(lake);
            Directory.CreateSymbolicLink(link, lake);
            Assert.Equal(3, DemoCommandTests.RunCli(["import", .. zips, "--lake", link]).ExitCode);

            var again = DemoCommandTests.RunCli(["import", _folder.Path, "--lake", link, "--json"]);

            Assert.True(again.ExitCode == 3, again.Errors);
            using var report = JsonDocument.Parse(again.Output);
            var inputs = report.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("input").GetString()!).ToList();
            Assert.DoesNotContain(inputs, input => input.Contains("lake-link", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(lake, recursive: true);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    public void Importing_the_lake_itself_says_so(string trailing)
    {
        var zips = WriteSample();
        var lake = _folder["lake"];
        Assert.Equal(3, DemoCommandTests.RunCli(["import", .. zips, "--lake", lake]).ExitCode);

        var run = DemoCommandTests.RunCli("import", lake + trailing, "--lake", lake);

        Assert.True(run.ExitCode == 65, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains("it is the lake itself (--lake)", run.Errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("csv", "parquet", false)]
    [InlineData("parquet", "csv", false)]
    [InlineData("csv", "parquet", true)]
    [InlineData("parquet", "csv", true)]
    public void Import_in_another_format_than_the_lake_holds_is_refused_and_the_lake_stays_queryable(string held, string asked, bool heldByAnImport)
    {
        var zips = WriteSample();
        var lake = _folder["lake"];
        if (heldByAnImport)
        {
            Assert.Equal(3, DemoCommandTests.RunCli(["import", .. zips, "--lake", lake, "--format", held]).ExitCode);
        }
        else
        {
            Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "1", "--items", "10").ExitCode);
            Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake, "--format", held).ExitCode);
        }
        var before = _folder.Files("lake");

        var run = DemoCommandTests.RunCli(["import", .. zips, "--lake", lake, "--format", asked]);

        Assert.Equal(64, run.ExitCode);
        Assert.Contains($"--format {held}", run.Errors, StringComparison.Ordinal);
        Assert.Equal(before.Keys, _folder.Files("lake").Keys);
        Assert.Equal(0, DemoCommandTests.RunCli("query", "--lake", lake, "--query", heldByAnImport ? "history_hours_per_year" : "top_tracks").ExitCode);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_history_file_or_folder_of_the_export_whose_name_is_not_utf8_is_named_as_such_and_the_rest_imported(int seed)
    {
        // An export unpacked by a tool that wrote its names in Latin-1: a folder, and a history file, with a byte that is no UTF-8.
        var random = new Random(seed);
        var export = Directory.CreateDirectory(_folder["export"]).FullName;
        string History(int minute) => FormattableString.Invariant($$"""[{"ts": "2024-03-0{{1 + minute % 9}}T10:{{minute % 60:00}}:00Z", "ms_played": 200000, "master_metadata_track_name": "Song", "master_metadata_album_artist_name": "Artist", "spotify_track_uri": "spotify:track:4uLU6hMCjMI75M1A2tKUQC"}]""");
        File.WriteAllText(Path.Combine(export, "Streaming_History_Audio_2024_0.json"), History(random.Next(60)));
        Directory.CreateDirectory(Path.Combine(export, "Spotify Extended Streaming History"));
        File.WriteAllText(Path.Combine(export, "Spotify Extended Streaming History", "Streaming_History_Audio_2024_1.json"), History(random.Next(60)));
        File.WriteAllText(Path.Combine(export, "Streaming_History_Audio_2024_2.json"), History(random.Next(60)));
        var bad = (byte)(0xE0 + random.Next(0x10));
        using (var rename = System.Diagnostics.Process.Start("python3", ["-c", "import os,sys; d=os.fsencode(sys.argv[1]); b=bytes([int(sys.argv[2])]); " +
            "os.rename(os.path.join(d, b'Spotify Extended Streaming History'), os.path.join(d, b'Spotify Extended Streaming History ' + b)); " +
            "os.rename(os.path.join(d, b'Streaming_History_Audio_2024_2.json'), os.path.join(d, b'Streaming_History_Audio_2024_2' + b + b'.json'))", export, $"{bad}"])!)
        {
            rename.WaitForExit();
            Assert.Equal(0, rename.ExitCode);
        }

        var run = DemoCommandTests.RunCli("import", export, "--lake", _folder["lake"], "--json");

        Assert.True(run.ExitCode == 3, $"exit {run.ExitCode}: {run.Errors}");
        using var report = JsonDocument.Parse(run.Output);
        var skipped = report.RootElement.GetProperty("files").EnumerateArray()
            .Where(f => f.TryGetProperty("skipped", out var reason) && reason.ValueKind == JsonValueKind.String
                && reason.GetString()!.Contains("its name is not UTF-8", StringComparison.Ordinal))
            .Select(f => Path.GetFileName(f.GetProperty("input").GetString()!)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["Spotify Extended Streaming History \uFFFD", "Streaming_History_Audio_2024_2\uFFFD.json"], skipped);
        Assert.Equal(1, report.RootElement.GetProperty("history_rows").GetInt32());
    }

    [Theory]
    [InlineData(1, "parquet")]
    [InlineData(2, "csv")]
    [InlineData(3, "parquet")]
    [InlineData(4, "csv")]
    public void A_later_export_imported_over_an_earlier_one_says_how_many_streams_it_added(int seed, string format)
    {
        // The later export repeats part or all of the earlier one's streams and adds its own: the per-file counts attribute
        // each stream to one file, so only the summary's comparison with the table before says what the import added.
        var random = new Random(seed);
        var streams = Enumerable.Range(0, random.Next(20, 200))
            .Select(i => new DateTime(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(i * 37 + random.Next(30)))
            .Select(at => FormattableString.Invariant($$"""{"ts": "{{at:yyyy-MM-dd'T'HH:mm:ss'Z'}}", "ms_played": {{random.Next(1_000, 300_000)}}, "master_metadata_track_name": "Song", "master_metadata_album_artist_name": "Artist", "spotify_track_uri": "spotify:track:4uLU6hMCjMI75M1A2tKUQC"}"""))
            .ToList();
        var earlier = streams.Where(_ => random.Next(3) > 0).ToList();
        var later = streams.Where(s => !earlier.Contains(s) || random.Next(4) > 0).ToList();
        var expected = later.Count(s => !earlier.Contains(s));
        Directory.CreateDirectory(_folder["earlier"]);
        Directory.CreateDirectory(_folder["later"]);
        File.WriteAllText(_folder["earlier/Streaming_History_Audio_2023_0.json"], $"[{string.Join(",\n", earlier)}]");
        File.WriteAllText(_folder["later/Streaming_History_Audio_2023-2024_0.json"], $"[{string.Join(",\n", later)}]");
        var lake = _folder["lake"];

        var first = DemoCommandTests.RunCli("import", _folder["earlier"], "--lake", lake, "--format", format, "--json");
        Assert.True(first.ExitCode == 0, first.Errors);
        using (var report = JsonDocument.Parse(first.Output))
        {
            Assert.Equal(0, report.RootElement.GetProperty("history_rows_before").GetInt64());
            Assert.Equal(earlier.Count, report.RootElement.GetProperty("history_rows").GetInt32());
        }
        var second = DemoCommandTests.RunCli("import", _folder["later"], "--lake", lake, "--json");
        Assert.True(second.ExitCode == 0, second.Errors);
        using (var report = JsonDocument.Parse(second.Output))
        {
            Assert.Equal(earlier.Count, report.RootElement.GetProperty("history_rows_before").GetInt64());
            Assert.Equal(earlier.Count + expected, report.RootElement.GetProperty("history_rows").GetInt32());
        }
        // Again, as a person reads it: nothing more to add.
        var again = DemoCommandTests.RunCli("import", _folder["later"], "--lake", lake);
        Assert.True(again.ExitCode == 0, again.Errors);
        Assert.Matches(@"rows added by this import\s*│\s*0\s*│", again.Output);
    }

    [Fact]
    public void Import_of_the_unzipped_folder_prints_a_table_per_file_and_the_history()
    {
        var folder = _folder["unzipped"];
        foreach (var zip in WriteSample())
        {
            ZipFile.ExtractToDirectory(zip, folder);
        }
        var run = DemoCommandTests.RunCli("import", folder, "--lake", _folder["lake"]);
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("Streaming_History_Audio_2026_9.json", run.Output, StringComparison.Ordinal);
        Assert.Contains("extended history (endsong)", run.Output, StringComparison.Ordinal);
        Assert.Contains("rows in the table", run.Output, StringComparison.Ordinal);
        Assert.NotEmpty(Directory.GetFiles(_folder["lake/transformed/listening_history"], "*.parquet", SearchOption.AllDirectories));
        // The export's other files are named once, on a line of their own, not a row each.
        var ignored = Assert.Single(run.Output.Split('\n'), line => line.StartsWith("Ignored: ", StringComparison.Ordinal) && line.Contains("Userdata.json", StringComparison.Ordinal));
        Assert.Contains("not a streaming-history file", ignored, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Output.Split('\n'), line => line.StartsWith('│') && line.Contains("Userdata.json", StringComparison.Ordinal));
        // A file with a reason has it as a numbered note under the table, the number in its row.
        var note = Assert.Single(run.Output.Split('\n'), line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^\d+\. .*Streaming_History_Audio_2026_9\.json: landed: "));
        var number = note[..note.IndexOf('.', StringComparison.Ordinal)];
        Assert.Contains(run.Output.Split('\n'), line => line.StartsWith('│') && line.Contains("Streaming_History_Audio_2026_9.json", StringComparison.Ordinal)
            && line.Contains($"landed, note {number}", StringComparison.Ordinal));
    }

    /// <summary>
    /// On a terminal of 80 columns the import's report stays a report: a line per file, the reasons as notes under the table
    /// (in its cells they wrapped a few words to a line: 340 lines for the demo's export).
    /// </summary>
    [Fact]
    public void Import_on_a_terminal_of_80_columns_draws_a_line_or_two_per_file()
    {
        var folder = _folder["unzipped"];
        foreach (var zip in WriteSample())
        {
            ZipFile.ExtractToDirectory(zip, folder);
        }
        // The sample's quirks end the import 3 ("; true" lets the terminal's run end 0): what is checked is the screen.
        var shown = SpotifyEtl.Tests.Support.PseudoTerminal.WithoutEscapes(
            SpotifyEtl.Tests.Support.PseudoTerminal.RunAt(80, new Dictionary<string, string>(), "2>/dev/null; true", "import", folder, "--lake", _folder["lake"]));

        var rows = shown.Split('\n').Count(line => line.StartsWith('│'));
        var files = Directory.GetFiles(folder, "*.json", SearchOption.AllDirectories).Length;
        Assert.InRange(rows, files, 3 * files);
    }

    [Fact]
    public void A_history_file_cut_short_or_of_another_shape_is_a_partial_import_named_in_the_report_and_on_stderr()
    {
        var folder = _folder["unzipped"];
        foreach (var zip in WriteSample())
        {
            ZipFile.ExtractToDirectory(zip, folder);
        }
        var history = Directory.GetFiles(folder, "Streaming_History_Audio_*.json", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).ToList();
        var whole = File.ReadAllBytes(history[0]);
        var cut = _folder["cut/Streaming_History_Audio_2024_1.json"];
        Directory.CreateDirectory(Path.GetDirectoryName(cut)!);
        File.WriteAllBytes(cut, whole[..(whole.Length / 3)]);
        var shape = _folder["cut/Streaming_History_Audio_2024_2.json"];
        File.WriteAllText(shape, "{\"a\": 1}");

        var run = DemoCommandTests.RunCli("import", cut, shape, "--lake", _folder["lake"], "--json");

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("1 read only in part", run.Errors, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(run.Output);
        var files = report.RootElement.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(2, files.Count);
        Assert.All(files, f => Assert.Equal(f.GetProperty("rows_read").GetInt32(), f.GetProperty("rows_kept").GetInt32() + f.GetProperty("duplicates").GetInt32()
            + f.GetProperty("covered").GetInt32() + f.GetProperty("unreadable").GetInt32()));
        Assert.Contains("breaks off", files[0].GetProperty("problem").GetString(), StringComparison.Ordinal);
        // Another file under a history file's name holds no stream: skipped with why, not landed for good.
        Assert.Contains("is no JSON array", files[1].GetProperty("skipped").GetString(), StringComparison.Ordinal);
        Assert.False(files[1].GetProperty("landed").GetBoolean());
        Assert.Single(Directory.GetFiles(_folder["lake/raw/spotify_export"], "*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_file_under_a_history_files_name_that_can_hold_no_stream_is_skipped_and_never_landed(int seed)
    {
        // Another file saved under a history file's name, or JSON that breaks off before its first stream: nothing the import
        // could ever read, so nothing to keep in raw/ for good (and nothing of a file outside the export, such as a linked
        // system file, copied into the lake).
        var random = new Random(seed);
        string[] junk =
        [
            "hello world", "<!DOCTYPE html><html><body>Sign in</body></html>", "null", "{}", "{\"ts\": \"2024-01-01T00:00:00Z\"}", "[", "[ \n  ",
            "root:x:0:0:root:/root:/bin/bash\n", "true", "42", "\"Streaming_History\"",
            new string(Enumerable.Range(0, 64).Select(_ => (char)random.Next('a', 'z' + 1)).ToArray()),
        ];
        var inputs = new List<string>();
        foreach (var (content, i) in junk.OrderBy(_ => random.Next()).Take(6).Select((c, i) => (c, i)))
        {
            var name = random.Next(2) == 0 ? $"Streaming_History_Audio_20{10 + i}_{i}.json" : $"StreamingHistory_music_{i}.json";
            var path = _folder[$"junk{seed}/{name}"];
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, (random.Next(2) == 0 ? "\uFEFF" : "") + content);
            inputs.Add(path);
        }

        // A history file gzipped under its own name: its header's zero byte is no sign of UTF-16, and gzip is no JSON array.
        var gzipped = _folder[$"junk{seed}/Streaming_History_Audio_2030_9.json"];
        using (var file = File.Create(gzipped))
        using (var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Optimal))
        {
            gzip.Write("[{\"ts\": \"2024-01-01T00:00:00Z\", \"ms_played\": 1000}]"u8);
        }
        inputs.Add(gzipped);

        var run = DemoCommandTests.RunCli(["import", .. inputs, "--lake", _folder[$"lake{seed}"], "--json"]);

        Assert.True(run.ExitCode == 65, run.Errors);
        Assert.False(Directory.Exists(_folder[$"lake{seed}/raw/spotify_export"]), "a file with no stream was landed");
        Assert.Contains("Nothing was imported", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_of_a_missing_path_exits_66_and_of_no_history_exits_65_saying_where_to_get_the_export()
    {
        var missing = DemoCommandTests.RunCli("import", _folder["nope.zip"], "--lake", _folder["lake"]);
        Assert.Equal(66, missing.ExitCode);
        Assert.Contains("nope.zip does not exist", missing.Errors, StringComparison.Ordinal);

        File.WriteAllText(_folder["Userdata.json"], "{\"username\": \"ana\"}");
        var none = DemoCommandTests.RunCli("import", _folder["Userdata.json"], "--lake", _folder["lake"]);
        Assert.Equal(65, none.ExitCode);
        // Fatal, so said as an error is: not labelled a warning.
        Assert.StartsWith("spotify-etl: Nothing was imported: Userdata.json: it is not a streaming-history file", none.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("warning", none.Errors, StringComparison.Ordinal);
        Assert.Contains("Extended streaming history", none.Errors, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder["lake/raw/spotify_export"]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Nothing_imported_from_an_export_is_an_error_on_stderr_never_a_warning(int seed)
    {
        var random = new Random(seed);
        // A damaged zip, a zip inside a zip, or an export file that holds no history: each imports nothing (exit 65).
        var path = _folder[$"input-{seed}.zip"];
        var bytes = new byte[random.Next(10, 200)];
        random.NextBytes(bytes);
        switch (seed % 3)
        {
            case 0:
                File.WriteAllBytes(path, [(byte)'P', (byte)'K', 3, 4, .. bytes]);
                break;
            case 1:
                using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
                {
                    using var entry = zip.CreateEntry("my_spotify_data.zip").Open();
                    entry.Write(_export.Zips[0].Zip);
                }
                break;
            default:
                path = _folder["Userdata.json"];
                File.WriteAllText(path, $"{{\"username\": \"user{random.Next()}\"}}");
                break;
        }

        var run = DemoCommandTests.RunCli("import", path, "--lake", _folder["lake"]);

        Assert.True(run.ExitCode == 65, $"exit {run.ExitCode}: {run.Errors}");
        var error = run.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
        Assert.Matches("^spotify-etl: (Nothing was imported: |No streaming-history file was found)", error);
    }

    [Theory]
    [InlineData("s3://my-raw-bucket")]
    [InlineData("s3://team-bucket/prefix")]
    [InlineData("S3://Bucket")]
    public void Import_to_a_bucket_says_to_upload_the_export_under_the_raw_buckets_import_prefix(string bucket)
    {
        var run = DemoCommandTests.RunCli("import", _folder["my_spotify_data.zip"], "--lake", bucket);

        Assert.Equal(64, run.ExitCode);
        Assert.Contains($"--lake {bucket}: import works on a local folder", run.Errors, StringComparison.Ordinal);
        Assert.Contains("aws s3 cp FILE s3://BUCKET/import/", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("Athena", run.Errors, StringComparison.Ordinal);
    }

    /// <summary>
    /// An export whose history files hold no stream lands them and writes no table: query and report say so and what gets
    /// a history, not to transform the lake, which would say there is nothing to transform and send the user back.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void An_imported_export_with_no_stream_is_named_as_such_by_query_and_report_not_sent_to_transform(int seed)
    {
        var random = new Random(seed);
        var export = Directory.CreateDirectory(_folder["empty-export"]).FullName;
        string[] names = ["Streaming_History_Audio_2024.json", "Streaming_History_Audio_2019-2023_0.json", "StreamingHistory_music_0.json",
            "StreamingHistory_podcast_0.json", "Streaming_History_Video_2024.json"];
        string[] empty = ["[]", "[ ]", "[\n]", "\uFEFF[]", " [ ] \n"];
        foreach (var name in names.OrderBy(_ => random.Next()).Take(1 + random.Next(names.Length)))
        {
            File.WriteAllText(Path.Combine(export, name), empty[random.Next(empty.Length)]);
        }
        var lake = _folder["lake"];
        var imported = DemoCommandTests.RunCli("import", export, "--lake", lake);
        Assert.True(imported.ExitCode is 0 or 3, $"exit {imported.ExitCode}: {imported.Errors}");

        var query = DemoCommandTests.RunCli("query", "--lake", lake);
        var report = DemoCommandTests.RunCli("report", "--lake", lake, "--out", _folder["report.html"]);

        foreach (var run in new[] { query, report })
        {
            Assert.True(run.ExitCode == ExitCodes.NoInput, $"exit {run.ExitCode}: {run.Errors}");
            Assert.Contains($"The lake {lake} holds an imported streaming history with no stream in it", run.Errors, StringComparison.Ordinal);
            Assert.Contains("import an export that holds streams", run.Errors, StringComparison.Ordinal);
            Assert.DoesNotContain("has no transformed/ tables yet", run.Errors, StringComparison.Ordinal);
        }
        // What it names besides an import: API responses, which a transform then does have to work on.
        var transform = DemoCommandTests.RunCli("transform", "--lake", lake);
        Assert.Contains("holds no raw API responses, only an imported streaming history", transform.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Transform_of_a_lake_holding_only_an_imported_history_says_so_exits_65_and_writes_nothing()
    {
        var lake = _folder["lake"];
        Assert.Equal(3, DemoCommandTests.RunCli(["import", .. WriteSample(), "--lake", lake]).ExitCode);
        var before = _folder.Files("lake");

        var run = DemoCommandTests.RunCli("transform", "--lake", lake);

        Assert.True(run.ExitCode == 65, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains($"The lake {lake} holds no raw API responses, only an imported streaming history", run.Errors, StringComparison.Ordinal);
        Assert.Equal(before.Keys, _folder.Files("lake").Keys);
    }

    [Fact]
    public void Current_on_a_lake_holding_only_an_imported_history_says_there_is_nothing_to_rebuild_exits_66_and_writes_nothing()
    {
        var lake = _folder["lake"];
        Assert.Equal(3, DemoCommandTests.RunCli(["import", .. WriteSample(), "--lake", lake]).ExitCode);
        var before = _folder.Files("lake");

        var run = DemoCommandTests.RunCli("current", "--lake", lake);

        Assert.True(run.ExitCode == 66, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains($"The lake {lake} has no daily partitions of songs", run.Errors, StringComparison.Ordinal);
        Assert.Contains("there is nothing to rebuild", run.Errors, StringComparison.Ordinal);
        Assert.Empty(run.Output);
        Assert.Equal(before.Keys, _folder.Files("lake").Keys);
    }

    /// <summary>The raw keys of the landed export files in a lake, relative to its raw/spotify_export/.</summary>
    private List<string> Landed(string lake) => [.. _folder.Files($"{lake}/raw/spotify_export").Keys.Select(k => k[$"{lake}/raw/spotify_export/".Length..]).Order(StringComparer.Ordinal)];

    [Fact]
    public void Import_of_a_whole_lake_lands_its_landed_export_files_and_nothing_of_what_its_runs_made()
    {
        Assert.Equal(3, DemoCommandTests.RunCli(["import", .. WriteSample(), "--lake", _folder["one"]]).ExitCode);
        Assert.NotEmpty(_folder.Files("one/staging"));

        var run = DemoCommandTests.RunCli("import", _folder["one"], "--lake", _folder["two"], "--json");

        Assert.True(run.ExitCode is 0 or 3, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Equal(Landed("one"), Landed("two"));
        Assert.Equal(_folder.Files("one/transformed/listening_history").Values, _folder.Files("two/transformed/listening_history").Values);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Import_of_the_lakes_own_copy_skips_a_landed_file_cut_short_or_changed_instead_of_landing_it_as_a_new_one(int seed)
    {
        var lake = _folder["lake"];
        Assert.Equal(3, DemoCommandTests.RunCli(["import", .. WriteSample(), "--lake", lake]).ExitCode);
        var landed = Landed("lake");
        var random = new Random(seed);
        var victim = _folder[$"lake/raw/spotify_export/{landed[random.Next(landed.Count)]}"];
        var bytes = File.ReadAllBytes(victim);
        if (seed % 2 == 1)
        {
            bytes = bytes[..random.Next(1, bytes.Length)];
        }
        else
        {
            bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
        }
        File.WriteAllBytes(victim, bytes);

        var run = DemoCommandTests.RunCli("import", _folder["lake/raw/spotify_export"], "--lake", lake, "--json");

        Assert.True(run.ExitCode == 3, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Equal(landed, Landed("lake"));
        using var report = JsonDocument.Parse(run.Output);
        var skipped = report.RootElement.GetProperty("files").EnumerateArray()
            .Single(f => f.GetProperty("input").GetString()!.EndsWith(Path.GetFileName(victim), StringComparison.Ordinal));
        Assert.Contains("its bytes are no longer those", skipped.GetProperty("skipped").GetString(), StringComparison.Ordinal);
    }

    /// <summary>A lake's listening_history files by their path inside the table, with their bytes.</summary>
    private SortedDictionary<string, byte[]> History(string lake) =>
        new(_folder.Files($"{lake}/transformed/listening_history").ToDictionary(f => f.Key[$"{lake}/".Length..], f => f.Value), StringComparer.Ordinal);

    [Fact]
    public void A_transform_that_finds_export_files_no_import_built_builds_the_whole_history_as_an_import_does()
    {
        var one = _folder["one"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", one, "--days", "2", "--items", "20").ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", one).ExitCode);
        Assert.Equal(3, DemoCommandTests.RunCli(["import", .. WriteSample(), "--lake", one]).ExitCode);
        var expected = History("one");
        Assert.True(expected.Count > 10, "the sample's history spans more months than the API's plays reach");

        // The lake given whole to --input of another lake, and its raw/ copied into a third.
        var landed = DemoCommandTests.RunCli("transform", "--input", one, "--lake", _folder["two"]);
        foreach (var file in Directory.EnumerateFiles(_folder["one/raw"], "*", SearchOption.AllDirectories))
        {
            var copy = _folder[$"three/raw/{Path.GetRelativePath(_folder["one/raw"], file)}"];
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        var copied = DemoCommandTests.RunCli("transform", "--lake", _folder["three"]);

        Assert.True(landed.ExitCode == 0, $"exit {landed.ExitCode}: {landed.Errors}");
        Assert.True(copied.ExitCode == 0, $"exit {copied.ExitCode}: {copied.Errors}");
        foreach (var lake in new[] { "two", "three" })
        {
            var actual = History(lake);
            Assert.Equal(expected.Keys, actual.Keys);
            Assert.All(expected, file => Assert.Equal(file.Value, actual[file.Key]));
        }

        // A lake holding the landed export files alone, no day of the API's pages, given to --input: the table of an
        // import of the same export into an empty lake.
        foreach (var file in Directory.EnumerateFiles(_folder["one/raw/spotify_export"], "*", SearchOption.AllDirectories))
        {
            var copy = _folder[$"four-input/raw/spotify_export/{Path.GetRelativePath(_folder["one/raw/spotify_export"], file)}"];
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        var exportOnly = DemoCommandTests.RunCli("transform", "--input", _folder["four-input"], "--lake", _folder["four"]);
        Assert.True(exportOnly.ExitCode == 0, $"exit {exportOnly.ExitCode}: {exportOnly.Errors}");
        Assert.Equal(3, DemoCommandTests.RunCli(["import", .. WriteSample(), "--lake", _folder["five"]]).ExitCode);
        var imported = History("five");
        Assert.NotEmpty(imported);
        var built = History("four");
        Assert.Equal(imported.Keys, built.Keys);
        Assert.All(imported, file => Assert.Equal(file.Value, built[file.Key]));
    }
}
