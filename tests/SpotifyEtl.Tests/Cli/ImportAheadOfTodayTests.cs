using System.Globalization;
using SpotifyEtl.Cli.Commands;
using SpotifyEtl.Import;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// Streams an export dates after the import's month (a device whose clock ran ahead) are kept as exported, and the import
/// says so on stderr, naming how many and their months, where the report would otherwise head its history with a year to come.
/// </summary>
public sealed class ImportAheadOfTodayTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Stream(DateTime ended, int index) =>
        $$"""{"ts": "{{ended.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}}", "ms_played": {{40_000 + index}}, "master_metadata_track_name": "Song {{index}}", "master_metadata_album_artist_name": "Artist", "master_metadata_album_album_name": "Album", "spotify_track_uri": "spotify:track:{{index:D22}}"}""";

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 3)]
    [InlineData(3, 1)]
    [InlineData(4, 12)]
    public void Streams_dated_after_this_month_are_kept_and_said_with_their_count_and_months(int seed, int ahead)
    {
        var random = new Random(seed);
        var now = DateTime.UtcNow;
        var thisMonth = new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        var past = Enumerable.Range(0, random.Next(5, 40)).Select(_ => thisMonth.AddDays(-random.Next(1, 3000)).AddMinutes(random.Next(1440))).ToList();
        // Later months, from next month to ten years on: a clock a month ahead, or a decade.
        var future = Enumerable.Range(0, ahead).Select(_ => thisMonth.AddMonths(random.Next(1, 120)).AddDays(random.Next(28)).AddMinutes(random.Next(1440))).ToList();
        var file = _folder["Streaming_History_Audio_2020-2026_0.json"];
        File.WriteAllText(file, "[" + string.Join(",", past.Concat(future).Select(Stream)) + "]");

        var run = DemoCommandTests.RunCli("import", file, "--lake", _folder["lake"], "--json");

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Errors}");
        using var json = System.Text.Json.JsonDocument.Parse(run.Output);
        Assert.Equal(past.Count + future.Count, json.RootElement.GetProperty("history_rows").GetInt32());
        if (ahead == 0)
        {
            Assert.DoesNotContain("dated after this month", run.Errors, StringComparison.Ordinal);
            return;
        }
        var first = future.Min().ToString("yyyy-MM", CultureInfo.InvariantCulture);
        Assert.Contains($"listening_history holds {ahead} {(ahead == 1 ? "stream" : "streams")} dated after this month ({first}", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void The_months_said_are_those_after_the_month_of_the_day_given_the_first_three_named()
    {
        var partitions = new Dictionary<string, int>
        {
            ["listening_history/ended_month=2026-11"] = 5,
            ["listening_history/ended_month=2026-12"] = 2,
            ["listening_history/ended_month=2027-01"] = 1,
            ["listening_history/ended_month=2031-05"] = 3,
            ["listening_history/ended_month=2040-02"] = 1,
        };
        var report = new ImportReport([], null, 1, 12, partitions);

        Assert.Null(ImportRender.AheadOfToday(report, new DateTimeOffset(2040, 2, 29, 23, 59, 59, TimeSpan.Zero)));
        Assert.Null(ImportRender.AheadOfToday(report with { Partitions = null, HistoryRows = null }, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.StartsWith("listening_history holds 1 stream dated after this month (2040-02): ",
            ImportRender.AheadOfToday(report, new DateTimeOffset(2031, 5, 31, 23, 0, 0, TimeSpan.Zero)));
        // A moment counts by its UTC month, as the partitions do: 1 December at midnight two hours ahead of UTC is November there.
        var november = ImportRender.AheadOfToday(report, new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.FromHours(2)));
        Assert.StartsWith("listening_history holds 7 streams dated after this month (2026-12, 2027-01, 2031-05 and 1 more): ", november);
        // Athena projects the months to a year ahead: 2026-12 and 2027-01 are within it (to 2027-11), the other four streams not.
        Assert.EndsWith("Athena reads a month only from a year before it on, so it leaves out the 4 streams more than a year ahead until then.", november);
        Assert.EndsWith("in those months.", ImportRender.AheadOfToday(report, new DateTimeOffset(2039, 2, 28, 0, 0, 0, TimeSpan.Zero)));
    }
}
