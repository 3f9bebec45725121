using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SpotifyEtl.Transformation;

/// <summary>Strings and whitespace: the runs of bytes JSON's tokens are made of, stepped over a block at a time.</summary>
internal ref partial struct JsonTokens
{
    /// <summary>The index after the string whose opening quote is at <paramref name="at"/>; its value is what lies between.</summary>
    private int String(ReadOnlySpan<byte> json, int at)
    {
        var start = at + 1;
        var end = Special(json, start);
        if (end < json.Length && json[end] == (byte)'"')
        {
            (_valueStart, _valueLength, _escaped) = (start, end - start, false);
            return end + 1;
        }
        end = EscapedString(json, start, end);
        (_valueStart, _valueLength, _escaped) = (start, end - start, true);
        return end + 1;
    }

    /// <summary>
    /// The index of the first byte from <paramref name="at"/> that ends a string's plain run (its closing quote, an escape,
    /// or a control character, which JSON forbids there), or the input's length: sixteen bytes at a time, since most of
    /// Spotify's strings (ids, names, dates) are shorter than two such blocks and a general search costs more to set up.
    /// </summary>
    private static int Special(ReadOnlySpan<byte> json, int at)
    {
        ref var first = ref MemoryMarshal.GetReference(json);
        while (at + Vector128<byte>.Count <= json.Length)
        {
            var block = Vector128.LoadUnsafe(ref first, (nuint)at);
            var special = Vector128.Equals(block, Vector128.Create((byte)'"')) | Vector128.Equals(block, Vector128.Create((byte)'\\'))
                | Vector128.LessThan(block, Vector128.Create((byte)' '));
            var found = special.ExtractMostSignificantBits();
            if (found != 0)
            {
                return at + BitOperations.TrailingZeroCount(found);
            }
            at += Vector128<byte>.Count;
        }
        for (; at < json.Length; at++)
        {
            if (json[at] is (byte)'"' or (byte)'\\' or < (byte)' ')
            {
                return at;
            }
        }
        return at;
    }

    /// <summary>The index of the closing quote of a string that has an escape or a forbidden byte at <paramref name="at"/>.</summary>
    private static int EscapedString(ReadOnlySpan<byte> json, int start, int at)
    {
        while (at < json.Length)
        {
            switch (json[at])
            {
                case (byte)'"':
                    return at;
                case (byte)'\\':
                    at = Special(json, Escape(json, at));
                    break;
                default:
                    throw Fail(at, "a control character in a string");
            }
        }
        throw Fail(start - 1, "a string that does not end");
    }

    /// <summary>The index after the escape whose backslash is at <paramref name="at"/>.</summary>
    private static int Escape(ReadOnlySpan<byte> json, int at)
    {
        if (at + 1 >= json.Length)
        {
            throw Fail(at, "a string that does not end");
        }
        switch (json[at + 1])
        {
            case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                return at + 2;
            case (byte)'u':
                if (at + 6 > json.Length || !IsHex(json[at + 2]) || !IsHex(json[at + 3]) || !IsHex(json[at + 4]) || !IsHex(json[at + 5]))
                {
                    throw Fail(at, "an escape '\\u' without four hexadecimal digits");
                }
                return at + 6;
            default:
                throw Fail(at, "an escape JSON does not have");
        }
    }

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

    /// <summary>The index of the next byte that is not JSON's whitespace (space, tab, line feed, carriage return).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Whitespace(ReadOnlySpan<byte> json, int at)
    {
        if ((uint)at < (uint)json.Length)
        {
            if (json[at] > (byte)' ')
            {
                return at;
            }
            switch (json[at])
            {
                case (byte)' ' when (uint)(at + 1) < (uint)json.Length && json[at + 1] > (byte)' ':
                    return at + 1; // the one space after a colon
                case (byte)'\n':
                    var indented = Indentation(json, at + 1);
                    if ((uint)indented < (uint)json.Length && json[indented] > (byte)' ')
                    {
                        return indented; // a line break and its indentation
                    }
                    return MoreWhitespace(json, indented);
            }
        }
        return MoreWhitespace(json, at);
    }

    private static int MoreWhitespace(ReadOnlySpan<byte> json, int at)
    {
        while (at < json.Length)
        {
            switch (json[at])
            {
                case (byte)' ' or (byte)'\t' or (byte)'\r':
                    at++;
                    break;
                case (byte)'\n':
                    at = Indentation(json, at + 1);
                    break;
                default:
                    return at;
            }
        }
        return at;
    }

    /// <summary>The index after the spaces from <paramref name="at"/>, sixteen at a time: a line's indentation, in one or two steps.</summary>
    private static int Indentation(ReadOnlySpan<byte> json, int at)
    {
        ref var first = ref MemoryMarshal.GetReference(json);
        while (at + Vector128<byte>.Count <= json.Length)
        {
            var other = ~Vector128.Equals(Vector128.LoadUnsafe(ref first, (nuint)at), Vector128.Create((byte)' '));
            var found = other.ExtractMostSignificantBits();
            if (found != 0)
            {
                return at + BitOperations.TrailingZeroCount(found);
            }
            at += Vector128<byte>.Count;
        }
        while (at < json.Length && json[at] == (byte)' ')
        {
            at++;
        }
        return at;
    }
}
