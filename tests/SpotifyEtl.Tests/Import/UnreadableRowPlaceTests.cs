using System.Text;
using System.Text.RegularExpressions;
using SpotifyEtl.Import;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Import;

/// <summary>
/// Each reason rows could not be read for names where the first such row is, as an element of the file's array: a
/// listener told "4 rows: 'ts' is not a UTC time" can find them among thousands. Bad rows of several kinds are placed
/// at random among good ones.
/// </summary>
public sealed partial class UnreadableRowPlaceTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static readonly (string Json, string Reason)[] Bad =
    [
        ("""{"ts": "4 March", "ms_played": 1}""", "'ts' is not a UTC time such as 2021-03-04T05:06:07Z"),
        ("""{"ts": "2021/03/04 05:06", "ms_played": 1}""", "'ts' is not a UTC time such as 2021-03-04T05:06:07Z"),
        ("""{"ts": "1999-12-31T23:59:59Z", "ms_played": 1}""", "'ts' is a time before 2008 (when Spotify began) or after 2099, which no stream has"),
        ("""{"ts": null, "ms_played": 1}""", "'ts' is null"),
        ("""{"ms_played": 1}""", "it has neither 'ts' (extended history) nor 'endTime' (account data)"),
        ("17", "an element is a JSON number, not an object"),
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Each_reasons_note_names_the_element_its_first_row_is(int seed)
    {
        var random = new Random(seed);
        var elements = new List<string>();
        var first = new Dictionary<string, int>();
        var counts = new Dictionary<string, int>();
        for (var i = 1; i <= 300; i++)
        {
            if (random.Next(25) == 0)
            {
                var (json, reason) = Bad[random.Next(Bad.Length)];
                elements.Add(json);
                first.TryAdd(reason, i);
                counts[reason] = counts.GetValueOrDefault(reason) + 1;
                continue;
            }
            elements.Add($$"""{"ts": "2024-01-01T00:{{i / 60 % 60:D2}}:{{i % 60:D2}}Z", "ms_played": {{i}}, "master_metadata_track_name": "Song {{i}}", "spotify_track_uri": "spotify:track:t{{i}}"}""");
        }
        Assert.NotEmpty(first);
        var content = Encoding.UTF8.GetBytes("[\n" + string.Join(",\n", elements) + "\n]");
        var lake = new LocalFolderStore(_folder["lake"]);

        var report = await new ExportImporter(lake, lake).ImportAsync([new ExportCandidate("Streaming_History_Audio_2024_0.json", _ => Task.FromResult<Stream>(new MemoryStream(content)), content.Length)]);

        var file = Assert.Single(report.Files);
        Assert.Equal(first.Count, file.Reasons.Count);
        foreach (var note in file.Reasons)
        {
            var match = Note().Match(note);
            Assert.True(match.Success, note);
            var reason = match.Groups["reason"].Value;
            Assert.True(first.ContainsKey(reason), $"{reason} in {note}");
            Assert.Equal(counts[reason], int.Parse(match.Groups["count"].Value, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(counts[reason] == 1 ? "it is" : "the first is", match.Groups["which"].Value);
            Assert.Equal(first[reason], int.Parse(match.Groups["element"].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// A time played that is no whole number of milliseconds an int holds (negative, a fraction, past 2^31 - 1, text, a
    /// boolean) leaves the stream kept without it, and the file's note counts those rows and names the first; a null one
    /// is no value, and leaves the value the other era's key gave.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Rows_whose_time_played_is_no_whole_number_of_milliseconds_are_kept_without_it_and_counted_in_a_note(int seed)
    {
        string[] unread = ["-1", "45000.7", "2147483648", "10000000000000", "1e400", "\"abc\"", "true", "[1]", "{}"];
        var random = new Random(seed);
        var elements = new List<string>();
        var (count, first) = (0, 0);
        for (var i = 1; i <= 200; i++)
        {
            var (length, bad) = random.Next(10) == 0 ? (unread[random.Next(unread.Length)], true) : random.Next(10) == 0 ? ("null, \"msPlayed\": 5000", false) : ((i * 1000).ToString(System.Globalization.CultureInfo.InvariantCulture), false);
            if (bad)
            {
                (count, first) = (count + 1, first == 0 ? i : first);
            }
            elements.Add($$"""{"ts": "2024-01-01T00:{{i / 60 % 60:D2}}:{{i % 60:D2}}Z", "ms_played": {{length}}, "master_metadata_track_name": "Song {{i}}", "spotify_track_uri": "spotify:track:t{{i}}"}""");
        }
        Assert.True(count > 1);
        var content = Encoding.UTF8.GetBytes("[" + string.Join(",", elements) + "]");
        var lake = new LocalFolderStore(_folder["lake"]);

        var report = await new ExportImporter(lake, lake).ImportAsync([new ExportCandidate("Streaming_History_Audio_2024_0.json", _ => Task.FromResult<Stream>(new MemoryStream(content)), content.Length)]);

        var file = Assert.Single(report.Files);
        Assert.Equal((200, 200, 0), (file.RowsRead, file.RowsKept, file.Unreadable));
        Assert.Equal([$"{count} rows kept without their time played: 'ms_played' is no whole number of milliseconds from 0 to 2,147,483,647 (the first is element {first} of the file's array)"],
            file.Reasons);
        var rows = ExportFileReader.Read(content).Rows;
        Assert.Equal(count, rows.Count(r => r.MsPlayed is null));
        Assert.Equal(200 - count, rows.Count(r => r.MsPlayed is > 0));
    }

    [GeneratedRegex(@"^(?<count>\d+) rows?: (?<reason>.+) \((?<which>it is|the first is) element (?<element>\d+) of the file's array\)$")]
    private static partial Regex Note();
}
