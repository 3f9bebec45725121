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
    /// at its next field; the snapshot date, a row's first field, is its table's last column.
    /// </summary>
    public void WriteParquet(int section, Stream destination)
    {
        var columns = CurrentTables.Columns[CurrentTables.All[section]];
        var count = _sections[section].Count;
        var rows = _stored.Slice(HeaderLength + _sections[section].Start, _sections[section].Length);
        var next = ArrayPool<int>.Shared.Rent(count);
        var days = ArrayPool<int>.Shared.Rent(count);
        try
        {
            var rest = rows.Span;
            for (var i = 0; i < count; i++)
            {
                var start = rows.Length - rest.Length;
                var row = DigestSections.NextRow(ref rest, out var framed);
                var fields = new FieldReader(row);
                days[i] = fields.Day();
                next[i] = start + framed - fields.Remaining;
            }

            FieldReader At(int row) => new(rows.Span[next[row]..]);
            void Past(int row, in FieldReader fields) => next[row] = rows.Length - fields.Remaining;
            T Next<T>(int row, DigestRowReader<T> read)
            {
                var fields = At(row);
                var value = read(ref fields);
                Past(row, fields);
                return value;
            }

            using var writer = new ParquetFileWriter(destination, count);
            foreach (var (name, type) in columns.Take(columns.Count - 1))
            {
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
            var dates = new Dictionary<int, byte[]>();
            writer.WriteUtf8(columns[^1].Name, count, (int row, out ReadOnlySpan<byte> value) =>
            {
                if (!dates.TryGetValue(days[row], out var date))
                {
                    dates[days[row]] = date = System.Text.Encoding.UTF8.GetBytes(
                        DateOnly.FromDayNumber(days[row]).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                }
                value = date;
                return true;
            });
            writer.Finish(ParquetTable.CreatedBy);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(next);
            ArrayPool<int>.Shared.Return(days);
        }
    }
}
