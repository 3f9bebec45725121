using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;
using static SpotifyEtl.Tests.Transformation.SpotifyJson;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>
/// Line breaks and control characters in any string Spotify sends, not only in names: ids, URIs, ISRCs, snapshot ids,
/// owners, contexts. Athena's OpenCSVSerDe reads a CSV file line by line (a quoted line break splits the row) and takes
/// U+0001 as its escape character, so no text column of any table may carry either, and the CSV and Parquet tables hold
/// the same text.
/// </summary>
public sealed class EveryTextColumnTests : IDisposable
{
    private static readonly DateOnly Day = new(2026, 11, 20);

    private static readonly string[] Awkward =
        ["\n", "\r\n", "\r", "\u0001", "\u001f", "\u007f", "\u0085", "\u009b", "\u2028", "\u2029", "\0", "\"", ",", "\\", "\t"];

    /// <summary>Fields whose value decides how the document is read (times, release dates, item types, paging links).</summary>
    private static readonly HashSet<string> Structural =
        ["added_at", "played_at", "release_date", "release_date_precision", "type", "href", "next", "previous"];

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task No_text_column_of_any_table_carries_a_line_break_or_a_control_character_and_both_formats_agree(int seed)
    {
        var random = new Random(seed);
        // A playlist's own id stays its folder's: a response naming another playlist is set aside.
        var documents = Documents().Select(d => (d.Key, Json: Spoil(d.Json, random, keepId: d.Key.Source == RawSource.Playlist))).ToList();
        var tables = new Dictionary<TableFormat, Dictionary<string, List<string?[]>>>();
        foreach (var format in new[] { TableFormat.Csv, TableFormat.Parquet })
        {
            var lake = new LocalFolderStore(Path.Combine(_folder.Path, $"{seed}-{format}"));
            foreach (var (key, json) in documents)
            {
                await lake.PutTextAsync(key.ToString(), json, "application/json");
            }
            var report = await new TransformPipeline(lake, lake, new TransformOptions { Format = format }).TransformAsync(documents.Select(d => d.Key.ToString()));
            Assert.Equal(documents.Count, report.Transformed);
            tables[format] = Read(Path.Combine(_folder.Path, $"{seed}-{format}"), format);
        }

        Assert.Equal(tables[TableFormat.Parquet].Keys.Order(), tables[TableFormat.Csv].Keys.Order());
        foreach (var (table, rows) in tables[TableFormat.Csv])
        {
            Assert.Equal(tables[TableFormat.Parquet][table], rows);
            Assert.All(rows.SelectMany(r => r), value => Assert.DoesNotContain(value ?? "", c => c != '\t' && (char.IsControl(c) || c is '\u2028' or '\u2029')));
        }
        // The spoiled ids are kept, cleaned, not dropped: the songs table holds ids with what survives of the spoiling.
        Assert.Contains(tables[TableFormat.Csv]["songs"], row => row[0]!.Any(c => !char.IsAsciiLetterOrDigit(c)));
    }

    /// <summary>One page of each source with rows: playlist items, a playlist, recently played, top tracks and artists, saved tracks.</summary>
    private static IEnumerable<(RawObjectKey Key, string Json)> Documents()
    {
        var artists = new[] { Artist("a1", "One"), Artist("a2", "Two") };
        var album = Album("al1", "Album", "2004-03", "month");
        var tracks = Enumerable.Range(1, 4).Select(i => Track($"t{i}", $"Song {i}", album, artists)).ToArray();
        RawObjectKey Key(RawSource source, string subject) => new(source, Day, subject, "20261120T060000Z", 1);
        yield return (Key(RawSource.Playlist, "pl1"), Playlist("pl1", "Playlist", "snap1"));
        yield return (Key(RawSource.PlaylistItems, "pl1"), Page(0, [.. tracks.Select(t => Entry(t))]));
        yield return (Key(RawSource.RecentlyPlayed, "me"), Page(0, [.. tracks.Select((t, i) => Play(t, $"2026-11-20T05:0{i}:00.000Z"))]));
        yield return (Key(RawSource.TopTracks, "short_term"), Page(0, tracks));
        yield return (Key(RawSource.TopArtists, "short_term"), Page(0, artists));
        yield return (Key(RawSource.SavedTracks, SavedTracksSubjects.Full), Page(0, [.. tracks.Select(t => $$"""{"added_at":"2026-11-19T08:00:00Z","track":{{t}} }""")]));
    }

    /// <summary>Every string of the document but the structural ones, with awkward characters added inside it.</summary>
    private static string Spoil(string json, Random random, bool keepId)
    {
        var node = JsonNode.Parse(json)!;
        var id = node["id"]?.DeepClone();
        Walk(node);
        if (keepId)
        {
            node["id"] = id;
        }
        return node.ToJsonString();

        void Walk(JsonNode? current)
        {
            switch (current)
            {
                case JsonObject obj:
                    foreach (var (name, value) in obj.ToList())
                    {
                        if (value is JsonValue text && text.GetValueKind() == JsonValueKind.String && !Structural.Contains(name))
                        {
                            var s = text.GetValue<string>();
                            var at = random.Next(1, Math.Max(2, s.Length));
                            obj[name] = s[..Math.Min(at, s.Length)] + Awkward[random.Next(Awkward.Length)] + Awkward[random.Next(Awkward.Length)] + s[Math.Min(at, s.Length)..];
                        }
                        else
                        {
                            Walk(value);
                        }
                    }
                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        Walk(item);
                    }
                    break;
            }
        }
    }

    /// <summary>Every table's rows as DuckDB reads them (all as text), sorted; CSV read as OpenCSVSerDe would see it, one line a row.</summary>
    private static Dictionary<string, List<string?[]>> Read(string lake, TableFormat format)
    {
        using var duck = new DuckDb();
        var result = new Dictionary<string, List<string?[]>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(lake, "transformed"), "*" + format.Extension(), SearchOption.AllDirectories))
        {
            var table = Path.GetFileNameWithoutExtension(file);
            if (table.EndsWith("_current", StringComparison.Ordinal))
            {
                continue;
            }
            var quoted = file.Replace("'", "''", StringComparison.Ordinal);
            var source = format == TableFormat.Csv
                ? $"read_csv('{quoted}', header = true, quote = '\"', escape = '\"', all_varchar = true, new_line = '\\n')"
                : $"read_parquet('{quoted}')";
            var (columns, rows) = duck.Query($"SELECT * FROM {source}");
            var text = columns.Select(c => $"CAST(\"{c}\" AS VARCHAR)");
            rows = duck.Query($"SELECT {string.Join(", ", text)} FROM {source} ORDER BY ALL").Rows;
            if (format == TableFormat.Csv)
            {
                // One physical line per row and the header: nothing inside a value ends a line.
                var lines = File.ReadAllText(file, Encoding.UTF8).Split('\n', StringSplitOptions.RemoveEmptyEntries);
                Assert.Equal(rows.Count + 1, lines.Length);
            }
            result[table] = rows;
        }
        return result;
    }
}
