using DuckDB.NET.Data;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;
using SpotifyEtl.Transformation.Current;

namespace SpotifyEtl.Cli.Queries;

/// <summary>
/// An in-memory DuckDB database inside this process with one view per table of a local lake: the named
/// queries run on it as they run on Athena. Dispose it when done. A table with a damaged file is known as such
/// once a query reads it: every later query that reads it fails with the same error, naming the file.
/// </summary>
internal sealed partial class LakeDatabase : IDisposable
{
    private readonly DuckDBConnection _connection;
    private readonly string _lake;
    private readonly string _tables;
    private readonly bool _onS3;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<(string Name, ColumnType Type)>> _views;
    private readonly Dictionary<string, string> _statements;
    private readonly Dictionary<string, string> _computedFrom;
    private readonly Dictionary<string, LakeException> _damaged;
    private readonly HashSet<string> _checked = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<string>> _tablesRead = new(StringComparer.Ordinal);

    private LakeDatabase(DuckDBConnection connection, string lake, bool onS3, IReadOnlyDictionary<string, IReadOnlyList<(string Name, ColumnType Type)>> views,
        Dictionary<string, string> statements, Dictionary<string, string> computedFrom, IReadOnlyList<string> computedCurrent,
        Dictionary<string, LakeException> damaged)
    {
        (_connection, _lake, _tables, _onS3, ComputedCurrent) = (connection, lake, TablesRoot(lake), onS3, computedCurrent);
        (_views, _statements, _computedFrom, _damaged) = (views, statements, computedFrom, damaged);
    }

    /// <summary>
    /// The current-state tables that have no file while their daily table has partitions (a lake transformed with
    /// <c>--no-current-tables</c>, or by a version that did not write them): computed from every day's partition, as
    /// <c>--current-from-partitions</c> does, rather than read as empty.
    /// </summary>
    public IReadOnlyList<string> ComputedCurrent { get; }

    private static string TablesRoot(string lake) => Path.Combine(lake, LakeLayout.Transformed.TrimEnd('/')) + Path.DirectorySeparatorChar;

    /// <summary>
    /// Why DuckDB cannot read the tables of a lake at <paramref name="lake"/>; null when it can. A path with one of <c>*</c>,
    /// <c>?</c> and <c>[</c> is given to DuckDB as a pattern (<see cref="LakeViews.GlobLiteral"/>), and DuckDB's patterns match
    /// no file under a folder whose name holds a backslash, however it is escaped: every table would read as damaged.
    /// </summary>
    public static string? UnreadablePath(string lake)
    {
        lake = Path.GetFullPath(lake);
        return lake.Contains('\\') && lake.AsSpan().IndexOfAny("*?[") >= 0
            ? $"The lake's path holds both a backslash and one of * ? [ ({lake}), and DuckDB finds no file under such a path: rename the " +
              "folder without one or the other, or move the lake, then run this again."
            : null;
    }

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
        if (UnreadablePath(lake) is { } unreadable)
        {
            throw new LakeException(unreadable);
        }
        var connection = new DuckDBConnection("DataSource=:memory:");
        try
        {
            connection.Open();
            var views = tables ?? TableNames.Columns.Concat(CurrentTables.Columns).ToDictionary();
            var computed = new List<string>();
            var computedFrom = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var table in views.Keys)
            {
                if (CurrentTables.Sources.TryGetValue(table, out var source) && (currentFromPartitions
                    || (views.ContainsKey(source.Daily) && LakeViews.TableFiles(lake, table).Count == 0 && LakeViews.EnumerateTableFiles(lake, source.Daily).Any())))
                {
                    computedFrom[table] = source.Daily;
                    if (!currentFromPartitions)
                    {
                        computed.Add(table);
                    }
                }
            }
            // The views themselves are made as the queries ask for their tables (MakeViews): a query of one table does
            // not look for the files of the others, some ten thousand partitions of a three-year lake.
            StartOnOneThread(connection);
            return new LakeDatabase(connection, lake, onS3, views, new Dictionary<string, string>(StringComparer.Ordinal), computedFrom, computed,
                new Dictionary<string, LakeException>(StringComparer.Ordinal));
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

    /// <summary>
    /// Runs one SELECT; every value is cast to text in SQL, so only strings cross into .NET. The CSV files of the tables
    /// it reads are checked first (each table once); a table with a damaged file fails it with a <see cref="LakeException"/>
    /// naming the file, as does a value DuckDB cannot convert, once the file that holds it is found.
    /// </summary>
    public (List<string> Columns, List<IReadOnlyList<string?>> Rows) Read(string sql, string what)
    {
        var tables = TablesOf(sql);
        foreach (var table in tables)
        {
            Check(table);
        }
        if (DamageIn(tables) is { } damaged)
        {
            throw damaged;
        }
        try
        {
            return Execute(Answer(sql));
        }
        catch (DuckDBException exception) when (exception.ErrorType == DuckDB.NET.Native.DuckDBErrorType.Catalog && _made.Count < _views.Count)
        {
            // A table DuckDB's parse did not name (in a statement other than a SELECT): asked again over every view.
            MakeViews(_views.Keys);
            return Read(sql, what);
        }
        catch (DuckDBException exception)
        {
            OpenFileLimit.ThrowIfExhausted(exception.Message, $"Query '{what}' could not be run");
            var found = UnreadableFile(exception.Message, _tables, _onS3) ?? (IsValueError(exception) ? Search(sql, tables, exception) : null);
            if (found is null)
            {
                throw new QueryFailedException(what, exception.Message);
            }
            _damaged.TryAdd(found.Table!, found);
            throw found;
        }
    }

    /// <summary>
    /// Why a SELECT that has run cannot be trusted: a table it reads has a damaged file, found by this query or a later
    /// one (a value that only a later query converts). Null when every table it reads is whole, as far as is known.
    /// </summary>
    public LakeException? Damage(string sql) => DamageIn(TablesOf(sql));

    private LakeException? DamageIn(IEnumerable<string> tables) =>
        tables.Select(table => _damaged.GetValueOrDefault(table)).FirstOrDefault(damage => damage is not null);

    /// <summary>The tables the SELECT reads: a current-state table computed from the partitions reads its daily table.</summary>
    private IReadOnlyList<string> TablesOf(string sql)
    {
        if (!_tablesRead.TryGetValue(sql, out var tables))
        {
            var named = TablesRead.Of(_connection, sql, _views.Keys.ToList());
            MakeViews(named);
            tables = named.Select(table => _computedFrom.GetValueOrDefault(table, table)).Distinct(StringComparer.Ordinal).ToList();
            _tablesRead[sql] = tables;
        }
        return tables;
    }

    /// <summary>Reads the table's CSV files through, once, and keeps what is wrong with them (Parquet files carry their own checks).</summary>
    private void Check(string table)
    {
        MakeViews([table]);
        if (!_checked.Add(table) || _computedFrom.ContainsKey(table) || _damaged.ContainsKey(table))
        {
            return;
        }
        var damaged = LakeViews.TableFiles(_lake, table)
            .Where(file => file.EndsWith(".csv", StringComparison.Ordinal))
            .Select(file => (File: file, Reason: CsvFileCheck.Problem(file, _views[table])))
            .Where(file => file.Reason is not null)
            .ToList();
        if (damaged.Count > 0)
        {
            _damaged[table] = Damaged(table, damaged.Select(file => (file.File, file.Reason!)).ToList(), _tables, _onS3);
        }
    }

    private static string Answer(string sql) => $"SELECT COLUMNS(*)::VARCHAR FROM (\n{sql}\n) AS answer";

    private (List<string> Columns, List<IReadOnlyList<string?>> Rows) Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
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
        var lines = error.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        // A CSV error's first line gives the line number, a later one the column and the value.
        var reason = string.Join(" ", lines.Take(1).Concat(lines.Where(l => l.StartsWith("Error when converting", StringComparison.Ordinal)).Take(1)))
            .Replace(tables, LakeLayout.Transformed, StringComparison.Ordinal);
        // DuckDB's error quotes the file's value: shown safe and short.
        return Damaged(TableOf(file, tables), [(file, ShownText.Of(reason.TrimEnd('.'), 300))], tables, onS3);
    }

    private static string TableOf(string file, string tables) => file[tables.Length..].Split(Path.DirectorySeparatorChar)[0];

    /// <summary>The error for a table's damaged files (the first named with what is wrong, any others after it), and what rewrites them.</summary>
    private static LakeException Damaged(string table, List<(string File, string Reason)> files, string tables, bool onS3)
    {
        string Key(string file) => LakeLayout.Transformed + file[tables.Length..].Replace(Path.DirectorySeparatorChar, '/');
        var others = files.Count == 1 ? "" : $", and so {(files.Count == 2 ? "is" : "are")} {string.Join(", ", files.Skip(1).Select(f => Key(f.File)))}";
        if (files[0].Reason.Contains(CsvFileCheck.PermissionDenied, StringComparison.Ordinal))
        {
            return LakeException.NotReadable(table, Key(files[0].File));
        }
        OpenFileLimit.ThrowIfExhausted(files[0].Reason, $"Table '{table}' could not be read");
        return new LakeException($"Table '{table}' cannot be read: its file {Key(files[0].File)} is damaged ({files[0].Reason}){others}. " +
                                 $"Write it again: {LakeViews.HowToRewrite(table, onS3, Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(tables)), files[0].File)}", table);
    }

    /// <summary>The lake's tables held shared while they are read (<c>LakeLock.EnterReader</c>), let go of on disposal.</summary>
    public IDisposable? Reading { get; set; }

    public void Dispose()
    {
        _connection.Dispose();
        Reading?.Dispose();
    }
}
