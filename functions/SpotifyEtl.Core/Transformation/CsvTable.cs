using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using CsvHelper.Configuration.Attributes;

namespace SpotifyEtl.Transformation;

/// <summary>
/// Athena-safe CSV: UTF-8 without a byte-order mark, a header row, RFC 4180 quoting only where a
/// value needs it, LF line ends, <c>true</c>/<c>false</c> booleans and an empty field for null.
/// </summary>
/// <remarks>
/// CsvHelper writes and parses every field (quoting, escaping). Rows are turned into fields and back
/// by <see cref="RowFormat{T}"/>, built once per row type: CsvHelper's own
/// <c>WriteRecord</c>/<c>GetRecords</c> compile their record mapping again for every writer and
/// reader, about 5 ms each, which made a 200-page playlist spend seconds on its small staging files.
/// </remarks>
public static class CsvTable
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private static readonly CsvConfiguration Configuration = new(CultureInfo.InvariantCulture)
    {
        NewLine = "\n",
        HasHeaderRecord = true,
    };

    public static void Write<T>(Stream destination, IEnumerable<T> rows)
    {
        // 16 K characters: a 64 K buffer (128 KB of chars plus its byte buffer) lands on the large-object
        // heap, for every staging file of every raw object.
        using var writer = new StreamWriter(destination, Utf8, bufferSize: 16 * 1024, leaveOpen: true);
        using var csv = new CsvWriter(writer, Configuration);
        foreach (var name in RowFormat<T>.Header)
        {
            csv.WriteField(name);
        }
        csv.NextRecord();
        var fields = RowFormat<T>.Fields;
        foreach (var row in rows)
        {
            foreach (var field in fields)
            {
                csv.WriteField(field(row));
            }
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
        if (!csv.Read())
        {
            yield break;
        }
        csv.ReadHeader();
        var create = RowFormat<T>.Reader(csv.HeaderRecord!);
        while (csv.Read())
        {
            yield return create(csv);
        }
    }

    /// <summary>
    /// A row type's columns, from its properties' <see cref="NameAttribute"/> and <see cref="IndexAttribute"/>
    /// (the same ones CsvHelper maps), and its record constructor for reading.
    /// </summary>
    [UnconditionalSuppressMessage("Trimming", "IL2090", Justification = "Row types are the records of Tables.cs, used directly by the transformation, so their public properties and constructors are kept.")]
    private static class RowFormat<T>
    {
        private static readonly PropertyInfo[] Columns = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.GetCustomAttribute<NameAttribute>() is not null)
            .OrderBy(property => property.GetCustomAttribute<IndexAttribute>()?.Index ?? int.MaxValue)
            .ToArray();

        public static readonly string[] Header = Columns.Select(property => property.GetCustomAttribute<NameAttribute>()!.Names[0]).ToArray();

        public static readonly Func<T, string?>[] Fields = Columns.Select(Formatter).ToArray();

        private static readonly ConstructorInfo Constructor = typeof(T).GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();

        /// <summary>Maps each constructor parameter to its column by name (<c>song_id</c> is <c>songId</c>).</summary>
        public static Func<CsvReader, T> Reader(string[] header)
        {
            var normalized = header.Select(Normalize).ToList();
            var parameters = Constructor.GetParameters().Select(parameter =>
            {
                var index = normalized.IndexOf(Normalize(parameter.Name!));
                return index >= 0
                    ? (Index: index, Parse: Parser(parameter.ParameterType))
                    : throw new InvalidDataException($"The CSV of {typeof(T).Name} has no column for '{parameter.Name}' (columns: {string.Join(", ", header)}).");
            }).ToArray();
            return csv =>
            {
                var arguments = new object?[parameters.Length];
                for (var i = 0; i < parameters.Length; i++)
                {
                    arguments[i] = parameters[i].Parse(csv.GetField(parameters[i].Index) ?? "");
                }
                return (T)Constructor.Invoke(arguments);
            };
        }

        private static string Normalize(string name) => name.Replace("_", "", StringComparison.Ordinal).ToUpperInvariant();

        private static Func<T, string?> Formatter(PropertyInfo property)
        {
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            Func<object, string> format =
                type == typeof(string) ? value => (string)value
                : type == typeof(int) ? value => ((int)value).ToString(CultureInfo.InvariantCulture)
                : type == typeof(long) ? value => ((long)value).ToString(CultureInfo.InvariantCulture)
                : type == typeof(bool) ? value => (bool)value ? "true" : "false"
                : throw new NotSupportedException($"{typeof(T).Name}.{property.Name}: columns are strings, integers or booleans, not {type.Name}.");
            return row => property.GetValue(row) is { } value ? format(value) : null;
        }

        private static Func<string, object?> Parser(Type parameterType)
        {
            var nullable = Nullable.GetUnderlyingType(parameterType);
            var type = nullable ?? parameterType;
            Func<string, object> parse =
                type == typeof(string) ? text => text
                : type == typeof(int) ? text => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture)
                : type == typeof(long) ? text => long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture)
                : type == typeof(bool) ? text => bool.Parse(text)
                : throw new NotSupportedException($"{typeof(T).Name}: columns are strings, integers or booleans, not {type.Name}.");
            // As CsvHelper reads them: an empty field is null for a nullable number or boolean, "" for a string.
            if (nullable is null)
            {
                return parse;
            }
            return text => text.Length == 0 ? null : parse(text);
        }
    }
}
