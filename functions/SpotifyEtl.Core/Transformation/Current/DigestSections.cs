using System.Buffers.Binary;
using SpotifyEtl.Transformation.Parquet;

namespace SpotifyEtl.Transformation.Current;

/// <summary>
/// The rows of one digest section: how they are framed, ordered and merged. A row is its length
/// (LEB128) and its fields; rows compare by their key columns as bytes, and on the same key the row of
/// the later day comes first, then the smaller row, so one rank orders every row of a table.
/// </summary>
internal static class DigestSections
{
    public const int HeaderLength = 8;

    public static int BeginSection(PooledBufferWriter output)
    {
        var start = output.WrittenCount;
        output.GetSpan(HeaderLength);
        output.Advance(HeaderLength);
        return start;
    }

    public static void EndSection(PooledBufferWriter output, int start, int count)
    {
        var header = output.Rewrite(start, HeaderLength);
        BinaryPrimitives.WriteInt32LittleEndian(header, count);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], output.WrittenCount - start - HeaderLength);
    }

    /// <summary>Orders two rows of one section: by key; on the same key, the later day first, then the smaller row.</summary>
    public static int CompareRanks(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int keyColumns)
    {
        var byKey = CompareKeys(a, b, keyColumns, out var dayA, out var dayB);
        return byKey != 0 ? byKey : dayA != dayB ? dayB.CompareTo(dayA) : a.SequenceCompareTo(b);
    }

    public static int CompareKeys(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int keyColumns, out int dayA, out int dayB)
    {
        var x = new FieldReader(a);
        var y = new FieldReader(b);
        dayA = x.Day();
        dayB = y.Day();
        for (var column = 0; column < keyColumns; column++)
        {
            x.TextBytes(out var keyA);
            y.TextBytes(out var keyB);
            var order = keyA.SequenceCompareTo(keyB);
            if (order != 0)
            {
                return order;
            }
        }
        return 0;
    }

    /// <summary>Reads the row at the start of <paramref name="rows"/> (its length, then its fields) and moves past it.</summary>
    public static ReadOnlySpan<byte> NextRow(ref ReadOnlySpan<byte> rows, out int framed)
    {
        var length = 0;
        var prefix = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (prefix == rows.Length || shift > 28)
            {
                throw new InvalidDataException("a row's length is damaged");
            }
            var next = rows[prefix++];
            length |= (next & 0x7F) << shift;
            if (next < 0x80)
            {
                break;
            }
        }
        if (length < 0 || length > rows.Length - prefix)
        {
            throw new InvalidDataException("a row runs past the end of its section");
        }
        framed = prefix + length;
        var row = rows.Slice(prefix, length);
        rows = rows[framed..];
        return row;
    }

    public static int Merge(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int keyColumns, PooledBufferWriter output)
    {
        var count = 0;
        while (!a.IsEmpty && !b.IsEmpty)
        {
            var restA = a;
            var restB = b;
            var rowA = NextRow(ref restA, out var framedA);
            var rowB = NextRow(ref restB, out var framedB);
            var order = CompareKeys(rowA, rowB, keyColumns, out var dayA, out var dayB);
            if (order == 0)
            {
                // One key on both sides: the row that ranks first stands (see CompareRanks), and both sides move on.
                var keepA = dayA != dayB ? dayA > dayB : rowA.SequenceCompareTo(rowB) <= 0;
                Copy(keepA ? a[..framedA] : b[..framedB], output);
                a = restA;
                b = restB;
            }
            else if (order < 0)
            {
                Copy(a[..framedA], output);
                a = restA;
            }
            else
            {
                Copy(b[..framedB], output);
                b = restB;
            }
            count++;
        }
        // One side is spent: the other's remaining rows follow as they are.
        var tail = a.IsEmpty ? b : a;
        Copy(tail, output);
        while (!tail.IsEmpty)
        {
            NextRow(ref tail, out _);
            count++;
        }
        return count;
    }

    public static void Copy(ReadOnlySpan<byte> bytes, PooledBufferWriter output)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }
}
