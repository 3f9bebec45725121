using System.Buffers;
using System.Text;
using SpotifyEtl.Transformation.Parquet;

namespace SpotifyEtl.Transformation;

/// <summary>
/// A table partition as one Parquet file: one row group, snappy compression, a column per schema
/// entry (string, int32 or boolean, all nullable). The same rows always give the same bytes.
/// </summary>
public static class ParquetTable
{
    /// <summary>Names the writer in each file's footer, where Parquet tools show it.</summary>
    internal const string CreatedBy = "spotify-etl";

    /// <summary>
    /// Room for a file of this many rows and columns, a little more than the lake's tables take: the buffer a
    /// file is built in starts at this size instead of growing (and copying) its way there.
    /// </summary>
    internal static int EstimatedBytes(int rows, int columns) => (int)Math.Clamp(rows * (long)columns * 16, 64 * 1024, 1 << 30);

    /// <summary>
    /// Parquet stores a column after a column, but a row is read once, all its columns together, while it is in the
    /// cache (<see cref="RowPrefetch"/>): each column is staged in one pass over the rows (texts as UTF-8, numbers and
    /// booleans as values), then written from what was staged, a large table's columns on two cores
    /// (<see cref="ParquetFileWriter.WriteColumns"/>). Read a column at a time, every row and its strings were fetched
    /// from memory once per column.
    /// </summary>
    public static void Write<T>(Stream destination, IReadOnlyList<T> rows) where T : ITableRow<T>
    {
        var schema = T.Schema;
        var texts = new Utf8Column?[schema.Count];
        var numbers = new int?[]?[schema.Count];
        var booleans = new bool?[]?[schema.Count];
        try
        {
            for (var c = 0; c < schema.Count; c++)
            {
                texts[c] = schema[c].Type == ColumnType.Text ? new Utf8Column(rows.Count) : null;
                numbers[c] = schema[c].Type == ColumnType.WholeNumber ? ArrayPool<int?>.Shared.Rent(rows.Count) : null;
                booleans[c] = schema[c].Type == ColumnType.Boolean ? ArrayPool<bool?>.Shared.Rent(rows.Count) : null;
            }
            var index = 0;
            foreach (var row in RowPrefetch.Ahead(rows))
            {
                for (var c = 0; c < texts.Length; c++)
                {
                    var column = schema[c];
                    switch (column.Type)
                    {
                        case ColumnType.WholeNumber: numbers[c]![index] = column.IntOf!(row); break;
                        case ColumnType.Boolean: booleans[c]![index] = column.BooleanOf!(row); break;
                        default:
                            if (column.SpelledIdOf?.Invoke(row) is { } id)
                            {
                                texts[c]!.AddLink(index, column.LinkPrefix, id);
                            }
                            else
                            {
                                texts[c]!.Add(index, column.TextOf!(row));
                            }
                            break;
                    }
                }
                index++;
            }

            Span<long> columnBytes = stackalloc long[schema.Count];
            for (var c = 0; c < schema.Count; c++)
            {
                // A text's bytes and its length; a whole number's four bytes; a boolean's bit.
                columnBytes[c] = schema[c].Type switch
                {
                    ColumnType.Text => texts[c]!.Bytes + 4L * rows.Count,
                    ColumnType.WholeNumber => 4L * rows.Count,
                    _ => (rows.Count + 7) / 8,
                };
            }
            ParquetFileWriter.WriteColumns(destination, rows.Count, columnBytes, (writer, from, to) =>
            {
                for (var c = from; c < to; c++)
                {
                    var column = schema[c];
                    switch (column.Type)
                    {
                        case ColumnType.WholeNumber:
                            var number = numbers[c]!;
                            writer.WriteInt32s(column.Name, rows.Count, i => number[i]);
                            break;
                        case ColumnType.Boolean:
                            var boolean = booleans[c]!;
                            writer.WriteBooleans(column.Name, rows.Count, i => boolean[i]);
                            break;
                        default:
                            writer.WriteUtf8(column.Name, rows.Count, texts[c]!.ValueAt);
                            break;
                    }
                }
            }, CreatedBy);
        }
        finally
        {
            for (var c = 0; c < schema.Count; c++)
            {
                texts[c]?.Dispose();
                if (numbers[c] is { } number) { ArrayPool<int?>.Shared.Return(number); }
                if (booleans[c] is { } boolean) { ArrayPool<bool?>.Shared.Return(boolean); }
            }
        }
    }

    /// <summary>A text column's values as UTF-8, one after another, and where each row's ends (its complement for a null).</summary>
    private sealed class Utf8Column(int rows) : IDisposable
    {
        private readonly PooledBufferWriter _bytes = new((int)Math.Clamp(rows * 24L, 4 * 1024, ParquetFileWriter.PageSize));
        private readonly int[] _ends = ArrayPool<int>.Shared.Rent(Math.Max(rows, 1));

        public void Add(int row, string? value)
        {
            if (value is not null)
            {
                _bytes.Advance(Encoding.UTF8.GetBytes(value, _bytes.GetSpan(Encoding.UTF8.GetMaxByteCount(value.Length))));
            }
            _ends[row] = value is null ? ~_bytes.WrittenCount : _bytes.WrittenCount;
        }

        /// <summary>A link spelled from its id (<see cref="SpotifyUrls"/>): the bytes its text would have been written as.</summary>
        public void AddLink(int row, ReadOnlySpan<byte> prefix, string id)
        {
            _bytes.Advance(SpotifyUrls.Write(_bytes.GetSpan(prefix.Length + id.Length), prefix, id));
            _ends[row] = _bytes.WrittenCount;
        }

        /// <summary>The bytes of every value together.</summary>
        public int Bytes => _bytes.WrittenCount;

        public bool ValueAt(int row, out ReadOnlySpan<byte> value)
        {
            var end = _ends[row];
            var start = row == 0 ? 0 : _ends[row - 1] < 0 ? ~_ends[row - 1] : _ends[row - 1];
            value = end < 0 ? default : _bytes.WrittenSpan[start..end];
            return end >= 0;
        }

        public void Dispose()
        {
            _bytes.Dispose();
            ArrayPool<int>.Shared.Return(_ends);
        }
    }
}
