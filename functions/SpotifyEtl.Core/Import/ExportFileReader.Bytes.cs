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

    /// <summary>A UTF-16 byte-order mark, or JSON's first character followed by a zero byte.</summary>
    private static bool Utf16(ReadOnlySpan<byte> json) =>
        json is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..] || json is [0, var high, ..] && JsonStart(high) || json is [var low, 0, ..] && JsonStart(low);

    private static bool JsonStart(byte first) => first is (byte)'[' or (byte)'{' or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
}
