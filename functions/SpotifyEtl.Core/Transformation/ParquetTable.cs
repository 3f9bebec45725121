using Parquet;
using Parquet.Schema;

namespace SpotifyEtl.Transformation;

/// <summary>
/// A table partition as one Parquet file: one row group, snappy compression, a column per schema
/// entry (string, int32 or boolean, all nullable). The same rows always give the same bytes.
/// </summary>
public static class ParquetTable
{
    private static readonly ParquetOptions Options = new() { CompressionMethod = CompressionMethod.Snappy };

    public static void Write<T>(Stream destination, IReadOnlyList<T> rows) where T : ITableRow<T> =>
        WriteAsync(destination, rows).GetAwaiter().GetResult();

    public static async Task WriteAsync<T>(Stream destination, IReadOnlyList<T> rows) where T : ITableRow<T>
    {
        var fields = SchemaOf<T>.Fields;
        // Parquet.Net seeks while it writes the footer: write into memory, then copy out.
        using var buffer = new MemoryStream();
        var writer = await ParquetWriter.CreateAsync(SchemaOf<T>.Parquet, buffer, Options).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            using var group = writer.CreateRowGroup();
            for (var c = 0; c < T.Schema.Count; c++)
            {
                var column = T.Schema[c];
                switch (column.Type)
                {
                    case ColumnType.WholeNumber:
                        await group.WriteAsync<int>(fields[c], Values(rows, column.IntOf!)).ConfigureAwait(false);
                        break;
                    case ColumnType.Boolean:
                        await group.WriteAsync<bool>(fields[c], Values(rows, column.BooleanOf!)).ConfigureAwait(false);
                        break;
                    default:
                        var texts = new string[rows.Count];
                        for (var i = 0; i < texts.Length; i++)
                        {
                            texts[i] = column.TextOf!(rows[i])!;
                        }
                        await group.WriteAsync(fields[c], texts).ConfigureAwait(false);
                        break;
                }
            }
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(destination).ConfigureAwait(false);
    }

    private static ReadOnlyMemory<TValue?> Values<T, TValue>(IReadOnlyList<T> rows, Func<T, TValue?> value) where TValue : struct
    {
        var values = new TValue?[rows.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = value(rows[i]);
        }
        return values;
    }

    /// <summary>The Parquet schema of a row type, built once.</summary>
    private static class SchemaOf<T> where T : ITableRow<T>
    {
        public static readonly DataField[] Fields = T.Schema.Select(Field).ToArray();
        public static readonly ParquetSchema Parquet = new(Fields);

        private static DataField Field(TableColumn<T> column) => column.Type switch
        {
            ColumnType.WholeNumber => new DataField<int?>(column.Name, nullable: true),
            ColumnType.Boolean => new DataField<bool?>(column.Name, nullable: true),
            _ => new DataField<string>(column.Name, nullable: true),
        };
    }
}
