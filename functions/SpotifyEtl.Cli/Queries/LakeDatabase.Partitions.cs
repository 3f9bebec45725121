using DuckDB.NET.Data;
using SpotifyEtl.Cli.Shell;

namespace SpotifyEtl.Cli.Queries;

internal sealed partial class LakeDatabase
{
    /// <summary>The view <see cref="ReadPartitions"/> makes over the partitions it reads.</summary>
    private const string PartitionsView = "partitions_read";

    /// <summary>Each daily table's files by partition folder, for <see cref="ReadPartitions"/>.</summary>
    private readonly Dictionary<string, ILookup<string, string>> _partitionFiles = new(StringComparer.Ordinal);

    /// <summary>
    /// The rows of a daily table's partitions of <paramref name="days"/> (yyyy-MM-dd), each row its columns as the contract
    /// names them, then its day, read from those partitions' files alone. A query of the table's view would make DuckDB look
    /// for every file of the table again, which for a rebuild that reads a lake a few days at a time grew with the square of
    /// its days (some 340,000 system calls for 367 days).
    /// </summary>
    public List<IReadOnlyList<string?>> ReadPartitions(string table, IReadOnlyCollection<string> days)
    {
        Check(table);
        if (_damaged.GetValueOrDefault(table) is { } damaged)
        {
            throw damaged;
        }
        var files = days.SelectMany(day => PartitionFiles(table, day)).Order(StringComparer.Ordinal).ToList();
        var columns = _views[table];
        Apply(LakeViews.CreateView(_lake, table, columns, _onS3, files, PartitionsView));
        var select = string.Join(", ", columns.Select(c => c.Name).Append($"CAST({StackContract.PartitionColumn} AS VARCHAR)"));
        try
        {
            return Execute(Answer($"SELECT {select} FROM {PartitionsView}")).Rows;
        }
        catch (DuckDBException exception)
        {
            OpenFileLimit.ThrowIfExhausted(exception.Message, $"Table '{table}' could not be read");
            throw (Exception?)UnreadableFile(exception.Message, _tables, _onS3) ?? new QueryFailedException(table, exception.Message);
        }
    }

    /// <summary>The bytes of a daily table's files in its partition of <paramref name="day"/> (yyyy-MM-dd); a file gone since counts 0.</summary>
    public long PartitionBytes(string table, string day) => PartitionFiles(table, day).Sum(file =>
    {
        try
        {
            return new FileInfo(file).Length;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    });

    /// <summary>
    /// A daily table's files in its partition of a day. The table's files are listed once: listed again for each few days
    /// read, they grew with the square of the days as well.
    /// </summary>
    private IEnumerable<string> PartitionFiles(string table, string day)
    {
        if (!_partitionFiles.TryGetValue(table, out var byFolder))
        {
            byFolder = LakeViews.TableFiles(_lake, table).ToLookup(file => Path.GetFileName(Path.GetDirectoryName(file))!, StringComparer.Ordinal);
            _partitionFiles[table] = byFolder;
        }
        return byFolder[$"{StackContract.PartitionColumn}={day}"];
    }
}
