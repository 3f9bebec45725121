using System.Text;
using SpotifyEtl.Import;
using Xunit;

namespace SpotifyEtl.Tests.Import;

/// <summary>
/// A history file an unzip or a copy stopped part-way: cut in the middle of a character (the first bytes of a letter of
/// two to four UTF-8 bytes, an odd byte of UTF-16, the first half of a surrogate pair) it is a file cut short like any
/// other, landed with the rows before the cut and told to be unzipped again, not taken for text an editor re-saved and
/// skipped whole. Cut before its first stream ends, it is skipped, not landed, whatever the bytes there.
/// </summary>
public sealed class CutShortTextTests
{
    private static readonly string[] Letters = ["é", "ß", "Ж", "坂", "本", "龍", "🎵", "👩‍🎤", "ñ", "a", "Z", " "];

    /// <summary>Rows with names of letters of one to four bytes, and where each row's text ends.</summary>
    private static (string Text, List<int> RowEnds) Export(Random random, bool account)
    {
        var text = new StringBuilder("[\n");
        var ends = new List<int>();
        var rows = random.Next(2, 30);
        for (var i = 0; i < rows; i++)
        {
            var name = string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => Letters[random.Next(Letters.Length)]));
            text.Append(account
                ? $$"""{"endTime": "2025-0{{1 + i % 9}}-01 10:{{i % 60:D2}}", "artistName": "{{name}}", "trackName": "Song {{i}} {{name}}", "msPlayed": 60000}"""
                : $$"""{"ts": "2024-0{{1 + i % 9}}-{{1 + i % 28:D2}}T10:{{i % 60:D2}}:00Z", "ms_played": {{1000 + i}}, "master_metadata_track_name": "{{name}}"}""");
            ends.Add(text.Length);
            text.Append(i < rows - 1 ? ",\n" : "\n");
        }
        return (text.Append(']').ToString(), ends);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_file_cut_inside_a_character_is_landed_with_the_rows_before_the_cut_and_said_to_break_off(int seed)
    {
        var random = new Random(seed);
        var trials = 0;
        while (trials < 40)
        {
            var account = random.Next(2) == 0;
            var (text, ends) = Export(random, account);
            var encoding = random.Next(3) switch { 0 => Encoding.UTF8, 1 => Encoding.Unicode, _ => Encoding.BigEndianUnicode };
            var preamble = encoding == Encoding.UTF8 ? (random.Next(2) == 0 ? encoding.GetPreamble() : []) : encoding.GetPreamble();
            // A character past the first row that takes more than one unit of its encoding (two or more UTF-8 bytes, a UTF-16 pair) or any character in UTF-16.
            var at = Enumerable.Range(ends[0], text.Length - ends[0])
                .Where(i => !char.IsLowSurrogate(text[i]) && (encoding != Encoding.UTF8 || text[i] > 0x7F)).OrderBy(_ => random.Next()).FirstOrDefault(-1);
            if (at < 0)
            {
                continue;
            }
            var length = char.IsHighSurrogate(text[at]) ? 2 : 1;
            var whole = encoding.GetByteCount(text.AsSpan(at, length));
            var start = preamble.Length + encoding.GetByteCount(text.AsSpan(0, at));
            // Inside the character: after one to all but one of its bytes (for a UTF-16 pair, after its first half too).
            var cut = start + random.Next(1, whole);
            var bytes = preamble.Concat(encoding.GetBytes(text)).Take(cut).ToArray();
            var before = ends.Count(end => end <= at);
            trials++;

            var name = account ? "StreamingHistory_music_0.json" : "Streaming_History_Audio_2024.json";
            var (kind, reason, _) = ExportImporter.Recognize(name, bytes);
            var content = ExportFileReader.Read(bytes);

            var said = $"{encoding.WebName}, cut at byte {cut} inside '{text.Substring(at, length)}': {reason ?? content.Problem}";
            Assert.True(kind is not null && reason is null, said);
            Assert.StartsWith("its JSON breaks off", content.Problem, StringComparison.Ordinal);
            Assert.DoesNotContain("not UTF-8", content.Problem, StringComparison.Ordinal);
            Assert.DoesNotContain("no UTF-16 character", content.Problem, StringComparison.Ordinal);
            Assert.Contains("unzip the export again", content.Problem, StringComparison.Ordinal);
            Assert.True(before == content.Rows.Count, $"{said}: {content.Rows.Count} rows read, {before} before the cut");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_file_cut_before_its_first_stream_ends_is_skipped_not_landed_and_one_cut_after_it_is_landed(int seed)
    {
        var random = new Random(seed);
        for (var trial = 0; trial < 40; trial++)
        {
            var account = random.Next(2) == 0;
            var (text, ends) = Export(random, account);
            var bytes = Encoding.UTF8.GetBytes(text);
            var firstEnd = Encoding.UTF8.GetByteCount(text.AsSpan(0, ends[0]));
            var name = account ? $"StreamingHistory_music_{trial}.json" : $"Streaming_History_Audio_20{10 + trial}.json";

            // Anywhere from the opening bracket to the last byte of the first stream.
            var inside = bytes[..random.Next(1, firstEnd)];
            var (kind, reason, _) = ExportImporter.Recognize(name, inside);
            Assert.True(kind is null, $"cut at byte {inside.Length} of the first stream's {firstEnd}: landed");
            Assert.Contains("breaks off before its first stream ends", reason, StringComparison.Ordinal);
            Assert.Contains("nothing of it was landed", reason, StringComparison.Ordinal);

            var after = bytes[..random.Next(firstEnd, bytes.Length)];
            Assert.NotNull(ExportImporter.Recognize(name, after).Kind);

            // Not JSON before the first stream ends: said to be not valid, not to break off.
            var first = text[1..ends[0]];
            var invalid = Encoding.UTF8.GetBytes("[" + first.Insert(random.Next(2) == 0 ? first.IndexOf('{', StringComparison.Ordinal) + 1 : first.Length - 1, "NaN"));
            var (notJson, why, _) = ExportImporter.Recognize(name, invalid);
            Assert.True(notJson is null, "JSON not valid in the first stream: landed");
            Assert.Contains("not valid before its first stream ends", why, StringComparison.Ordinal);
        }
    }
}
