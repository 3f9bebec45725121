using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// The import's summary accounts for every API play it read: kept, on more than one page, or held by the export. The API's
/// recently-played pages overlap (each run asks for the last 50 plays), so plays on two pages are the common case, and the
/// summary's lines must add up to the plays read, as --json's do.
/// </summary>
public sealed partial class ImportApiPlaysSummaryTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(5, 1)]
    [InlineData(9, 3)]
    public void The_api_plays_read_are_those_kept_those_on_more_than_one_page_and_those_the_export_holds(int seed, int repeatedPages)
    {
        var lake = _folder["lake"];
        var demo = DemoCommandTests.RunCli("demo", "--lake", lake, "--days", "5", "--items", "20", "--seed", seed.ToString(CultureInfo.InvariantCulture));
        Assert.True(demo.ExitCode == 0, demo.Errors);
        // Pages of earlier days landed again as later runs of the last day: the same plays on a second page.
        var pages = Directory.EnumerateFiles(Path.Combine(lake, "raw", "recently_played"), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var last = Path.GetDirectoryName(pages[^1])!;
        var day = Path.GetFileName(Path.GetDirectoryName(last)!)["snapshot_date=".Length..].Replace("-", "", StringComparison.Ordinal);
        for (var i = 0; i < repeatedPages; i++)
        {
            File.Copy(pages[i], Path.Combine(last, $"{day}T{10 + i:D2}0000Z-p0001.json"));
        }
        var zips = Directory.EnumerateFiles(Path.Combine(lake, "import"), "*.zip").Order(StringComparer.Ordinal).ToArray();

        var json = DemoCommandTests.RunCli(["import", .. zips, "--lake", lake, "--json"]);
        var text = DemoCommandTests.RunCli(["import", .. zips, "--lake", lake]);

        Assert.True(json.ExitCode is 0 or 3, json.Errors);
        using var report = JsonDocument.Parse(json.Output);
        var api = report.RootElement.GetProperty("api_plays");
        var (read, kept, duplicates, covered) = (api.GetProperty("rows_read").GetInt32(), api.GetProperty("rows_kept").GetInt32(),
            api.GetProperty("duplicates").GetInt32(), api.GetProperty("covered").GetInt32());
        Assert.Equal(read, kept + duplicates + covered);
        Assert.True(duplicates > 0, "the pages landed again repeat their plays");
        var printed = Line().Matches(text.Output).ToDictionary(m => m.Groups["what"].Value.TrimEnd(), m => int.Parse(m.Groups["count"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture));
        Assert.Equal(read, printed["API plays read (recently played)"]);
        Assert.Equal(read, printed["API plays kept (not in the export, or kept in place of an account-data row)"]
            + printed["API plays on more than one page (counted once)"] + printed["API plays the export holds (counted once)"]);
        Assert.Equal(duplicates, printed["API plays on more than one page (counted once)"]);
    }

    [GeneratedRegex(@"│ (?<what>API plays[^│]*?) +│ +(?<count>[0-9,]+) │")]
    private static partial Regex Line();
}
