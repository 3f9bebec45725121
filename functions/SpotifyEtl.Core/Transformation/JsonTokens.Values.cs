using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace SpotifyEtl.Transformation;

/// <summary>Numbers, the values of tokens, stepping over a value, and what is said when the input is not JSON.</summary>
internal ref partial struct JsonTokens
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Steps over the value the tokenizer is on, or that follows the property name it is on: on an object or array, to its
    /// closing bracket, whose bytes are read as JSON all the same.
    /// </summary>
    public void Skip()
    {
        if (_state.Token == JsonTokenType.PropertyName)
        {
            Read();
        }
        if (_state.Token is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            var outside = _state.Depth - 1;
            while (_state.Depth > outside)
            {
                Read();
            }
        }
    }

    /// <summary>The text of the string or property name the tokenizer is on; null for a JSON null.</summary>
    public readonly string? GetString()
    {
        switch (_state.Token)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String or JsonTokenType.PropertyName when !_escaped:
                try
                {
                    return StrictUtf8.GetString(ValueSpan);
                }
                catch (DecoderFallbackException exception)
                {
                    // As the runtime's reader says it.
                    throw new InvalidOperationException("Cannot transcode invalid UTF-8 JSON text to UTF-16 string.", exception);
                }
            case JsonTokenType.String or JsonTokenType.PropertyName:
                return UnescapedString(QuotedValue);
            default:
                throw WrongToken("read as text");
        }
    }

    /// <summary>What a caller is told that asks a token for a value it does not have: an exception of the type the runtime's reader throws.</summary>
    /// <remarks>Out of line: its message is built with a struct that holds references, which every caller would clear on each call.</remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly InvalidOperationException WrongToken(string what) => new($"A token of type '{_state.Token}' cannot be {what}.");

    /// <summary>Whether the string or property name the tokenizer is on is <paramref name="utf8"/>, once unescaped.</summary>
    /// <remarks>
    /// Inlined: an object's reader asks of each property name whether it is one of the names it knows, and inlined, most of
    /// those answers are a comparison of two lengths, which costs less than a call.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool ValueTextEquals(ReadOnlySpan<byte> utf8)
    {
        if (_state.Token is not (JsonTokenType.String or JsonTokenType.PropertyName))
        {
            throw WrongToken("compared as text");
        }
        return _escaped ? UnescapedTextEquals(QuotedValue, utf8) : ValueSpan.SequenceEqual(utf8);
    }

    /// <summary>The number the tokenizer is on as an <see cref="int"/>, when it is written as one.</summary>
    public readonly bool TryGetInt32(out int value)
    {
        if (_state.Token != JsonTokenType.Number)
        {
            throw WrongToken("read as a number");
        }
        var span = ValueSpan;
        if (Utf8Parser.TryParse(span, out value, out var consumed) && consumed == span.Length)
        {
            return true;
        }
        value = 0;
        return false;
    }

    /// <summary>The number the tokenizer is on as a <see cref="double"/>, decoded as the runtime's reader decodes it.</summary>
    public readonly double GetDouble()
    {
        if (_state.Token != JsonTokenType.Number)
        {
            throw WrongToken("read as a number");
        }
        return StandardDouble(ValueSpan);
    }

    /// <summary>The string or property name the tokenizer is on, quotes included: what the runtime's reader decodes escaped text from.</summary>
    private readonly ReadOnlySpan<byte> QuotedValue => _json.Slice(_valueStart - 1, _valueLength + 2);

    // The runtime's reader, a struct of some 200 bytes with references in it, is a local only in the methods below, never
    // inlined: a method that holds one clears it on every call, and GetString and ValueTextEquals, which hold none, run for
    // nearly every string and property name.

    /// <summary>Escaped text, decoded by the runtime's reader.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string? UnescapedString(ReadOnlySpan<byte> quoted)
    {
        var reader = new Utf8JsonReader(quoted);
        reader.Read();
        return reader.GetString();
    }

    /// <summary>Whether escaped text is <paramref name="utf8"/> once unescaped, as the runtime's reader compares it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool UnescapedTextEquals(ReadOnlySpan<byte> quoted, ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(quoted);
        reader.Read();
        return reader.ValueTextEquals(utf8);
    }

    /// <summary>A number that is not whole, decoded by the runtime's reader.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double StandardDouble(ReadOnlySpan<byte> number)
    {
        var reader = new Utf8JsonReader(number);
        reader.Read();
        return reader.GetDouble();
    }

    private void Number(ReadOnlySpan<byte> json, int at)
    {
        var end = at;
        if (json[end] == (byte)'-')
        {
            end++;
        }
        if (end < json.Length && json[end] == (byte)'0')
        {
            end++;
        }
        else
        {
            end = Digits(json, end);
        }
        if (end < json.Length && json[end] == (byte)'.')
        {
            end = Digits(json, end + 1);
        }
        if (end < json.Length && (json[end] | 0x20) == (byte)'e')
        {
            end++;
            if (end < json.Length && json[end] is (byte)'+' or (byte)'-')
            {
                end++;
            }
            end = Digits(json, end);
        }
        // A number that ends the input inside an object or array is refused as the runtime's reader refuses it: on the
        // number, before the caller reads it as a value.
        if (end == json.Length && _state.Depth > 0)
        {
            throw Fail(end, "the JSON ends inside a number");
        }
        // What the runtime's reader lets follow a number; a slash (a comment's start) is refused at the next token.
        if (end < json.Length && json[end] is not ((byte)',' or (byte)'}' or (byte)']' or (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or (byte)'/'))
        {
            throw Fail(end, "a number followed by what cannot follow one");
        }
        (_valueStart, _valueLength, _escaped) = (at, end - at, false);
        _state = _state with { Position = end, Token = JsonTokenType.Number };
    }

    /// <summary>The index after one or more digits from <paramref name="at"/>.</summary>
    private static int Digits(ReadOnlySpan<byte> json, int at)
    {
        var end = at;
        while (end < json.Length && char.IsAsciiDigit((char)json[end]))
        {
            end++;
        }
        return end > at ? end : throw Fail(at, "a number without a digit where one belongs");
    }

    private static JsonException Fail(int at, string what) =>
        new($"The input is not valid JSON: {what} at byte {at}.", path: null, lineNumber: null, bytePositionInLine: at);

    /// <summary>
    /// What the runtime's reader says of <paramref name="json"/>, read whole with comments disallowed: the words to tell a
    /// person when this tokenizer has found that it is not JSON. Null when the runtime's reader finds nothing wrong.
    /// </summary>
    public static JsonException? StandardError(ReadOnlySpan<byte> json, int maxDepth)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = maxDepth });
        try
        {
            while (reader.Read())
            {
            }
            return null;
        }
        catch (JsonException exception)
        {
            return exception;
        }
    }
}
