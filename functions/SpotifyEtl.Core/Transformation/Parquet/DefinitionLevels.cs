using System.Buffers;

namespace SpotifyEtl.Transformation.Parquet;

/// <summary>The definition levels of an optional column: which rows hold a value and which are null.</summary>
internal static class DefinitionLevels
{
    /// <summary>
    /// Definition levels (bit width 1) in the RLE/bit-packed hybrid: as runs when the values come in
    /// long runs (a column without nulls is one run), otherwise bit-packed, whichever is shorter.
    /// </summary>
    public static void Write(IBufferWriter<byte> output, ReadOnlySpan<bool> defined)
    {
        var runBytes = 0;
        for (var i = 0; i < defined.Length;)
        {
            var run = RunLength(defined, i);
            runBytes += VarintLength((ulong)run << 1) + 1;
            i += run;
        }
        var groups = (defined.Length + 7) / 8;
        var packedBytes = VarintLength(((ulong)groups << 1) | 1) + groups;
        if (runBytes <= packedBytes)
        {
            for (var i = 0; i < defined.Length;)
            {
                var run = RunLength(defined, i);
                ThriftCompactWriter.WriteVarint(output, (ulong)run << 1);
                output.GetSpan(1)[0] = defined[i] ? (byte)1 : (byte)0; // the run's value, in one byte at bit width 1
                output.Advance(1);
                i += run;
            }
            return;
        }
        ThriftCompactWriter.WriteVarint(output, ((ulong)groups << 1) | 1);
        var span = output.GetSpan(groups)[..groups];
        span.Clear();
        for (var i = 0; i < defined.Length; i++)
        {
            if (defined[i])
            {
                span[i / 8] |= (byte)(1 << (i % 8));
            }
        }
        output.Advance(groups);
    }

    private static int RunLength(ReadOnlySpan<bool> values, int start)
    {
        var other = values[start..].IndexOf(!values[start]);
        return other < 0 ? values.Length - start : other;
    }

    private static int VarintLength(ulong value)
    {
        var length = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }
        return length;
    }
}
