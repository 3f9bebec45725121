using System.Diagnostics;
using System.Text.Json;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Import;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// Mistakes a user makes with their own inputs, run as the user runs the tool: each is told what was wrong and what to
/// do, on one line of stderr, with its documented exit code; none is an "unexpected error" and none hangs.
/// </summary>
public sealed class InputMistakeTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static void AssertToldPlainly((int ExitCode, string Output, string Errors) run, int exitCode)
    {
        Assert.True(run.ExitCode == exitCode, $"exit {run.ExitCode}: {run.Errors}");
        Assert.DoesNotContain("unexpected error", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void A_lake_inside_its_input_folder_or_the_input_itself_is_not_read_as_input_whatever_the_runs_before_it_wrote(int seed)
    {
        // "--input . --lake ./lake": the lake's copies of the input and what its runs made (reports, tables, state) are no raw
        // objects of the input. The lake is the input itself on seed 4, else a folder one to three deep inside it; three runs.
        // On seed 5 another lake inside the input, transformed first, is read as a lake given whole: its raw/ alone. On seed 6
        // the input is named through a link to its folder (~/music leading to /data/music) and the lake by its real path.
        var random = new Random(seed);
        var input = _folder["input"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", input, "--days", $"{random.Next(1, 4)}", "--items", $"{random.Next(3, 30)}", "--seed", $"{seed}").ExitCode);
        var apart = _folder["apart"];
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--input", input, "--lake", apart).ExitCode);
        var lake = seed == 4 ? input : Path.Combine([input, .. Enumerable.Range(0, random.Next(1, 4)).Select(_ => $"lake{random.Next(100)}")]);
        if (seed == 5)
        {
            Assert.Equal(0, DemoCommandTests.RunCli("transform", "--input", input, "--lake", Path.Combine(input, "other")).ExitCode);
        }

        var named = input;
        if (seed == 6)
        {
            named = _folder["link-to-input"];
            Directory.CreateSymbolicLink(named, input);
        }
        for (var run = 0; run < 3; run++)
        {
            var result = DemoCommandTests.RunCli("transform", "--input", named, "--lake", lake);
            AssertToldPlainly(result, 0);
            Assert.DoesNotContain("skipped", result.Errors, StringComparison.Ordinal);
        }

        // The tables of the input landed into a lake of its own, byte for byte.
        Assert.Equal(TableFiles(apart), TableFiles(lake));
    }

    /// <summary>Every table file of a lake, by its path under transformed/, with its bytes' SHA-256.</summary>
    internal static List<(string File, string Hash)> TableFiles(string lake)
    {
        var tables = Path.Combine(lake, "transformed");
        return [.. Directory.GetFiles(tables, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(file => (Path.GetRelativePath(tables, file), Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file)))))];
    }

    [Fact]
    public void Items_a_transform_skips_are_counted_on_stderr_with_where_their_reasons_are_and_a_page_saved_with_a_byte_order_mark_is_read()
    {
        var lake = _folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "1", "--items", "20").ExitCode);
        var pages = Directory.GetFiles(Path.Combine(lake, "raw", "recently_played"), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var page = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(pages[0]))!;
        page["items"]![0]!["played_at"] = "garbage";
        page["items"]![1]!["played_at"] = "2026-13-45T99:00:00Z";
        // Saved back as an editor might: with a byte-order mark.
        File.WriteAllText(pages[0], page.ToJsonString(), new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        var run = DemoCommandTests.RunCli("transform", "--lake", lake);

        // A partial success: a cron job's `extract && transform` sees that rows were left out, as the stack's alarm does.
        AssertToldPlainly(run, 3);
        Assert.Contains("2 items inside raw pages could not be read and were skipped", run.Errors, StringComparison.Ordinal);
        var reports = Path.Combine(lake, "reports");
        Assert.Contains(reports, run.Errors, StringComparison.Ordinal);
        using var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Directory.GetFiles(reports, "*.json", SearchOption.AllDirectories).Single()));
        var reasons = report.RootElement.GetProperty("objects").EnumerateArray()
            .SelectMany(o => o.TryGetProperty("unreadable_reasons", out var r) ? r.EnumerateArray().Select(e => e.GetString()!) : []).ToList();
        Assert.Equal(2, reasons.Count);
        Assert.Contains(reasons, reason => reason.Contains("'garbage' is not an ISO 8601 instant", StringComparison.Ordinal));
        Assert.Empty(Directory.Exists(Path.Combine(lake, "quarantine")) ? Directory.GetFiles(Path.Combine(lake, "quarantine"), "*", SearchOption.AllDirectories) : []);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Input_files_with_other_bytes_than_the_lakes_raw_objects_of_their_keys_never_replace_them(int seed)
    {
        var lake = _folder[$"lake-{seed}"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "2", "--items", "30").ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        var raw = Snapshot(Path.Combine(lake, "raw"));
        var tables = Snapshot(Path.Combine(lake, "transformed"));
        // An input of copies of the lake's own raw objects, some changed: cut short, added to, a byte flipped, emptied, or
        // another object's bytes (valid JSON of another page); two inputs under one key, one of them changed.
        var random = new Random(seed);
        var input = _folder[$"input-{seed}"];
        var keys = raw.Keys.ToList();
        var changed = new List<string>();
        foreach (var key in keys.OrderBy(_ => random.Next()).Take(12))
        {
            var bytes = File.ReadAllBytes(Path.Combine(lake, "raw", key));
            var spoil = random.Next(6);
            byte[] copy = spoil switch
            {
                0 => bytes[..random.Next(0, bytes.Length)],
                1 => [.. bytes, .. "\n{}"u8.ToArray()],
                2 => bytes.Select((b, i) => i == bytes.Length / 2 ? (byte)(b ^ 0x20) : b).ToArray(),
                3 => [],
                4 => File.ReadAllBytes(Path.Combine(lake, "raw", keys.First(k => k != key && File.ReadAllBytes(Path.Combine(lake, "raw", k)).Length != bytes.Length))),
                _ => bytes,
            };
            var path = Path.Combine(input, "raw", key);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, copy);
            if (!copy.AsSpan().SequenceEqual(bytes))
            {
                changed.Add(path);
            }
        }
        var twice = Path.Combine(input, "second", "raw", keys[0]);
        Directory.CreateDirectory(Path.GetDirectoryName(twice)!);
        File.WriteAllBytes(twice, [.. File.ReadAllBytes(Path.Combine(lake, "raw", keys[0])), (byte)' ']);

        var run = DemoCommandTests.RunCli("transform", "--input", input, "--lake", lake);

        AssertToldPlainly(run, 3);
        Assert.Equal(raw, Snapshot(Path.Combine(lake, "raw")));
        Assert.Equal(tables, Snapshot(Path.Combine(lake, "transformed")));
        Assert.All(changed, path => Assert.Contains($"skipped {path}: the lake already holds raw/", run.Errors, StringComparison.Ordinal));
        Assert.Contains($"skipped {twice}: ", run.Errors, StringComparison.Ordinal);
        Assert.Equal(changed.Count + 1, run.Errors.Split('\n').Count(line => line.Contains("skipped ", StringComparison.Ordinal)));
    }

    /// <summary>Every file under a folder, by its path there, with its bytes' hash.</summary>
    private static Dictionary<string, string> Snapshot(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(folder, f).Replace('\\', '/'),
            f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));

    [Fact]
    public void A_whole_lake_given_as_input_lands_its_raw_objects_and_nothing_it_made()
    {
        var source = _folder["source"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", source, "--days", "2", "--items", "30").ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", source).ExitCode);
        var copy = _folder["copy"];

        var run = DemoCommandTests.RunCli("transform", "--lake", copy, "--input", source);

        AssertToldPlainly(run, 0);
        Assert.DoesNotContain("skipped", run.Errors, StringComparison.Ordinal);
        string[] Tables(string lake) => [.. Directory.GetFiles(Path.Combine(lake, "transformed"), "*", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(lake, file)).Order(StringComparer.Ordinal)];
        Assert.Equal(Tables(source), Tables(copy));
        Assert.All(Tables(source), table => Assert.Equal(File.ReadAllBytes(Path.Combine(source, table)), File.ReadAllBytes(Path.Combine(copy, table))));
    }

    [Theory]
    [InlineData("transform")]
    [InlineData("import")]
    [InlineData("current")]
    [InlineData("demo")]
    public void Help_states_each_default_once_and_never_one_the_command_does_not_apply(string command)
    {
        var help = DemoCommandTests.RunCli(command, "--help");

        Assert.Equal(0, help.ExitCode);
        // --format takes the lake's own format first: a fixed "[default: Parquet]" would be wrong for a lake of CSV tables.
        // The demo empties its lake first, so parquet is its default whatever the lake held.
        Assert.Contains(command == "demo" ? "Default: parquet (as on AWS), whatever an earlier demo wrote" : "Default: the lake's own", help.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("[default: Parquet]", help.Output, StringComparison.Ordinal);
        Assert.DoesNotMatch(@", default \d+\)", help.Output);
    }

    [Fact]
    public void Report_out_as_a_folder_writes_inside_it_and_through_a_file_names_that_file()
    {
        var lake = _folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "1", "--items", "20").ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        Directory.CreateDirectory(_folder["out"]);
        File.WriteAllText(_folder["afile"], "keep me");

        var intoFolder = DemoCommandTests.RunCli("report", "--lake", lake, "--out", _folder["out"]);
        var throughFile = DemoCommandTests.RunCli("report", "--lake", lake, "--out", Path.Combine(_folder["afile"], "report.html"));

        AssertToldPlainly(intoFolder, 0);
        Assert.True(File.Exists(Path.Combine(_folder["out"], "report.html")), intoFolder.Output + intoFolder.Errors);
        AssertToldPlainly(throughFile, ExitCodes.IoError);
        Assert.Contains($"{_folder["afile"]} is a file, not a folder. Choose another --out.", throughFile.Errors, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(_folder["afile"]));
    }

    [Theory]
    [InlineData("import", "", "--lake", "LAKE")]
    [InlineData("import", " ", "--lake", "LAKE")]
    [InlineData("report", "--lake", "")]
    [InlineData("report", "--lake", "  ")]
    public void An_empty_path_as_an_unset_shell_variable_leaves_it_is_a_usage_error(params string[] arguments)
    {
        var run = DemoCommandTests.RunCli([.. arguments.Select(a => a == "LAKE" ? _folder["lake"] : a)]);

        AssertToldPlainly(run, ExitCodes.Usage);
        Assert.Contains("is empty", run.Errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SPOTIFY_API_BASE_URL", "api.spotify.com/v1")]
    [InlineData("SPOTIFY_API_BASE_URL", "ftp://api.spotify.com/v1/")]
    [InlineData("SPOTIFY_ACCOUNTS_BASE_URL", "accounts spotify")]
    [InlineData("SPOTIFY_ACCOUNTS_BASE_URL", "/relative/path")]
    public void A_base_url_that_is_no_http_url_is_a_usage_error_naming_the_variable(string variable, string value)
    {
        var environment = CliTestContext.ProcessWithCredentials(_folder["home"]);
        environment[variable] = value;

        var run = DemoCommandTests.RunCli(environment, "extract", "--lake", _folder["lake"], "--playlist", "37i9dQZF1DXcBWIGoYBM5M");

        AssertToldPlainly(run, ExitCodes.Usage);
        Assert.Contains($"{variable}='{value}' is not an absolute http(s) URL", run.Errors, StringComparison.Ordinal);
    }

    /// <summary>
    /// A base URL the tool refuses is said before anything about the credentials (a refresh token the sources need and the
    /// credentials lack, a file others may read), so that what the user is told to do first is what mends it. Generated: the
    /// variable and its value, the verb and its sources, a refresh token or none, a credentials file others may read.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_base_url_that_is_no_http_url_is_said_before_what_the_credentials_lack(int seed)
    {
        var random = new Random(seed);
        string[] variables = ["SPOTIFY_API_BASE_URL", "SPOTIFY_ACCOUNTS_BASE_URL"];
        string[] values = ["http://example.com/v1/", "api.spotify.com/v1", "ftp://api.spotify.com/v1/", "/relative/path", "http://10.0.0.7:8080/"];
        string[][] commands =
        [
            ["extract", "--lake", _folder["lake"], "--recently-played"],
            ["extract", "--lake", _folder["lake"], "--saved-tracks", "--my-playlists"],
            ["extract", "--lake", _folder["lake"], "--top-artists", "short_term", "--playlist", "37i9dQZF1DXcBWIGoYBM5M"],
            ["auth", "login", "--recently-played", "--timeout", "1"],
        ];
        for (var i = 0; i < 6; i++)
        {
            var home = _folder[$"home-{seed}-{i}"];
            var environment = CliTestContext.ProcessWithCredentials(home, refreshToken: random.Next(2) == 0 ? null : "AQDrefresh");
            if (random.Next(2) == 0)
            {
                File.SetUnixFileMode(Path.Combine(home, "config-home", "spotify-etl", "credentials.json"), (UnixFileMode)0b110_100_100);
            }
            var (variable, value) = (variables[random.Next(variables.Length)], values[random.Next(values.Length)]);
            environment[variable] = value;
            var command = commands[random.Next(commands.Length)];

            var run = DemoCommandTests.RunCli(environment, command);

            AssertToldPlainly(run, ExitCodes.Usage);
            Assert.Contains($"{variable}='{value}'", run.Errors, StringComparison.Ordinal);
            Assert.DoesNotContain("refresh token", run.Errors, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_write_that_fails_under_sample_out_does_not_blame_a_lake_option_sample_has_not()
    {
        Directory.CreateDirectory(_folder["out"]);
        File.WriteAllText(_folder["out/raw"], "a file where the raw folder goes");

        var run = DemoCommandTests.RunCli("sample", "--out", _folder["out"], "--days", "1", "--items", "3");

        AssertToldPlainly(run, ExitCodes.IoError);
        Assert.DoesNotContain("--lake", run.Errors, StringComparison.Ordinal);
        Assert.Contains(_folder["out/raw"], run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Importing_a_folder_that_holds_a_fifo_skips_it_instead_of_waiting_for_a_writer()
    {
        var export = _folder["export"];
        Directory.CreateDirectory(export);
        var zip = SampleExport.Write(new SampleExportOptions(40, 3)).Zips[0];
        File.WriteAllBytes(Path.Combine(export, zip.Name), zip.Zip);
        using (var mkfifo = Process.Start("mkfifo", Path.Combine(export, "Streaming_History_Audio_2026.json")))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        using var inputs = await Task.Run(() => ExportInputs.Open([new DirectoryInfo(export)], ImportLimits.Default)).WaitAsync(TimeSpan.FromSeconds(30));

        var fifo = Assert.Single(inputs.Candidates, c => c.Name.EndsWith("Streaming_History_Audio_2026.json", StringComparison.Ordinal));
        Assert.Contains("FIFO", fifo.Problem, StringComparison.Ordinal);
        Assert.Contains(inputs.Candidates, c => c.Problem is null);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_zip_cut_short_while_downloading_says_to_download_it_again(int seed)
    {
        var random = new Random(seed);
        var zip = SampleExport.Write(new SampleExportOptions(200, seed)).Zips[0];
        var cut = _folder[$"cut{seed}.zip"];
        // Past the first entry's header, short of the end: the archive's directory, at its end, is gone.
        File.WriteAllBytes(cut, zip.Zip[..random.Next(40, zip.Zip.Length - 1)]);

        var run = DemoCommandTests.RunCli("import", cut, "--lake", _folder[$"lake{seed}"]);

        AssertToldPlainly(run, ExitCodes.DataError);
        Assert.Contains("is not a readable zip archive", run.Errors, StringComparison.Ordinal);
        Assert.Contains("Download the export again", run.Errors, StringComparison.Ordinal);
    }

    /// <summary>
    /// A zip that holds no file (an empty folder zipped, or only folders) is a readable zip with nothing in it: said so, not
    /// called a download cut short (it began with the end of a zip's directory, which an archive of no entry is), and no
    /// lake is left where there was none.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_zip_that_holds_no_file_is_named_so_not_as_a_download_cut_short(int seed)
    {
        var random = new Random(seed);
        var zip = _folder[$"empty{seed}.{(random.Next(2) == 0 ? "zip" : "ZIP")}"];
        using (var archive = new System.IO.Compression.ZipArchive(File.Create(zip), System.IO.Compression.ZipArchiveMode.Create))
        {
            for (var folders = random.Next(0, 4); folders > 0; folders--)
            {
                archive.CreateEntry($"my_spotify_data/{random.Next(1000)}/");
            }
        }
        var lake = _folder[$"lake{seed}"];

        var run = DemoCommandTests.RunCli("import", zip, "--lake", lake);

        AssertToldPlainly(run, ExitCodes.DataError);
        Assert.Contains($"Nothing was imported: {Path.GetFileName(zip)}: {ExportArchive.HoldsNoFile}", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("not a readable zip", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("Download the export again", run.Errors, StringComparison.Ordinal);
        Assert.False(Directory.Exists(lake), "a lake was left where there was none");
        Assert.Contains($"Lake: none made at {lake} (nothing was imported into it)", run.Output, StringComparison.Ordinal);
    }

    /// <summary>Exports spoiled on the way, each told by what it is: the way to the history is one step away in each.</summary>
    [Theory]
    [InlineData("web page", "its name ends in .zip, but it begins like a web page", "Download the export again")]
    [InlineData("encrypted", "password-protected zip", "unzip it with its password")]
    [InlineData("zip in zip", "a zip inside the zip", "unzip it and import its files")]
    public void A_spoiled_export_is_named_for_what_it_is_and_what_to_do(string spoiled, string what, string todo)
    {
        var zip = SampleExport.Write(new SampleExportOptions(50, 7)).Zips[0];
        var input = _folder["my_spotify_data.zip"];
        switch (spoiled)
        {
            case "web page":
                File.WriteAllText(input, "<!DOCTYPE html><html><body>Download your data</body></html>");
                break;
            case "encrypted":
                File.WriteAllBytes(input, Encrypted(zip.Zip));
                break;
            case "zip in zip":
                using (var outer = System.IO.Compression.ZipFile.Open(input, System.IO.Compression.ZipArchiveMode.Create))
                {
                    using var inner = outer.CreateEntry("my_spotify_data.zip").Open();
                    inner.Write(zip.Zip);
                }
                break;
        }

        // JSON on stdout: the notes whole, not wrapped into a table's width.
        var run = DemoCommandTests.RunCli("import", input, "--lake", _folder["lake"], "--json");

        AssertToldPlainly(run, ExitCodes.DataError);
        Assert.Contains(what, run.Errors + run.Output, StringComparison.Ordinal);
        Assert.Contains(todo, run.Errors + run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Request 'Extended streaming history'", run.Errors, StringComparison.Ordinal);
    }

    /// <summary>A history file an editor re-saved as UTF-16 (with its mark, as Notepad writes it, or without) holds the same text.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_history_file_an_editor_re_saved_as_utf16_imports_the_same_table_as_the_file_it_was(bool mark)
    {
        var zip = SampleExport.Write(new SampleExportOptions(50, 7)).Zips[0];
        string text;
        using (var archive = new System.IO.Compression.ZipArchive(new MemoryStream(zip.Zip)))
        {
            var history = archive.Entries.First(e => e.Name.StartsWith("endsong", StringComparison.Ordinal) || e.Name.StartsWith("Streaming_History_Audio", StringComparison.Ordinal));
            using var reader = new StreamReader(history.Open());
            text = reader.ReadToEnd();
        }
        Directory.CreateDirectory(_folder["as-spotify-wrote-it"]);
        Directory.CreateDirectory(_folder["re-saved"]);
        File.WriteAllText(_folder["as-spotify-wrote-it/Streaming_History_Audio_2025.json"], text, new System.Text.UTF8Encoding(false));
        File.WriteAllText(_folder["re-saved/Streaming_History_Audio_2025.json"], text, new System.Text.UnicodeEncoding(false, mark));

        var original = DemoCommandTests.RunCli("import", _folder["as-spotify-wrote-it"], "--lake", _folder["lake-a"], "--json");
        var resaved = DemoCommandTests.RunCli("import", _folder["re-saved"], "--lake", _folder["lake-b"], "--json");

        Assert.Equal(original.ExitCode, resaved.ExitCode);
        Assert.DoesNotContain("UTF-16", resaved.Output + resaved.Errors, StringComparison.Ordinal);
        using var a = JsonDocument.Parse(original.Output);
        using var b = JsonDocument.Parse(resaved.Output);
        Assert.True(a.RootElement.GetProperty("history_rows").GetInt32() > 0, original.Output);
        Assert.Equal(a.RootElement.GetProperty("history_rows").GetInt32(), b.RootElement.GetProperty("history_rows").GetInt32());
        var tableA = _folder.Files("lake-a/transformed/listening_history");
        var tableB = _folder.Files("lake-b/transformed/listening_history");
        Assert.Equal(tableA.Keys.Select(k => k.Replace("lake-a/", "", StringComparison.Ordinal)), tableB.Keys.Select(k => k.Replace("lake-b/", "", StringComparison.Ordinal)));
        Assert.Equal(tableA.Values, tableB.Values);
    }

    /// <summary>The zip with every entry marked encrypted (general purpose flag bit 0, in its local and central headers), as a password-protected zip is.</summary>
    private static byte[] Encrypted(byte[] zip)
    {
        var bytes = (byte[])zip.Clone();
        for (var i = 0; i + 8 < bytes.Length; i++)
        {
            if (bytes[i] == 'P' && bytes[i + 1] == 'K' && bytes[i + 2] == 3 && bytes[i + 3] == 4)
            {
                bytes[i + 6] |= 1;
            }
            else if (bytes[i] == 'P' && bytes[i + 1] == 'K' && bytes[i + 2] == 1 && bytes[i + 3] == 2)
            {
                bytes[i + 8] |= 1;
            }
        }
        return bytes;
    }

    [Fact]
    public void Spotify_out_of_reach_is_a_service_unavailable_not_an_interruption_or_a_bug()
    {
        using var errors = new StringWriter();

        Assert.Equal(ExitCodes.Unavailable, CliErrors.Report(new HttpRequestException("Connection refused (accounts.spotify.com:443)"), errors));
        Assert.Equal(ExitCodes.Unavailable, CliErrors.Report(new TaskCanceledException("timed out", new TimeoutException()), errors));
        Assert.Equal(ExitCodes.Interrupted, CliErrors.Report(new OperationCanceledException(), errors));
        var lines = errors.ToString().TrimEnd().Split('\n');
        Assert.Contains("Cannot reach Spotify: Connection refused", lines[0], StringComparison.Ordinal);
        Assert.Contains("did not answer in time", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected error", errors.ToString(), StringComparison.Ordinal);
    }
}
