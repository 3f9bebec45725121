using DuckDB.NET.Data;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Cli.Queries;

/// <summary>
/// An in-memory DuckDB database inside this process with one view per table of a local lake: the named
/// queries run on it as they run on Athena. Dispose it when done.
/// </summary>
internal sealed class LakeDatabase : IDisposable
{
    private readonly DuckDBConnection _connection;

    private LakeDatabase(DuckDBConnection connection) => _connection = connection;

    /// <summary>Opens a database over <paramref name="lake"/> with the views of <paramref name="tables"/> (default: every published table).</summary>
    public static LakeDatabase Open(string lake, IReadOnlyDictionary<string, IReadOnlyList<(string Name, ColumnType Type)>>? tables = null)
    {
        DuckDbNativeLibrary.Register();
        var connection = new DuckDBConnection("DataSource=:memory:");
        try
        {
            connection.Open();
            foreach (var (table, columns) in tables ?? TableNames.Columns)
            {
                using var command = connection.CreateCommand();
                command.CommandText = LakeViews.CreateView(lake, table, columns);
                command.ExecuteNonQuery();
            }
            return new LakeDatabase(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Runs one named query. Every value comes back as DuckDB's own text for it, so any client prints the same.</summary>
    public QueryResult Run(NamedQuery query)
    {
        var (columns, rows) = Read(query.Sql, query.Name);
        return new QueryResult(query.Name, query.Question, columns, rows);
    }

    /// <summary>Runs one SELECT; every value is cast to text in SQL, so only strings cross into .NET.</summary>
    public (List<string> Columns, List<IReadOnlyList<string?>> Rows) Read(string sql, string what)
    {
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"SELECT COLUMNS(*)::VARCHAR FROM (\n{sql}\n) AS answer";
            using var reader = command.ExecuteReader();
            var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
            var rows = new List<IReadOnlyList<string?>>();
            while (reader.Read())
            {
                var row = new string?[reader.FieldCount];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = reader.IsDBNull(i) ? null : reader.GetString(i);
                }
                rows.Add(row);
            }
            return (columns, rows);
        }
        catch (DuckDBException exception)
        {
            throw new QueryFailedException(what, exception.Message);
        }
    }

    public void Dispose() => _connection.Dispose();
}
