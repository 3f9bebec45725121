using System.Text.RegularExpressions;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A raw object set aside, then mended and transformed again: the local lake's quarantine/ and the report's count
/// hold only what is still set aside, and what is still bad stays there.
/// </summary>
public sealed partial class QuarantineReadThroughTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_quarantined_object_mended_and_transformed_again_leaves_quarantine_and_the_report_counts_only_what_is_still_bad()
    {
        var lake = _folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "2").ExitCode);
        var mended = Path.Combine(lake, "raw", "recently_played", "snapshot_date=2026-11-20", "me", "20261120T060000Z-p0001.json");
        var stillBad = Path.Combine(lake, "raw", "recently_played", "snapshot_date=2026-11-19", "me", "20261119T060000Z-p0001.json");
        var good = File.ReadAllBytes(mended);
        File.WriteAllText(mended, "{\"items\": [");
        File.WriteAllText(stillBad, "{\"items\": [");
        var first = DemoCommandTests.RunCli("transform", "--lake", lake);
        Assert.True(first.ExitCode == 3, first.Errors);
        var mendedCopy = Path.Combine(lake, "quarantine", "recently_played", "snapshot_date=2026-11-20", "me", "20261120T060000Z-p0001.json");
        var stillBadCopy = Path.Combine(lake, "quarantine", "recently_played", "snapshot_date=2026-11-19", "me", "20261119T060000Z-p0001.json");
        Assert.True(File.Exists(mendedCopy) && File.Exists(stillBadCopy));
        Assert.Equal(2, QuarantinedInReport(lake));

        // The user mends one page (extracted again) and transforms that day again, as the warning says.
        File.WriteAllBytes(mended, good);
        var again = DemoCommandTests.RunCli("transform", "--lake", lake, "--input", Path.Combine(lake, "raw", "recently_played", "snapshot_date=2026-11-20"));

        Assert.True(again.ExitCode == 0, again.Errors);
        Assert.False(File.Exists(mendedCopy), "the copy of a page the transform read through is still in quarantine/");
        Assert.False(File.Exists(mendedCopy + ".reason.txt"), "the reason of a page the transform read through is still in quarantine/");
        Assert.True(File.Exists(stillBadCopy) && File.Exists(stillBadCopy + ".reason.txt"), "a day the run did not transform lost its quarantined copy");
        Assert.Equal(good, File.ReadAllBytes(mended));
        Assert.Equal(1, QuarantinedInReport(lake));

        // Transformed again, still bad: it stays set aside.
        var whole = DemoCommandTests.RunCli("transform", "--lake", lake);
        Assert.True(whole.ExitCode == 3, whole.Errors);
        Assert.True(File.Exists(stillBadCopy) && File.Exists(stillBadCopy + ".reason.txt"));
        Assert.Equal(1, QuarantinedInReport(lake));
    }

    [Fact]
    public void A_page_still_bad_on_the_day_transformed_again_keeps_its_copy_while_the_mended_one_leaves()
    {
        var lake = _folder["same-day"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "2").ExitCode);
        var mended = Path.Combine(lake, "raw", "recently_played", "snapshot_date=2026-11-20", "me", "20261120T060000Z-p0001.json");
        var stillBad = Path.Combine(lake, "raw", "saved_tracks", "snapshot_date=2026-11-20", "recent", "20261120T060000Z-p0001.json");
        var good = File.ReadAllBytes(mended);
        File.WriteAllText(mended, "{\"items\": [");
        File.WriteAllText(stillBad, "{\"items\": [");
        Assert.Equal(3, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        File.WriteAllBytes(mended, good);

        var again = DemoCommandTests.RunCli("transform", "--lake", lake, "--input", Path.Combine(lake, "raw", "recently_played", "snapshot_date=2026-11-20"));

        Assert.True(again.ExitCode == 3, again.Errors);
        var quarantine = Path.Combine(lake, "quarantine");
        Assert.False(File.Exists(Path.Combine(quarantine, Path.GetRelativePath(Path.Combine(lake, "raw"), mended))));
        var stillBadCopy = Path.Combine(quarantine, Path.GetRelativePath(Path.Combine(lake, "raw"), stillBad));
        Assert.True(File.Exists(stillBadCopy) && File.Exists(stillBadCopy + ".reason.txt"), "a page set aside again on the day transformed lost its copy");
        Assert.Equal(1, QuarantinedInReport(lake));
    }

    [Fact]
    public void Landing_only_a_misnamed_file_of_a_day_leaves_that_days_quarantined_copies_alone()
    {
        var lake = _folder["misnamed"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "2").ExitCode);
        var bad = Path.Combine(lake, "raw", "recently_played", "snapshot_date=2026-11-20", "me", "20261120T060000Z-p0001.json");
        File.WriteAllText(bad, "{\"items\": [");
        Assert.Equal(3, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        var input = Path.Combine(_folder["input"], "raw", "recently_played", "snapshot_date=2026-11-20");
        Directory.CreateDirectory(input);
        File.WriteAllText(Path.Combine(input, "notes.json"), "{}");

        var run = DemoCommandTests.RunCli("transform", "--lake", lake, "--input", _folder["input"]);

        Assert.DoesNotContain("   at ", run.Errors, StringComparison.Ordinal);
        var copy = Path.Combine(lake, "quarantine", "recently_played", "snapshot_date=2026-11-20", "me", "20261120T060000Z-p0001.json");
        Assert.True(File.Exists(copy) && File.Exists(copy + ".reason.txt"), $"exit {run.ExitCode}: the copy of a page no run read again left quarantine/");
    }

    private int QuarantinedInReport(string lake)
    {
        var page = _folder[$"report-{Guid.NewGuid():N}.html"];
        var run = DemoCommandTests.RunCli("report", "--lake", lake, "--out", page);
        Assert.True(run.ExitCode == 0, run.Errors);
        return int.Parse(QuarantinedMetric().Match(File.ReadAllText(page)).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("data-metric=\"quarantined\">([0-9]+)<")]
    private static partial Regex QuarantinedMetric();
}
