using System.Buffers;
using System.Text;
using System.Text.Json;

namespace SpotifyEtl.Import;

/// <summary>
/// The one path by which the export reader takes text from its JSON: string values, strings read as numbers or flags,
/// and the names of keys. The JSON reader refuses to decode a string that holds a <c>\u</c> escape of half a UTF-16
/// surrogate pair (a lone surrogate, which is no character) and throws; here each such escape is read as U+FFFD and
/// counted, with where the first stands, so that the reader reads the rest as it reads any other value. One per file read.
/// </summary>
internal sealed class ExportText(StringPool pool)
{
    /// <summary>How many lone surrogates were read as U+FFFD.</summary>
    public int Replaced { get; private set; }

    /// <summary>Where the first of them stands: its byte offset in the JSON read, or -1.</summary>
    public long First { get; private set; } = -1;

    /// <summary>A string value's text, pooled: the same string object for the same text.</summary>
    public string Value(ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped && SurrogateEscape(Raw(ref reader)) ? pool.Intern(Unescape(ref reader)) : pool.Get(ref reader);

    /// <summary>A string value's or a key's text, not pooled: a key that is escaped, a number or a flag written as text.</summary>
    public string Decode(ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped && SurrogateEscape(Raw(ref reader)) ? Unescape(ref reader) : reader.GetString()!;

    /// <summary>A flag written as text: <c>"true"</c> or <c>"false"</c>, else null.</summary>
    public bool? Flag(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueTextEquals("true"u8) ? true : reader.ValueTextEquals("false"u8) ? false : null;
        }
        return Decode(ref reader) switch
        {
            "true" => true,
            "false" => false,
            _ => null,
        };
    }

    private static ReadOnlySpan<byte> Raw(ref Utf8JsonReader reader) => reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;

    /// <summary>
    /// Whether the escaped text may hold a <c>\u</c> escape of a surrogate (D800 to DFFF). A backslash escaped before a
    /// <c>u</c> also answers yes: the text is then decoded here, which reads it as the JSON reader would.
    /// </summary>
    private static bool SurrogateEscape(ReadOnlySpan<byte> raw)
    {
        for (var at = 0; at < raw.Length; at += 2)
        {
            var found = raw[at..].IndexOf("\\u"u8);
            if (found < 0)
            {
                return false;
            }
            at += found;
            if (at + 3 < raw.Length && (raw[at + 2] | 0x20) == 'd' && HexDigit(raw[at + 3]) >= 8)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The text of an escaped string whose escapes the JSON reader has checked (each <c>\u</c> has four hex digits): a high
    /// surrogate escaped just before a low one is the character they make; any other surrogate is U+FFFD, counted.
    /// </summary>
    private string Unescape(ref Utf8JsonReader reader)
    {
        var raw = Raw(ref reader);
        var start = reader.TokenStartIndex + 1; // past the opening quote
        var chars = raw.Length <= 256 ? stackalloc char[raw.Length] : new char[raw.Length]; // never more characters than bytes
        int written = 0, at = 0;
        while (at < raw.Length)
        {
            var slash = raw[at..].IndexOf((byte)'\\');
            var plain = slash < 0 ? raw[at..] : raw.Slice(at, slash); // a backslash is never inside a UTF-8 sequence
            written += Encoding.UTF8.GetChars(plain, chars[written..]);
            at += plain.Length;
            if (at >= raw.Length)
            {
                break;
            }
            var escape = raw[at + 1];
            if (escape != 'u')
            {
                chars[written++] = escape switch
                {
                    (byte)'b' => '\b', (byte)'f' => '\f', (byte)'n' => '\n', (byte)'r' => '\r', (byte)'t' => '\t', _ => (char)escape,
                };
                at += 2;
                continue;
            }
            var unit = Unit(raw.Slice(at + 2, 4));
            if (char.IsHighSurrogate(unit) && at + 12 <= raw.Length && raw[at + 6] == '\\' && raw[at + 7] == 'u' && Unit(raw.Slice(at + 8, 4)) is var low && char.IsLowSurrogate(low))
            {
                chars[written++] = unit;
                chars[written++] = low;
                at += 12;
                continue;
            }
            if (char.IsSurrogate(unit))
            {
                unit = '\uFFFD';
                Replaced++;
                First = First < 0 ? start + at : First;
            }
            chars[written++] = unit;
            at += 6;
        }
        return new string(chars[..written]);
    }

    private static char Unit(ReadOnlySpan<byte> hex) =>
        (char)((HexDigit(hex[0]) << 12) | (HexDigit(hex[1]) << 8) | (HexDigit(hex[2]) << 4) | HexDigit(hex[3]));

    private static int HexDigit(byte digit) => digit switch
    {
        >= (byte)'0' and <= (byte)'9' => digit - '0',
        >= (byte)'a' and <= (byte)'f' => digit - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => digit - 'A' + 10,
        _ => -1,
    };
}
