using System.Reflection;
using System.Runtime.InteropServices;

namespace SpotifyEtl.Tests.Support;

/// <summary>
/// DuckDB for C# tests, through its C API in the libduckdb.so that @duckdb/node-api installs under
/// infra/node_modules (DuckDB.NET is not on this project's registry). Reads CSV the way the local
/// query runner does, so a test can check what an analyst would see.
/// </summary>
internal sealed partial class DuckDb : IDisposable
{
    private const string Library = "duckdb";
    private IntPtr _database;
    private IntPtr _connection;

    static DuckDb()
    {
        NativeLibrary.SetDllImportResolver(typeof(DuckDb).Assembly, (name, _, _) =>
            name == Library ? NativeLibrary.Load(LibraryPath) : IntPtr.Zero);
    }

    private static string LibraryPath
    {
        get
        {
            // npm installs the bindings of the machine's processor: linux-x64 or linux-arm64.
            var processor = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "arm64" : "x64";
            var path = Path.Combine(RepositoryPaths.Infra, "node_modules", "@duckdb", $"node-bindings-linux-{processor}", "libduckdb.so");
            return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing: run 'npm ci --prefix infra' (make test does).");
        }
    }

    public DuckDb()
    {
        Check(duckdb_open(null, out _database), "open an in-memory database");
        Check(duckdb_connect(_database, out _connection), "connect");
    }

    /// <summary>Runs a query and returns every value as text (null for SQL NULL), with the column names.</summary>
    public (string[] Columns, List<string?[]> Rows) Query(string sql)
    {
        var result = default(DuckDbResult);
        try
        {
            if (duckdb_query(_connection, sql, ref result) != 0)
            {
                throw new InvalidOperationException($"DuckDB: {Marshal.PtrToStringUTF8(duckdb_result_error(ref result))}\n{sql}");
            }
            var columnCount = duckdb_column_count(ref result);
            var rowCount = duckdb_row_count(ref result);
            var columns = new string[columnCount];
            for (ulong c = 0; c < columnCount; c++)
            {
                columns[c] = Marshal.PtrToStringUTF8(duckdb_column_name(ref result, c))!;
            }
            var rows = new List<string?[]>();
            for (ulong r = 0; r < rowCount; r++)
            {
                var row = new string?[columnCount];
                for (ulong c = 0; c < columnCount; c++)
                {
                    if (!duckdb_value_is_null(ref result, c, r))
                    {
                        var text = duckdb_value_varchar(ref result, c, r);
                        row[c] = Marshal.PtrToStringUTF8(text);
                        duckdb_free(text);
                    }
                }
                rows.Add(row);
            }
            return (columns, rows);
        }
        finally
        {
            duckdb_destroy_result(ref result);
        }
    }

    public void Dispose()
    {
        duckdb_disconnect(ref _connection);
        duckdb_close(ref _database);
    }

    private static void Check(int state, string what)
    {
        if (state != 0)
        {
            throw new InvalidOperationException($"DuckDB could not {what}.");
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct DuckDbResult
    {
        public ulong ColumnCount;
        public ulong RowCount;
        public ulong RowsChanged;
        public IntPtr Columns;
        public IntPtr ErrorMessage;
        public IntPtr InternalData;
    }

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int duckdb_open(string? path, out IntPtr database);

    [LibraryImport(Library)]
    private static partial int duckdb_connect(IntPtr database, out IntPtr connection);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int duckdb_query(IntPtr connection, string query, ref DuckDbResult result);

    [LibraryImport(Library)]
    private static partial ulong duckdb_column_count(ref DuckDbResult result);

    [LibraryImport(Library)]
    private static partial ulong duckdb_row_count(ref DuckDbResult result);

    [LibraryImport(Library)]
    private static partial IntPtr duckdb_column_name(ref DuckDbResult result, ulong column);

    [LibraryImport(Library)]
    [return: MarshalAs(UnmanagedType.U1)]
    private static partial bool duckdb_value_is_null(ref DuckDbResult result, ulong column, ulong row);

    [LibraryImport(Library)]
    private static partial IntPtr duckdb_value_varchar(ref DuckDbResult result, ulong column, ulong row);

    [LibraryImport(Library)]
    private static partial IntPtr duckdb_result_error(ref DuckDbResult result);

    [LibraryImport(Library)]
    private static partial void duckdb_destroy_result(ref DuckDbResult result);

    [LibraryImport(Library)]
    private static partial void duckdb_free(IntPtr pointer);

    [LibraryImport(Library)]
    private static partial void duckdb_disconnect(ref IntPtr connection);

    [LibraryImport(Library)]
    private static partial void duckdb_close(ref IntPtr database);
}
