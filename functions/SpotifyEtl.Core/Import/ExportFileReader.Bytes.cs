using System.Text.Json;

namespace SpotifyEtl.Import;

// The file's bytes before and after its JSON: an encoding other than UTF-8, and more after the array.
public static partial class ExportFileReader
{
    /// <summary>
    /// Where the bytes are not UTF-8, if anywhere: how many invalid sequences, and the line and byte of the first. The
    /// bytes are then replaced by a copy in which each is U+FFFD, so every later read of a value decodes.
    /// </summary>
    private static (int Count, int Line, int Byte)? NotUtf8(ref ReadOnlySpan<byte> json)
    {
        json = WithoutCutCharacter(json);
        if (System.Text.Unicode.Utf8.IsValid(json))
        {
            return null;
        }
        var (count, first) = (0, -1);
        var rest = json;
        while (!rest.IsEmpty)
        {
            var status = System.Text.Rune.DecodeFromUtf8(rest, out _, out var consumed);
            if (status != System.Buffers.OperationStatus.Done)
            {
                count++;
                first = first < 0 ? json.Length - rest.Length : first;
            }
            rest = rest[consumed..];
        }
        var before = json[..first];
        var line = before.Count((byte)'\n') + 1;
        var column = first - (before.LastIndexOf((byte)'\n') + 1) + 1;
        json = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(json));
        return (count, line, column);
    }

    /// <summary>
    /// The bytes without the start of a character they end in (a file an unzip or a copy stopped in the middle of a letter
    /// of two to four bytes, as é or 坂 are): a file cut short, which its JSON's break says, not text in another encoding.
    /// </summary>
    private static ReadOnlySpan<byte> WithoutCutCharacter(ReadOnlySpan<byte> bytes)
    {
        // The last character's first byte is the last byte that is no continuation byte (10xxxxxx), at most three from the end.
        for (var back = 1; back <= Math.Min(3, bytes.Length); back++)
        {
            if ((bytes[^back] & 0xC0) != 0x80)
            {
                return System.Text.Rune.DecodeFromUtf8(bytes[^back..], out _, out _) == System.Buffers.OperationStatus.NeedMoreData
                    ? bytes[..^back]
                    : bytes;
            }
        }
        return bytes;
    }

    /// <summary>
    /// Why a file's text is not the text it was written as, if it is not: bytes that are no UTF-8 (re-saved as Latin-1 or
    /// Windows-1252), or UTF-16 holding bytes that are no character. UTF-16 that is whole is the text it was, decoded.
    /// </summary>
    public static string? NotAsWritten(ReadOnlySpan<byte> content)
    {
        if (IsUtf16(content))
        {
            return Utf16ToUtf8(content).Whole ? null
                : "it is UTF-16 text (re-saved by an editor?) holding bytes that are no UTF-16 character";
        }
        var json = content;
        return NotUtf8(ref json) is { } where
            ? $"it holds text that is not UTF-8 ({where.Count:N0} {(where.Count == 1 ? "place" : "places")}, the first at line {where.Line}, byte {where.Byte}; " +
              "re-saved in another encoding by an editor?)"
            : null;
    }

    /// <summary>How deep the reader follows arrays and objects: an export's elements are one level inside its array.</summary>
    private const int MaxDepth = 64;

    /// <summary>
    /// Why the JSON could not be read on, for the file and for the element it went wrong in: it breaks off (nothing but
    /// white space after the place: a file cut short; or zero bytes: a file whose length was set and whose rest was never
    /// written, as a crash or a full disk during a copy or an unzip leaves), it nests deeper than <see cref="MaxDepth"/>, or
    /// it is not JSON there (<c>NaN</c>, a stray character). A file cut short reads differently from one that was edited or
    /// written by another tool.
    /// </summary>
    private static (string File, string Element) Break(ReadOnlySpan<byte> json, JsonException exception, int depth, int bom)
    {
        var (line, column) = (exception.LineNumber ?? 0, exception.BytePositionInLine ?? 0);
        var start = 0;
        for (var i = 0L; i < line; i++)
        {
            var next = json[start..].IndexOf((byte)'\n');
            if (next < 0)
            {
                break;
            }
            start += next + 1;
        }
        var offset = (int)Math.Min(start + column, json.Length);
        var where = $"at line {line + 1}, byte {column + 1 + (line == 0 ? bom : 0)}";
        // The reader names the end of the data, or a comma with nothing after it (one more element or key was to come).
        if (json[offset..].Trim(" \t\r\n"u8) is [] or [(byte)','])
        {
            return ($"its JSON breaks off {where}", "the JSON breaks off inside it");
        }
        if (json[offset..].Trim(" \t\r\n"u8).IndexOfAnyExcept((byte)0) < 0)
        {
            return ($"its JSON breaks off {where}, the rest of the file zero bytes, as a copy or an unzip stopped by a crash or a full disk " +
                    "leaves it (its length set, the rest never written)", "the JSON breaks off inside it");
        }
        if (depth >= MaxDepth - 1 && json[offset] is (byte)'[' or (byte)'{')
        {
            return ($"its JSON nests arrays and objects more than {MaxDepth} deep {where}, which no export does",
                $"it nests arrays and objects more than {MaxDepth} deep");
        }
        return ($"its JSON is not valid {where} (a value JSON does not have, such as NaN, or a stray character; edited by hand, or written by another tool?)",
            "the JSON is not valid inside it");
    }

    /// <summary>Where a token follows the array that was the file's whole content, if one does.</summary>
    private static (long Line, long Byte)? Trailing(ref Utf8JsonReader reader)
    {
        try
        {
            // One root value is all the reader takes: anything but white space and comments after it is an error.
            return reader.Read() ? (0, 0) : null;
        }
        catch (JsonException exception)
        {
            return ((exception.LineNumber ?? 0) + 1, (exception.BytePositionInLine ?? 0) + 1);
        }
    }

    /// <summary>
    /// UTF-16 text as UTF-8, its byte-order mark dropped: little-endian unless a mark or a zero first byte says big-endian.
    /// Half of a surrogate pair becomes U+FFFD and makes <c>Whole</c> false; a byte left over at the end, or the first half
    /// of a pair as the last character, is dropped: the file was cut short there, which its JSON's break says.
    /// Converted in place of the bytes read, into one array of the UTF-8's length (about half the file's for an export's
    /// mostly ASCII text), with a copy of the text only when its byte order is not the machine's.
    /// </summary>
    private static (byte[] Utf8, bool Whole) Utf16ToUtf8(ReadOnlySpan<byte> json)
    {
        var bigEndian = json is [0xFE, 0xFF, ..] or [0, _, ..];
        var body = json is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..] ? json[2..] : json;
        var units = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(body[..(body.Length & ~1)]);
        ReadOnlySpan<char> text;
        if (bigEndian == BitConverter.IsLittleEndian)
        {
            var swapped = new char[units.Length];
            System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(units, System.Runtime.InteropServices.MemoryMarshal.Cast<char, ushort>(swapped.AsSpan()));
            text = swapped;
        }
        else
        {
            text = System.Runtime.InteropServices.MemoryMarshal.Cast<ushort, char>(units);
        }
        if (!text.IsEmpty && char.IsHighSurrogate(text[^1]))
        {
            text = text[..^1];
        }
        // Counted as the conversion below writes it: each half of a surrogate pair as U+FFFD's three bytes.
        var utf8 = new byte[System.Text.Encoding.UTF8.GetByteCount(text)];
        var whole = System.Text.Unicode.Utf8.FromUtf16(text, utf8, out _, out _, replaceInvalidSequences: false) == System.Buffers.OperationStatus.Done;
        if (!whole)
        {
            System.Text.Unicode.Utf8.FromUtf16(text, utf8, out _, out _, replaceInvalidSequences: true);
        }
        return (utf8, whole);
    }

    /// <summary>
    /// A UTF-16 byte-order mark, or JSON's first character beside a zero byte: what an editor's "save as Unicode" writes. Not
    /// a gzip header (<c>1F 8B 08 00</c>). The import decodes such text; the transformation sets a raw object of it aside as such.
    /// </summary>
    internal static bool IsUtf16(ReadOnlySpan<byte> json) =>
        json is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..] || json is [0, var high, ..] && JsonStart(high) || json is [var low, 0, ..] && JsonStart(low);

    private static bool JsonStart(byte first) => first is (byte)'[' or (byte)'{' or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
}
