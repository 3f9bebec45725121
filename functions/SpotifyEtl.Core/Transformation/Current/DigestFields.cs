using System.Text;
using SpotifyEtl.Transformation.Parquet;

namespace SpotifyEtl.Transformation.Current;

/// <summary>
/// How a digest row is written: its snapshot date as a day number, then its table's columns in schema
/// order. Text is its UTF-8 length plus one (0 for null) and its bytes, so a row's key (its first
/// columns) compares as bytes without being decoded; a whole number is zigzag-encoded plus one (0 for
/// null); a boolean is one byte (0 null, 1 false, 2 true). Lengths and numbers are unsigned LEB128.
/// </summary>
internal static class DigestFields
{
    public static void WriteRow<T>(PooledBufferWriter output, int day, T row) where T : ITableRow<T>
    {
        WriteVarint(output, (uint)day);
        // Indexed, not foreach: an enumerator of the schema per row was a tenth of what a digest allocated.
        var schema = T.Schema;
        for (var i = 0; i < schema.Count; i++)
        {
            var column = schema[i];
            switch (column.Type)
            {
                case ColumnType.WholeNumber:
                    WriteVarint(output, column.IntOf!(row) is { } number ? (ulong)(uint)((number << 1) ^ (number >> 31)) + 1 : 0);
                    break;
                case ColumnType.Boolean:
                    output.GetSpan(1)[0] = column.BooleanOf!(row) switch { null => 0, false => 1, true => 2 };
                    output.Advance(1);
                    break;
                default:
                    if (column.SpelledIdOf?.Invoke(row) is { } id)
                    {
                        // The bytes WriteText gives the link's text: its length and one, then the text.
                        var length = column.LinkPrefix.Length + id.Length;
                        WriteVarint(output, (ulong)length + 1);
                        output.Advance(SpotifyUrls.Write(output.GetSpan(length), column.LinkPrefix, id));
                    }
                    else
                    {
                        WriteText(output, column.TextOf!(row));
                    }
                    break;
            }
        }
    }

    /// <summary>Unsigned LEB128, as Parquet's headers are written.</summary>
    public static void WriteVarint(PooledBufferWriter output, ulong value) => ThriftCompactWriter.WriteVarint(output, value);

    /// <summary>The longest text whose UTF-8 length plus one is sure to fit a one-byte LEB128 (below 128).</summary>
    private const int ShortText = 42;

    private static void WriteText(PooledBufferWriter output, string? text)
    {
        if (text is null)
        {
            WriteVarint(output, 0);
            return;
        }
        if (text.Length <= ShortText)
        {
            // At most three bytes a char: the length prefix is one byte whatever the count, so it is written
            // after the bytes are, in one pass.
            var room = output.GetSpan(1 + (text.Length * 3));
            var written = Encoding.UTF8.GetBytes(text, room[1..]);
            room[0] = (byte)(written + 1);
            output.Advance(1 + written);
            return;
        }
        var count = Encoding.UTF8.GetByteCount(text);
        WriteVarint(output, (ulong)count + 1);
        output.Advance(Encoding.UTF8.GetBytes(text, output.GetSpan(count)));
    }
}

/// <summary>Reads one digest row's fields in order; anything malformed is an <see cref="InvalidDataException"/>.</summary>
internal ref struct FieldReader
{
    private readonly Utf8StringCache? _strings;
    private ReadOnlySpan<byte> _rest;

    public FieldReader(ReadOnlySpan<byte> row, Utf8StringCache? strings = null)
    {
        _rest = row;
        _strings = strings;
    }

    public readonly bool AtEnd => _rest.IsEmpty;

    /// <summary>How many bytes are left after the fields read so far.</summary>
    public readonly int Remaining => _rest.Length;

    public ulong Varint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_rest.IsEmpty)
            {
                throw new InvalidDataException("a row ends inside a number");
            }
            var next = _rest[0];
            _rest = _rest[1..];
            value |= (ulong)(next & 0x7F) << shift;
            if (next < 0x80)
            {
                return value;
            }
        }
        throw new InvalidDataException("a number is longer than 64 bits");
    }

    public int Day()
    {
        var day = Varint();
        return day <= (ulong)DateOnly.MaxValue.DayNumber ? (int)day : throw new InvalidDataException($"day number {day} is no date");
    }

    /// <summary>A text field's UTF-8 bytes; false for null.</summary>
    public bool TextBytes(out ReadOnlySpan<byte> bytes)
    {
        var prefix = Varint();
        if (prefix == 0)
        {
            bytes = default;
            return false;
        }
        if (prefix - 1 > (ulong)_rest.Length)
        {
            throw new InvalidDataException("a text runs past the end of its row");
        }
        bytes = _rest[..(int)(prefix - 1)];
        _rest = _rest[bytes.Length..];
        return true;
    }

    public string? Text() => TextBytes(out var bytes) ? _strings?.Get(bytes) ?? Encoding.UTF8.GetString(bytes) : null;

    public string Id() => Text() ?? throw new InvalidDataException("a row has no id");

    public int? Number()
    {
        var encoded = Varint();
        if (encoded == 0)
        {
            return null;
        }
        if (encoded - 1 > uint.MaxValue)
        {
            throw new InvalidDataException("a whole number is out of range");
        }
        var zigzag = (uint)(encoded - 1);
        return (int)(zigzag >> 1) ^ -(int)(zigzag & 1);
    }

    public bool? Boolean()
    {
        if (_rest.IsEmpty)
        {
            throw new InvalidDataException("a row ends inside a boolean");
        }
        var value = _rest[0];
        _rest = _rest[1..];
        return value switch
        {
            0 => null,
            1 => false,
            2 => true,
            _ => throw new InvalidDataException($"{value} is no boolean"),
        };
    }

    /// <summary>Reads past one field of the given type, as a check that the row is well formed.</summary>
    public void Skip(ColumnType type)
    {
        switch (type)
        {
            case ColumnType.WholeNumber:
                Number();
                break;
            case ColumnType.Boolean:
                Boolean();
                break;
            default:
                TextBytes(out _);
                break;
        }
    }
}
