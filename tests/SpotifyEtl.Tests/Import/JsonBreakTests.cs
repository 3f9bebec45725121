using System.IO.Compression;
using System.Text;
using SpotifyEtl.Import;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Import;

/// <summary>
/// Where an export file's JSON stops being readable, it is said for what it is: cut short (it breaks off), nested deeper
/// than any export, or not JSON there (NaN, a stray character). And a history file is known by its name in any folder
/// of a zip, its root included, so that one that breaks off after its first row is read as the history its name says.
/// </summary>
public sealed class JsonBreakTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>An export of <paramref name="rows"/> rows, one a line after the opening bracket.</summary>
    private static List<string> Rows(int seed, int rows) => Enumerable.Range(0, rows).Select(i =>
        $$"""{"ts": "2024-0{{1 + seed % 9}}-{{1 + i % 28:D2}}T10:{{i % 60:D2}}:00Z", "ms_played": {{1000 + i}}, "master_metadata_track_name": "Song {{i}}", "shuffle": false}""").ToList();

    private static string Export(IEnumerable<string> rows) => "[\n" + string.Join(",\n", rows) + "\n]";

    /// <summary>
    /// A copy or an unzip stopped by a crash or a full disk can leave a file of its whole length whose rest was never written:
    /// zero bytes from some place on, or nothing but zero bytes. Each is told as a file cut short, with the remedy (unzip again),
    /// not as JSON edited by hand, nor as another file saved under a history file's name.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_file_whose_rest_is_zero_bytes_breaks_off_and_one_of_zero_bytes_alone_is_said_to_be_so(int seed)
    {
        var random = new Random(seed);
        for (var trial = 0; trial < 20; trial++)
        {
            var rows = Rows(seed, random.Next(2, 40));
            var bytes = Encoding.UTF8.GetBytes(Export(rows));
            var from = random.Next(3, bytes.Length - 1);
            Array.Clear(bytes, from, bytes.Length - from);

            var content = ExportFileReader.Read(bytes);

            Assert.StartsWith("its JSON breaks off at line ", content.Problem, StringComparison.Ordinal);
            Assert.Contains("zero bytes", content.Problem, StringComparison.Ordinal);
            Assert.DoesNotContain("not valid", content.Problem, StringComparison.Ordinal);
            // What gets the rest of the file: the export as it was sent.
            Assert.EndsWith("; unzip the export again, or download it again, and import it (the rows read now are not counted twice)", content.Problem, StringComparison.Ordinal);
            Assert.InRange(content.Rows.Count, 0, rows.Count - 1);

            var zeros = new byte[random.Next(1, 1 << 16)];
            var (kind, reason, ignored) = ExportImporter.Recognize($"Streaming_History_Audio_202{random.Next(10)}.json", zeros);
            Assert.Null(kind);
            Assert.False(ignored);
            Assert.StartsWith("it holds only zero bytes", reason, StringComparison.Ordinal);
            Assert.Contains("unzip the export again", reason, StringComparison.Ordinal);
        }
    }

    private static readonly string[] NotJson = ["NaN", "Infinity", "-Infinity", "'single'", "undefined", "None", "0x1F", "+1", ".5", "\"a\" \"b\"", "#"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void A_value_json_does_not_have_is_said_to_be_invalid_json_where_it_stands_not_a_break(int seed)
    {
        var random = new Random(seed);
        for (var trial = 0; trial < 20; trial++)
        {
            var rows = Rows(seed, 30);
            var bad = random.Next(rows.Count);
            var token = NotJson[random.Next(NotJson.Length)];
            var key = new[] { "ms_played", "master_metadata_track_name", "shuffle" }[random.Next(3)];
            var at = rows[bad].IndexOf($"\"{key}\": ", StringComparison.Ordinal) + key.Length + 4;
            rows[bad] = rows[bad][..at] + token + rows[bad][rows[bad].IndexOfAny([',', '}'], at)..];

            var content = ExportFileReader.Read(Encoding.UTF8.GetBytes(Export(rows)));

            Assert.DoesNotContain("breaks off", content.Problem, StringComparison.Ordinal);
            Assert.StartsWith($"its JSON is not valid at line {bad + 2}, byte ", content.Problem, StringComparison.Ordinal);
            var column = int.Parse(content.Problem!.Split("byte ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(column, at + 1, at + token.Length + 1);
            Assert.Equal(bad, content.Rows.Count);
            Assert.Equal(1, content.Unreadable["the JSON is not valid inside it"]);
            Assert.EndsWith("; import the file as the export has it", content.Problem, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Nesting_deeper_than_any_export_is_said_to_be_that_not_a_break(int seed)
    {
        var random = new Random(seed);
        for (var trial = 0; trial < 10; trial++)
        {
            var rows = Rows(seed, 20);
            var bad = random.Next(rows.Count);
            var depth = random.Next(64, 300);
            var opens = new StringBuilder();
            var closes = new StringBuilder();
            for (var level = 0; level < depth; level++)
            {
                var array = random.Next(2) == 0;
                opens.Append(array ? "[" : "{\"k\": ");
                closes.Insert(0, array ? "]" : "}");
            }
            rows[bad] = rows[bad].Replace("\"shuffle\": false", $"\"extra\": {opens}1{closes}", StringComparison.Ordinal);

            var content = ExportFileReader.Read(Encoding.UTF8.GetBytes(Export(rows)));

            Assert.DoesNotContain("breaks off", content.Problem, StringComparison.Ordinal);
            Assert.StartsWith($"its JSON nests arrays and objects more than 64 deep at line {bad + 2}, byte ", content.Problem, StringComparison.Ordinal);
            Assert.Equal(bad, content.Rows.Count);
            Assert.Equal(1, content.UnreadableCount);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_file_cut_short_anywhere_is_said_to_break_off(int seed)
    {
        // Every place a file can be cut: in a key, a string, an escape, a number, a literal, a character of two bytes, after a comma.
        var bytes = Encoding.UTF8.GetBytes(Export(Rows(seed, 4).Select(r => r.Replace("Song", "Sång \\\"x\\\" \\u00e9", StringComparison.Ordinal))));
        for (var cut = 1; cut < bytes.Length - 1; cut++)
        {

            var content = ExportFileReader.Read(bytes.AsSpan(0, cut));

            Assert.Contains("its JSON breaks off at line", content.Problem, StringComparison.Ordinal);
            Assert.Equal(content.RowsRead, content.Rows.Count + content.UnreadableCount);
        }
    }

    private static readonly string[] Spoilers = ["\\ud800", "\\uDFFF", "\\ud83c\\udfb5", "NaN", "\"", ",", "}", "]", "{", "\\", "\n", "\u00e9", new string('[', 70)];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_changes_to_an_export_are_read_as_far_as_they_can_be_and_never_end_the_read_with_an_exception(int seed)
    {
        var random = new Random(seed);
        var export = Export(Rows(seed, 15));
        for (var trial = 0; trial < 300; trial++)
        {
            var spoiled = export;
            for (var change = random.Next(1, 4); change > 0; change--)
            {
                var at = random.Next(spoiled.Length);
                spoiled = random.Next(4) == 0
                    ? spoiled[..at] + (char)random.Next(1, 0x800) + spoiled[(at + 1)..]
                    : spoiled[..at] + Spoilers[random.Next(Spoilers.Length)] + spoiled[at..];
            }

            var content = ExportFileReader.Read(Encoding.UTF8.GetBytes(spoiled));

            Assert.Equal(content.RowsRead, content.Rows.Count + content.UnreadableCount);
        }
    }

    private static readonly string[] Names =
        ["endsong_0.json", "Streaming_History_Audio_2021-2023_0.json", "Streaming_History_Video_2020-2024.json", "StreamingHistory_music_0.json", "StreamingHistory0.json"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_history_file_is_known_by_its_name_in_any_folder_of_a_zip_its_root_included(int seed)
    {
        var random = new Random(seed);
        for (var trial = 0; trial < 10; trial++)
        {
            var name = Names[random.Next(Names.Length)];
            var folders = string.Concat(Enumerable.Range(0, random.Next(4)).Select(i => $"Folder {i}/"));
            // It breaks off after its first row: known by its name, not by its keys, which would take it for a history of another kind.
            var bytes = Encoding.UTF8.GetBytes("[{\"ts\": \"2024-01-01T00:00:00Z\", \"ms_played\": 1000}, {\"ts\": \"2024-");
            using var zip = new MemoryStream();
            using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
            {
                using var entry = archive.CreateEntry(folders + name).Open();
                entry.Write(bytes);
            }

            var candidate = Assert.Single(ExportArchive.Entries("my_spotify_data.zip", new MemoryStream(zip.ToArray()), ImportLimits.Default));
            var (kind, reason, _) = ExportImporter.Recognize(candidate.Name, bytes);

            Assert.Equal(ExportFileKinds.FromName(name), kind);
            Assert.NotNull(kind);
            Assert.Null(reason);
        }
    }

    [Fact]
    public async Task An_endsong_file_at_a_zips_root_that_breaks_off_lands_as_history_and_says_where_it_breaks()
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = archive.CreateEntry("endsong_0.json").Open();
            entry.Write("[{\"ts\": \"2024-01-01T00:00:00Z\", \"ms_played\": 1}, {\"ts\": \"2024-"u8);
        }
        var store = new LocalFolderStore(_folder["lake"]);

        var report = await new ExportImporter(store, store).ImportAsync([.. ExportArchive.Entries("my_spotify_data.zip", new MemoryStream(zip.ToArray()), ImportLimits.Default)]);

        var file = Assert.Single(report.Files);
        Assert.Null(file.Skipped);
        Assert.Equal(ExportFileKind.ExtendedEndsong.Describe(), file.Kind);
        Assert.Contains("breaks off at line 1", file.Problem, StringComparison.Ordinal);
        Assert.Equal(1, report.HistoryRows);
    }
}
