using System.Buffers;
using System.Buffers.Binary;
using Snappier;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Transformation.Parquet;

/// <summary>A string column's value at a row, as UTF-8; false for a missing value.</summary>
internal delegate bool Utf8ValueAt(int row, out ReadOnlySpan<byte> value);

/// <summary>
/// Writes a flat table as one Parquet file: one row group, every column optional, v1 data pages of at
/// most about <see cref="PageSize"/> bytes, PLAIN values, definition levels in the RLE/bit-packed
/// hybrid, snappy compression, a null count per column chunk. The lake's tables need nothing more
/// (strings, int32, booleans), and encoding them directly from the rows spares the copies a
/// general-purpose library makes (docs/benchmarks.md). The same rows always give the same bytes.
/// </summary>
internal sealed partial class ParquetFileWriter : IDisposable
{
    /// <summary>Uncompressed values per page before a new page starts; readers expect pages of about this size.</summary>
    internal const int PageSize = 1 << 20;

    private static readonly byte[] Magic = "PAR1"u8.ToArray();

    private const int DataPage = 0;
    internal const int PlainEncoding = 0;
    internal const int RleEncoding = 3;

    private readonly Stream _destination;
    private readonly int _rowCount;
    private readonly List<ChunkInfo> _chunks = [];
    private readonly PooledBufferWriter _values;
    private readonly PooledBufferWriter _levels = new(4 * 1024);
    private readonly PooledBufferWriter _body;
    private readonly PooledBufferWriter _header = new(1024);
    private byte[] _compressed = [];
    private bool[] _defined = [];
    private long _offset;

    public ParquetFileWriter(Stream destination, int rowCount)
        : this(destination, rowCount, startsFile: true)
    {
    }

    /// <param name="startsFile">False for a part of a file's column chunks (<see cref="WriteColumns"/>): no magic bytes, its chunks placed where it is appended.</param>
    private ParquetFileWriter(Stream destination, int rowCount, bool startsFile)
    {
        _destination = destination;
        _rowCount = rowCount;
        // A page's buffers start at about what one column of these rows takes (40 bytes a row: a 22-character id
        // and its length, a title, a URI), up to a page; a buffer that grows copies what it holds into a larger one.
        // Room unwritten is not free: the pool rounds a rent up to a power of two, and on a heap of 2 MB pages a
        // byte written anywhere in a page brings in the whole page, so a buffer twice too large costs fresh memory
        // as a full one does (at 128 bytes a row, a table of 15,000 rows rented 2 MB for each buffer).
        var pageBytes = (int)Math.Clamp(rowCount * 40L, 64 * 1024, PageSize);
        _values = new PooledBufferWriter(pageBytes);
        _body = new PooledBufferWriter(pageBytes);
        if (startsFile)
        {
            Write(Magic);
        }
    }

    /// <summary>Writes a string column from values already in UTF-8; a value the delegate does not give is missing.</summary>
    public void WriteUtf8(string name, int count, Utf8ValueAt valueAt)
    {
        var chunk = BeginChunk(name, PhysicalType.ByteArray, count);
        var start = 0;
        for (var row = 0; row < count; row++)
        {
            var defined = valueAt(row, out var value);
            _defined[row - start] = defined;
            if (defined)
            {
                var span = _values.GetSpan(4 + value.Length);
                BinaryPrimitives.WriteInt32LittleEndian(span, value.Length);
                value.CopyTo(span[4..]);
                _values.Advance(4 + value.Length);
            }
            EndPageIfFull(chunk, ref start, row);
        }
        EndChunk(chunk, start, count);
    }

    /// <summary>Writes an int32 column; a null is a missing value.</summary>
    public void WriteInt32s(string name, int count, Func<int, int?> valueAt)
    {
        var chunk = BeginChunk(name, PhysicalType.Int32, count);
        var start = 0;
        for (var row = 0; row < count; row++)
        {
            var value = valueAt(row);
            _defined[row - start] = value.HasValue;
            if (value.HasValue)
            {
                BinaryPrimitives.WriteInt32LittleEndian(_values.GetSpan(4), value.Value);
                _values.Advance(4);
                EndPageIfFull(chunk, ref start, row);
            }
        }
        EndChunk(chunk, start, count);
    }

    /// <summary>Writes a boolean column, bit-packed; a null is a missing value.</summary>
    public void WriteBooleans(string name, int count, Func<int, bool?> valueAt)
    {
        var chunk = BeginChunk(name, PhysicalType.Boolean, count);
        // Booleans are small: a page holds every row, packed eight to a byte as values arrive.
        var packed = new byte[(count + 7) / 8];
        var present = 0;
        for (var row = 0; row < count; row++)
        {
            var value = valueAt(row);
            _defined[row] = value.HasValue;
            if (value.HasValue)
            {
                if (value.Value)
                {
                    packed[present / 8] |= (byte)(1 << (present % 8));
                }
                present++;
            }
        }
        _values.Write(packed.AsSpan(0, (present + 7) / 8));
        EndChunk(chunk, 0, count);
    }

    /// <summary>Writes the footer: the schema, the row group and where each column chunk starts.</summary>
    public void Finish(string createdBy)
    {
        _header.Clear();
        ParquetFooter.Write(_header, _chunks, _rowCount, createdBy);
        var footer = _header.WrittenSpan;
        Write(footer);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, footer.Length);
        Write(length);
        Write(Magic);
    }

    private ChunkInfo BeginChunk(string name, PhysicalType type, int count)
    {
        if (count != _rowCount)
        {
            throw new ArgumentException($"Column {name} has {count} values for {_rowCount} rows.", nameof(count));
        }
        if (_defined.Length < count)
        {
            Return(_defined);
            _defined = ArrayPool<bool>.Shared.Rent(count);
        }
        _values.Clear();
        var chunk = new ChunkInfo(name, type, _offset);
        _chunks.Add(chunk);
        return chunk;
    }

    /// <summary>Once the page begun at <paramref name="start"/> holds a page's worth of values, writes it with this row as its last.</summary>
    private void EndPageIfFull(ChunkInfo chunk, ref int start, int row)
    {
        if (_values.WrittenCount >= PageSize)
        {
            FlushPage(chunk, start, row + 1);
            start = row + 1;
        }
    }

    private void EndChunk(ChunkInfo chunk, int start, int count)
    {
        if (count > start)
        {
            FlushPage(chunk, start, count);
        }
    }

    /// <summary>Writes rows [start, end) of the column as one data page: its header, then its compressed body.</summary>
    private void FlushPage(ChunkInfo chunk, int start, int end)
    {
        var defined = _defined.AsSpan(0, end - start);
        _levels.Clear();
        DefinitionLevels.Write(_levels, defined);
        _body.Clear();
        BinaryPrimitives.WriteInt32LittleEndian(_body.GetSpan(4), _levels.WrittenCount);
        _body.Advance(4);
        _body.Write(_levels.WrittenSpan);
        _body.Write(_values.WrittenSpan);
        _values.Clear();

        var body = _body.WrittenSpan;
        var bound = Snappy.GetMaxCompressedLength(body.Length);
        if (_compressed.Length < bound)
        {
            BytePool.Return(_compressed);
            _compressed = BytePool.Rent(bound);
        }
        var compressed = Snappy.Compress(body, _compressed);

        _header.Clear();
        var thrift = new ThriftCompactWriter(_header);
        thrift.I32(1, DataPage);
        thrift.I32(2, body.Length);
        thrift.I32(3, compressed);
        thrift.BeginStruct(5);
        thrift.I32(1, end - start);
        thrift.I32(2, PlainEncoding);
        thrift.I32(3, RleEncoding);
        thrift.I32(4, RleEncoding);
        thrift.EndStruct();
        thrift.EndStruct();

        Write(_header.WrittenSpan);
        Write(_compressed.AsSpan(0, compressed));
        var nulls = defined.Count(false);
        chunk.Values += end - start;
        chunk.Nulls += nulls;
        chunk.Uncompressed += _header.WrittenCount + body.Length;
        chunk.Compressed += _header.WrittenCount + compressed;
    }

    public void Dispose()
    {
        _values.Dispose();
        _levels.Dispose();
        _body.Dispose();
        _header.Dispose();
        BytePool.Return(_compressed);
        Return(_defined);
        _compressed = [];
        _defined = [];
    }

    private static void Return<T>(T[] array)
    {
        if (array.Length > 0)
        {
            ArrayPool<T>.Shared.Return(array);
        }
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        _destination.Write(bytes);
        _offset += bytes.Length;
    }
}
