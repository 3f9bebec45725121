using DuckDB.NET.Data;
using SpotifyEtl.Lake;
using SpotifyEtl.Transformation;
using SpotifyEtl.Transformation.Current;

namespace SpotifyEtl.Cli.Queries;

/// <summary>
/// An in-memory DuckDB database inside this process with one view per table of a local lake: the named
/// queries run on it as they run on Athena. Dispose it when done.
/// </summary>
internal sealed class LakeDatabase : IDisposable
{
    private readonly DuckDBConnection _connection;
    private readonly string _tables;
    private readonly bool _onS3;

    private LakeDatabase(DuckDBConnection connection, string lake, bool onS3, IReadOnlyList<string> computedCurrent) =>
        (_connection, _tables, _onS3, ComputedCurrent) = (connection, TablesRoot(lake), onS3, computedCurrent);

    /// <summary>
    /// The current-state tables that have no file while their daily table has partitions (a lake transformed with
    /// <c>--no-current-tables</c>, or by a version that did not write them): computed from every day's partition, as
    /// <c>--current-from-partitions</c> does, rather than read as empty.
    /// </summary>
    public IReadOnlyList<string> ComputedCurrent { get; }

    private static string TablesRoot(string lake) => Path.Combine(lake, LakeLayout.Transformed.TrimEnd('/')) + Path.DirectorySeparatorChar;

    /// <summary>
    /// Opens a database over <paramref name="lake"/> with the views of <paramref name="tables"/> (default: every
    /// published table and every current-state table). <paramref name="currentFromPartitions"/> computes each
    /// current-state table from every day's partition instead of reading its file: the work the file saves.
    /// <paramref name="onS3"/>: the folder is a copy of the transformed bucket, and an error names what rewrites a table there.
    /// </summary>
    public static LakeDatabase Open(string lake, IReadOnlyDictionary<string, IReadOnlyList<(string Name, ColumnType Type)>>? tables = null,
        bool currentFromPartitions = false, bool onS3 = false)
    {
        DuckDbNativeLibrary.Register();
        // Full paths in the views, so that DuckDB's error for a file names it as this class finds it.
        lake = Path.GetFullPath(lake);
        var connection = new DuckDBConnection("DataSource=:memory:");
        try
        {
            connection.Open();
            var views = tables ?? TableNames.Columns.Concat(CurrentTables.Columns).ToDictionary();
            var computed = new List<string>();
            foreach (var (table, columns) in views)
            {
                var fromPartitions = CurrentTables.Sources.TryGetValue(table, out var source) && (currentFromPartitions
                    || (views.ContainsKey(source.Daily) && LakeViews.TableFiles(lake, table).Count == 0 && LakeViews.TableFiles(lake, source.Daily).Count > 0));
                if (fromPartitions && !currentFromPartitions)
                {
                    computed.Add(table);
                }
                using var command = connection.CreateCommand();
                command.CommandText = fromPartitions
                    ? CurrentFromPartitions(table, columns)
                    : LakeViews.CreateView(lake, table, columns, onS3);
                try
                {
                    command.ExecuteNonQuery();
                }
                catch (DuckDBException exception)
                {
                    // A view reads its files' schemas when it is made: a damaged or foreign file fails here.
                    throw UnreadableFile(exception.Message, TablesRoot(lake), onS3)
                          ?? new LakeException($"Table '{table}' cannot be read: {exception.Message.TrimEnd('.')}. Write it again: {LakeViews.HowToRewrite(table, onS3)}");
                }
            }
            return new LakeDatabase(connection, lake, onS3, computed);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The latest row per key over every day's partition, as the current-state table holds it (ties: the smaller row).</summary>
    private static string CurrentFromPartitions(string table, IReadOnlyList<(string Name, ColumnType Type)> columns)
    {
        var (daily, key) = CurrentTables.Sources[table];
        var names = string.Join(", ", columns.Select(c => c.Name));
        return $"CREATE OR REPLACE VIEW {table} AS SELECT {names} FROM (SELECT {names}, ROW_NUMBER() OVER (PARTITION BY {string.Join(", ", key)} " +
               $"ORDER BY snapshot_date DESC, {string.Join(", ", columns.Select(c => $"CAST({c.Name} AS VARCHAR) NULLS FIRST"))}) AS recency FROM {daily}) AS days WHERE recency = 1";
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
            throw (Exception?)UnreadableFile(exception.Message, _tables, _onS3) ?? new QueryFailedException(what, exception.Message);
        }
    }

    /// <summary>
    /// A view checks only its first file when it is made: a later file that is damaged (cut short, a value of the wrong
    /// type) fails the query that reads it. DuckDB's error names the file: the table is named with what rewrites it, and
    /// the file by its key in the lake (on S3 the folder is a temporary copy, gone once the command ends).
    /// </summary>
    private static LakeException? UnreadableFile(string error, string tables, bool onS3)
    {
        var start = error.IndexOf(tables, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }
        var end = error.IndexOfAny(['\'', '"', '\n', '\r'], start);
        var file = (end < 0 ? error[start..] : error[start..end]).TrimEnd();
        var relative = file[tables.Length..];
        var table = relative.Split(Path.DirectorySeparatorChar)[0];
        var lines = error.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        // A CSV error's first line gives the line number, a later one the column and the value.
        var reason = string.Join(" ", lines.Take(1).Concat(lines.Where(l => l.StartsWith("Error when converting", StringComparison.Ordinal)).Take(1)))
            .Replace(tables, LakeLayout.Transformed, StringComparison.Ordinal);
        return new LakeException($"Table '{table}' cannot be read: its file {LakeLayout.Transformed}{relative.Replace(Path.DirectorySeparatorChar, '/')} " +
                                 $"is damaged ({reason.TrimEnd('.')}). Write it again: {LakeViews.HowToRewrite(table, onS3)}");
    }

    public void Dispose() => _connection.Dispose();
}
