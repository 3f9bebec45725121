using System.Security.Cryptography;
using System.Text.Json;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>The heap's page size, chosen for the machine or forced by SPOTIFY_ETL_HUGE_PAGES, in the tool's own process.</summary>
public sealed class HeapPageSizeTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Transform_reports_the_page_size_it_chose_or_was_told_and_writes_the_same_tables_either_way()
    {
        var sample = _folder["sample"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", sample, "--days", "2", "--items", "150").ExitCode);
        var linux = OperatingSystem.IsLinux();

        var chosen = Transform(sample, "", "chosen"); // empty: chosen for the machine, whatever the tests were given
        var on = Transform(sample, "on", "on");
        var off = Transform(sample, "OFF", "off");

        if (!HugePages.HostTakesFreedMemory())
        {
            Assert.Equal(linux, chosen.HugePages);
        }
        // Otherwise the choice follows what a 4 KB fault cost the tool's own process when it looked: either size.
        Assert.Equal(linux, on.HugePages);
        Assert.False(off.HugePages);
        Assert.Equal(chosen.Files, on.Files);
        Assert.Equal(chosen.Files, off.Files);
    }

    private (bool HugePages, Dictionary<string, string> Files) Transform(string sample, string setting, string name)
    {
        var lake = _folder[name];
        var environment = new Dictionary<string, string> { [HugePages.Variable] = setting };
        var run = DemoCommandTests.RunCli(environment, "transform", "--input", Path.Combine(sample, "raw"), "--lake", lake, "--json");
        Assert.True(run.ExitCode == 0, run.Errors);
        using var summary = JsonDocument.Parse(run.Output);
        var files = Directory.EnumerateFiles(Path.Combine(lake, "transformed"), "*", SearchOption.AllDirectories)
            .ToDictionary(path => Path.GetRelativePath(lake, path), path => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))));
        Assert.NotEmpty(files);
        return (summary.RootElement.GetProperty("heap_huge_pages").GetBoolean(), files);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_setting_other_than_on_or_off_is_a_usage_error_naming_the_values_it_takes_before_anything_is_written(int seed)
    {
        var random = new Random(seed);
        string[] settings = ["bogus", "yes", "1", "true", "on off", "onn", "of", "huge", "madvise", "2M"];
        var setting = settings[random.Next(settings.Length)];
        setting = random.Next(2) == 0 ? setting.ToUpperInvariant() : setting;
        var lake = _folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "1", "--items", "5", "--seed", $"{seed}").ExitCode);
        var before = Directory.EnumerateFileSystemEntries(lake, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

        var run = DemoCommandTests.RunCli(new Dictionary<string, string> { [HugePages.Variable] = setting }, "transform", "--lake", lake);

        Assert.True(run.ExitCode == 64, $"{setting}: exit {run.ExitCode}: {run.Errors}");
        Assert.Contains($"{HugePages.Variable}='{setting}' is neither on nor off", run.Errors, StringComparison.Ordinal);
        Assert.Equal(before, Directory.EnumerateFileSystemEntries(lake, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList());
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    public void A_demo_given_a_setting_other_than_on_or_off_refuses_it_before_writing_its_sample(int seed)
    {
        string[] settings = ["bogus", "yes", "1", "madvise"];
        var setting = settings[new Random(seed).Next(settings.Length)];

        var run = DemoCommandTests.RunCli(new Dictionary<string, string> { [HugePages.Variable] = setting }, "demo", "--lake", _folder["demo"], "--days", "1", "--items", "5");

        Assert.True(run.ExitCode == 64, $"{setting}: exit {run.ExitCode}: {run.Errors}");
        Assert.Contains($"{HugePages.Variable}='{setting}' is neither on nor off", run.Errors, StringComparison.Ordinal);
        Assert.Empty(run.Output);
        Assert.False(Directory.Exists(_folder["demo/raw"]));
    }

    [Theory]
    [InlineData("on")]
    [InlineData(" Off ")]
    [InlineData("ON")]
    [InlineData("")]
    [InlineData(null)]
    public void On_off_in_any_case_and_unset_are_accepted(string? setting) =>
        SpotifyEtl.Cli.Commands.TransformCommand.HugePagesSetting(setting);
}
