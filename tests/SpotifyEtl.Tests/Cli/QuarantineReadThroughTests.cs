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

    private const string PlaysOf20 = "recently_played/snapshot_date=2026-11-20/me/20261120T060000Z-p0001.json";
    private const string PlaysOf19 = "recently_played/snapshot_date=2026-11-19/me/20261119T060000Z-p0001.json";
    private const string SavedOf20 = "saved_tracks/snapshot_date=2026-11-20/recent/20261120T060000Z-p0001.json";

    /// <summary>A two-day sample lake whose <paramref name="pages"/> (keys under raw/) a transform set aside broken; returns their good bytes.</summary>
    private (string Lake, Dictionary<string, byte[]> Good) LakeWithPagesSetAside(string name, params string[] pages)
    {
        var lake = _folder[name];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "2").ExitCode);
        var good = new Dictionary<string, byte[]>();
        foreach (var page in pages)
        {
            good[page] = File.ReadAllBytes(Raw(lake, page));
            File.WriteAllText(Raw(lake, page), "{\"items\": [");
        }
        var first = DemoCommandTests.RunCli("transform", "--lake", lake);
        Assert.True(first.ExitCode == 3, first.Errors);
        Assert.All(pages, page => Assert.True(SetAside(lake, page), $"{page} was not set aside"));
        return (lake, good);
    }

    private static string Raw(string lake, string page) => Path.Combine(lake, "raw", page);

    /// <summary>Whether the page's copy and its reason are in quarantine/.</summary>
    private static bool SetAside(string lake, string page) =>
        File.Exists(Path.Combine(lake, "quarantine", page)) && File.Exists(Path.Combine(lake, "quarantine", page) + ".reason.txt");

    /// <summary>Transforms again the day of <paramref name="page"/>, as the warning advises once it is mended: with --input.</summary>
    private static (int ExitCode, string Output, string Errors) TransformDayOf(string lake, string page) =>
        DemoCommandTests.RunCli("transform", "--lake", lake, "--input", Path.GetDirectoryName(Path.GetDirectoryName(Raw(lake, page)))!);

    [Fact]
    public void A_quarantined_object_mended_and_transformed_again_leaves_quarantine_and_the_report_counts_only_what_is_still_bad()
    {
        var (lake, good) = LakeWithPagesSetAside("lake", PlaysOf20, PlaysOf19);
        Assert.Equal(2, QuarantinedInReport(lake));

        // The user mends one page (extracted again) and transforms that day again, as the warning says.
        File.WriteAllBytes(Raw(lake, PlaysOf20), good[PlaysOf20]);
        var again = TransformDayOf(lake, PlaysOf20);

        Assert.True(again.ExitCode == 0, again.Errors);
        Assert.False(File.Exists(Path.Combine(lake, "quarantine", PlaysOf20)), "the copy of a page the transform read through is still in quarantine/");
        Assert.False(File.Exists(Path.Combine(lake, "quarantine", PlaysOf20) + ".reason.txt"), "the reason of a page the transform read through is still in quarantine/");
        Assert.True(SetAside(lake, PlaysOf19), "a day the run did not transform lost its quarantined copy");
        Assert.Equal(good[PlaysOf20], File.ReadAllBytes(Raw(lake, PlaysOf20)));
        Assert.Equal(1, QuarantinedInReport(lake));

        // Transformed again, still bad: it stays set aside.
        var whole = DemoCommandTests.RunCli("transform", "--lake", lake);
        Assert.True(whole.ExitCode == 3, whole.Errors);
        Assert.True(SetAside(lake, PlaysOf19));
        Assert.Equal(1, QuarantinedInReport(lake));
    }

    [Fact]
    public void A_quarantined_object_its_owner_removed_from_raw_leaves_quarantine_at_the_next_transform_of_its_day()
    {
        var (lake, _) = LakeWithPagesSetAside("removed", PlaysOf20, PlaysOf19);

        // The page cannot be mended (nothing has it whole): its owner removes it, and transforms again.
        File.Delete(Raw(lake, PlaysOf20));
        var again = DemoCommandTests.RunCli("transform", "--lake", lake);

        Assert.True(again.ExitCode == 3, again.Errors); // the other day's page is still bad
        Assert.False(File.Exists(Path.Combine(lake, "quarantine", PlaysOf20)), "the copy of a page gone from raw/ is still in quarantine/");
        Assert.False(File.Exists(Path.Combine(lake, "quarantine", PlaysOf20) + ".reason.txt"), "its reason is still in quarantine/");
        Assert.True(SetAside(lake, PlaysOf19), "a page still bad lost its quarantined copy");
        Assert.Equal(1, QuarantinedInReport(lake));
        var query = DemoCommandTests.RunCli("query", "--lake", lake);
        Assert.Contains("1 raw object(s) of this lake are set aside", query.Errors, StringComparison.Ordinal);

        // A day whose only raw object was set aside, then removed: no transform reads that day again, and its copy goes all the same.
        const string Lone = "recently_played/snapshot_date=2026-10-01/me/20261001T060000Z-p0001.json";
        Directory.CreateDirectory(Path.GetDirectoryName(Raw(lake, Lone))!);
        File.WriteAllText(Raw(lake, Lone), "{\"items\": [");
        Assert.Equal(3, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        Assert.True(SetAside(lake, Lone));
        File.Delete(Raw(lake, Lone));
        Assert.Equal(3, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        Assert.False(File.Exists(Path.Combine(lake, "quarantine", Lone)), "the copy of a lone page gone from raw/ is still in quarantine/");
        Assert.True(SetAside(lake, PlaysOf19));
    }

    [Fact]
    public void A_page_still_bad_on_the_day_transformed_again_keeps_its_copy_while_the_mended_one_leaves()
    {
        var (lake, good) = LakeWithPagesSetAside("same-day", PlaysOf20, SavedOf20);
        File.WriteAllBytes(Raw(lake, PlaysOf20), good[PlaysOf20]);

        var again = TransformDayOf(lake, PlaysOf20);

        Assert.True(again.ExitCode == 3, again.Errors);
        Assert.False(File.Exists(Path.Combine(lake, "quarantine", PlaysOf20)));
        Assert.True(SetAside(lake, SavedOf20), "a page set aside again on the day transformed lost its copy");
        Assert.Equal(1, QuarantinedInReport(lake));
    }

    [Fact]
    public void Landing_only_a_misnamed_file_of_a_day_leaves_that_days_quarantined_copies_alone()
    {
        var (lake, _) = LakeWithPagesSetAside("misnamed", PlaysOf20);
        var input = Path.Combine(_folder["input"], "raw", "recently_played", "snapshot_date=2026-11-20");
        Directory.CreateDirectory(input);
        File.WriteAllText(Path.Combine(input, "notes.json"), "{}");

        var run = DemoCommandTests.RunCli("transform", "--lake", lake, "--input", _folder["input"]);

        Assert.DoesNotContain("   at ", run.Errors, StringComparison.Ordinal);
        Assert.True(SetAside(lake, PlaysOf20), $"exit {run.ExitCode}: the copy of a page no run read again left quarantine/");
    }

    /// <summary>
    /// Objects set aside for their names (an extension of other case, a source no lake has, a copy one folder too deep, a
    /// name that is no page's): once renamed as their reasons say, or removed, their copies leave quarantine/ at the next
    /// transform, and query warns of them no more; one still misnamed keeps its copy, and a file there that is no copy (no
    /// reason beside it) is left as it is.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_misnamed_object_renamed_or_removed_leaves_quarantine_and_one_still_misnamed_stays(int seed)
    {
        var random = new Random(seed);
        var lake = _folder[$"names{seed}"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "2").ExitCode);
        var page = Raw(lake, PlaysOf20);
        var misnamed = new[]
        {
            Path.ChangeExtension(page, random.Next(2) == 0 ? ".JSON" : ".Json"),
            Path.Combine(lake, "raw", "podcasts", "snapshot_date=2026-11-20", "me", "20261120T060000Z-p0001.json"),
            Path.Combine(lake, "raw", "raw", PlaysOf19),
            Path.Combine(Path.GetDirectoryName(page)!, "page one.json"),
        }.OrderBy(_ => random.Next()).ToList();
        foreach (var name in misnamed)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(name)!);
            File.Copy(page, name);
        }
        var notes = Path.Combine(lake, "quarantine", "notes.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(notes)!);
        File.WriteAllText(notes, "what I found\n");
        Assert.Equal(3, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        string CopyOf(string name) => Path.Combine(lake, "quarantine", Path.GetRelativePath(Path.Combine(lake, "raw"), name));
        Assert.All(misnamed, name => Assert.True(File.Exists(CopyOf(name)) && File.Exists(CopyOf(name) + ".reason.txt"), $"{name} was not set aside"));

        // All but one gone from raw/ (each a copy of a page its right name already holds, so renaming it is removing it);
        // the last one stays as it is.
        foreach (var name in misnamed.SkipLast(1))
        {
            File.Delete(name);
        }
        var again = DemoCommandTests.RunCli("transform", "--lake", lake);

        Assert.True(again.ExitCode == 3, again.Errors);
        Assert.All(misnamed.SkipLast(1), name => Assert.False(File.Exists(CopyOf(name)) || File.Exists(CopyOf(name) + ".reason.txt"), $"{name} is still in quarantine/"));
        Assert.True(File.Exists(CopyOf(misnamed[^1])) && File.Exists(CopyOf(misnamed[^1]) + ".reason.txt"), "a copy of an object still misnamed left quarantine/");
        Assert.Equal("what I found\n", File.ReadAllText(notes));
        File.Delete(misnamed[^1]);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        Assert.DoesNotContain("set aside under quarantine/", DemoCommandTests.RunCli("query", "--lake", lake).Errors, StringComparison.Ordinal);
        Assert.False(File.Exists(CopyOf(misnamed[^1])));
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
