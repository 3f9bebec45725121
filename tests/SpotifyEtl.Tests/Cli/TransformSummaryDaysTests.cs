using System.Globalization;
using System.Text.Json;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A transform's summary counts the partitions the run wrote. After an --input of a few days of a larger lake it says so:
/// the tables are the run's, the days written are named, and the lake's other days are counted, as --json counts them too.
/// A table with no rows on the days landed reads as such, not as an empty table.
/// </summary>
public sealed class TransformSummaryDaysTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Lakes of 1 to 4 days; inputs of 1 to 3 new days of one recently-played page each, with or without a page of a day the lake holds.</summary>
    public static TheoryData<int, int, bool> Cases()
    {
        var random = new Random(20261121);
        var data = new TheoryData<int, int, bool>();
        for (var i = 0; i < 4; i++)
        {
            data.Add(random.Next(1, 5), random.Next(1, 4), i % 2 == 1);
        }
        // A lake of one day landed again with a new one: the run wrote every day the lake holds.
        data.Add(1, 1, true);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void After_an_input_of_some_days_the_summary_says_it_counts_the_days_this_run_wrote(int lakeDays, int newDays, bool oneDayAgain)
    {
        var lake = _folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", lakeDays.ToString(CultureInfo.InvariantCulture), "--items", "20").ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        var pages = Directory.GetFiles(_folder["lake/raw/recently_played"], "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var held = pages.Select(page => Day(page)).Distinct().Order().ToList();
        Assert.Equal(lakeDays, held.Count);
        // New days after the lake's last, each with a copy of its last page: plays and songs, and no playlist nor saved track.
        var written = new List<DateOnly>();
        for (var i = 1; i <= newDays; i++)
        {
            var day = held[^1].AddDays(i);
            Land(pages[^1], Path.GetRelativePath(lake, pages[^1]).Replace($"{held[^1]:yyyy-MM-dd}", $"{day:yyyy-MM-dd}", StringComparison.Ordinal));
            written.Add(day);
        }
        if (oneDayAgain)
        {
            Land(pages[0], Path.GetRelativePath(lake, pages[0]));
            written.Insert(0, held[0]);
        }

        var text = DemoCommandTests.RunCli("transform", "--lake", lake, "--input", _folder["in"]);
        var json = DemoCommandTests.RunCli("transform", "--lake", lake, "--input", _folder["in"], "--json");

        Assert.True(text.ExitCode == 0, text.Errors);
        Assert.Contains("Tables written by this run", text.Output, StringComparison.Ordinal);
        var days = written.Count == 1 ? "1 day" : $"{written.Count} days";
        // A range only over consecutive days: the day landed again and the new ones have the lake's other days between them.
        var consecutive = written.Zip(written.Skip(1)).All(pair => pair.Second == pair.First.AddDays(1));
        var named = written.Select(d => $"{d:yyyy-MM-dd}").ToList();
        var which = written.Count == 1 ? named[0]
            : consecutive ? $"{named[0]} to {named[^1]}"
            : written.Count <= 3 ? $"{string.Join(", ", named.SkipLast(1))} and {named[^1]}"
            : $"{string.Join(", ", named.Take(3))} and {written.Count - 3} more";
        var others = lakeDays + newDays - written.Count;
        var rest = others switch
        {
            0 => ": every day the lake holds.",
            1 => "; the lake's other day was left as it was.",
            _ => $"; the lake's other {others} days were left as they were.",
        };
        Assert.Contains($"This run wrote {days}, {which}{rest}", text.Output, StringComparison.Ordinal);
        Assert.Matches($@"│ songs\s+│\s+{written.Count} │", text.Output);
        Assert.Matches($@"│ playlists\s+│\s+{(oneDayAgain ? 1 : 0)} │", text.Output);

        Assert.True(json.ExitCode == 0, json.Errors);
        using var summary = JsonDocument.Parse(json.Output);
        Assert.Equal(written, summary.RootElement.GetProperty("days_written").EnumerateArray().Select(d => DateOnly.Parse(d.GetString()!, CultureInfo.InvariantCulture)));
        Assert.Equal(lakeDays + newDays, summary.RootElement.GetProperty("lake_days").GetInt32());
        Assert.All(summary.RootElement.GetProperty("partitions").EnumerateObject(), partition => Assert.Contains(Day(partition.Name), written));
    }

    private void Land(string page, string key)
    {
        var target = _folder[Path.Combine("in", key)];
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(page, target);
    }

    private static DateOnly Day(string path) =>
        SpotifyEtl.Lake.LakeLayout.SnapshotDateOf(path.Replace('\\', '/')) ?? throw new InvalidOperationException($"{path} names no day");
}
