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
    int TimedUnreadable = 0,
    int RowsWithLength = 0,
    IReadOnlyDictionary<string, int>? FirstUnreadable = null,
    (int Rows, int First) LengthsUnread = default)
{
    /// <summary>What the file's note says of rows kept without their time played, or null when there are none.</summary>
    public string? LengthsUnreadNote => LengthsUnread.Rows == 0 ? null
        : $"{LengthsUnread.Rows:N0} {(LengthsUnread.Rows == 1 ? "row" : "rows")} kept without their time played: 'ms_played' is no whole number of " +
          $"milliseconds from 0 to {int.MaxValue:N0} ({(LengthsUnread.Rows == 1 ? "it is" : "the first is")} element {LengthsUnread.First:N0} of the file's array)";

    /// <summary>Where the first row unreadable for <paramref name="reason"/> is: its element of the file's array, from 1.</summary>
    public int? FirstOf(string reason) => FirstUnreadable is { } first && first.TryGetValue(reason, out var element) ? element : null;

    public int UnreadableCount => Unreadable.Values.Sum();
}

/// <summary>
/// Reads a streaming-history file of any era: a JSON array of objects, one per stream (or per account-data
/// row). Poison-proof: an element that is not an object, a missing or unparseable time, a value of the wrong
/// type, an unknown key, or JSON that breaks off never ends the read silently. Each row that cannot be read is
/// counted under its reason, and everything before a break in the JSON is kept. Text that is no character (bytes that
/// are not UTF-8, an escape of half a surrogate pair) is read as U+FFFD and said. A pure function of the bytes.
/// </summary>
public static partial class ExportFileReader
{
    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    public static ExportFileContent Read(ReadOnlySpan<byte> json, StringPool? pool = null)
    {
        if (!IsUtf16(json))
        {
            return ReadUtf8(json, pool);
        }
        // Spotify writes UTF-8; an editor that re-saved the file may have written UTF-16 (Notepad's "Unicode"), whose every
        // other byte is 0. The text is the same, so it is read as that text's UTF-8; the file lands as it came.
        var (utf8, whole) = Utf16ToUtf8(json);
        var content = ReadUtf8(utf8, pool);
        const string NotWhole = "it is UTF-16 text (re-saved by an editor?) holding bytes that are no UTF-16 character (read as U+FFFD): " +
            "import the file from the export as it came";
        return whole ? content : content with { Problem = content.Problem is null ? NotWhole : $"{NotWhole}; {content.Problem}" };
    }

    private static ExportFileContent ReadUtf8(ReadOnlySpan<byte> json, StringPool? pool)
    {
        pool ??= new StringPool();
        var bom = json.StartsWith(Bom) ? Bom.Length : 0; // positions on line 1 are the file's, counting the mark
        json = json[bom..];
        // A file re-saved in another encoding (Windows-1252, Latin-1) is read whole with each byte that is not UTF-8 as
        // U+FFFD, and said to be read only in part: the raw file keeps the bytes as they came.
        var notUtf8 = NotUtf8(ref json);
        var rows = new List<ListeningRow>(Math.Min(json.Length / 400, 1 << 20)); // rows of the export take 400 to 700 bytes
        var unreadable = new Dictionary<string, int>(StringComparer.Ordinal);
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        int read = 0, extended = 0, account = 0, timed = 0, withLength = 0;
        var lengthsUnread = (Rows: 0, First: 0);
        if (json.Trim(" \t\r\n"u8).IsEmpty)
        {
            return new ExportFileContent([], 0, 0, 0, new Dictionary<string, int>(), "the file is empty");
        }
        var text = new ExportText(pool);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = MaxDepth });
        string? problem = null;
        // Whether an element was counted as read and not yet kept or counted unreadable: JSON that breaks off (or goes wrong) inside it.
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
                        Count(unreadable, first, $"an element is a JSON {what}, not an object", read);
                        continue;
                    }
                    var fields = ReadObject(ref reader, text);
                    open = false;
                    var (row, why) = fields.ToRow();
                    if (row is null)
                    {
                        Count(unreadable, first, why!, read);
                        timed += fields.HasTs || fields.HasEndTime ? 1 : 0;
                        continue;
                    }
                    rows.Add(row);
                    withLength += fields.HasLength ? 1 : 0;
                    if (fields.LengthUnread)
                    {
                        lengthsUnread = (lengthsUnread.Rows + 1, lengthsUnread.Rows == 0 ? read : lengthsUnread.First);
                    }
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
            var (file, element) = Break(json, exception, reader.CurrentDepth, bom);
            if (open)
            {
                Count(unreadable, first, element, read);
            }
            // What gets the rest: a file cut short is whole in the export; one edited or written by another tool is too.
            var remedy = file.StartsWith("its JSON breaks off", StringComparison.Ordinal)
                ? "unzip the export again, or download it again, and import it (the rows read now are not counted twice)"
                : "import the file as the export has it";
            problem = $"{file}: the {rows.Count:N0} rows before it were read, the rest of the file cannot be; {remedy}";
        }
        if (notUtf8 is { } where)
        {
            var saved = $"it holds text that is not UTF-8 ({where.Count:N0} {(where.Count == 1 ? "place" : "places")}, the first at line {where.Line}, byte {where.Byte + (where.Line == 1 ? bom : 0)}; " +
                "re-saved in another encoding by an editor?): its rows were read with each such character as \uFFFD; " +
                "save it as UTF-8, or import the file from the export as it came";
            problem = problem is null ? saved : $"{saved}; and {problem}";
        }
        if (text.Replaced > 0)
        {
            // Half of a surrogate pair, escaped: no character (a name cut in the middle of an emoji?). Read as U+FFFD.
            var (line, column) = Position(json, text.First, bom);
            var halves = $"it holds {text.Replaced:N0} \\u {(text.Replaced == 1 ? "escape that is" : "escapes that are")} half of a UTF-16 surrogate pair, " +
                $"which is no character (the first at line {line}, byte {column}): its rows were read with each such escape as \uFFFD; the raw file keeps them as they came";
            problem = problem is null ? halves : $"{halves}; and {problem}";
        }
        return new ExportFileContent(rows, read, extended, account, unreadable, problem, timed, withLength, first, lengthsUnread);
    }

    /// <summary>The line and byte (from 1) of a byte offset in the JSON read; on line 1 counting the byte-order mark, as the file does.</summary>
    private static (int Line, long Byte) Position(ReadOnlySpan<byte> json, long offset, int bom)
    {
        var before = json[..(int)Math.Min(offset, json.Length)];
        var line = before.Count((byte)'\n') + 1;
        return (line, offset - (before.LastIndexOf((byte)'\n') + 1) + 1 + (line == 1 ? bom : 0));
    }

    private static void Count(Dictionary<string, int> reasons, Dictionary<string, int> first, string reason, int element)
    {
        reasons[reason] = reasons.TryGetValue(reason, out var count) ? count + 1 : 1;
        first.TryAdd(reason, element);
    }

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
