using System.Globalization;
using System.Text;
using SpotifyEtl.Import;
using Xunit;

namespace SpotifyEtl.Tests.Import;

/// <summary>
/// A stream has ended by the time its export is read. A time more than a day after the import (a device's clock set
/// years ahead) is a broken value, counted as unreadable with its reason: Athena's table projects months up to the
/// current one, so such a row would be counted by spotify-etl query and missing from Athena until its month came.
/// </summary>
public sealed class StreamTimesAfterTheImportTests
{
    /// <summary>Times from a day and an hour ahead to 70 years ahead, and from 15 years back to 20 hours ahead.</summary>
    public static TheoryData<int> Seeds() => [1, 2, 3, 4, 5];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_stream_time_more_than_a_day_ahead_of_the_import_is_unreadable_and_says_so_while_earlier_ones_are_read(int seed)
    {
        var random = new Random(seed);
        var now = DateTimeOffset.UtcNow;
        var ahead = Enumerable.Range(0, 40).Select(_ => now.AddHours(25 + (random.NextDouble() * 24 * 365 * 70))).ToList();
        var behind = Enumerable.Range(0, 40).Select(_ => now.AddHours(20 - (random.NextDouble() * 24 * 365 * 15))).ToList();

        foreach (var (format, key) in new[] { ("yyyy-MM-dd'T'HH:mm:ss'Z'", "ts"), ("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", "ts"), ("yyyy-MM-dd HH:mm", "endTime") })
        {
            string Row(DateTimeOffset at) => $$"""{"{{key}}": "{{at.UtcDateTime.ToString(format, CultureInfo.InvariantCulture)}}", "ms_played": 1000, "msPlayed": 1000, "master_metadata_track_name": "a", "trackName": "a", "artistName": "b"}""";
            var content = ExportFileReader.Read(Encoding.UTF8.GetBytes("[" + string.Join(", ", ahead.Concat(behind).Select(Row)) + "]"));

            Assert.Equal(behind.Count, content.Rows.Count);
            Assert.Equal(ahead.Count, content.UnreadableCount);
            var reason = Assert.Single(content.Unreadable.Keys);
            Assert.Matches($"'{key}' is a time after this import read it \\([0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}\\), which no stream has", reason);
        }
    }
}
