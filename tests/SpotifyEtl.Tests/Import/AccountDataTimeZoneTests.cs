using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using SpotifyEtl.Tests.Cli;
using Xunit;

namespace SpotifyEtl.Tests.Import;

/// <summary>
/// The account data's <c>endTime</c> is UTC whatever the time zone of the machine that imports it: the same export,
/// imported by <c>spotify-etl</c> on machines set to zones far from UTC, gives the history a UTC machine gives.
/// </summary>
public sealed class AccountDataTimeZoneTests : IDisposable
{
    private readonly Support.TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1, "Pacific/Auckland")]
    [InlineData(2, "America/St_Johns")]
    [InlineData(3, "Asia/Kathmandu")]
    public void Account_data_imported_in_any_time_zone_gives_the_history_a_utc_machine_gives(int seed, string zone)
    {
        // A zone of half and quarter hours, and one whose summer time starts and ends on the other side of the year.
        Assert.True(File.Exists($"/usr/share/zoneinfo/{zone}") || !OperatingSystem.IsLinux(), $"this machine has no time zone {zone}");
        var random = new Random(seed);
        var streams = new JsonArray();
        var expected = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            // Whole minutes from 2015 to 2023; every tenth one in the hour the zone's clocks are put forward or back.
            var at = i % 10 == 0
                ? DstEdge(zone, 2016 + random.Next(8), forward: random.Next(2) == 0).AddMinutes(random.Next(-90, 90))
                : new DateTime(2015, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(random.Next(9 * 365 * 24 * 60));
            streams.Add(new JsonObject
            {
                ["endTime"] = at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                ["artistName"] = $"Artist {i}",
                ["trackName"] = $"Track {i}",
                ["msPlayed"] = random.Next(30_000, 400_000),
            });
            expected.Add(at.ToString("yyyy-MM-dd'T'HH:mm:00'Z'", CultureInfo.InvariantCulture));
        }
        var export = _folder["export/StreamingHistory_music_0.json"];
        Directory.CreateDirectory(Path.GetDirectoryName(export)!);
        File.WriteAllText(export, streams.ToJsonString());

        var utc = Import(export, "UTC", "lake-utc");
        var far = Import(export, zone, "lake-far");

        Assert.NotEmpty(utc);
        Assert.Equal(utc.Keys, far.Keys);
        Assert.All(utc, file => Assert.True(file.Value == far[file.Key], $"{file.Key} differs under TZ={zone}:\n{far[file.Key]}\nunder UTC:\n{file.Value}"));
        var history = string.Concat(far.Values);
        Assert.All(expected, time => Assert.Contains(time, history, StringComparison.Ordinal));
    }

    /// <summary>The listening_history table's files as the import writes them (as CSV), under TZ=<paramref name="zone"/>.</summary>
    private SortedDictionary<string, string> Import(string export, string zone, string lake)
    {
        var run = DemoCommandTests.RunCli(new Dictionary<string, string> { ["TZ"] = zone }, "import", export, "--lake", _folder[lake], "--format", "csv");
        Assert.True(run.ExitCode == 0, $"TZ={zone}: exit {run.ExitCode}: {run.Errors}");
        var table = Path.Combine(_folder[lake], "transformed", "listening_history");
        return new SortedDictionary<string, string>(
            Directory.EnumerateFiles(table, "*", SearchOption.AllDirectories)
                .ToDictionary(path => Path.GetRelativePath(table, path).Replace('\\', '/'), path => File.ReadAllText(path, Encoding.UTF8)),
            StringComparer.Ordinal);
    }

    /// <summary>The UTC minute the zone's clocks are put forward (or back) in that year.</summary>
    private static DateTime DstEdge(string zone, int year, bool forward)
    {
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var at = new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var summer = tz.IsDaylightSavingTime(at);
        for (var hour = 0; hour < 366 * 24; hour++, at = at.AddHours(1))
        {
            var now = tz.IsDaylightSavingTime(at.AddHours(1));
            if (now != summer)
            {
                if (now == forward)
                {
                    return at;
                }
                summer = now;
            }
        }
        return at; // a zone without summer time (Kathmandu): any hour of the year
    }
}
