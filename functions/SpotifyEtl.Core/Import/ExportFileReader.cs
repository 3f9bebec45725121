using System.Text.Json;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Import;

/// <summary>What one streaming-history file holds: its rows, and what could not become a row and why.</summary>
public sealed record ExportFileContent(
    IReadOnlyList<ListeningRow> Rows,
    int RowsRead,
    int ExtendedRows,
    int AccountRows,
    IReadOnlyDictionary<string, int> Unreadable,
    string? Problem,
    int TimedUnreadable = 0)
{
    public int UnreadableCount => Unreadable.Values.Sum();
}

/// <summary>
/// Reads a streaming-history file of any era: a JSON array of objects, one per stream (or per account-data
/// row). Poison-proof: an element that is not an object, a missing or unparseable time, a value of the wrong
/// type, an unknown key, or JSON that breaks off never ends the read silently. Each row that cannot be read is
/// counted under its reason, and everything before a break in the JSON is kept. A pure function of the bytes.
/// </summary>
public static partial class ExportFileReader
{
    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    public static ExportFileContent Read(ReadOnlySpan<byte> json, StringPool? pool = null)
    {
        pool ??= new StringPool();
        var bom = json.StartsWith(Bom) ? Bom.Length : 0; // positions on line 1 are the file's, counting the mark
        json = json[bom..];
        if (Utf16(json))
        {
            // Spotify writes UTF-8; an editor that re-saved the file may have written UTF-16, whose every other byte is 0.
            return new ExportFileContent([], 0, 0, 0, new Dictionary<string, int>(),
                "it is UTF-16 text, where Spotify's export is UTF-8 (re-saved by an editor?): save it as UTF-8, or import the file from the export as it came");
        }
        // A file re-saved in another encoding (Windows-1252, Latin-1) is read whole with each byte that is not UTF-8 as
        // U+FFFD, and said to be read only in part: the raw file keeps the bytes as they came.
        var notUtf8 = NotUtf8(ref json);
        var rows = new List<ListeningRow>(Math.Min(json.Length / 400, 1 << 20)); // rows of the export take 400 to 700 bytes
        var unreadable = new Dictionary<string, int>(StringComparer.Ordinal);
        int read = 0, extended = 0, account = 0, timed = 0;
        if (json.Trim(" \t\r\n"u8).IsEmpty)
        {
            return new ExportFileContent([], 0, 0, 0, new Dictionary<string, int>(), "the file is empty");
        }
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        string? problem = null;
        // Whether an element was counted as read and not yet kept or counted unreadable: JSON that breaks off inside it.
        var open = false;
        try
        {
            if (!reader.Read())
            {
                problem = "the file is empty";
            }
            else if (reader.TokenType != JsonTokenType.StartArray)
            {
                problem = $"it is a JSON {Describe(reader.TokenType)}, not an array of streams";
            }
            else
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    read++;
                    open = true;
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        var what = Describe(reader.TokenType);
                        reader.Skip();
                        open = false;
                        Count(unreadable, $"an element is a JSON {what}, not an object");
                        continue;
                    }
                    var fields = ReadObject(ref reader, pool);
                    open = false;
                    var (row, why) = fields.ToRow();
                    if (row is null)
                    {
                        Count(unreadable, why!);
                        timed += fields.HasTs || fields.HasEndTime ? 1 : 0;
                        continue;
                    }
                    rows.Add(row);
                    if (row.Source == HistorySource.Extended)
                    {
                        extended++;
                    }
                    else
                    {
                        account++;
                    }
                }
                if (reader.TokenType == JsonTokenType.EndArray && Trailing(ref reader) is { } after)
                {
                    problem = $"more follows its array at line {after.Line}, byte {after.Byte} (two files joined into one?): the {rows.Count:N0} rows of the array were read, what follows it was not";
                }
            }
        }
        catch (JsonException exception)
        {
            if (open)
            {
                Count(unreadable, "the JSON breaks off inside it");
            }
            problem = $"its JSON breaks off at line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1}: the {rows.Count:N0} rows before it were read, the rest of the file cannot be";
        }
        if (notUtf8 is { } where)
        {
            var saved = $"it holds text that is not UTF-8 ({where.Count:N0} {(where.Count == 1 ? "place" : "places")}, the first at line {where.Line}, byte {where.Byte + (where.Line == 1 ? bom : 0)}; " +
                "re-saved in another encoding by an editor?): its rows were read with each such character as \uFFFD; " +
                "save it as UTF-8, or import the file from the export as it came";
            problem = problem is null ? saved : $"{saved}; and {problem}";
        }
        return new ExportFileContent(rows, read, extended, account, unreadable, problem, timed);
    }

    private static StreamFields ReadObject(ref Utf8JsonReader reader, StringPool pool)
    {
        var fields = new StreamFields();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = KeyOf(ref reader);
            reader.Read();
            switch (key)
            {
                case "ts": Ts(ref reader, pool, ref fields); break;
                case "endTime": fields.EndTimeToken = reader.TokenType; fields.EndTime = Text(ref reader, pool); fields.HasEndTime = true; break;
                case "ms_played" or "msPlayed": fields.MsPlayed = Number(ref reader); break;
                case "platform": fields.Platform = Text(ref reader, pool); break;
                case "conn_country": fields.ConnCountry = Text(ref reader, pool); break;
                case "master_metadata_track_name" or "trackName": fields.TrackName = Text(ref reader, pool); break;
                case "master_metadata_album_artist_name" or "artistName": fields.ArtistName = Text(ref reader, pool); break;
                case "master_metadata_album_album_name": fields.AlbumName = Text(ref reader, pool); break;
                case "spotify_track_uri": fields.TrackUri = Text(ref reader, pool); break;
                case "episode_name" or "episodeName": fields.EpisodeName = Text(ref reader, pool); break;
                case "episode_show_name" or "podcastName": fields.ShowName = Text(ref reader, pool); break;
                case "spotify_episode_uri": fields.EpisodeUri = Text(ref reader, pool); break;
                case "audiobook_title" or "audiobookName": fields.AudiobookTitle = Text(ref reader, pool); break;
                case "audiobook_uri": fields.AudiobookUri = Text(ref reader, pool); break;
                case "audiobook_chapter_uri": fields.ChapterUri = Text(ref reader, pool); break;
                case "audiobook_chapter_title" or "chapterName": fields.ChapterTitle = Text(ref reader, pool); break;
                case "authorName": fields.AuthorName = Text(ref reader, pool); break;
                case "reason_start": fields.ReasonStart = Text(ref reader, pool); break;
                case "reason_end": fields.ReasonEnd = Text(ref reader, pool); break;
                case "shuffle": fields.Shuffle = Flag(ref reader); break;
                case "skipped": fields.Skipped = Flag(ref reader); break;
                case "offline": fields.Offline = Flag(ref reader); break;
                case "incognito_mode": fields.Incognito = Flag(ref reader); break;
                case "offline_timestamp": fields.OfflineTimestamp = Number(ref reader); break;
                default: reader.Skip(); break; // ip_addr, username, user_agent_decrypted and keys of future eras
            }
        }
        return fields;
    }

    private static readonly string[] KnownKeys =
    [
        "ts", "endTime", "ms_played", "msPlayed", "platform", "conn_country", "master_metadata_track_name", "trackName",
        "master_metadata_album_artist_name", "artistName", "master_metadata_album_album_name", "spotify_track_uri", "episode_name",
        "episodeName", "episode_show_name", "podcastName", "spotify_episode_uri", "audiobook_title", "audiobookName", "audiobook_uri",
        "audiobook_chapter_uri", "audiobook_chapter_title", "chapterName", "authorName", "reason_start", "reason_end", "shuffle",
        "skipped", "offline", "incognito_mode", "offline_timestamp",
    ];

    private static readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> Keys =
        KnownKeys.ToDictionary(k => k, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The known keys by their UTF-8 bytes, read-only once built (so shared by every reader).</summary>
    private static readonly Utf8Table<string> Utf8Keys = BuildUtf8Keys();

    private static Utf8Table<string> BuildUtf8Keys()
    {
        var table = new Utf8Table<string>();
        foreach (var key in KnownKeys)
        {
            table.Add(System.Text.Encoding.UTF8.GetBytes(key), key);
        }
        return table;
    }

    /// <summary>The known key a property names (the same string object each time), or "" for any other: no string per property.</summary>
    private static string KeyOf(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            return Utf8Keys.TryGetValue(reader.ValueSpan, out var known) ? known : "";
        }
        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length > 64)
        {
            return "";
        }
        Span<char> name = stackalloc char[64];
        var written = reader.CopyString(name);
        return Keys.TryGetValue(name[..written], out var key) ? key : "";
    }

    /// <summary><c>ts</c>: the export's own form is read from its bytes, with no string made for it.</summary>
    private static void Ts(ref Utf8JsonReader reader, StringPool pool, ref StreamFields fields)
    {
        fields.HasTs = true;
        fields.TsToken = reader.TokenType;
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && !reader.HasValueSequence
            && ExportTime.ParseExactTs(reader.ValueSpan) is { } seconds)
        {
            (fields.TsSeconds, fields.Ts) = (seconds, null);
            return;
        }
        (fields.TsSeconds, fields.Ts) = (null, Text(ref reader, pool));
    }

    /// <summary>
    /// A string value; "" and null are no value, and a value of another type is none (the row is kept). Kept as the
    /// tables keep text (<see cref="AthenaValues.Text"/>): a line break in a name would split a CSV row for Athena.
    /// </summary>
    private static string? Text(ref Utf8JsonReader reader, StringPool pool)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            var text = reader.ValueSpan.Length == 0 && !reader.ValueIsEscaped ? "" : pool.Get(ref reader);
            return AthenaValues.Text(text) is { Length: > 0 } kept ? kept : null;
        }
        reader.Skip();
        return null;
    }

    private static long? Number(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value))
        {
            return value;
        }
        if (reader.TokenType == JsonTokenType.String && long.TryParse(reader.GetString(), System.Globalization.NumberStyles.Integer,
                System.Globalization.CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }
        reader.Skip();
        return null;
    }

    private static bool? Flag(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True: return true;
            case JsonTokenType.False: return false;
            case JsonTokenType.String when reader.ValueTextEquals("true"u8): return true;
            case JsonTokenType.String when reader.ValueTextEquals("false"u8): return false;
            default: reader.Skip(); return null;
        }
    }

    private static void Count(Dictionary<string, int> reasons, string reason) =>
        reasons[reason] = reasons.TryGetValue(reason, out var count) ? count + 1 : 1;

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "object",
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        _ => "null",
    };
}
