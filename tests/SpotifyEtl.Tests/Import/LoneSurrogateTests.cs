using System.Text;
using SpotifyEtl.Import;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Import;

/// <summary>
/// A <c>\u</c> escape of half a UTF-16 surrogate pair (a lone surrogate) in an export file: the JSON reader will not
/// decode such a string. Wherever it stands (a value of any text field, a number or flag written as text, the time, a
/// key), it is read as U+FFFD, the file is said to be read only in part, and no other file or import is touched.
/// </summary>
public sealed class LoneSurrogateTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Text fields and the row's value for each, where the reader keeps the text as it is.</summary>
    private static readonly (string Key, Func<ListeningRow, string?> Column)[] TextFields =
    [
        ("master_metadata_track_name", r => r.TrackName), ("master_metadata_album_artist_name", r => r.ArtistName),
        ("master_metadata_album_album_name", r => r.AlbumName), ("spotify_track_uri", r => r.TrackUri), ("episode_name", r => r.EpisodeName),
        ("episode_show_name", r => r.ShowName), ("spotify_episode_uri", r => r.EpisodeUri), ("audiobook_title", r => r.AudiobookTitle),
        ("audiobook_chapter_uri", r => r.AudiobookChapterUri), ("audiobook_chapter_title", r => r.AudiobookChapterTitle),
        ("reason_start", r => r.ReasonStart), ("reason_end", r => r.ReasonEnd), ("conn_country", r => r.ConnCountry),
    ];

    /// <summary>Fields whose text is read as something else (a time, a platform, a number, a flag), and a key never read.</summary>
    private static readonly string[] OtherFields = ["ts", "platform", "ms_played", "offline_timestamp", "shuffle", "skipped", "ip_addr"];

    /// <summary>A <c>\u</c> escape of a code unit from D800 to DFFF, in either case.</summary>
    private static string Lone(Random random) => "\\u" + (0xD800 + random.Next(0x800)).ToString(random.Next(2) == 0 ? "x4" : "X4", System.Globalization.CultureInfo.InvariantCulture);

    private sealed record Expected(string? Value, bool Counted);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Every_text_of_a_generated_export_with_lone_surrogates_at_random_places_is_read_with_each_as_a_replacement_character(int seed)
    {
        var random = new Random(seed);
        var json = new StringBuilder("[\n");
        var expected = new List<Dictionary<string, Expected>>();
        var (count, first) = (0, -1L);
        var rows = 80;
        for (var i = 0; i < rows; i++)
        {
            var values = new Dictionary<string, Expected>(StringComparer.Ordinal);
            json.Append(i == 0 ? "" : ",\n").Append('{');
            var fields = TextFields.Select(f => f.Key).Concat(OtherFields).ToList();
            foreach (var key in fields)
            {
                var plain = key switch
                {
                    "ts" => $"2024-05-{1 + i % 28:D2}T10:{i % 60:D2}:00Z",
                    "ms_played" or "offline_timestamp" => $"{1000 + i}",
                    "shuffle" or "skipped" => i % 2 == 0 ? "true" : "false",
                    "platform" => "android",
                    _ => $"V{seed}x{i}{key[..3]}",
                };
                // A lone escape in the key (then its value is not read), in the value, or neither; a pair and an escaped backslash now and then.
                var where = random.Next(10);
                var name = where == 0 ? Insert(key, random, out _) : key;
                var value = where is 1 or 2 ? Insert(plain, random, out var at) : plain;
                var keyAt = json.Length + 1 + name.IndexOf("\\u", StringComparison.Ordinal);
                if (where == 0)
                {
                    (count, first) = (count + 1, first < 0 ? keyAt : first);
                }
                if (random.Next(8) == 0 && where is not (1 or 2) && TextFields.Any(f => f.Key == key))
                {
                    value = $"\\ud83c\\udfb5{value}\\\\ud800";
                }
                json.Append('"').Append(name).Append("\": \"");
                var valueAt = json.Length + value.IndexOf("\\u", StringComparison.Ordinal);
                json.Append(value).Append("\", ");
                var read = where != 0 && key != "ip_addr";
                if (where is 1 or 2 && read)
                {
                    (count, first) = (count + 1, first < 0 ? valueAt : first);
                }
                values[key] = new Expected(where == 0 ? null : Decoded(value), read);
            }
            json.Length -= 2;
            json.Append('}');
            expected.Add(values);
        }
        json.Append("\n]");

        var content = ExportFileReader.Read(Encoding.UTF8.GetBytes(json.ToString()));

        Assert.Equal(rows, content.RowsRead);
        Assert.Equal(rows, content.Rows.Count + content.UnreadableCount);
        var kept = 0;
        for (var i = 0; i < rows; i++)
        {
            var values = expected[i];
            var ts = values["ts"].Value;
            if (ts is null || ts.Contains('\uFFFD', StringComparison.Ordinal))
            {
                continue; // no time that reads: counted unreadable, with its reason
            }
            var row = content.Rows[kept++];
            Assert.Equal(ts, ListeningRow.FormatTime(row.EndedAt));
            foreach (var (key, column) in TextFields)
            {
                Assert.Equal(values[key].Value, column(row));
            }
        }
        Assert.Equal(kept, content.Rows.Count);
        Assert.Equal(count > 0, content.Problem is not null);
        if (count > 0)
        {
            var text = json.ToString();
            var line = text[..(int)first].Count(c => c == '\n') + 1;
            var column = first - text.LastIndexOf('\n', (int)first - 1);
            Assert.Contains($"it holds {count:N0} \\u escape", content.Problem, StringComparison.Ordinal);
            Assert.Contains($"(the first at line {line}, byte {column})", content.Problem, StringComparison.Ordinal);
        }
    }

    /// <summary>The text with a lone surrogate escape at a random place.</summary>
    private static string Insert(string text, Random random, out int at)
    {
        at = random.Next(text.Length + 1);
        return text[..at] + Lone(random) + text[at..];
    }

    /// <summary>What the reader makes of a value: escapes decoded, a lone surrogate as U+FFFD.</summary>
    private static string Decoded(string value)
    {
        var text = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '\\')
            {
                text.Append(value[i]);
            }
            else if (value[i + 1] == '\\')
            {
                text.Append('\\');
                i++;
            }
            else
            {
                var unit = (char)Convert.ToInt32(value.Substring(i + 2, 4), 16);
                var pair = char.IsHighSurrogate(unit) && i + 11 < value.Length && value[i + 6] == '\\' && value[i + 7] == 'u'
                    && char.IsLowSurrogate((char)Convert.ToInt32(value.Substring(i + 8, 4), 16));
                text.Append(char.IsSurrogate(unit) && !pair ? '\uFFFD' : unit);
                if (pair)
                {
                    text.Append((char)Convert.ToInt32(value.Substring(i + 8, 4), 16));
                    i += 6;
                }
                i += 5;
            }
        }
        return text.ToString();
    }

    [Theory]
    [InlineData("""[{"ts":"2024-06-15T02:20:06Z","ms_played":1000,"master_metadata_track_name":"\ud800x"}]""", 1, 0)]
    [InlineData("""[{"ts":"2024-06-15T02:20:06Z","ms_played":1000,"master_metadata_track_name":"\udc00"}]""", 1, 0)]
    [InlineData("""[{"ts":"2024-06-15T02:20:06Z","ms_played":1000,"master_metadata_track_name\ud800":"x"}]""", 1, 0)]
    [InlineData("""[{"ts":"2024-06-15T02:20:06Z\ud800","ms_played":1000,"master_metadata_track_name":"x"}]""", 0, 1)]
    [InlineData("""[{"t\ud800s":"2024-06-15T02:20:06Z","ms_played":1000}]""", 0, 1)]
    [InlineData("""[{"ts":"2024-06-15T02:20:06Z","ms_played":"1\udc00","shuffle":"tr\ud800ue"}]""", 1, 0)]
    public void A_lone_surrogate_anywhere_in_a_row_is_read_as_the_reader_reads_other_bad_values(string json, int rows, int unreadable)
    {
        var content = ExportFileReader.Read(Encoding.UTF8.GetBytes(json));

        Assert.Equal((rows, unreadable), (content.Rows.Count, content.UnreadableCount));
        Assert.Contains("half of a UTF-16 surrogate pair", content.Problem, StringComparison.Ordinal);
        Assert.Contains("at line 1, byte ", content.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_of_export_files_with_one_lone_surrogate_imports_every_file_and_the_next_import_runs()
    {
        var store = new LocalFolderStore(_folder["lake"]);
        var files = Enumerable.Range(0, 13).Select(i => ($"endsong_{i}.json",
            $$"""[{"ts":"2024-06-{{1 + i:D2}}T02:20:06Z","ms_played":1000,"master_metadata_track_name":"{{(i == 6 ? "\\ud800x" : $"t{i}")}}"}]""")).ToList();
        var candidates = files.Select(f => File(f.Item1, f.Item2)).ToList();

        var report = await new ExportImporter(store, store).ImportAsync(candidates);

        Assert.Equal(13, report.ImportedFiles);
        Assert.Equal(13, report.HistoryRows);
        var bad = Assert.Single(report.Files, f => f.Problem is not null);
        Assert.Equal("endsong_6.json", bad.Input);
        Assert.True(bad.NeedsAttention);
        // The file landed as it came; the next import reads it from the lake again, and runs.
        var next = await new ExportImporter(store, store).ImportAsync([File("endsong_20.json", """[{"ts":"2024-07-01T00:00:00Z","ms_played":1}]""")]);
        Assert.Equal(14, next.HistoryRows);
        Assert.DoesNotContain(next.Files, f => f.NeedsAttention);
    }

    [Fact]
    public async Task A_lake_holding_a_landed_file_with_a_lone_surrogate_and_no_staged_span_transforms_and_stages_its_span()
    {
        // The state an import that failed on such a file left: the file landed, its span never staged.
        var store = new LocalFolderStore(_folder["lake"]);
        await new SampleGenerator(store).WriteAsync(new SampleOptions(Days: 2, Items: 5));
        var bytes = Encoding.UTF8.GetBytes("""[{"ts":"2024-06-15T02:20:06Z","ms_played":1000,"master_metadata_track_name":"\ud800x"}]""");
        var key = ExportRawKey.For(ExportFileKind.ExtendedEndsong, bytes).ToString();
        await store.PutBytesAsync(key, bytes, "application/json");
        var keys = new List<string>();
        await foreach (var raw in store.ListAsync("raw/recently_played/")) keys.Add(raw);

        var batch = await new TransformPipeline(store, store).TransformAsync(keys);

        Assert.Equal(0, batch.Quarantined);
        Assert.True(await store.ExistsAsync(ExportSpan.KeyFor(key)));
    }

    private static ExportCandidate File(string name, string content)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        return new ExportCandidate(name, _ => Task.FromResult<Stream>(new MemoryStream(bytes)), bytes.Length);
    }
}
