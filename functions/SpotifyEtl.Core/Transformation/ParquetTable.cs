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

    public static void Write<T>(Stream destination, IReadOnlyList<T> rows) where T : ITableRow<T>
    {
        using var writer = new ParquetFileWriter(destination, rows.Count);
        foreach (var column in T.Schema)
        {
            switch (column.Type)
            {
                case ColumnType.WholeNumber:
                    var number = column.IntOf!;
                    writer.WriteInt32s(column.Name, rows.Count, i => number(rows[i]));
                    break;
                case ColumnType.Boolean:
                    var boolean = column.BooleanOf!;
                    writer.WriteBooleans(column.Name, rows.Count, i => boolean(rows[i]));
                    break;
                default:
                    var text = column.TextOf!;
                    writer.WriteStrings(column.Name, rows.Count, i => text(rows[i]));
                    break;
            }
        }
        writer.Finish(CreatedBy);
    }
}
