using DuckDB.NET.Data;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Cli.Queries;

internal sealed partial class LakeDatabase
{
    /// <summary>The tables whose views are made.</summary>
    private readonly HashSet<string> _made = new(StringComparer.Ordinal);

    /// <summary>
    /// Makes the views of <paramref name="tables"/> not made yet (a current-state table computed from the partitions
    /// after its daily table's, which it reads). A view is made over the files its table holds when a query first names
    /// it: a lake's views all made at once looked for every file of every table, on a three-year lake most of a query's
    /// time where it read one table.
    /// </summary>
    private void MakeViews(IEnumerable<string> tables)
    {
        foreach (var table in tables)
        {
            if (_views.ContainsKey(table) && !_made.Contains(table))
            {
                if (_computedFrom.TryGetValue(table, out var daily))
                {
                    MakeViews([daily]);
                }
                MakeView(table);
                _made.Add(table);
            }
        }
    }

    private void MakeView(string table)
    {
        var columns = _views[table];
        var fromPartitions = _computedFrom.ContainsKey(table);
        // A folder, a FIFO or a dangling link by a table file's name is never opened (a FIFO would block for good):
        // the view reads the table's other files, and every query that reads the table fails, naming it.
        var files = fromPartitions ? [] : LakeViews.TableFiles(_lake, table);
        var unusable = files.Select(file => (File: file, Reason: LocalEntry.NotARegularFile(file))).Where(file => file.Reason is not null).ToList();
        if (unusable.Count > 0)
        {
            _damaged[table] = Damaged(table, unusable.Select(file => (file.File, file.Reason!)).ToList(), _tables, _onS3);
        }
        // A table of both formats blocks the queries that read it, not the others: its view reads no file.
        else if (LakeViews.MixedFormats(_lake, table, files, _onS3) is { } mixed)
        {
            _damaged[table] = mixed;
            unusable = files.Select(file => (File: file, Reason: (string?)null)).ToList();
        }
        var usable = files.Except(unusable.Select(file => file.File)).ToList();
        CountViewFiles(usable);
        using var command = _connection.CreateCommand();
        try
        {
            command.CommandText = fromPartitions
                ? CurrentFromPartitions(table, columns)
                : LakeViews.CreateView(_lake, table, columns, _onS3, usable);
            command.ExecuteNonQuery();
        }
        catch (Exception exception) when (exception is DuckDBException or LakeException)
        {
            OpenFileLimit.ThrowIfExhausted(exception.Message, $"Table '{table}' could not be read");
            // A view reads its files' schemas (a CSV file's header) when it is made: a damaged or foreign file fails
            // here, the first of a daily table's or a current-state table's one. Like a file that is no regular
            // file, it blocks the queries that read its table, not the others: the view reads no file.
            _damaged.TryAdd(table, exception as LakeException ?? UnreadableFile(exception.Message, _tables, _onS3)
                ?? new LakeException($"Table '{table}' cannot be read{(files.Count == 1 ? $" from {Path.GetRelativePath(_lake, files[0])}" : "")}: " +
                                     $"{exception.Message.TrimEnd('.')}. Write it again: {LakeViews.HowToRewrite(table, _onS3, _lake, files.Count == 1 ? files[0] : null)}", table));
            command.CommandText = LakeViews.CreateView(_lake, table, columns, _onS3, []);
            command.ExecuteNonQuery();
        }
        _statements[table] = command.CommandText;
    }
}
