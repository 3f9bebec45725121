using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

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

    /// <summary>The format a table is not written in: its file beside the table's own is obsolete.</summary>
    public static TableFormat Other(this TableFormat format) => format == TableFormat.Csv ? TableFormat.Parquet : TableFormat.Csv;

    /// <summary>
    /// Deletes the other format's file beside a table file of this format (<paramref name="key"/>, just written or deleted):
    /// a lake whose format changed would otherwise keep the old file in the same partition, and Athena read both. Called
    /// after the write, so the partition is never without its table; every writer of a lake writes its one format, so a
    /// duplicate or concurrent writer deletes the same file, never the one written. A key that is no table file of
    /// this format is refused: nothing but a table's own files is ever deleted this way.
    /// </summary>
    public static Task DeleteOtherFormatAsync(this IObjectStore lake, TableFormat format, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lake);
        if (!key.StartsWith(LakeLayout.Transformed, StringComparison.Ordinal) || !key.EndsWith(format.Extension(), StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{key}' is no {format} table file under {LakeLayout.Transformed}.", nameof(key));
        }
        return lake.DeleteAsync(key[..^format.Extension().Length] + format.Other().Extension(), cancellationToken);
    }

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
