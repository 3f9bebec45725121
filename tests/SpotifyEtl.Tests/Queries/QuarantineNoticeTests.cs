using SpotifyEtl.Tests.Cli;
using Xunit;

namespace SpotifyEtl.Tests.Queries;

/// <summary>
/// Raw objects set aside in quarantine are missing from every answer (a playlist with a page set aside counts only its other
/// pages' entries, and playlist_changes then shows drop-outs that did not happen): query says how many, until they are mended.
/// </summary>
public sealed class QuarantineNoticeTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Query_says_how_many_raw_objects_are_set_aside_until_a_transform_reads_them_through(int seed)
    {
        var random = new Random(seed);
        using var folder = new Support.TempFolder();
        var lake = folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "2", "--items", "60", "--seed", $"{seed}").ExitCode);
        var raw = Directory.GetFiles(Path.Combine(lake, "raw"), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var damaged = raw.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToDictionary(file => file, File.ReadAllBytes);
        foreach (var file in damaged.Keys)
        {
            File.WriteAllText(file, random.Next(2) == 0 ? "{}" : "{\"items\": [");
        }
        Assert.Equal(3, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);

        var query = DemoCommandTests.RunCli("query", "--lake", lake, "--query", "playlist_changes");

        Assert.Equal(0, query.ExitCode);
        Assert.Contains($"warning: {damaged.Count} raw object(s) of this lake are set aside under quarantine/", query.Errors, StringComparison.Ordinal);

        foreach (var (file, bytes) in damaged)
        {
            File.WriteAllBytes(file, bytes);
        }
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        Assert.DoesNotContain("quarantine", DemoCommandTests.RunCli("query", "--lake", lake, "--query", "playlist_changes").Errors, StringComparison.Ordinal);
    }
}
