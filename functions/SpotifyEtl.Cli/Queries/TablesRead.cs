using System.Text.Json;
using DuckDB.NET.Data;

namespace SpotifyEtl.Cli.Queries;

/// <summary>
/// The lake's tables a SELECT reads, from DuckDB's own parse of it (<c>json_serialize_sql</c>): every table named in a
/// FROM or a JOIN, at any depth, that is one of the views. A name that is a column, an alias or a CTE is no table.
/// </summary>
internal static class TablesRead
{
    /// <summary>The views <paramref name="sql"/> names, in the order it names them; every view where DuckDB cannot parse it.</summary>
    public static IReadOnlyList<string> Of(DuckDBConnection connection, string sql, IReadOnlyCollection<string> views)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT json_serialize_sql('{sql.Replace("'", "''", StringComparison.Ordinal)}')";
        try
        {
            using var json = JsonDocument.Parse((string)command.ExecuteScalar()!);
            if (json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.True)
            {
                return [.. views];
            }
            var named = new List<string>();
            Collect(json.RootElement, named);
            return named.Where(views.Contains).Distinct(StringComparer.Ordinal).ToList();
        }
        catch (Exception exception) when (exception is DuckDBException or JsonException)
        {
            return [.. views];
        }
    }

    private static void Collect(JsonElement element, List<string> named)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                Collect(item, named);
            }
            return;
        }
        if (element.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        if (element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.ValueEquals("BASE_TABLE")
            && element.TryGetProperty("table_name", out var table) && table.ValueKind == JsonValueKind.String && table.GetString() is { } name)
        {
            named.Add(name);
        }
        foreach (var property in element.EnumerateObject())
        {
            Collect(property.Value, named);
        }
    }
}
