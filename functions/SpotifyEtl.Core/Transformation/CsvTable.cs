using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using CsvHelper.TypeConversion;

namespace SpotifyEtl.Transformation;

/// <summary>
/// Athena-safe CSV: UTF-8 without a byte-order mark, a header row, RFC 4180 quoting only where a
/// value needs it, LF line ends, <c>true</c>/<c>false</c> booleans and an empty field for null.
/// </summary>
public static class CsvTable
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private static readonly CsvConfiguration Configuration = new(CultureInfo.InvariantCulture)
    {
        NewLine = "\n",
        HasHeaderRecord = true,
        // Headers are snake_case, record parameters PascalCase: compare them without '_' and case.
        PrepareHeaderForMatch = args => args.Header.Replace("_", "", StringComparison.Ordinal).ToUpperInvariant(),
    };

    public static void Write<T>(Stream destination, IEnumerable<T> rows)
    {
        using var writer = new StreamWriter(destination, Utf8, bufferSize: 64 * 1024, leaveOpen: true);
        using var csv = new CsvWriter(writer, Configuration);
        csv.Context.TypeConverterCache.AddConverter<bool>(new LowercaseBooleanConverter());
        csv.WriteHeader<T>();
        csv.NextRecord();
        foreach (var row in rows)
        {
            csv.WriteRecord(row);
            csv.NextRecord();
        }
    }

    public static byte[] ToBytes<T>(IEnumerable<T> rows)
    {
        using var buffer = new MemoryStream();
        Write(buffer, rows);
        return buffer.ToArray();
    }

    /// <summary>Reads rows lazily; the stream is disposed when the enumeration ends.</summary>
    public static IEnumerable<T> Read<T>(Stream source)
    {
        using var reader = new StreamReader(source, Utf8);
        using var csv = new CsvReader(reader, Configuration);
        foreach (var row in csv.GetRecords<T>())
        {
            yield return row;
        }
    }

    private sealed class LowercaseBooleanConverter : BooleanConverter
    {
        public override string? ConvertToString(object? value, IWriterRow row, MemberMapData memberMapData) =>
            value is bool flag ? (flag ? "true" : "false") : base.ConvertToString(value, row, memberMapData);
    }
}
