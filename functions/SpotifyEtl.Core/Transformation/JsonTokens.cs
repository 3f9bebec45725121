using System.Runtime.CompilerServices;
using System.Text.Json;

namespace SpotifyEtl.Transformation;

/// <summary>
/// A forward-only JSON tokenizer over one whole raw object, with the members of <see cref="Utf8JsonReader"/> the
/// transformation reads. Spotify indents its responses (a third of a page's bytes are spaces), and the runtime's reader
/// steps over whitespace a byte at a time: in a profile of a bare parse, that was two fifths of its time. Here a line
/// break's indentation, and a string's plain bytes, are stepped over sixteen bytes at a time by vector comparisons.
/// <para>
/// It accepts exactly the JSON the runtime's reader accepts with comments disallowed (RFC 8259: no trailing commas, one
/// value, at most <c>maxDepth</c> levels), and yields the same tokens, values and positions; a test holds it to that over
/// generated documents, valid and mangled. It only tells where its input stops being JSON: the caller asks the runtime's
/// reader for its words then (<see cref="StandardError"/>). Escaped text and numbers that are not whole are decoded by the
/// runtime's reader, as before.
/// </para>
/// </summary>
internal ref partial struct JsonTokens
{
    private readonly ReadOnlySpan<byte> _json;
    private readonly int _maxDepth;
    private State _state;
    private int _valueStart;
    private int _valueLength;
    private bool _escaped;

    /// <summary>A tokenizer at the start of <paramref name="json"/>, one whole JSON value.</summary>
    /// <param name="json">The whole input: there is no more to come.</param>
    /// <param name="maxDepth">How many objects and arrays may be open at once, at most 64 (what one bit each in a word holds).</param>
    public JsonTokens(ReadOnlySpan<byte> json, int maxDepth)
    {
        _json = json;
        _maxDepth = maxDepth is > 0 and <= 64 ? maxDepth : throw new ArgumentOutOfRangeException(nameof(maxDepth), maxDepth, "from 1 to 64");
    }

    /// <summary>Where the tokenizer stands between two tokens; what it restores with <see cref="Restore"/>.</summary>
    /// <param name="Position">The index just after the last token (after a property name's colon).</param>
    /// <param name="Depth">The number of objects and arrays open.</param>
    /// <param name="Objects">Which of them are objects: bit <c>n</c> for the one at depth <c>n + 1</c>.</param>
    /// <param name="Token">The last token read.</param>
    internal readonly record struct State(int Position, int Depth, ulong Objects, JsonTokenType Token);

    public readonly JsonTokenType TokenType => _state.Token;

    /// <summary>A string's or property name's bytes between its quotes (escapes as written), or the bytes of any other token.</summary>
    public readonly ReadOnlySpan<byte> ValueSpan => _json.Slice(_valueStart, _valueLength);

    public readonly bool ValueIsEscaped => _escaped;

    /// <summary>The index just after the last token read, as <see cref="Utf8JsonReader.BytesConsumed"/> counts it.</summary>
    public readonly int Position => _state.Position;

    public readonly State Current => _state;

    /// <summary>Goes on from <paramref name="position"/> as it would have from <paramref name="state"/>'s own.</summary>
    public void Restore(State state, int position) => _state = state with { Position = position };

    private readonly bool InObject => ((_state.Objects >> (_state.Depth - 1)) & 1) != 0;

    /// <summary>Reads the next token; false at the end of the input, once its one value is complete.</summary>
    public bool Read()
    {
        var json = _json;
        var at = Whitespace(json, _state.Position);
        if (at >= json.Length)
        {
            if (_state.Depth == 0 && _state.Token != JsonTokenType.None)
            {
                _state = _state with { Position = at };
                return false;
            }
            throw Fail(at, "the JSON ends before its value is complete");
        }
        var next = json[at];
        switch (_state.Token)
        {
            case JsonTokenType.None or JsonTokenType.PropertyName:
                Value(json, at, next);
                return true;
            case JsonTokenType.StartObject:
                if (next == (byte)'}')
                {
                    End(at, JsonTokenType.EndObject);
                }
                else
                {
                    Name(json, at, next);
                }
                return true;
            case JsonTokenType.StartArray:
                if (next == (byte)']')
                {
                    End(at, JsonTokenType.EndArray);
                }
                else
                {
                    Value(json, at, next);
                }
                return true;
            default:
                AfterValue(json, at, next);
                return true;
        }
    }

    /// <summary>After a value or a closing bracket: a comma and the next member, or the bracket that closes the container.</summary>
    private void AfterValue(ReadOnlySpan<byte> json, int at, byte next)
    {
        if (_state.Depth == 0)
        {
            throw Fail(at, "more follows the JSON value");
        }
        var inObject = InObject;
        if (next == (byte)',')
        {
            at = Whitespace(json, at + 1);
            if (at >= json.Length)
            {
                throw Fail(at, "the JSON ends after a comma");
            }
            if (inObject)
            {
                Name(json, at, json[at]);
            }
            else
            {
                Value(json, at, json[at]);
            }
            return;
        }
        if (next != (inObject ? (byte)'}' : (byte)']'))
        {
            throw Fail(at, inObject ? "expected ',' or '}'" : "expected ',' or ']'");
        }
        End(at, inObject ? JsonTokenType.EndObject : JsonTokenType.EndArray);
    }

    private void Value(ReadOnlySpan<byte> json, int at, byte first)
    {
        switch (first)
        {
            case (byte)'"':
                _state = _state with { Position = String(json, at), Token = JsonTokenType.String };
                return;
            case (byte)'{':
                Start(at, JsonTokenType.StartObject);
                return;
            case (byte)'[':
                Start(at, JsonTokenType.StartArray);
                return;
            case (byte)'t':
                Literal(json, at, "true"u8, JsonTokenType.True);
                return;
            case (byte)'f':
                Literal(json, at, "false"u8, JsonTokenType.False);
                return;
            case (byte)'n':
                Literal(json, at, "null"u8, JsonTokenType.Null);
                return;
            case (byte)'-' or (>= (byte)'0' and <= (byte)'9'):
                Number(json, at);
                return;
            default:
                throw Fail(at, "expected a value");
        }
    }

    private void Name(ReadOnlySpan<byte> json, int at, byte first)
    {
        if (first != (byte)'"')
        {
            throw Fail(at, "expected a property name");
        }
        var colon = Whitespace(json, String(json, at));
        if (colon >= json.Length || json[colon] != (byte)':')
        {
            throw Fail(colon, "expected ':' after a property name");
        }
        _state = _state with { Position = colon + 1, Token = JsonTokenType.PropertyName };
    }

    private void Start(int at, JsonTokenType token)
    {
        var depth = _state.Depth;
        if (depth >= _maxDepth)
        {
            throw TooDeep(at, _maxDepth);
        }
        var bit = 1UL << depth;
        var objects = token == JsonTokenType.StartObject ? _state.Objects | bit : _state.Objects & ~bit;
        _state = new State(at + 1, depth + 1, objects, token);
        (_valueStart, _valueLength, _escaped) = (at, 1, false);
    }

    /// <summary>Out of line: the message is built with a struct that holds references, which each container's start would clear.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static JsonException TooDeep(int at, int maxDepth) => Fail(at, $"nested deeper than {maxDepth} levels");

    private void End(int at, JsonTokenType token)
    {
        _state = _state with { Position = at + 1, Depth = _state.Depth - 1, Token = token };
        (_valueStart, _valueLength, _escaped) = (at, 1, false);
    }

    private void Literal(ReadOnlySpan<byte> json, int at, ReadOnlySpan<byte> literal, JsonTokenType token)
    {
        if (!json[at..].StartsWith(literal))
        {
            throw Fail(at, "expected a value");
        }
        _state = _state with { Position = at + literal.Length, Token = token };
        (_valueStart, _valueLength, _escaped) = (at, literal.Length, false);
    }
}
