using System.Globalization;
using System.Text.Json;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Report;

/// <summary>
/// A data export requested long before the extraction began, imported into a lake of the API's plays: the history's latest
/// year may hold only those plays, and its ranking names the days it holds, not the days of the year nothing is known of.
/// </summary>
public sealed class ReportHistoryGapTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void The_historys_latest_year_held_only_after_days_nothing_is_known_of_is_named_from_its_first_day_held(int seed)
    {
        var random = new Random(seed);
        var lake = _folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", $"{random.Next(3, 40)}", "--items", "10", "--seed", $"{seed}").ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        var plays = Directory.GetFiles(Path.Combine(lake, "raw", "recently_played"), "*.json", SearchOption.AllDirectories)
            .SelectMany(file => JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("items").EnumerateArray())
            .Select(item => DateOnly.FromDateTime(item.GetProperty("played_at").GetDateTime().ToUniversalTime())).ToList();
        var (firstPlay, latest) = (plays.Min(), new DateOnly(2026, 11, 20));
        // The export ends years before the plays, or earlier in their year: the days between are unknown either way.
        var exportEnds = seed % 2 == 1 ? new DateOnly(2021 + random.Next(0, 4), 1, 1).AddDays(random.Next(0, 360)) : new DateOnly(2026, 1, 1).AddDays(random.Next(20, 200));
        var export = Directory.CreateDirectory(_folder["export"]).FullName;
        foreach (var (name, zip) in SampleExport.Write(new SampleExportOptions(200, seed, exportEnds)).Zips)
        {
            File.WriteAllBytes(Path.Combine(export, name), zip);
        }
        Assert.Contains(DemoCommandTests.RunCli("import", export, "--lake", lake).ExitCode, new[] { 0, 3 });

        var report = DemoCommandTests.RunCli("report", "--lake", lake, "--out", _folder["report.html"]);

        Assert.True(report.ExitCode == 0, report.Errors);
        var html = File.ReadAllText(_folder["report.html"]);
        var start = html.IndexOf("<section id=\"history-top-artists\"", StringComparison.Ordinal);
        var section = html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)];
        // Its first day held: the first play, where nothing is known from before the year began; else the year's own first day.
        var from = exportEnds.Year < 2026 ? firstPlay : new DateOnly(2026, 1, 1);
        var days = $"{from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} to {latest.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";
        Assert.True(section.Contains($"Plays in 2026, {days} (plays)", StringComparison.Ordinal), $"export to {exportEnds}, plays from {firstPlay}: {section[..Math.Min(section.Length, 3000)]}");
        Assert.Contains($"Only part of 2026: the history holds it from {from:yyyy-MM-dd}", section, StringComparison.Ordinal);
    }
}
