using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// The demo's report takes the answers its query step printed, asked on the same database, instead of asking DuckDB again:
/// the page is the one <c>spotify-etl report</c> writes of the lake the demo leaves, byte for byte.
/// </summary>
public sealed class DemoReportTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_demos_report_is_the_report_of_its_lake(int seed)
    {
        var random = new Random(seed);
        var lake = _folder["lake"];
        var demo = DemoCommandTests.RunCli("demo", "--lake", lake, "--days", $"{random.Next(1, 5)}", "--items", $"{random.Next(3, 60)}",
            "--seed", $"{random.Next(1, 1000)}", "--format", random.Next(2) == 0 ? "csv" : "parquet");
        Assert.True(demo.ExitCode == 0, demo.Output + demo.Errors);
        var page = _folder["report.html"];

        var report = DemoCommandTests.RunCli("report", "--lake", lake, "--out", page);

        Assert.True(report.ExitCode == 0, report.Output + report.Errors);
        var demoPage = File.ReadAllBytes(Path.Combine(lake, "report.html"));
        Assert.True(demoPage.AsSpan().SequenceEqual(File.ReadAllBytes(page)), "the demo's report differs from the report of its lake");
        // Every section drawn: a page whose sections all said "no answer" would be equal too.
        Assert.DoesNotContain("This build of spotify-etl has no named query", System.Text.Encoding.UTF8.GetString(demoPage), StringComparison.Ordinal);
    }
}
