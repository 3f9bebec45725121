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
        var todo = $"Import the export again, or the copies the lake keeps of it: 'spotify-etl import {Path.Combine(lake, "raw", "spotify_export")} --lake {lake}'.";
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
}
