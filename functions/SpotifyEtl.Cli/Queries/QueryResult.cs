using System.Text.Json;

namespace SpotifyEtl.Cli.Queries;

/// <summary>
/// One named query's answer, every value as DuckDB prints it (null for SQL NULL), with each column's DuckDB type
/// (<c>BIGINT</c>, <c>DOUBLE</c>, <c>DATE</c>, <c>DECIMAL(18,1)</c>, ...; empty where the answer was not asked for them).
/// </summary>
internal sealed record QueryResult(string Name, string Question, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string?>> Rows)
{
    public IReadOnlyList<string> Types { get; init; } = [];

    /// <summary>Why the query has no answer (a damaged file among its tables), for <c>--json</c>; null for an answer.</summary>
    public string? Error { get; init; }
}

/// <summary>
/// <c>query --json</c>: the answers, for scripts. A value of a number column is a JSON number and one of a BOOLEAN column
/// true or false, so that <c>jq 'map(select(.rows[0][1] &gt; 10))'</c> or <c>row[1] + 1</c> does what it says; every other
/// value is DuckDB's text for it (a DATE is <c>"2026-11-20"</c>). A DOUBLE that JSON cannot write (<c>inf</c>, <c>nan</c>) stays
/// text rather than turn into another value. Each answer names its columns' types under <c>types</c>. A query asked for that
/// could not answer (a damaged file among its tables) is in its place with <c>error</c> saying why and <c>rows</c> null, so that
/// a script that reads an answer finds it missing rather than empty; every answer has <c>error</c> null.
/// </summary>
internal static class QueryJson
{
    /// <summary>
    /// Names as they are ("Guns N' Roses", "Florence + The Machine", "Beyoncé"), not as \u escapes, so that grep and a
    /// reader find them: the output is for scripts and terminals, never put inside HTML. Quotes, backslashes and control
    /// characters are still escaped as JSON requires.
    /// </summary>
    private static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Serialize(IEnumerable<QueryResult> results)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output, Options))
        {
            Write(writer, results);
        }
        return System.Text.Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary>The named queries as <c>query --list --json</c> gives them: each one's name, question and how it answers.</summary>
    public static string SerializeList(IEnumerable<NamedQuery> queries)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output, Options))
        {
            writer.WriteStartArray();
            foreach (var query in queries)
            {
                writer.WriteStartObject();
                writer.WriteString("name", query.Name);
                writer.WriteString("question", query.Question);
                writer.WriteString("description", query.Description);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static void Write(Utf8JsonWriter writer, IEnumerable<QueryResult> results)
    {
        writer.WriteStartArray();
        foreach (var result in results)
        {
            writer.WriteStartObject();
            writer.WriteString("name", result.Name);
            writer.WriteString("question", result.Question);
            WriteStrings(writer, "columns", result.Columns);
            WriteStrings(writer, "types", result.Types);
            writer.WriteString("error", result.Error);
            if (result.Error is not null)
            {
                writer.WriteNull("rows");
                writer.WriteEndObject();
                continue;
            }
            writer.WriteStartArray("rows");
            var kinds = result.Columns.Select((_, i) => KindOf(i < result.Types.Count ? result.Types[i] : "")).ToArray();
            foreach (var row in result.Rows)
            {
                writer.WriteStartArray();
                for (var i = 0; i < row.Count; i++)
                {
                    WriteValue(writer, row[i], i < kinds.Length ? kinds[i] : Kind.Text);
                }
                writer.WriteEndArray();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private enum Kind { Text, Number, Boolean }

    private static readonly string[] NumberTypes =
        ["TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE"];

    private static Kind KindOf(string type) =>
        NumberTypes.Contains(type, StringComparer.Ordinal) || type.StartsWith("DECIMAL", StringComparison.Ordinal) ? Kind.Number
        : type == "BOOLEAN" ? Kind.Boolean
        : Kind.Text;

    private static void WriteValue(Utf8JsonWriter writer, string? value, Kind kind)
    {
        switch (value, kind)
        {
            case (null, _):
                writer.WriteNullValue();
                break;
            case (_, Kind.Number) when IsJsonNumber(LeadingZero(value)):
                writer.WriteRawValue(LeadingZero(value), skipInputValidation: true);
                break;
            case ("true" or "false", Kind.Boolean):
                writer.WriteBooleanValue(value == "true");
                break;
            default:
                writer.WriteStringValue(value);
                break;
        }
    }

    /// <summary>A DECIMAL whose precision is its scale prints without the zero before its point (<c>-.3139</c>); JSON needs it.</summary>
    private static string LeadingZero(string number) =>
        number.StartsWith('.') ? "0" + number : number.StartsWith("-.", StringComparison.Ordinal) ? "-0" + number[1..] : number;

    private static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }
        writer.WriteEndArray();
    }

    /// <summary>Whether the text is a number as JSON writes one: <c>-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</c>.</summary>
    internal static bool IsJsonNumber(string text)
    {
        var i = 0;
        bool Digits()
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            return i > start;
        }
        if (i < text.Length && text[i] == '-')
        {
            i++;
        }
        if (i < text.Length && text[i] == '0')
        {
            i++;
        }
        else if (i >= text.Length || text[i] is < '1' or > '9' || !Digits())
        {
            return false;
        }
        if (i < text.Length && text[i] == '.')
        {
            i++;
            if (!Digits())
            {
                return false;
            }
        }
        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (i < text.Length && text[i] is '+' or '-')
            {
                i++;
            }
            if (!Digits())
            {
                return false;
            }
        }
        return i == text.Length;
    }
}
