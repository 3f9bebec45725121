using System.Globalization;
using System.Text;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Cli.Queries;

/// <summary>
/// Reads a table's CSV file through, as the transform writes it, before a query reads the table: DuckDB cannot be left
/// to find the damage. Over many files it reads a file whose quote is left open as if it held no rows (the day's rows
/// go missing without an error), it takes a quote inside a value or a last line cut short as data, and it converts
/// only the columns a query reads, so a word in a number column goes unseen by the questions that do not use it.
/// A file is whole when every line ends with a line break and holds one value per column, each quote opens a value
/// and closes it on the same line (the transform writes no line break inside a value; Athena would split the row
/// there), and each number or boolean column holds one or nothing.
/// </summary>
internal static class CsvFileCheck
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The longest line a table file may hold: more than any row the transform writes (no text it keeps is longer than
    /// <see cref="AthenaValues.LongestText"/>, a row of the widest table at that length stays under it), so that a file that is not a table (a binary
    /// file, a disk image with no line break) is refused after this much, not read whole into memory.
    /// </summary>
    internal const int LongestLine = 1 << 20;

    /// <summary>
    /// The reason given for a file this user may not open: DuckDB's words for a Parquet file, and this check's for a CSV
    /// file, so that both are named alike (<see cref="LakeException.NotReadable"/>).
    /// </summary>
    internal const string PermissionDenied = "Permission denied";

    /// <summary>What is wrong with the file, naming the line and the column; null when it is whole. The header is checked apart.</summary>
    public static string? Problem(string file, IReadOnlyList<(string Name, ColumnType Type)> columns)
    {
        StreamReader opened;
        try
        {
            // Read in blocks, a line at a time: memory holds one line, whatever the size of the file.
            opened = new StreamReader(file, StrictUtf8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
        }
        catch (UnauthorizedAccessException)
        {
            return PermissionDenied;
        }
        using var reader = opened;
        var block = new char[1 << 16];
        var line = new char[1 << 12];
        var length = 0;
        var number = 1;
        var start = true;
        try
        {
            for (int read; (read = reader.Read(block)) > 0;)
            {
                var rest = block.AsSpan(0, read);
                if (start && rest[0] == '\uFEFF')
                {
                    rest = rest[1..];
                }
                start = false;
                while (!rest.IsEmpty)
                {
                    var end = rest.IndexOf('\n');
                    var part = end < 0 ? rest : rest[..end];
                    if (length + part.Length > LongestLine)
                    {
                        return $"line {number} runs past {LongestLine / (1 << 20)} MiB without a line break, longer than any row of a table: it is not a file the transform wrote";
                    }
                    if (length + part.Length > line.Length)
                    {
                        Array.Resize(ref line, Math.Min(LongestLine, Math.Max(line.Length * 2, length + part.Length)));
                    }
                    part.CopyTo(line.AsSpan(length));
                    length += part.Length;
                    if (end < 0)
                    {
                        break;
                    }
                    var text = line.AsSpan(0, length > 0 && line[length - 1] == '\r' ? length - 1 : length);
                    if (number > 1 && Record(text, columns) is { } problem)
                    {
                        return $"line {number}: {problem}";
                    }
                    length = 0;
                    number++;
                    rest = rest[(end + 1)..];
                }
            }
        }
        catch (DecoderFallbackException)
        {
            return "it holds bytes that are not UTF-8 text";
        }
        return length > 0 ? $"line {number} ends without a line break: the file is cut short" : null;
    }

    /// <summary>What is wrong with one line's values; null when it holds one value of the right kind per column.</summary>
    private static string? Record(ReadOnlySpan<char> line, IReadOnlyList<(string Name, ColumnType Type)> columns)
    {
        if (line.IsEmpty)
        {
            return "an empty line";
        }
        var value = new StringBuilder();
        var count = 0;
        for (var i = 0; ; i++)
        {
            var column = count < columns.Count ? columns[count].Name : null;
            var name = column ?? "a value past the last column";
            value.Clear();
            if (i < line.Length && line[i] == '"')
            {
                for (i++; ; i++)
                {
                    if (i >= line.Length)
                    {
                        return $"the quote that opens {name} is not closed on the line";
                    }
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            value.Append('"');
                            i++;
                            continue;
                        }
                        i++;
                        break;
                    }
                    value.Append(line[i]);
                }
                if (i < line.Length && line[i] != ',')
                {
                    return $"a quote ends {name} before the value does";
                }
            }
            else
            {
                for (; i < line.Length && line[i] != ','; i++)
                {
                    if (line[i] is '"' or '\r')
                    {
                        return line[i] == '"' ? $"a quote inside the unquoted value of {name}" : $"a carriage return inside {name}";
                    }
                    value.Append(line[i]);
                }
            }
            if (column is null)
            {
                return $"more values than the table's {columns.Count} columns";
            }
            if (Mistyped(value.ToString(), columns[count].Type) is { } mistyped)
            {
                return $"{column} holds '{ShownText.Of(value.ToString(), 40)}', {mistyped}";
            }
            count++;
            if (i >= line.Length)
            {
                break;
            }
        }
        return count < columns.Count ? $"{count} values where the table has {columns.Count} columns ({columns[count].Name} is missing)" : null;
    }

    /// <summary>Why the value cannot be the column's type (an empty value is no value); null when it can.</summary>
    private static string? Mistyped(string value, ColumnType type) => type switch
    {
        _ when value.Length == 0 => null,
        ColumnType.WholeNumber when !IsWholeNumber(value) => "not a whole number",
        ColumnType.Boolean when !value.Equals("true", StringComparison.OrdinalIgnoreCase) && !value.Equals("false", StringComparison.OrdinalIgnoreCase) =>
            "neither true nor false",
        _ => null,
    };

    /// <summary>Digits with an optional minus sign, within a 32-bit integer: what the transform writes and the views read.</summary>
    private static bool IsWholeNumber(string value) =>
        value.AsSpan(value[0] == '-' ? 1 : 0) is { Length: > 0 } digits && digits.IndexOfAnyExceptInRange('0', '9') < 0
        && int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
}
