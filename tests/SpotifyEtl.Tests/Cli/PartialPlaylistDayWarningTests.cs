using System.Text.Json;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A day that holds only part of a playlist (every extraction of it stopped partway) is said by query and report while its
/// version is one of the playlist's two latest, the versions playlist_changes compares: the tables cannot tell it, and
/// playlist_changes read the items missing there as dropped out, exit 0 and nothing on stderr. A transform of other days
/// leaves the warning; one that lands the whole list that day takes it off. An older day's part, which no longer moves
/// that question, is not said on every query for ever (as the transform says only the latest day's).
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
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", $"{random.Next(3, 6)}", "--items", $"{random.Next(101, 260)}", "--seed", $"{seed}").ExitCode);
        var healthy = DemoCommandTests.RunCli("transform", "--lake", lake);
        Assert.True(healthy.ExitCode == 0, healthy.Errors);
        var quiet = DemoCommandTests.RunCli("query", "--lake", lake, "--query", "playlist_changes");
        Assert.True(quiet.ExitCode == 0, quiet.Errors);
        Assert.DoesNotContain("only part of the list", quiet.Errors, StringComparison.Ordinal);

        // A page of a playlist's items gone (its extraction stopped before it landed), drawn from the seed among the pages of the
        // last day that landed the playlist's items: the day its latest version was first seen.
        var itemDays = Directory.GetDirectories(Path.Combine(lake, "raw", "playlist_items"), "*", SearchOption.AllDirectories)
            .Where(d => Directory.GetFiles(d, "*.json").Length >= 2).GroupBy(Path.GetFileName).Select(g => g.Max(StringComparer.Ordinal)!).ToList();
        var pages = itemDays.SelectMany(d => Directory.GetFiles(d, "*.json")).Order(StringComparer.Ordinal).ToList();
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

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void A_part_held_by_a_version_older_than_the_two_latest_is_not_said_by_query(int seed)
    {
        var random = new Random(seed);
        var lake = _folder["lake"];
        // The first playlist changes every day: over four days or more, its first day's version is older than its two latest.
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", $"{random.Next(4, 6)}", "--items", $"{random.Next(101, 200)}", "--seed", $"{seed}").ExitCode);
        var playlist = Directory.GetDirectories(Path.Combine(lake, "raw", "playlist_items"), "*", SearchOption.AllDirectories)
            .Where(d => Directory.GetFiles(d, "*.json").Length >= 2).GroupBy(Path.GetFileName).OrderByDescending(g => g.Count()).First().Order(StringComparer.Ordinal).First();
        var pages = Directory.GetFiles(playlist, "*.json").Order(StringComparer.Ordinal).ToList();
        File.Delete(pages[random.Next(pages.Count)]);

        var partial = DemoCommandTests.RunCli("transform", "--lake", lake, "--json");
        Assert.True(partial.ExitCode == 0, partial.Errors);
        Assert.Single(JsonDocument.Parse(partial.Output).RootElement.GetProperty("partial_playlists").EnumerateArray());

        var run = DemoCommandTests.RunCli("query", "--lake", lake, "--query", "playlist_changes");
        Assert.True(run.ExitCode == 0, run.Errors);
        Assert.DoesNotContain("only part of the list", run.Errors, StringComparison.Ordinal);
    }
}
