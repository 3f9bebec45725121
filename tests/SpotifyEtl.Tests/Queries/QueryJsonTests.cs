using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SpotifyEtl.Cli.Queries;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Queries;

/// <summary>
/// <c>query --json</c> gives a number column's values as JSON numbers and a BOOLEAN's as true or false, each the value
/// DuckDB printed; every other value as its text. Checked on values DuckDB itself computed, generated over its types.
/// </summary>
public sealed partial class QueryJsonTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static readonly string[] NumberTypes = ["TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UBIGINT", "FLOAT", "DOUBLE", "DECIMAL"];

    public static TheoryData<int> Seeds => new(Enumerable.Range(1, 40));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Each_value_is_typed_by_its_column_and_is_the_value_DuckDB_printed(int seed)
    {
        var random = new Random(seed);
        var types = Enumerable.Range(0, 12).Select(_ => random.Next(4) == 0 ? random.GetItems<string>(["VARCHAR", "DATE", "BOOLEAN"], 1)[0]
            : NumberTypes[random.Next(NumberTypes.Length)]).Select(type => type == "DECIMAL" ? Decimal(random) : type).ToList();
        var rows = Enumerable.Range(0, 1 + random.Next(20)).Select(_ => types.Select(type => random.Next(8) == 0 ? $"NULL::{type}" : Literal(type, random)).ToList()).ToList();
        var sql = "SELECT * FROM (VALUES " + string.Join(", ", rows.Select(row => "(" + string.Join(", ", row) + ")")) + ") AS v("
                  + string.Join(", ", types.Select((_, i) => $"c{i}")) + ")";
        Directory.CreateDirectory(_folder["lake"]);
        using var database = LakeDatabase.Open(_folder["lake"], new Dictionary<string, IReadOnlyList<(string Name, ColumnType Type)>>());

        var result = database.Run(new NamedQuery("generated", "?", "", sql), types: true);
        using var json = JsonDocument.Parse(QueryJson.Serialize([result]));

        var answer = json.RootElement.EnumerateArray().Single();
        Assert.Equal(result.Types, answer.GetProperty("types").EnumerateArray().Select(t => t.GetString()!).ToList());
        Assert.Equal(types, result.Types);
        foreach (var (row, text) in answer.GetProperty("rows").EnumerateArray().Zip(result.Rows))
        {
            foreach (var (cell, (value, type)) in row.EnumerateArray().Zip(text.Zip(result.Types)))
            {
                var why = $"{cell} for {value ?? "NULL"} of {type} in {sql}";
                if (value is null)
                {
                    Assert.True(cell.ValueKind == JsonValueKind.Null, why);
                }
                else if (type == "BOOLEAN")
                {
                    Assert.True(cell.ValueKind == (value == "true" ? JsonValueKind.True : JsonValueKind.False), why);
                }
                else if (NumberTypes.Any(type.StartsWith) && value is not ("inf" or "-inf" or "nan" or "-nan"))
                {
                    Assert.True(cell.ValueKind == JsonValueKind.Number, why);
                    // A DECIMAL(6,6) prints as -.313917, which JSON writes -0.313917.
                    Assert.Equal(value.StartsWith('.') ? "0" + value : value.StartsWith("-.", StringComparison.Ordinal) ? "-0" + value[1..] : value, cell.GetRawText());
                    if (type is "DOUBLE" or "FLOAT")
                    {
                        // JSON's number is DuckDB's value, read back to the same bits.
                        Assert.Equal(double.Parse(value, CultureInfo.InvariantCulture), cell.GetDouble());
                    }
                }
                else
                {
                    Assert.True(cell.ValueKind == JsonValueKind.String, why);
                    Assert.Equal(value, cell.GetString());
                }
            }
        }
    }

    [Fact]
    public void A_text_is_written_as_a_number_exactly_when_JSON_reads_it_as_one()
    {
        var random = new Random(26);
        var texts = Enumerable.Range(0, 20_000).Select(_ => new string(random.GetItems("0123456789-+.eE x".AsSpan(), random.Next(0, 9)))).ToList();
        texts.AddRange(["0", "-0", "00", "1.", ".5", "1e5", "1E+05", "1e", "-", "0.0", "-0.0", "inf", "nan", "1_000"]);

        Assert.All(texts, text => Assert.True(QueryJson.IsJsonNumber(text) == JsonNumber().IsMatch(text), $"'{text}'"));
        Assert.All(texts.Where(QueryJson.IsJsonNumber), text => Assert.Equal(JsonValueKind.Number, JsonDocument.Parse(text).RootElement.ValueKind));
    }

    [GeneratedRegex(@"\A-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?\z")]
    private static partial Regex JsonNumber();

    private static string Decimal(Random random)
    {
        var precision = 1 + random.Next(38);
        return $"DECIMAL({precision},{random.Next(precision + 1)})";
    }

    /// <summary>A literal of the type: bounds, zero, signs, exponents, and for DOUBLE any bits at all (infinities and NaN among them).</summary>
    private static string Literal(string type, Random random)
    {
        string Digits(int count) => new(random.GetItems("0123456789".AsSpan(), Math.Max(1, count)));
        string Signed(string digits) => (random.Next(2) == 0 ? "-" : "") + digits;
        return type switch
        {
            // Quoted: DuckDB reads -9223372036854775808::BIGINT as the negation of a cast that does not fit.
            "TINYINT" => $"'{random.Next(-128, 128)}'::TINYINT",
            "SMALLINT" => $"'{random.Next(-32768, 32768)}'::SMALLINT",
            "INTEGER" => $"'{random.Next(int.MinValue, int.MaxValue)}'::INTEGER",
            "BIGINT" => $"'{random.GetItems<long>([long.MinValue, long.MaxValue, 0, random.NextInt64(long.MinValue, long.MaxValue)], 1)[0]}'::BIGINT",
            "UBIGINT" => $"'{(ulong)random.NextInt64() * 2 + (ulong)random.Next(2)}'::UBIGINT",
            "HUGEINT" => $"'{Signed(Digits(random.Next(1, 39)).TrimStart('0').PadLeft(1, '0'))}'::HUGEINT",
            "FLOAT" => $"'{Text(BitConverter.Int32BitsToSingle(random.Next(int.MinValue, int.MaxValue)))}'::FLOAT",
            "DOUBLE" => $"'{Text(random.Next(3) == 0 ? random.NextDouble() * Math.Pow(10, random.Next(-30, 30)) : BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue)))}'::DOUBLE",
            "VARCHAR" => $"'{random.GetItems<string>(["007", "1e5", "-0", "inf", "true", "12.50", "Night Wonder", ""], 1)[0]}'",
            "DATE" => $"DATE '{new DateOnly(1900, 1, 1).AddDays(random.Next(80_000)):yyyy-MM-dd}'",
            "BOOLEAN" => random.Next(2) == 0 ? "true" : "false",
            _ => DecimalLiteral(type, random),
        };
    }

    private static string DecimalLiteral(string type, Random random)
    {
        var parts = type["DECIMAL(".Length..^1].Split(',');
        var (precision, scale) = (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
        var digits = new string(random.GetItems("0123456789".AsSpan(), precision));
        var whole = precision == scale ? "0" : digits[..(precision - scale)];
        return $"'{(random.Next(2) == 0 ? "-" : "")}{whole}{(scale > 0 ? "." + digits[(precision - scale)..] : "")}'::{type}";
    }

    private static string Text(double value) => double.IsNaN(value) ? "nan" : double.IsInfinity(value) ? (value > 0 ? "inf" : "-inf") : value.ToString("R", CultureInfo.InvariantCulture);

    private static string Text(float value) => Text((double)value);
}
