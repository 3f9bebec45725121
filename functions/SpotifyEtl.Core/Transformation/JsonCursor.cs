using System.Buffers;
using System.Text.Json;

namespace SpotifyEtl.Transformation;

/// <summary>
/// A <see cref="JsonTokens"/> over a whole raw object that can also step over a property without
/// tokenizing it. A playlist entry carries its track twice (<c>item</c>, and the deprecated alias
/// <c>track</c>), so the alias is a third of a playlist page. Where the alias repeats the bytes of the
/// item the reader has just read, one comparison steps over it; otherwise a scan for the quotes and
/// brackets that close it does, at a fraction of the cost of reading it token by token.
/// <para>
/// Bytes that are not a copy are checked only for balance: a mangled alias whose brackets still
/// close is not reported, one that runs off the end is left to the reader, which then reports it as
/// invalid JSON.
/// </para>
/// </summary>
internal ref struct JsonCursor
{
    private static readonly SearchValues<byte> Structure = SearchValues.Create("\"{}[]"u8);
    private static readonly SearchValues<byte> StringEnd = SearchValues.Create("\"\\"u8);
    private static readonly SearchValues<byte> ScalarEnd = SearchValues.Create(",}] \t\r\n"u8);

    private readonly ReadOnlySpan<byte> _json;

    public JsonTokens Reader;

    public JsonCursor(ReadOnlySpan<byte> json, int maxDepth = RawObjectTransformer.MaxDepth)
    {
        _json = json;
        Reader = new JsonTokens(json, maxDepth);
    }

    /// <summary>Where the reader is within the object: just after the last token it read.</summary>
    public readonly int Position => Reader.Position;

    /// <summary>The point just after the last token read, to step over what follows it with <see cref="SkipPropertyAfter"/>.</summary>
    public readonly Mark Here => new(Reader.Current, Reader.TokenType == JsonTokenType.StartObject);

    /// <summary>
    /// Steps over the property that follows <paramref name="mark"/> (its name, which the reader may
    /// already have read, and its value) and goes on reading as if it were not there. Returns false,
    /// leaving the reader as it was, when the bytes there do not hold a whole property.
    /// </summary>
    /// <param name="mark">Taken after the value before the property, or after the object's opening brace.</param>
    /// <param name="copyOf">
    /// The bytes after the name of a property already read (from its colon to the end of its value):
    /// when the property to step over repeats them exactly, it is stepped over in one comparison.
    /// </param>
    public bool SkipPropertyAfter(Mark mark, Range copyOf = default)
    {
        var json = _json;
        var at = JsonTokens.Whitespace(json, mark.State.Position);
        if (!mark.FirstInObject)
        {
            if (at >= json.Length || json[at] != (byte)',')
            {
                return false;
            }
            at = JsonTokens.Whitespace(json, at + 1);
        }
        if (at >= json.Length || json[at] != (byte)'"' || (at = AfterString(json, at)) < 0)
        {
            return false;
        }
        at = JsonTokens.Whitespace(json, at);
        if (at >= json.Length || json[at] != (byte)':')
        {
            return false;
        }
        var copy = json[copyOf];
        at = !copy.IsEmpty && json[(at + 1)..].StartsWith(copy) ? at + 1 + copy.Length : AfterValue(json, JsonTokens.Whitespace(json, at + 1));
        if (at < 0)
        {
            return false;
        }
        if (mark.FirstInObject)
        {
            // The object's first property: the comma after it goes too, so that the next one reads as first.
            var next = JsonTokens.Whitespace(json, at);
            if (next < json.Length && json[next] == (byte)',')
            {
                at = next + 1;
            }
        }
        Reader.Restore(mark.State, at);
        return true;
    }

    /// <summary>The index after the string that opens at <paramref name="at"/>, or -1 if it never closes.</summary>
    private static int AfterString(ReadOnlySpan<byte> json, int at)
    {
        for (at++; at < json.Length; at++)
        {
            var found = json[at..].IndexOfAny(StringEnd);
            if (found < 0)
            {
                return -1;
            }
            at += found;
            if (json[at] == (byte)'"')
            {
                return at + 1;
            }
            at++; // a backslash escapes the byte after it
        }
        return -1;
    }

    /// <summary>The index after the value that starts at <paramref name="at"/>, or -1 if it does not end.</summary>
    private static int AfterValue(ReadOnlySpan<byte> json, int at)
    {
        if (at >= json.Length)
        {
            return -1;
        }
        switch (json[at])
        {
            case (byte)'"':
                return AfterString(json, at);
            case (byte)'{' or (byte)'[':
                var depth = 0;
                while (at < json.Length)
                {
                    var found = json[at..].IndexOfAny(Structure);
                    if (found < 0)
                    {
                        return -1;
                    }
                    at += found;
                    switch (json[at])
                    {
                        case (byte)'"':
                            at = AfterString(json, at);
                            if (at < 0)
                            {
                                return -1;
                            }
                            continue;
                        case (byte)'{' or (byte)'[':
                            depth++;
                            break;
                        default:
                            if (--depth == 0)
                            {
                                return at + 1;
                            }
                            break;
                    }
                    at++;
                }
                return -1;
            default:
                var end = json[at..].IndexOfAny(ScalarEnd);
                return end <= 0 ? -1 : at + end;
        }
    }

    /// <summary>A reader's state between two tokens; whether what follows is an object's first property.</summary>
    internal readonly record struct Mark(JsonTokens.State State, bool FirstInObject);
}
