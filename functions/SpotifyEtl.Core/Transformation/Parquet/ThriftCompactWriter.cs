using System.Buffers;
using System.Text;

namespace SpotifyEtl.Transformation.Parquet;

/// <summary>
/// Writes Thrift's compact protocol, the encoding of Parquet's page headers and file footer: field
/// headers as deltas of the field id, integers as zigzag varints, lists with their element type.
/// Only what a Parquet writer needs: structs, lists, i32, i64 and strings.
/// </summary>
internal sealed class ThriftCompactWriter(IBufferWriter<byte> output)
{
    private const byte I32Type = 5;
    private const byte I64Type = 6;
    private const byte BinaryType = 8;
    private const byte ListType = 9;
    private const byte StructType = 12;

    /// <summary>The last field id of each open struct: compact field headers are deltas from it.</summary>
    private readonly Stack<short> _lastFieldIds = new();
    private short _lastFieldId;

    public void I32(short field, int value)
    {
        FieldHeader(field, I32Type);
        Varint(ZigZag(value));
    }

    public void I64(short field, long value)
    {
        FieldHeader(field, I64Type);
        Varint(ZigZag(value));
    }

    public void String(short field, string value)
    {
        FieldHeader(field, BinaryType);
        StringValue(value);
    }

    /// <summary>Opens a struct-typed field; close it with <see cref="EndStruct"/>.</summary>
    public void BeginStruct(short field)
    {
        FieldHeader(field, StructType);
        BeginStructValue();
    }

    /// <summary>Opens a struct that is a list element (no field header).</summary>
    public void BeginStructValue()
    {
        _lastFieldIds.Push(_lastFieldId);
        _lastFieldId = 0;
    }

    /// <summary>Closes a struct, the message itself included: the stop byte.</summary>
    public void EndStruct()
    {
        Byte(0);
        _lastFieldId = _lastFieldIds.Count > 0 ? _lastFieldIds.Pop() : (short)0;
    }

    /// <summary>Opens a list field of structs; write each element between BeginStructValue and EndStruct.</summary>
    public void StructList(short field, int count) => ListHeader(field, StructType, count);

    public void StringList(short field, IReadOnlyList<string> values)
    {
        ListHeader(field, BinaryType, values.Count);
        foreach (var value in values)
        {
            StringValue(value);
        }
    }

    public void I32List(short field, IReadOnlyList<int> values)
    {
        ListHeader(field, I32Type, values.Count);
        foreach (var value in values)
        {
            Varint(ZigZag(value));
        }
    }

    private void ListHeader(short field, byte elementType, int count)
    {
        FieldHeader(field, ListType);
        if (count < 15)
        {
            Byte((byte)((count << 4) | elementType));
        }
        else
        {
            Byte((byte)(0xF0 | elementType));
            Varint((ulong)count);
        }
    }

    private void FieldHeader(short field, byte type)
    {
        var delta = field - _lastFieldId;
        if (delta is > 0 and <= 15)
        {
            Byte((byte)((delta << 4) | type));
        }
        else
        {
            Byte(type);
            Varint(ZigZag(field));
        }
        _lastFieldId = field;
    }

    private void StringValue(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        Varint((ulong)length);
        Encoding.UTF8.GetBytes(value, output.GetSpan(length));
        output.Advance(length);
    }

    private void Varint(ulong value) => WriteVarint(output, value);

    /// <summary>An unsigned LEB128 varint: seven bits a byte, low bits first (Thrift's and Parquet's run headers).</summary>
    public static void WriteVarint(IBufferWriter<byte> output, ulong value)
    {
        var span = output.GetSpan(10);
        var written = 0;
        while (value >= 0x80)
        {
            span[written++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[written++] = (byte)value;
        output.Advance(written);
    }

    private void Byte(byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));
}
