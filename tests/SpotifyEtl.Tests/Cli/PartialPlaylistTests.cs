using System.Text.Json;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A day whose every extraction of a playlist stopped partway (an interrupted extract, a failure, a rate limit) holds only the
/// pages it landed: the transform published that part as the day's list, exit 0 and not a word, and the playlist looked
/// shorter that day than it was. On the lake's latest day, which an extraction of the same day can still complete, it says
/// which playlist, how many items of how many, and what to do (exit 3); an earlier day, which no extraction lands again, is
/// listed in --json's partial_playlists alone, so that no later transform of the lake warns of it for ever. Once the rest
/// lands, the day is whole and nothing is said.
/// </summary>
public sealed class PartialPlaylistTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_day_that_holds_part_of_a_playlist_is_named_with_its_items_and_a_whole_one_is_not(int seed)
    {
        var random = new Random(seed);
        var lake = _folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", $"{random.Next(2, 5)}", "--items", $"{random.Next(120, 400)}", "--seed", $"{seed}").ExitCode);
        // A day and playlist of two pages or more; the pages after the first k (all of the day's runs) are held back.
        var lists = Directory.GetDirectories(Path.Combine(lake, "raw", "playlist_items"), "*", SearchOption.AllDirectories)
            .Where(d => Directory.GetFiles(d, "*.json").Length >= 2).Order(StringComparer.Ordinal).ToList();
        var latestDay = lists.Select(d => Path.GetFileName(Path.GetDirectoryName(d)!)).Max(StringComparer.Ordinal);
        // Odd seeds: a playlist of the latest day; even ones: an earlier day's.
        var candidates = lists.Where(d => (Path.GetFileName(Path.GetDirectoryName(d)!) == latestDay) == (seed % 2 == 1)).ToList();
        Assert.NotEmpty(candidates);
        var list = candidates[random.Next(candidates.Count)];
        var pages = Directory.GetFiles(list, "*.json").Order(StringComparer.Ordinal).ToList();
        var kept = random.Next(1, pages.Count);
        var held = Directory.CreateDirectory(_folder["held"]).FullName;
        foreach (var page in pages.Skip(kept))
        {
            File.Move(page, Path.Combine(held, Path.GetFileName(page)));
        }
        var day = Path.GetFileName(Path.GetDirectoryName(list)!)["snapshot_date=".Length..];
        var playlist = Path.GetFileName(list);
        using var first = JsonDocument.Parse(File.ReadAllText(pages[0]));
        var total = first.RootElement.GetProperty("total").GetInt32();

        var partial = DemoCommandTests.RunCli("transform", "--lake", lake, "--json");

        var latest = Directory.GetDirectories(Path.Combine(lake, "raw"), "snapshot_date=*", SearchOption.AllDirectories)
            .Select(d => Path.GetFileName(d)["snapshot_date=".Length..]).Max(StringComparer.Ordinal) == day;
        Assert.True(partial.ExitCode == (latest ? 3 : 0), partial.Errors);
        var entries = pages.Take(kept).Sum(page => JsonDocument.Parse(File.ReadAllText(page)).RootElement.GetProperty("items").GetArrayLength());
        Assert.Equal(latest, partial.Errors.Contains($"{playlist} on {day} ({entries:N0} of {total:N0} items)", StringComparison.Ordinal));
        Assert.Equal(latest, partial.Errors.Contains("Extract again the same day (UTC)", StringComparison.Ordinal));
        using (var summary = JsonDocument.Parse(partial.Output))
        {
            var named = Assert.Single(summary.RootElement.GetProperty("partial_playlists").EnumerateArray());
            Assert.Equal((day, playlist, entries, total, latest), (named.GetProperty("snapshot_date").GetString(), named.GetProperty("playlist_id").GetString(),
                named.GetProperty("entries").GetInt32(), named.GetProperty("total").GetInt32(), named.GetProperty("on_latest_day").GetBoolean()));
            Assert.True(entries < total);
        }

        foreach (var page in Directory.GetFiles(held))
        {
            File.Move(page, Path.Combine(list, Path.GetFileName(page)));
        }
        var whole = DemoCommandTests.RunCli("transform", "--lake", lake, "--json");

        Assert.True(whole.ExitCode == 0, whole.Errors);
        Assert.DoesNotContain("only part of the list", whole.Errors, StringComparison.Ordinal);
        using var again = JsonDocument.Parse(whole.Output);
        Assert.Empty(again.RootElement.GetProperty("partial_playlists").EnumerateArray());
    }
}
