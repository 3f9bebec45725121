using System.Buffers;
using System.Globalization;
using SpotifyEtl.Transformation.Parquet;

namespace SpotifyEtl.Transformation.Current;

internal sealed partial class Digest
{
    /// <summary>
    /// Writes a section as its current-state table's Parquet file straight from the rows' bytes: the file
    /// <see cref="ParquetTable"/> writes from the decoded rows, byte for byte, without a row object or a
    /// string per field. A column is written across every row before the next, so each row keeps a cursor
    /// at its next field; the snapshot date, a row's first field, is its table's last column. A large table's
    /// columns are written in two parts on two cores (<see cref="ParquetFileWriter.WriteColumns"/>), each with
    /// cursors of its own, the second part's first moved past the first part's fields.
    /// </summary>
    public void WriteParquet(int section, Stream destination)
    {
        var columns = CurrentTables.Columns[CurrentTables.All[section]];
        var count = _sections[section].Count;
        var rows = _stored.Slice(HeaderLength + _sections[section].Start, _sections[section].Length);
        var first = ArrayPool<int>.Shared.Rent(count);
        var days = ArrayPool<int>.Shared.Rent(count);
        int[]? second = null;
        try
        {
            var rest = rows.Span;
            for (var i = 0; i < count; i++)
            {
                var start = rows.Length - rest.Length;
                var row = DigestSections.NextRow(ref rest, out var framed);
                var fields = new FieldReader(row);
                days[i] = fields.Day();
                first[i] = start + framed - fields.Remaining;
            }

            // The whole section's bytes, spread over the columns by their share of a sample of rows.
            Span<long> columnBytes = stackalloc long[columns.Count];
            EstimateColumnBytes(rows.Span, first.AsSpan(0, count), columns, columnBytes);
            if (ParquetFileWriter.SplitAt(columnBytes) < columns.Count)
            {
                // The second part's cursors, its own: the first part moves its cursors while the second reads where each row begins.
                second = ArrayPool<int>.Shared.Rent(count);
                first.AsSpan(0, count).CopyTo(second);
            }
            ParquetFileWriter.WriteColumns(destination, count, columnBytes, (writer, from, to) =>
            {
                var next = from == 0 ? first : second!;
                // The snapshot date, the last column, needs no cursor.
                for (var row = 0; from > 0 && from < columns.Count - 1 && row < count; row++)
                {
                    var fields = new FieldReader(rows.Span[next[row]..]);
                    for (var c = 0; c < from; c++)
                    {
                        fields.Skip(columns[c].Type);
                    }
                    next[row] = rows.Length - fields.Remaining;
                }
                WriteColumns(writer, rows, columns, from, to, count, next, days);
            }, ParquetTable.CreatedBy);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(first);
            ArrayPool<int>.Shared.Return(days);
            if (second is not null)
            {
                ArrayPool<int>.Shared.Return(second);
            }
        }
    }

    /// <summary>Rows read to estimate how a section's bytes spread over its columns; enough to tell a title from an id.</summary>
    private const int SampledRows = 256;

    private static void EstimateColumnBytes(ReadOnlySpan<byte> rows, ReadOnlySpan<int> first, IReadOnlyList<(string Name, ColumnType Type)> columns, Span<long> columnBytes)
    {
        var sampled = Math.Min(first.Length, SampledRows);
        for (var i = 0; i < sampled; i++)
        {
            var fields = new FieldReader(rows[first[i]..]);
            for (var c = 0; c < columns.Count - 1; c++)
            {
                var before = fields.Remaining;
                fields.Skip(columns[c].Type);
                columnBytes[c] += before - fields.Remaining;
            }
        }
        for (var c = 0; c < columns.Count; c++)
        {
            // Each value also takes its length (four bytes) in the file; the snapshot date, ten characters, is in no row.
            var sampleBytes = c == columns.Count - 1 ? 14L * sampled : columnBytes[c] + 4L * sampled;
            columnBytes[c] = sampled == 0 ? 0 : sampleBytes * first.Length / sampled;
        }
    }

    /// <summary>Columns [from, to) of a section, each row read from its cursor in <paramref name="next"/>, which moves past each field read.</summary>
    private static void WriteColumns(ParquetFileWriter writer, ReadOnlyMemory<byte> rows, IReadOnlyList<(string Name, ColumnType Type)> columns,
        int from, int to, int count, int[] next, int[] days)
    {
        FieldReader At(int row) => new(rows.Span[next[row]..]);
        void Past(int row, in FieldReader fields) => next[row] = rows.Length - fields.Remaining;
        T Next<T>(int row, DigestRowReader<T> read)
        {
            var fields = At(row);
            var value = read(ref fields);
            Past(row, fields);
            return value;
        }

        for (var c = from; c < to; c++)
        {
            var (name, type) = columns[c];
            if (c == columns.Count - 1)
            {
                var dates = new Dictionary<int, byte[]>();
                writer.WriteUtf8(name, count, (int row, out ReadOnlySpan<byte> value) =>
                {
                    if (!dates.TryGetValue(days[row], out var date))
                    {
                        dates[days[row]] = date = System.Text.Encoding.UTF8.GetBytes(
                            DateOnly.FromDayNumber(days[row]).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                    }
                    value = date;
                    return true;
                });
                continue;
            }
            switch (type)
            {
                case ColumnType.WholeNumber:
                    writer.WriteInt32s(name, count, row => Next(row, static (ref FieldReader fields) => fields.Number()));
                    break;
                case ColumnType.Boolean:
                    writer.WriteBooleans(name, count, row => Next(row, static (ref FieldReader fields) => fields.Boolean()));
                    break;
                default:
                    writer.WriteUtf8(name, count, (int row, out ReadOnlySpan<byte> value) =>
                    {
                        var fields = At(row);
                        var defined = fields.TextBytes(out value);
                        Past(row, fields);
                        return defined;
                    });
                    break;
            }
        }
    }
}
