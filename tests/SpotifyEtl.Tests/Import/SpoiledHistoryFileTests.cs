using System.Text;
using SpotifyEtl.Import;
using Xunit;

namespace SpotifyEtl.Tests.Import;

/// <summary>
/// History files spoiled on their way to the import: re-saved in another encoding, joined to another file, copied by a
/// Mac, or edited. Each is read as far as it can be and said to be what it is; none ends the import.
/// </summary>
public sealed class SpoiledHistoryFileTests
{
    private static readonly Encoding Latin1 = Encoding.Latin1;

    /// <summary>Names with characters outside ASCII, escapes a JSON writer adds, and some past 512 bytes.</summary>
    private static List<string> Names(int seed, int count)
    {
        var random = new Random(seed);
        string[] pieces = ["Café", "Björk", "Señor", "Straße", "Ü", "Live", "\\\"quoted\\\"", "back\\\\slash", "née", "Ça", " "];
        return Enumerable.Range(0, count).Select(_ =>
        {
            var name = new StringBuilder();
            var length = random.Next(10) == 0 ? 200 : random.Next(1, 6);
            for (var i = 0; i < length; i++)
            {
                name.Append(pieces[random.Next(pieces.Length)]);
            }
            return name.ToString();
        }).ToList();
    }

    private static string History(IReadOnlyList<string> names) => "[" + string.Join(",\n", names.Select((name, i) =>
        $$"""{"ts": "2024-03-{{1 + i % 28:D2}}T05:{{i / 60 % 60:D2}}:{{i % 60:D2}}Z", "ms_played": 1000, "master_metadata_track_name": "{{name}}", "master_metadata_album_artist_name": "{{name}}", "spotify_track_uri": "spotify:track:t{{i}}"}""")) + "]";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void A_file_re_saved_as_latin_1_is_read_whole_and_said_to_hold_text_that_is_not_utf8(int seed)
    {
        var names = Names(seed, 200);
        var bytes = Latin1.GetBytes(History(names));

        var content = ExportFileReader.Read(bytes);

        Assert.Equal(names.Count, content.Rows.Count);
        Assert.Equal(0, content.UnreadableCount);
        Assert.Contains("text that is not UTF-8", content.Problem, StringComparison.Ordinal);
        Assert.Contains($"the first at line {names.FindIndex(n => n.Any(c => c >= 128)) + 1},", content.Problem, StringComparison.Ordinal);
        // Every character that was ASCII is where it was; each other one is U+FFFD.
        var expected = names.Select(n => Squeeze(new string(n.Replace("\\\"", "\"", StringComparison.Ordinal)
            .Replace("\\\\", "\\", StringComparison.Ordinal).Select(c => c < 128 ? c : '\uFFFD').ToArray())));
        Assert.Equal(expected, content.Rows.Select(r => Squeeze(r.TrackName ?? "")));
    }

    /// <summary>White space as the tables keep it (runs of it are one space, none at either end).</summary>
    private static string Squeeze(string text) => string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_first_byte_that_is_not_utf8_is_named_where_it_stands_in_the_file(bool byteOrderMark)
    {
        var prefix = byteOrderMark ? new byte[] { 0xEF, 0xBB, 0xBF } : [];
        var text = "[{\"ts\": \"2024-03-01T05:00:00Z\", \"master_metadata_track_name\": \"Caf";
        var bytes = prefix.Concat(Encoding.ASCII.GetBytes(text)).Append((byte)0xE9).Concat(Encoding.ASCII.GetBytes("\"}]")).ToArray();

        var content = ExportFileReader.Read(bytes);

        Assert.Single(content.Rows);
        Assert.Contains($"the first at line 1, byte {prefix.Length + text.Length + 1};", content.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_utf8_file_with_the_same_names_is_read_without_a_problem()
    {
        var content = ExportFileReader.Read(Encoding.UTF8.GetBytes(History(Names(9, 100))));
        Assert.Equal(100, content.Rows.Count);
        Assert.Null(content.Problem);
        Assert.Contains(content.Rows, r => r.TrackName!.Contains("Café", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[{\"ts\": \"2024-01-01T00:00:00Z\"}]")]
    [InlineData("{\"ts\": \"2024-01-01T00:00:00Z\"}")]
    [InlineData("\"more\"")]
    [InlineData("42")]
    [InlineData("]")]
    [InlineData("x")]
    public void More_json_after_the_array_is_reported_and_the_array_is_read(string after)
    {
        var names = Names(11, 30);
        foreach (var gap in new[] { "", "\n", "\n\n  ", " // a comment\n" })
        {
            var content = ExportFileReader.Read(Encoding.UTF8.GetBytes(History(names) + gap + after));

            Assert.Equal(names.Count, content.Rows.Count);
            Assert.Contains("more follows its array", content.Problem, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("\r\n\t ")]
    [InlineData(" /* a comment */ ")]
    public void White_space_or_a_comment_after_the_array_is_no_problem(string after) =>
        Assert.Null(ExportFileReader.Read(Encoding.UTF8.GetBytes(History(Names(12, 5)) + after)).Problem);

    [Theory]
    [InlineData("my_spotify_data.zip!__MACOSX/Spotify Extended Streaming History/._Streaming_History_Audio_2023_0.json")]
    [InlineData("my_spotify_data.zip!__MACOSX/._ReadMeFirst.pdf")]
    [InlineData("export/._endsong_0.json")]
    [InlineData("._StreamingHistory_music_0.json")]
    [InlineData("export\\._Streaming_History_Video_2020-2024.json")]
    public void The_files_a_mac_adds_are_ignored_with_their_reason_whatever_they_hold(string name)
    {
        // An AppleDouble file starts 00 05 16 07: neither UTF-16 nor history.
        byte[][] contents = [[0x00, 0x05, 0x16, 0x07, 0x00, 0x02, 0x00, 0x00], Encoding.UTF8.GetBytes(History(Names(13, 3)))];
        foreach (var content in contents)
        {
            var (kind, reason, ignored) = ExportImporter.Recognize(name, content);
            Assert.Null(kind);
            Assert.True(ignored);
            Assert.Contains("macOS", reason, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0x05, 0x16, 0x07 })]
    [InlineData(new byte[] { 0x7B, 0x01 })]
    [InlineData(new byte[] { 0x00, 0x00, 0x00 })]
    public void Bytes_that_are_not_utf16_json_are_not_called_utf16(byte[] start)
    {
        var content = ExportFileReader.Read(start);
        Assert.DoesNotContain("UTF-16", content.Problem ?? "", StringComparison.Ordinal);
    }

    /// <summary>A history of generated names (emoji, a surrogate pair, among them) re-saved as UTF-16 every way an editor writes it.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_history_file_re_saved_as_utf16_reads_the_rows_of_the_utf8_file_it_was(int seed)
    {
        var names = Names(seed, 40).Select((name, i) => i % 7 == 0 ? name + " 🎧" : name).ToList();
        var json = (seed % 2 == 0 ? " \r\n" : "") + History(names);
        var original = ExportFileReader.Read(Encoding.UTF8.GetBytes(json));
        Assert.Null(original.Problem);
        foreach (var bigEndian in new[] { false, true })
        {
            foreach (var mark in new[] { false, true })
            {
                var encoding = new UnicodeEncoding(bigEndian, mark);
                var content = ExportFileReader.Read([.. encoding.GetPreamble(), .. encoding.GetBytes(json)]);

                Assert.Null(content.Problem);
                Assert.Equal(original.Rows, content.Rows);
                Assert.Equal(original.RowsRead, content.RowsRead);
                Assert.Equal(40, content.Rows.Count);
            }
        }
    }

    [Fact]
    public void A_utf16_history_file_with_bytes_that_are_no_character_is_read_whole_and_said_to_be_read_in_part()
    {
        var names = Names(15, 5);
        names[2] = "Half @ a pair";
        var bytes = Encoding.Unicode.GetBytes(History(names)).ToList();
        // The third name's '@' made half of a surrogate pair (U+D83D alone), and a byte left over at the end.
        var at = Enumerable.Range(0, bytes.Count / 2).First(i => bytes[2 * i] == '@' && bytes[2 * i + 1] == 0) * 2;
        bytes[at] = 0x3D;
        bytes[at + 1] = 0xD8;
        bytes.Add(0x20);

        var content = ExportFileReader.Read([.. bytes]);

        Assert.Equal(5, content.Rows.Count);
        Assert.Equal("Half \uFFFD a pair", content.Rows[2].TrackName);
        Assert.Contains("UTF-16 text", content.Problem, StringComparison.Ordinal);
        Assert.Contains("U+FFFD", content.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1709528584", "'ts' is a number")]
    [InlineData("\"\"", "'ts' is empty")]
    [InlineData("\"   \"", "'ts' is empty")]
    [InlineData("null", "'ts' is null")]
    [InlineData("true", "'ts' is a boolean")]
    [InlineData("{}", "'ts' is a JSON object")]
    [InlineData("[]", "'ts' is a JSON array")]
    [InlineData("\"2007-12-31T23:59:59Z\"", "before 2008")]
    [InlineData("\"2150-01-01T00:00:00Z\"", "after 2099")]
    [InlineData("\"01/05/2023 10:00\"", "'ts' is not a UTC time such as 2021-03-04T05:06:07Z")]
    public void A_row_whose_time_cannot_be_read_says_what_the_time_was(string ts, string reason)
    {
        var content = ExportFileReader.Read(Encoding.UTF8.GetBytes($$"""[{"ts": {{ts}}, "ms_played": 1}]"""));
        Assert.Empty(content.Rows);
        Assert.Contains(content.Unreadable.Keys, key => key.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void History_under_another_name_whose_times_cannot_be_read_is_skipped_to_look_at_not_ignored()
    {
        var json = Encoding.UTF8.GetBytes("""[{"ts": "01/05/2023 10:00", "ms_played": 1, "master_metadata_track_name": "x"}, {"ts": "02/05/2023 10:00"}]""");

        var (kind, reason, ignored) = ExportImporter.Recognize("history.json", json);

        Assert.Null(kind);
        Assert.False(ignored);
        Assert.Contains("its 2 elements have 'ts' or 'endTime'", reason, StringComparison.Ordinal);
    }
}
