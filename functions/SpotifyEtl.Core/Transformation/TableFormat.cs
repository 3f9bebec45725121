using SpotifyEtl.Lake;

namespace SpotifyEtl.Transformation;

/// <summary>The file format of the lake's tables: one per stack (the <c>tableFormat</c> config key).</summary>
public enum TableFormat
{
    /// <summary>Typed columns, snappy-compressed: what Athena reads fastest and cheapest. The default.</summary>
    Parquet,
    /// <summary>RFC 4180 CSV with a header row, read by Athena's OpenCSVSerDe.</summary>
    Csv,
}

public static class TableFormats
{
    /// <summary>The format wherever none is chosen: the CLI, the transform function and the pipeline.</summary>
    public const TableFormat Default = TableFormat.Parquet;

    public static string Extension(this TableFormat format) => format == TableFormat.Csv ? ".csv" : ".parquet";

    public static string ContentType(this TableFormat format) =>
        format == TableFormat.Csv ? "text/csv; charset=utf-8" : "application/vnd.apache.parquet";

    /// <summary>Reads <c>parquet</c> or <c>csv</c> (any case); null for anything else.</summary>
    public static TableFormat? Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "parquet" => TableFormat.Parquet,
        "csv" => TableFormat.Csv,
        _ => null,
    };

    /// <summary><c>transformed/{table}/snapshot_date={date}/{table}.parquet</c>: one file per table partition.</summary>
    public static string PartitionKey(this TableFormat format, string table, DateOnly snapshotDate) =>
        $"{LakeLayout.Transformed}{LakeLayout.Partition(table, snapshotDate)}{table}{format.Extension()}";

    /// <summary>Writes the rows as one complete file of the format.</summary>
    public static void Write<T>(this TableFormat format, Stream destination, IReadOnlyList<T> rows) where T : ITableRow<T>
    {
        if (format == TableFormat.Csv)
        {
            CsvTable.Write(destination, rows);
        }
        else
        {
            ParquetTable.Write(destination, rows);
        }
    }
}
