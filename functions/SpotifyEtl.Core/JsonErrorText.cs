using System.Text.Json;
using System.Text.RegularExpressions;

namespace SpotifyEtl;

/// <summary>
/// What a <see cref="JsonException"/> says, in words for the person who wrote the file: the serializer's
/// own text names .NET types ("System.Int32") and reader positions ("LineNumber: 0 | BytePositionInLine: 1")
/// and may span lines. This keeps the what, names the kind of value expected, and gives the place as the
/// JSON path, line and byte, on one line.
/// </summary>
public static partial class JsonErrorText
{
    private const string InvalidLiteral = "' is an invalid JSON literal";

    public static string Of(JsonException exception)
    {
        var text = exception.Message;
        // The reader quotes an unquoted word from where it starts to the end of what it was given: the rest of the file,
        // its secrets too (an unquoted client secret starting with f, a placeholder before a refresh token).
        // Its place comes from the exception's properties, below.
        if (text.StartsWith('\'') && text.Contains(InvalidLiteral, StringComparison.Ordinal))
        {
            text = "a word that is no JSON value (text goes between double quotes; true, false and null are written so)";
        }
        text = string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var cut = text.IndexOf(" Path:", StringComparison.Ordinal) is var p and >= 0 ? p : text.IndexOf(" LineNumber:", StringComparison.Ordinal);
        text = (cut >= 0 ? text[..cut] : text).TrimEnd('.', ' ');
        text = TypeName().Replace(text, match => match.Groups["type"].Success ? KindOf(match.Groups["type"].Value)
            : match.Value.TrimEnd('\'').EndsWith("[]", StringComparison.Ordinal) ? "an array" : "an object");
        var where = new List<string>();
        if (!string.IsNullOrEmpty(exception.Path) && exception.Path != "$")
        {
            where.Add($"at {exception.Path}");
        }
        if (exception.LineNumber is { } line && exception.BytePositionInLine is { } column)
        {
            where.Add($"line {line + 1}, byte {column + 1}");
        }
        return where.Count == 0 ? text : $"{text} ({string.Join(", ", where)})";
    }

    private static string KindOf(string type) => type switch
    {
        "Int16" or "Int32" or "Int64" or "UInt16" or "UInt32" or "UInt64" or "Byte" => "a whole number",
        "Double" or "Single" or "Decimal" => "a number",
        "String" => "a string",
        "Boolean" => "true or false",
        "DateTime" or "DateTimeOffset" or "DateOnly" => "a date",
        _ when type.EndsWith("[]", StringComparison.Ordinal) || type.StartsWith("List", StringComparison.Ordinal) => "an array",
        _ when type.StartsWith("Dictionary", StringComparison.Ordinal) => "an object",
        _ => "a value of another kind",
    };

    // A type of the .NET library by its kind; one of this project's (a record read from JSON) is an object, or an array of them.
    [GeneratedRegex(@"'?System\.(?:Collections\.Generic\.)?(?<type>[A-Za-z0-9]+(?:\[\])?)(?:`\d+\[[^\]]*\])?'?|'?SpotifyEtl\.[A-Za-z0-9_.]+\.[A-Za-z0-9]+(?:\[\])?'?", RegexOptions.CultureInvariant)]
    private static partial Regex TypeName();
}
