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

    [GeneratedRegex(@"^(?<count>\d+) rows?: (?<reason>.+) \((?<which>it is|the first is) element (?<element>\d+) of the file's array\)$")]
    private static partial Regex Note();
}
