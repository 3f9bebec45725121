using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace SpotifyEtl.Transformation;

/// <summary>
/// Athena-safe CSV written with CsvHelper: UTF-8 without a byte-order mark, a header row,
/// RFC 4180 quoting only where a value needs it, LF line ends, and an empty field for null.
/// A value with a backslash is quoted too: Snowflake's CSV format reads a backslash in an unquoted
/// field as an escape (a name ending in one would swallow the comma after it, and <c>\N</c> would be
/// NULL), and inside quotes it is a backslash to every reader of the lake.
/// </summary>
public static class CsvTable
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private static readonly CsvConfiguration Configuration = new(CultureInfo.InvariantCulture)
    {
        NewLine = "\n",
        HasHeaderRecord = true,
        ShouldQuote = args => ConfigurationFunctions.ShouldQuote(args) || args.Field?.Contains('\\') == true,
    };

    public static void Write<T>(Stream destination, IEnumerable<T> rows) where T : ITableRow<T>
    {
        // A small buffer: a 64K-character one would land on the large-object heap once per file written.
        using var writer = new StreamWriter(destination, Utf8, bufferSize: 4096, leaveOpen: true);
        using var csv = new CsvWriter(writer, Configuration);
        var schema = T.Schema;
        foreach (var column in schema)
        {
            csv.WriteField(column.Name);
        }
        csv.NextRecord();
        foreach (var row in RowPrefetch.Ahead(rows))
        {
            foreach (var column in schema)
            {
                csv.WriteField(column.Format(row));
            }
            csv.NextRecord();
        }
    }

    public static byte[] ToBytes<T>(IEnumerable<T> rows) where T : ITableRow<T>
    {
        using var buffer = new MemoryStream();
        Write(buffer, rows);
        return buffer.ToArray();
    }
}
