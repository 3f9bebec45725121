using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// spotify-etl import of inputs none of which can be imported, into a lake that already holds a history: the table is
/// not rebuilt, and neither the printed summary nor --json may read as though it had been emptied.
/// </summary>
public sealed partial class ImportNothingImportedTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Stream(int i) =>
        $$"""{"ts": "2023-02-{{1 + i % 28:D2}}T10:{{i % 60:D2}}:00Z", "ms_played": 1000, "spotify_track_uri": "spotify:track:N{{i}}", "master_metadata_track_name": "Song {{i}}"}""";

    private static string History(int rows) => "[" + string.Join(",\n", Enumerable.Range(0, rows).Select(Stream)) + "]";

    /// <summary>
    /// Inputs that import nothing, each written by its case into a folder: history JSON cut short before its first row
    /// ends (at every few bytes of it), a zip cut short at several lengths, a dangling link, and a file that is no history.
    /// </summary>
    public static TheoryData<string> Unimportable()
    {
        var data = new TheoryData<string>();
        var firstRow = Stream(0).Length;
        for (var cut = 1; cut <= firstRow; cut += 23)
        {
            data.Add($"json-cut:{cut}");
        }
        foreach (var part in new[] { 10, 50, 90 })
        {
            data.Add($"zip-cut:{part}");
        }
        data.Add("dangling-link");
        data.Add("not-history");
        return data;
    }

    private string Write(string input)
    {
        var (what, arg) = input.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0 ? (input[..colon], input[(colon + 1)..]) : (input, "");
        switch (what)
        {
            case "json-cut":
                File.WriteAllText(_folder["bad_endsong.json"], History(3)[..int.Parse(arg, CultureInfo.InvariantCulture)]);
                return _folder["bad_endsong.json"];
            case "zip-cut":
                var zip = SpotifyEtl.SampleLibrary.SampleExport.Write(new SpotifyEtl.SampleLibrary.SampleExportOptions(40, 1)).Zips[0].Zip;
                File.WriteAllBytes(_folder["my_spotify_data.zip"], zip[..(zip.Length * int.Parse(arg, CultureInfo.InvariantCulture) / 100)]);
                return _folder["my_spotify_data.zip"];
            case "dangling-link":
                File.CreateSymbolicLink(_folder["endsong_7.json"], _folder["gone.json"]);
                return _folder["endsong_7.json"];
            default:
                File.WriteAllText(_folder["Userdata.json"], """{"username": "someone", "country": "SE"}""");
                return _folder["Userdata.json"];
        }
    }

    [Theory]
    [MemberData(nameof(Unimportable))]
    public void An_import_of_nothing_importable_leaves_the_table_and_never_reports_it_as_holding_no_rows(string input)
    {
        var lake = _folder["lake"];
        File.WriteAllText(_folder["endsong_0.json"], History(26));
        var good = DemoCommandTests.RunCli("import", _folder["endsong_0.json"], "--lake", lake, "--json");
        Assert.Equal(0, good.ExitCode);
        using (var first = JsonDocument.Parse(good.Output))
        {
            Assert.Equal(26, first.RootElement.GetProperty("history_rows").GetInt32());
        }
        var table = _folder.Files("lake/transformed/listening_history");
        var bad = Write(input);

        var json = DemoCommandTests.RunCli("import", bad, "--lake", lake, "--json");
        var text = DemoCommandTests.RunCli("import", bad, "--lake", lake);

        Assert.Equal(65, json.ExitCode);
        Assert.Equal(65, text.ExitCode);
        using var report = JsonDocument.Parse(json.Output);
        // No figure of the table at all, rather than zeros a script would take for a history wiped.
        Assert.Equal(JsonValueKind.Null, report.RootElement.GetProperty("history_rows").ValueKind);
        Assert.Equal(JsonValueKind.Null, report.RootElement.GetProperty("partitions").ValueKind);
        Assert.Equal(JsonValueKind.Null, report.RootElement.GetProperty("api_plays").ValueKind);
        Assert.False(report.RootElement.GetProperty("table_rebuilt").GetBoolean());
        Assert.DoesNotContain("rows in the table", text.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("API plays read", text.Output, StringComparison.Ordinal);
        Assert.Contains("listening_history was not rebuilt", text.Output, StringComparison.Ordinal);
        Assert.Contains("Nothing was imported", text.Errors + json.Errors, StringComparison.OrdinalIgnoreCase);
        // The table is as it was, byte for byte.
        Assert.Equal(table.Keys, _folder.Files("lake/transformed/listening_history").Keys);
        Assert.All(table, file => Assert.Equal(file.Value, File.ReadAllBytes(_folder[file.Key])));
    }

    /// <summary>What each line of the printed summary counts, by the --json member that holds the same count.</summary>
    private static readonly Dictionary<string, string> SummaryLines = new(StringComparer.Ordinal)
    {
        ["files not imported whole (skipped, or read up to a break)"] = "incomplete_files",
        ["files landed now"] = "landed_files",
        ["files skipped (look at their notes)"] = "skipped_files",
        ["files ignored (the export's other files)"] = "ignored_files",
        ["files landed but read only up to a break"] = "broken_files",
        ["rows unreadable"] = "unreadable_rows",
        ["rows in the table"] = "history_rows",
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_printed_summary_and_json_give_the_same_count_of_files_skipped_broken_off_and_not_imported_whole(bool withGoodFile)
    {
        // A file that is no history as far as it goes (skipped), and one cut short after its second row (landed, read up to the break).
        File.WriteAllText(_folder["bad_endsong.json"], History(3)[..20]);
        var cut = History(4);
        File.WriteAllText(_folder["endsong_1.json"], cut[..(cut.IndexOf(Stream(2), StringComparison.Ordinal) + 10)]);
        File.WriteAllText(_folder["endsong_0.json"], History(5));
        string[] inputs = withGoodFile
            ? [_folder["bad_endsong.json"], _folder["endsong_1.json"], _folder["endsong_0.json"]]
            : [_folder["bad_endsong.json"], _folder["endsong_1.json"]];

        var json = DemoCommandTests.RunCli(["import", .. inputs, "--lake", _folder["json-lake"], "--json"]);
        var text = DemoCommandTests.RunCli(["import", .. inputs, "--lake", _folder["text-lake"]]);

        Assert.Equal(3, json.ExitCode);
        Assert.Equal(3, text.ExitCode);
        using var report = JsonDocument.Parse(json.Output);
        // The summary's lines, after the table of files (whose rows have the same shape).
        var summary = text.Output[Math.Max(0, text.Output.IndexOf("│ files landed now", StringComparison.Ordinal))..];
        var printed = SummaryLine().Matches(summary).ToDictionary(m => m.Groups["what"].Value.TrimEnd(), m => m.Groups["count"].Value, StringComparer.Ordinal);
        foreach (var (line, member) in SummaryLines)
        {
            Assert.True(printed.TryGetValue(line, out var count), $"no line '{line}' in:\n{text.Output}");
            Assert.Equal(report.RootElement.GetProperty(member).GetInt32().ToString("N0", CultureInfo.InvariantCulture), count);
        }
        Assert.Equal(1, report.RootElement.GetProperty("broken_files").GetInt32());
        Assert.Equal(2, report.RootElement.GetProperty("incomplete_files").GetInt32());
    }

    [GeneratedRegex(@"│ (?<what>[a-z][^│]*?) +│ +(?<count>[0-9,]+) │")]
    private static partial Regex SummaryLine();
}
