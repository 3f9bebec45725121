using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using DuckDB.NET.Native;

namespace SpotifyEtl.Cli.Queries;

/// <summary>
/// The file behind a value a query cannot convert. A query that turns a text column into a number or a date (the hour
/// of <c>played_at</c>) fails on a value such as <c>yesterday</c> with DuckDB's error for the value alone: over many
/// files it names none. Only then, the query runs again over parts of each table it reads, halving the table's files
/// while it still fails: the file it fails on alone, with the other tables whole, is the damaged one.
/// </summary>
internal sealed partial class LakeDatabase
{
    /// <summary>The value DuckDB quotes in its error: <c>Could not convert string 'yest' to INT32</c>, <c>invalid date field format: "yesterday"</c>.</summary>
    [GeneratedRegex("""['"](?<value>[^'"\n]+)['"]""")]
    private static partial Regex ValueInError();

    /// <summary>A value the query's SQL could not convert or was refused as input, rather than a mistake in the SQL.</summary>
    private static bool IsValueError(DuckDBException exception) =>
        exception.ErrorType is DuckDBErrorType.Conversion or DuckDBErrorType.InvalidInput or DuckDBErrorType.OutOfRange;

    /// <summary>
    /// The damaged file the query fails on, recorded for its table (with any other table's found the same way); null
    /// where no single file is to blame. Each view is made over all its files again before this returns.
    /// </summary>
    private LakeException? Search(string sql, IReadOnlyList<string> tables, DuckDBException failure)
    {
        var found = new List<(string Table, string File)>();
        foreach (var table in tables.Where(table => !_computedFrom.ContainsKey(table)))
        {
            var files = LakeViews.TableFiles(_lake, table);
            try
            {
                // The query must pass without the table's rows, or the value it fails on is not (only) in this table.
                if (files.Count == 0 || FailsOver(sql, table, [], failure.ErrorType))
                {
                    continue;
                }
                var candidates = files;
                while (candidates.Count > 1)
                {
                    var half = candidates.Take(candidates.Count / 2).ToList();
                    var rest = candidates.Skip(half.Count).ToList();
                    candidates = FailsOver(sql, table, half, failure.ErrorType) ? half
                        : FailsOver(sql, table, rest, failure.ErrorType) ? rest
                        : [];
                }
                if (candidates.Count == 1)
                {
                    found.Add((table, candidates[0]));
                }
            }
            finally
            {
                Apply(_statements[table]);
            }
        }
        var value = ValueInError().Match(failure.Message.Split('\n')[0]) is { Success: true } match ? match.Groups["value"].Value : null;
        // Two tables the query joins can each seem to hold the value (without either one's rows, no row is converted):
        // the one whose file holds the text DuckDB names is the damaged one.
        if (found.Count > 1 && value is not null && found.Where(f => Holds(f.File, value)).ToList() is { Count: > 0 } holding)
        {
            found = holding;
        }
        var reason = $"a value the queries cannot read: {failure.Message.Split('\n')[0].Trim().TrimEnd('.')}";
        foreach (var (table, file) in found)
        {
            var line = value is null ? null : LineHolding(file, value);
            _damaged.TryAdd(table, Damaged(table, [(file, line is null ? reason : $"line {line}, {reason}")], _tables, _onS3));
        }
        return found.Count == 0 ? null : _damaged[found[0].Table];
    }

    /// <summary>Whether the query fails, with the same kind of error, when the table's view reads only <paramref name="files"/>.</summary>
    private bool FailsOver(string sql, string table, IReadOnlyList<string> files, DuckDBErrorType kind)
    {
        try
        {
            Apply(LakeViews.CreateView(_lake, table, _views[table], _onS3, files));
            Execute(Answer(sql));
            return false;
        }
        catch (DuckDBException exception)
        {
            return exception.ErrorType == kind;
        }
    }

    private void Apply(string statement)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = statement;
        command.ExecuteNonQuery();
    }

    private static bool Holds(string file, string value) =>
        !file.EndsWith(".csv", StringComparison.Ordinal) || File.ReadAllText(file).Contains(value, StringComparison.Ordinal);

    /// <summary>The first line of a CSV file (after its header) that holds the text; null for Parquet, or where none does.</summary>
    private static int? LineHolding(string file, string value)
    {
        if (!file.EndsWith(".csv", StringComparison.Ordinal))
        {
            return null;
        }
        var number = 0;
        foreach (var line in File.ReadLines(file))
        {
            number++;
            if (number > 1 && line.Contains(value, StringComparison.Ordinal))
            {
                return number;
            }
        }
        return null;
    }
}
