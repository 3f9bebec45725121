using System.IO.Compression;
using System.Text;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// spotify-etl import of exports spoiled on their way: each one imports what it can, says what it is with the step that
/// mends it, and leaves the lake as usable for the next import and the next transform as before.
/// </summary>
public sealed class ImportSpoiledExportTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Stream(int i, string name) =>
        $$"""{"ts": "2023-01-{{1 + i % 28:D2}}T10:{{i % 60:D2}}:00Z", "ms_played": 1000, "spotify_track_uri": "spotify:track:Y{{i}}", "master_metadata_track_name": "{{name}}", "master_metadata_album_artist_name": "Ana"}""";

    [Fact]
    public void A_history_file_re_saved_as_windows_1252_is_not_landed_and_later_imports_and_transforms_still_run()
    {
        var lake = _folder["lake"];
        // A lake with the API's plays, so that the transform rebuilds the history's months around them.
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "2", "--items", "5").ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        // Names with escapes and characters outside ASCII, some long: every way a value is read.
        var names = new[] { "Café \\\"Live\\\"", "Señor\\\\Straße", new string('é', 600), "Björk" };
        File.WriteAllBytes(_folder["endsong_2.json"], Encoding.Latin1.GetBytes("[" + string.Join(",\n", names.Select((n, i) => Stream(i, n))) + "]"));

        var spoiled = DemoCommandTests.RunCli("import", _folder["endsong_2.json"], "--lake", lake);

        // Nothing of it lands (its names would keep U+FFFD for good): no history, said with what to do.
        Assert.True(spoiled.ExitCode == 65, spoiled.Errors);
        Assert.Contains("not UTF-8", spoiled.Output + spoiled.Errors, StringComparison.Ordinal);
        Assert.Contains("import the file from the export as it came", spoiled.Output + spoiled.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected error", spoiled.Errors, StringComparison.Ordinal);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        File.WriteAllText(_folder["endsong_3.json"], "[" + Stream(40, "Good") + "]");
        Assert.Equal(3, DemoCommandTests.RunCli("import", _folder["endsong_3.json"], _folder["endsong_2.json"], "--lake", lake).ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("import", _folder["endsong_3.json"], "--lake", lake).ExitCode);
        var history = DemoCommandTests.RunCli("query", "--lake", lake, "--query", "history_hours_per_year", "--json");
        Assert.Equal(0, history.ExitCode);
        // The good file joined the history, and nothing of the spoiled one: one stream in 2023.
        using var answer = System.Text.Json.JsonDocument.Parse(history.Output);
        var rows = answer.RootElement.EnumerateArray().Single().GetProperty("rows").EnumerateArray()
            .Select(row => row.EnumerateArray().ToList()).ToList();
        var year = Assert.Single(rows, row => row[0].GetString() == "2023");
        Assert.Equal(1, year[^1].GetInt32());
    }

    [Theory]
    [InlineData("master_metadata_track_name\":\"\\ud800x")]
    [InlineData("master_metadata_track_name\\udc00\":\"x")]
    [InlineData("ts\":\"2023-01-05T10:00:00Z\\ud800\",\"x\":\"x")]
    public void A_history_file_with_a_lone_surrogate_escape_is_a_partial_import_and_later_imports_and_transforms_still_run(string spoiled)
    {
        var lake = _folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "2", "--items", "5").ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        File.WriteAllText(_folder["endsong_0.json"], $$"""[{"ts":"2023-01-04T02:20:06Z","ms_played":1000,"{{spoiled}}"}, {{Stream(1, "Fine")}}]""");

        var run = DemoCommandTests.RunCli("import", _folder["endsong_0.json"], "--lake", lake);

        Assert.True(run.ExitCode == 3, run.Output + run.Errors);
        Assert.DoesNotContain("unexpected error", run.Errors, StringComparison.Ordinal);
        Assert.Contains("1 read only in part", run.Errors, StringComparison.Ordinal);
        Assert.Contains("surrogate", run.Output, StringComparison.Ordinal);
        File.WriteAllText(_folder["endsong_1.json"], "[" + Stream(40, "Good") + "]");
        Assert.Equal(0, DemoCommandTests.RunCli("import", _folder["endsong_1.json"], "--lake", lake).ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
    }

    [Fact]
    public void A_zip_made_on_a_mac_imports_its_history_and_ignores_the_files_the_mac_added()
    {
        var zip = _folder["my_spotify_data.zip"];
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            Add(archive, "Spotify Extended Streaming History/Streaming_History_Audio_2023_0.json", Encoding.UTF8.GetBytes("[" + Stream(1, "x") + "]"));
            // AppleDouble: starts 00 05 16 07, then binary.
            Add(archive, "__MACOSX/Spotify Extended Streaming History/._Streaming_History_Audio_2023_0.json", [0x00, 0x05, 0x16, 0x07, 0x00, 0x02, 0x00, 0x00, 0x4D, 0x61]);
        }

        var run = DemoCommandTests.RunCli("import", zip, "--lake", _folder["lake"]);

        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("UTF-16", run.Output + run.Errors, StringComparison.Ordinal);
        Assert.Contains("macOS", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_export_whose_only_history_file_is_damaged_says_so_not_to_request_another_export()
    {
        var big = Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Range(0, 2000).Select(i => Stream(i, $"Song {i}"))) + "]");
        var bytes = ZipOf(("Spotify Extended Streaming History/Streaming_History_Audio_2023_0.json", big), ("ReadMeFirst.pdf", "%PDF-1.4"u8.ToArray()));
        var at = bytes.AsSpan().IndexOf("Streaming_History_Audio_2023_0.json"u8) + 200;
        for (var i = 0; i < 64; i++)
        {
            bytes[at + i] ^= 0x5A;
        }
        File.WriteAllBytes(_folder["my_spotify_data.zip"], bytes);

        var run = DemoCommandTests.RunCli("import", _folder["my_spotify_data.zip"], "--lake", _folder["lake"]);

        Assert.Equal(65, run.ExitCode);
        Assert.Contains("Streaming_History_Audio_2023_0.json", run.Errors, StringComparison.Ordinal);
        Assert.Contains("damaged", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("Request 'Extended streaming history'", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stored_entry_with_a_changed_byte_is_skipped_as_damaged_and_never_lands()
    {
        var good = Encoding.UTF8.GetBytes("[" + Stream(1, "Good") + "]");
        var spoiled = Encoding.UTF8.GetBytes("[" + Stream(2, "Spoiled") + "]");
        using var memory = new MemoryStream();
        using (var archive = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in new[] { ("endsong_0.json", good), ("endsong_1.json", spoiled) })
            {
                using var stream = archive.CreateEntry(name, CompressionLevel.NoCompression).Open();
                stream.Write(content);
            }
        }
        var bytes = memory.ToArray();
        bytes[bytes.AsSpan().IndexOf("Spoiled"u8)] ^= 0x01;
        File.WriteAllBytes(_folder["my_spotify_data.zip"], bytes);

        var run = DemoCommandTests.RunCli("import", _folder["my_spotify_data.zip"], "--lake", _folder["lake"], "--json");

        Assert.True(run.ExitCode == 3, run.Output + run.Errors);
        Assert.Contains("1 file skipped", run.Errors, StringComparison.Ordinal);
        using var report = System.Text.Json.JsonDocument.Parse(run.Output);
        var skipped = report.RootElement.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("skipped").ValueKind == System.Text.Json.JsonValueKind.String);
        Assert.EndsWith("!endsong_1.json", skipped.GetProperty("input").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("it is damaged in the zip", skipped.GetProperty("skipped").GetString(), StringComparison.Ordinal);
        Assert.Equal(good, File.ReadAllBytes(Assert.Single(Directory.GetFiles(_folder["lake/raw/spotify_export"], "*.json", SearchOption.AllDirectories))));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_landed_file_cut_short_or_unreadable_is_named_by_the_next_import_and_importing_it_again_mends_it(bool link)
    {
        var lake = _folder["lake"];
        File.WriteAllText(_folder["endsong_0.json"], "[" + string.Join(",\n", Enumerable.Range(0, 135).Select(i => Stream(i, $"Song {i}"))) + "]");
        File.WriteAllText(_folder["endsong_1.json"], "[" + Stream(200, "Other") + "]");
        Assert.Equal(0, DemoCommandTests.RunCli("import", _folder["endsong_0.json"], "--lake", lake).ExitCode);
        var landed = Assert.Single(Directory.GetFiles(Path.Combine(lake, "raw", "spotify_export"), "*.json", SearchOption.AllDirectories));
        var bytes = File.ReadAllBytes(landed);
        File.Delete(landed);
        if (link)
        {
            File.CreateSymbolicLink(landed, _folder["gone/endsong_0.json"]); // unreadable, as a file of mode 000 is to a user who is not root
        }
        else
        {
            File.WriteAllBytes(landed, bytes[..(bytes.Length / 20)]);
        }

        var next = DemoCommandTests.RunCli("import", _folder["endsong_1.json"], "--lake", lake, "--json");

        Assert.True(next.ExitCode == 3, next.Output + next.Errors);
        Assert.DoesNotContain("unexpected error", next.Errors, StringComparison.Ordinal);
        Assert.Contains(landed, next.Errors, StringComparison.Ordinal);
        Assert.Contains("import the export it came from again", next.Errors, StringComparison.Ordinal);
        using (var report = System.Text.Json.JsonDocument.Parse(next.Output))
        {
            var damaged = Assert.Single(report.RootElement.GetProperty("damaged_landed_files").EnumerateArray().ToList());
            Assert.Equal(Path.GetRelativePath(lake, landed).Replace('\\', '/'), damaged.GetProperty("raw_key").GetString());
            Assert.Equal(1, report.RootElement.GetProperty("history_rows").GetInt32()); // the other file's stream, and none of the damaged one's
        }
        var again = DemoCommandTests.RunCli("import", _folder["endsong_0.json"], "--lake", lake, "--json");
        Assert.True(again.ExitCode == 0, again.Output + again.Errors);
        Assert.Equal(bytes, File.ReadAllBytes(landed));
        using var whole = System.Text.Json.JsonDocument.Parse(again.Output);
        Assert.Equal(136, whole.RootElement.GetProperty("history_rows").GetInt32());
    }

    private static void Add(ZipArchive archive, string name, byte[] content)
    {
        using var stream = archive.CreateEntry(name).Open();
        stream.Write(content);
    }

    private static byte[] ZipOf(params (string Name, byte[] Content)[] entries)
    {
        using var memory = new MemoryStream();
        using (var archive = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                Add(archive, name, content);
            }
        }
        return memory.ToArray();
    }
}
