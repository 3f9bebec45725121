using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace SpotifyEtl.Transformation;

/// <summary>
/// Athena-safe CSV written and read with CsvHelper: UTF-8 without a byte-order mark, a header row,
/// RFC 4180 quoting only where a value needs it, LF line ends, and an empty field for null.
/// </summary>
public static class CsvTable
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private static readonly CsvConfiguration Configuration = new(CultureInfo.InvariantCulture)
    {
        NewLine = "\n",
        HasHeaderRecord = true,
    };

    public static void Write<T>(Stream destination, IEnumerable<T> rows) where T : ITableRow<T>
    {
        // A small buffer: a 64K-character one would land on the large-object heap once per file written.
        using var writer = new StreamWriter(destination, Utf8, bufferSize: 4096, leaveOpen: true);
        using var csv = new CsvWriter(writer, Configuration);
        foreach (var column in T.Columns)
        {
            csv.WriteField(column);
        }
        csv.NextRecord();
        foreach (var row in rows)
        {
            foreach (var field in row.ToFields())
            {
                csv.WriteField(field);
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

    /// <summary>Reads rows lazily and checks the header; the stream is disposed when the enumeration ends.</summary>
    public static IEnumerable<T> Read<T>(Stream source, string name) where T : ITableRow<T>
    {
        using var reader = new StreamReader(source, Utf8);
        using var csv = new CsvParser(reader, Configuration);
        if (!csv.Read() || !csv.Record!.SequenceEqual(T.Columns))
        {
            throw new InvalidDataException($"{name} does not start with the header {string.Join(',', T.Columns)}: it was not written by this version of the transformation.");
        }
        while (csv.Read())
        {
            var record = csv.Record!;
            yield return T.FromFields(Array.ConvertAll(record, field => field.Length == 0 ? null : field));
        }
    }
}
