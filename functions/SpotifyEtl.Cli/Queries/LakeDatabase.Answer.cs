namespace SpotifyEtl.Cli.Queries;

/// <summary>A named query's answer, and its columns' types for <c>query --json</c>.</summary>
internal sealed partial class LakeDatabase
{
    /// <summary>
    /// Runs one named query. Every value comes back as DuckDB's own text for it, so any client prints the same; with
    /// <paramref name="types"/>, each column's DuckDB type too (a second statement, which DuckDB only plans).
    /// </summary>
    public QueryResult Run(NamedQuery query, bool types = false)
    {
        var (columns, rows) = Read(query.Sql, query.Name);
        return new QueryResult(query.Name, query.Question, columns, rows) { Types = types ? TypesOf(query.Sql) : [] };
    }

    private List<string> TypesOf(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"DESCRIBE SELECT * FROM (\n{sql}\n) AS answer";
        using var reader = command.ExecuteReader();
        var type = reader.GetOrdinal("column_type");
        var types = new List<string>();
        while (reader.Read())
        {
            types.Add(reader.GetString(type));
        }
        return types;
    }
}
