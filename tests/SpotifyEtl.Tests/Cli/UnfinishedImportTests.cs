using SpotifyEtl.Import;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// An import that stops partway (a file where the history's folder belongs here; Ctrl-C, a kill or a full disk alike)
/// leaves listening_history without the export's months: query, report and current say the last import did not finish
/// and what to run, and once it is run the lake answers as a whole import's does.
/// </summary>
public sealed class UnfinishedImportTests
{
    public static TheoryData<int> Seeds() => [1, 2, 3];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void An_import_that_stopped_partway_is_named_by_query_report_and_current_until_an_import_finishes_it(int seed)
    {
        using var folder = new Support.TempFolder();
        var export = Directory.CreateDirectory(folder["export"]).FullName;
        foreach (var (name, zip) in SampleExport.Write(new SampleExportOptions(120 + (seed * 40), seed)).Zips)
        {
            File.WriteAllBytes(Path.Combine(export, name), zip);
        }
        var whole = folder["whole"];
        // The sample export has the quirks of real ones (rows it cannot read): an import of it ends 3, as documented.
        Assert.Contains(DemoCommandTests.RunCli("import", export, "--lake", whole).ExitCode, new[] { 0, 3 });
        var lake = folder["lake"];
        var months = Directory.GetDirectories(Path.Combine(whole, LakeLayout.Transformed, "listening_history")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var blocked = Path.Combine(lake, LakeLayout.Transformed, "listening_history", months[new Random(seed).Next(months.Count)]!);
        Directory.CreateDirectory(Path.GetDirectoryName(blocked)!);
        File.WriteAllText(blocked, "in the way");

        var stopped = DemoCommandTests.RunCli("import", export, "--lake", lake);

        Assert.True(stopped.ExitCode == 74, stopped.Errors);
        var todo = $"Import the export again: 'spotify-etl import <the export's zip or folder> --lake {lake}'. The copies the lake keeps of it hold only the files that landed before it stopped ('spotify-etl import {Path.Combine(lake, "raw", "spotify_export")} --lake {lake}' imports those).";
        File.Delete(blocked);
        var query = DemoCommandTests.RunCli("query", "--lake", lake, "--json");
        Assert.True(query.ExitCode == 0, query.Errors);
        Assert.NotEqual(DemoCommandTests.RunCli("query", "--lake", whole, "--json").Output, query.Output);
        var report = DemoCommandTests.RunCli("report", "--lake", lake, "--out", folder["report.html"]);
        var current = DemoCommandTests.RunCli("current", "--lake", lake);
        Assert.All(new[] { query, report, current }, run =>
        {
            Assert.Contains("the last import into this lake did not finish (begun ", run.Errors, StringComparison.Ordinal);
            Assert.Contains(todo, run.Errors, StringComparison.Ordinal);
        });

        // An import of nothing (a file of no history) rebuilds no table, so the history is still the unfinished one.
        File.WriteAllText(folder["Userdata.json"], "{\"username\": \"ana\"}");
        Assert.Equal(65, DemoCommandTests.RunCli("import", folder["Userdata.json"], "--lake", lake).ExitCode);
        Assert.Contains("the last import into this lake did not finish", DemoCommandTests.RunCli("query", "--lake", lake).Errors, StringComparison.Ordinal);

        var finished = DemoCommandTests.RunCli("import", Path.Combine(lake, "raw", "spotify_export"), "--lake", lake);

        Assert.True(finished.ExitCode is 0 or 3, finished.Errors);
        var answered = DemoCommandTests.RunCli("query", "--lake", lake, "--json");
        Assert.DoesNotContain("did not finish", answered.Errors, StringComparison.Ordinal);
        Assert.Equal(DemoCommandTests.RunCli("query", "--lake", whole, "--json").Output, answered.Output);
        Assert.False(File.Exists(Path.Combine(lake, LakeLayout.State, "unfinished-import.txt")));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_first_import_that_stopped_before_its_table_is_named_by_query_report_and_transform_not_taken_for_an_export_without_streams(int seed)
    {
        using var folder = new Support.TempFolder();
        var export = Directory.CreateDirectory(folder["export"]).FullName;
        foreach (var (name, zip) in SampleExport.Write(new SampleExportOptions(80 + (seed * 30), seed)).Zips)
        {
            File.WriteAllBytes(Path.Combine(export, name), zip);
        }
        var lake = folder["lake"];
        // The table's folder is a file: the export's files land, and no month of the table is written.
        var blocked = Path.Combine(lake, LakeLayout.Transformed, "listening_history");
        Directory.CreateDirectory(Path.GetDirectoryName(blocked)!);
        File.WriteAllText(blocked, "in the way");
        Assert.Equal(74, DemoCommandTests.RunCli("import", export, "--lake", lake).ExitCode);
        File.Delete(blocked);
        var todo = $"'spotify-etl import {Path.Combine(lake, "raw", "spotify_export")} --lake {lake}'";

        var query = DemoCommandTests.RunCli("query", "--lake", lake);
        var report = DemoCommandTests.RunCli("report", "--lake", lake, "--out", folder["report.html"]);
        var current = DemoCommandTests.RunCli("current", "--lake", lake);
        var transform = DemoCommandTests.RunCli("transform", "--lake", lake);

        Assert.All(new[] { query, report }, run =>
        {
            Assert.True(run.ExitCode == 66, $"{run.ExitCode}: {run.Errors}");
            Assert.Contains("the last import into this lake did not finish (begun ", run.Errors, StringComparison.Ordinal);
            Assert.Contains(todo, run.Errors, StringComparison.Ordinal);
            Assert.DoesNotContain("no stream in it", run.Errors, StringComparison.Ordinal);
        });
        // current reads no history: an import is no way to what it needs.
        Assert.True(current.ExitCode == 66, current.Errors);
        Assert.Contains("run 'spotify-etl extract', then 'spotify-etl transform", current.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("import", current.Errors, StringComparison.Ordinal);
        Assert.True(transform.ExitCode == 65, transform.Errors);
        Assert.Contains("did not finish", transform.Errors, StringComparison.Ordinal);
        Assert.Contains(todo, transform.Errors, StringComparison.Ordinal);

        Assert.Contains(DemoCommandTests.RunCli("import", Path.Combine(lake, "raw", "spotify_export"), "--lake", lake).ExitCode, new[] { 0, 3 });
        var answered = DemoCommandTests.RunCli("query", "--lake", lake, "--json");
        Assert.True(answered.ExitCode == 0, answered.Errors);
        Assert.DoesNotContain("did not finish", answered.Errors, StringComparison.Ordinal);
    }

    /// <summary>
    /// A lake of API responses whose first import stopped, while it landed the export's files (none landed) or after (no
    /// month written): a transform brings the API's plays into a history that lacks the export's months, and says so.
    /// </summary>
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    [InlineData(4, true)]
    public void A_transform_after_an_import_that_stopped_names_it_and_exits_3_until_an_import_finishes(int seed, bool landedBeforeItStopped)
    {
        using var folder = new Support.TempFolder();
        var export = Directory.CreateDirectory(folder["export"]).FullName;
        foreach (var (name, zip) in SampleExport.Write(new SampleExportOptions(60 + (seed * 30), seed)).Zips)
        {
            File.WriteAllBytes(Path.Combine(export, name), zip);
        }
        var lake = folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "2", "--items", "40", "--seed", $"{seed}").ExitCode);
        var blocked = landedBeforeItStopped
            ? Path.Combine(lake, LakeLayout.Transformed, "listening_history")
            : Path.Combine(lake, ExportRawKey.Prefix.TrimEnd('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(blocked)!);
        File.WriteAllText(blocked, "in the way");
        Assert.Equal(74, DemoCommandTests.RunCli("import", export, "--lake", lake).ExitCode);
        File.Delete(blocked);

        var stopped = DemoCommandTests.RunCli("transform", "--lake", lake, "--json");

        Assert.True(stopped.ExitCode == 3, $"{stopped.ExitCode}: {stopped.Errors}");
        Assert.Contains("the last import into this lake did not finish (begun ", stopped.Errors, StringComparison.Ordinal);
        Assert.Contains($"Import the export again: 'spotify-etl import <the export's zip or folder> --lake {lake}'.", stopped.Errors, StringComparison.Ordinal);
        using (var json = System.Text.Json.JsonDocument.Parse(stopped.Output))
        {
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", json.RootElement.GetProperty("unfinished_import").GetString());
            Assert.Equal(3, json.RootElement.GetProperty("exit_code").GetInt32());
        }

        Assert.Contains(DemoCommandTests.RunCli("import", export, "--lake", lake).ExitCode, new[] { 0, 3 });
        var finished = DemoCommandTests.RunCli("transform", "--lake", lake, "--json");

        Assert.True(finished.ExitCode == 0, $"{finished.ExitCode}: {finished.Errors}");
        Assert.DoesNotContain("did not finish", finished.Errors, StringComparison.Ordinal);
        using var after = System.Text.Json.JsonDocument.Parse(finished.Output);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, after.RootElement.GetProperty("unfinished_import").ValueKind);
    }

    [Theory]
    [InlineData("unfinished-import.txt")]
    [InlineData("unfinished-transform.txt")]
    public void A_folder_where_the_lake_keeps_its_mark_of_an_unfinished_run_is_named_as_a_folder_not_as_a_permission(string mark)
    {
        using var folder = new Support.TempFolder();
        var lake = folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "1", "--items", "60").ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        Directory.CreateDirectory(Path.Combine(lake, LakeLayout.State, mark));

        // Each of them reads both marks, a transform before it writes anything.
        var runs = new[] { DemoCommandTests.RunCli("query", "--lake", lake), DemoCommandTests.RunCli("current", "--lake", lake), DemoCommandTests.RunCli("transform", "--lake", lake) };
        foreach (var run in runs)
        {
            Assert.True(run.ExitCode == 74, $"{run.ExitCode}: {run.Errors}");
            Assert.Contains($"{Path.Combine(lake, LakeLayout.State, mark)} is a folder where the lake keeps a file", run.Errors, StringComparison.Ordinal);
            Assert.DoesNotContain("Give this user access", run.Errors, StringComparison.Ordinal);
        }
    }

    /// <summary>Inputs an import lands nothing from: a file of no history, a folder of such files, a zip cut short.</summary>
    private static string NothingToImport(Support.TempFolder folder, int kind, int seed)
    {
        var at = folder[$"nothing-{kind}-{seed}"];
        Directory.CreateDirectory(at);
        switch (kind)
        {
            case 0:
                File.WriteAllText(Path.Combine(at, "Userdata.json"), "{\"username\": \"ana\"}");
                return Path.Combine(at, "Userdata.json");
            case 1:
                File.WriteAllText(Path.Combine(at, "Userdata.json"), "{\"username\": \"ana\"}");
                File.WriteAllText(Path.Combine(at, "Playlist1.json"), "{\"playlists\": []}");
                return at;
            default:
                var (name, zip) = SampleExport.Write(new SampleExportOptions(60 + seed, seed)).Zips[0];
                var cut = Path.Combine(at, name);
                File.WriteAllBytes(cut, zip[..(zip.Length * (1 + (seed % 3)) / 4)]);
                return cut;
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void An_import_that_lands_nothing_leaves_the_lake_as_whole_or_as_unfinished_as_it_found_it(int seed)
    {
        using var folder = new Support.TempFolder();
        var export = Directory.CreateDirectory(folder["export"]).FullName;
        foreach (var (name, zip) in SampleExport.Write(new SampleExportOptions(100 + (seed * 30), seed)).Zips)
        {
            File.WriteAllBytes(Path.Combine(export, name), zip);
        }
        var whole = folder["whole"];
        Assert.Contains(DemoCommandTests.RunCli("import", export, "--lake", whole).ExitCode, new[] { 0, 3 });
        var answers = DemoCommandTests.RunCli("query", "--lake", whole, "--json").Output;
        var mark = Path.Combine(whole, LakeLayout.State, "unfinished-import.txt");
        for (var kind = 0; kind < 3; kind++)
        {
            // On a lake whose imports all finished: no mark, and the answers unchanged.
            var nothing = DemoCommandTests.RunCli("import", NothingToImport(folder, kind, seed), "--lake", whole);
            Assert.True(nothing.ExitCode == 65, $"{kind}: {nothing.ExitCode} {nothing.Errors}");
            Assert.False(File.Exists(mark), $"an import of nothing ({kind}) left the mark of an unfinished import");
            var query = DemoCommandTests.RunCli("query", "--lake", whole, "--json");
            Assert.DoesNotContain("did not finish", query.Errors, StringComparison.Ordinal);
            Assert.Equal(answers, query.Output);
        }

        // On a lake whose last import did not finish: the mark stays, with the time that import began.
        var began = "2026-01-02T03:04:05Z\n";
        File.WriteAllText(mark, began);
        var again = DemoCommandTests.RunCli("import", NothingToImport(folder, seed % 3, seed + 10), "--lake", whole);
        Assert.Equal(65, again.ExitCode);
        Assert.Equal(began, File.ReadAllText(mark));
        Assert.Contains("did not finish (begun 2026-01-02 03:04 UTC)", DemoCommandTests.RunCli("query", "--lake", whole).Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void An_import_stopped_before_it_landed_a_file_is_not_told_to_import_copies_the_lake_does_not_keep()
    {
        using var folder = new Support.TempFolder();
        var lake = folder["lake"];
        Directory.CreateDirectory(Path.Combine(lake, LakeLayout.State));
        SpotifyEtl.Cli.Shell.UnfinishedImport.Begin(lake, new DateTimeOffset(2026, 1, 2, 3, 4, 0, TimeSpan.Zero));

        var warning = SpotifyEtl.Cli.Shell.UnfinishedImport.Warning(lake);

        Assert.NotNull(warning);
        Assert.EndsWith($"Import the export again: 'spotify-etl import <the export's zip or folder> --lake {lake}'.", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("spotify_export", warning, StringComparison.Ordinal);
    }
}
