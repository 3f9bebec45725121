using System.Text.Json;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A day that holds only part of a playlist (every extraction of it stopped partway) is said by query and report, for as
/// long as the lake holds it, as the transform that wrote it said: the tables cannot tell it, and playlist_changes read the
/// items missing there as dropped out, exit 0 and nothing on stderr. A transform that lands the whole list that day takes
/// the warning off; one of other days leaves it.
/// </summary>
public sealed class PartialPlaylistDayWarningTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_day_holding_part_of_a_playlist_is_said_by_query_and_report_until_the_whole_list_is_transformed(int seed)
    {
        var random = new Random(seed);
        var lake = _folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", $"{random.Next(2, 5)}", "--items", $"{random.Next(101, 260)}", "--seed", $"{seed}").ExitCode);
        var healthy = DemoCommandTests.RunCli("transform", "--lake", lake);
        Assert.True(healthy.ExitCode == 0, healthy.Errors);
        var quiet = DemoCommandTests.RunCli("query", "--lake", lake, "--query", "playlist_changes");
        Assert.True(quiet.ExitCode == 0, quiet.Errors);
        Assert.DoesNotContain("only part of the list", quiet.Errors, StringComparison.Ordinal);

        // A page of a playlist's items gone from a day drawn from the seed (its extraction stopped before it landed).
        var pages = Directory.GetFiles(Path.Combine(lake, "raw", "playlist_items"), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var page = pages[random.Next(pages.Count)];
        var bytes = File.ReadAllBytes(page);
        File.Delete(page);
        var day = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(page)))!["snapshot_date=".Length..];
        var playlist = Path.GetFileName(Path.GetDirectoryName(page))!;

        var partial = DemoCommandTests.RunCli("transform", "--lake", lake, "--json");
        Assert.True(partial.ExitCode is 0 or 3, partial.Errors);
        var found = JsonDocument.Parse(partial.Output).RootElement.GetProperty("partial_playlists").EnumerateArray()
            .Single(p => p.GetProperty("snapshot_date").GetString() == day && p.GetProperty("playlist_id").GetString() == playlist);
        var said = $"playlist {playlist} on {day} ({found.GetProperty("entries").GetInt32():N0} of {found.GetProperty("total").GetInt32():N0} items)";
        foreach (var reader in new[] { new[] { "query", "--lake", lake, "--query", "playlist_changes" }, ["report", "--lake", lake, "--out", _folder["page.html"]] })
        {
            var run = DemoCommandTests.RunCli(reader);
            Assert.True(run.ExitCode == 0, run.Errors);
            Assert.Contains("1 day of a playlist holds only part of the list", run.Errors, StringComparison.Ordinal);
            Assert.Contains(said, run.Errors, StringComparison.Ordinal);
        }

        // A transform of another day alone leaves the part where it is, and the warning with it.
        var otherDay = Directory.GetDirectories(Path.Combine(lake, "raw", "recently_played")).Select(Path.GetFileName).First(d => !d!.EndsWith(day, StringComparison.Ordinal));
        var input = _folder["other-day"];
        TempFolder.CopyTree(Path.Combine(lake, "raw", "recently_played", otherDay!), Path.Combine(input, "raw", "recently_played", otherDay!));
        Assert.True(DemoCommandTests.RunCli("transform", "--input", Path.Combine(input, "raw"), "--lake", lake).ExitCode is 0 or 3);
        Assert.Contains(said, DemoCommandTests.RunCli("query", "--lake", lake, "--query", "playlist_changes").Errors, StringComparison.Ordinal);

        // The whole list landed that day again: the answers are the healthy lake's, and nothing is said.
        File.WriteAllBytes(page, bytes);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        var mended = DemoCommandTests.RunCli("query", "--lake", lake, "--query", "playlist_changes");
        Assert.True(mended.ExitCode == 0, mended.Errors);
        Assert.DoesNotContain("only part of the list", mended.Errors, StringComparison.Ordinal);
        Assert.Equal(quiet.Output, mended.Output);
    }
}
