using System.Text;
using System.Text.Json;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Import;

/// <summary>
/// A history file an editor re-saved in another encoding (Latin-1, UTF-32, or UTF-16 with a byte that is no character) is not landed:
/// landed, it stayed in the lake for good with U+FFFD where its names' letters were, and the export's own file, imported after
/// it as the import advised, was counted beside it (an account-data stream is known by its names): every stream of a name
/// with a letter outside ASCII twice. It is named with its reason, and the file as the export has it lands alone.
/// </summary>
public sealed class ReSavedHistoryImportTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static readonly string[] Pieces = ["Café", "Björk", "Señor", "Straße", "Beyoncé", "Live", "Mix", "née", "Ça", "Ü"];

    public static TheoryData<int, bool, string> Cases() => new()
    {
        { 1, false, "latin-1" }, { 2, true, "latin-1" }, { 3, false, "utf-16, a byte that is no character" },
        { 4, true, "utf-16, a byte that is no character" }, { 5, false, "latin-1" }, { 6, true, "latin-1" }, { 7, true, "utf-32" }, { 8, false, "utf-32" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_history_file_re_saved_in_another_encoding_is_not_landed_and_the_exports_own_file_is_counted_once(int seed, bool extended, string spoiled)
    {
        var random = new Random(seed);
        var streams = Enumerable.Range(0, random.Next(20, 120)).Select(i =>
        {
            var name = string.Concat(Enumerable.Range(0, random.Next(1, 4)).Select(_ => Pieces[random.Next(Pieces.Length)] + " "));
            return (At: new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(7 * i), Track: name.Trim() + $" {i}", Artist: Pieces[random.Next(Pieces.Length)]);
        }).ToList();
        var fileName = extended ? "Streaming_History_Audio_2024.json" : "StreamingHistory_music_0.json";
        var json = "[" + string.Join(",\n", streams.Select((s, i) => extended
            ? $$"""{"ts": "{{s.At:yyyy-MM-ddTHH:mm:ss}}Z", "ms_played": 200000, "master_metadata_track_name": "{{s.Track}}", "master_metadata_album_artist_name": "{{s.Artist}}", "spotify_track_uri": "spotify:track:{{i:D22}}"}"""
            : $$"""{"endTime": "{{s.At:yyyy-MM-dd HH:mm}}", "artistName": "{{s.Artist}}", "trackName": "{{s.Track}}", "msPlayed": 200000}""")) + "]";
        byte[] bytes;
        if (spoiled == "latin-1")
        {
            bytes = Encoding.Latin1.GetBytes(json);
        }
        else if (spoiled == "utf-32")
        {
            var utf32 = new UTF32Encoding(bigEndian: random.Next(2) == 0, byteOrderMark: true);
            bytes = [.. utf32.GetPreamble(), .. utf32.GetBytes(json)];
        }
        else
        {
            // Saved as UTF-16 with half of a surrogate pair where one letter was.
            var units = Encoding.Unicode.GetBytes(json);
            var at = Enumerable.Range(0, units.Length / 2).First(i => units[2 * i] == 0xE9 || units[2 * i] == 0xF6 || units[2 * i] == 0xF1 || units[2 * i] == 0xDF || units[2 * i] == 0xDC || units[2 * i] == 0xC7) * 2;
            (units[at], units[at + 1]) = (0x3D, 0xD8);
            bytes = units;
        }
        var resaved = Path.Combine(Directory.CreateDirectory(_folder["edited"]).FullName, fileName);
        File.WriteAllBytes(resaved, bytes);
        var original = Path.Combine(Directory.CreateDirectory(_folder["export"]).FullName, fileName);
        File.WriteAllText(original, json, new UTF8Encoding(false));
        var lake = _folder["lake"];

        var first = DemoCommandTests.RunCli("import", resaved, "--lake", lake, "--json");

        Assert.NotEqual(0, first.ExitCode);
        Assert.DoesNotContain("Unhandled", first.Errors, StringComparison.Ordinal);
        var reason = spoiled switch
        {
            "latin-1" => "it holds text that is not UTF-8",
            "utf-32" => "it is UTF-32 text (re-saved by an editor?), which the import does not read",
            _ => "it is UTF-16 text (re-saved by an editor?) holding bytes that are no UTF-16 character",
        };
        Assert.Contains(reason, first.Errors + first.Output, StringComparison.Ordinal);
        Assert.Contains("nothing of it was landed", first.Errors + first.Output, StringComparison.Ordinal);
        Assert.Contains("import the file from the export as it came", first.Errors + first.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder["lake/raw"]) && Directory.EnumerateFiles(_folder["lake/raw"], "*", SearchOption.AllDirectories).Any(), "a file was landed");

        var second = DemoCommandTests.RunCli("import", original, "--lake", lake, "--json");

        Assert.True(second.ExitCode == 0, second.Errors);
        using var report = JsonDocument.Parse(second.Output);
        Assert.Equal(streams.Count, report.RootElement.GetProperty("history_rows").GetInt32());
        var names = DemoCommandTests.RunCli("query", "--lake", lake, "--query", "history_top_artists_per_year", "--json");
        Assert.DoesNotContain("\uFFFD", names.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("\\uFFFD", names.Output, StringComparison.OrdinalIgnoreCase);
    }
}
