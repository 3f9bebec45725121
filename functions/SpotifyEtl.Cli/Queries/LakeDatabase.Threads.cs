using DuckDB.NET.Data;

namespace SpotifyEtl.Cli.Queries;

internal sealed partial class LakeDatabase
{
    /// <summary>
    /// The table files the views made so far read, in bytes, below which DuckDB answers on one thread; from it on, on every
    /// core (its default). Each of DuckDB's threads starts each aggregation with hash tables of its own, sized for the
    /// processor's caches and zeroed before use: on a small lake a second thread costs more than it saves. On two cores,
    /// every named query of a 0.24 MB lake took the same time on one thread as on two, and a quarter less CPU; of a 0.9 MB
    /// lake 5% longer and a fifth less CPU; of a 3 MB lake 11% longer.
    /// </summary>
    internal const long OneThreadBelowBytes = 1024 * 1024;

    /// <summary>The bytes of the files of the views made so far, counted up to <see cref="OneThreadBelowBytes"/>.</summary>
    private long _viewBytes;

    /// <summary>The number of threads DuckDB answers on, as this database chose it (from the size of the tables its queries read).</summary>
    public int Threads => Convert.ToInt32(Scalar("SELECT current_setting('threads')"), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A database starts on one thread, until the views its queries make read the bound or more.</summary>
    private static void StartOnOneThread(DuckDBConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SET threads = 1";
        command.ExecuteNonQuery();
    }

    /// <summary>Counts a new view's files, and gives DuckDB back its own choice of threads once they reach the bound.</summary>
    private void CountViewFiles(IEnumerable<string> files)
    {
        if (_viewBytes >= OneThreadBelowBytes)
        {
            return;
        }
        _viewBytes = AddSizes(_viewBytes, files);
        if (_viewBytes >= OneThreadBelowBytes)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "RESET threads";
            command.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// <paramref name="bytes"/> plus the sizes of <paramref name="files"/>, added only until the sum reaches the bound: beyond
    /// it the choice is made, and a long lake's every file (tens of thousands over three years) need not be looked at.
    /// </summary>
    internal static long AddSizes(long bytes, IEnumerable<string> files)
    {
        using var file = files.GetEnumerator();
        while (bytes < OneThreadBelowBytes && file.MoveNext())
        {
            bytes += SizeOf(file.Current);
        }
        return bytes;
    }

    /// <summary>A table file's size; 0 for one that went away since it was listed (its view's error says so when read).</summary>
    private static long SizeOf(string file)
    {
        try
        {
            return new FileInfo(file).Length;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private object? Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
