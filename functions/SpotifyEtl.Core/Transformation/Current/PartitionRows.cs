using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Parquet;
using Parquet.Schema;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Transformation.Current;

/// <summary>
/// A day's rows of the five dimension tables read back from its partitions, in either format and
/// whichever version of this tool wrote them (Parquet through Parquet.Net, so files of its earlier
/// writer read too): the rows a day digest holds, for a day whose partitions were written without a
/// digest the current-state tables can read.
/// </summary>
internal static class PartitionRows
{
    private static readonly CsvConfiguration Csv = new(CultureInfo.InvariantCulture) { HasHeaderRecord = true };

    private static IEnumerable<string> Tables => CurrentTables.Sources.Values.Select(source => source.Daily);

    /// <summary>Every day with a table file in one of the five tables' partitions.</summary>
    public static async Task<SortedSet<DateOnly>> DaysAsync(IObjectStore lake, CancellationToken cancellationToken)
    {
        var days = new SortedSet<DateOnly>();
        foreach (var table in Tables)
        {
            await foreach (var key in lake.ListAsync($"{LakeLayout.Transformed}{table}/", cancellationToken).ConfigureAwait(false))
            {
                if (IsTableFile(key) && LakeLayout.SnapshotDateOf(key) is { } day)
                {
                    days.Add(day);
                }
            }
        }
        return days;
    }

    /// <summary>The day's table files in the five tables, with their tags: listed again once a digest is written from them.</summary>
    public static async Task<List<ObjectVersion>> ListDayAsync(IObjectStore lake, DateOnly day, CancellationToken cancellationToken)
    {
        var files = new List<ObjectVersion>();
        foreach (var table in Tables)
        {
            await foreach (var version in lake.ListVersionsAsync(LakeLayout.Transformed + LakeLayout.Partition(table, day), cancellationToken).ConfigureAwait(false))
            {
                if (IsTableFile(version.Key))
                {
                    files.Add(version);
                }
            }
        }
        return files;
    }

    /// <summary>
    /// The rows of the listed files; a file deleted since the listing is left out (the next listing differs). Null when a
    /// file read is not the one listed (its tag differs): rewritten in between, perhaps back to the listed bytes by now, so
    /// that a second listing equal to the first would not show it.
    /// </summary>
    public static async Task<DimensionState?> ReadAsync(IObjectStore lake, DateOnly day, IEnumerable<ObjectVersion> files, CancellationToken cancellationToken)
    {
        var state = DimensionState.Empty;
        var date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        foreach (var file in files)
        {
            var table = file.Key[LakeLayout.Transformed.Length..].Split('/')[0];
            PooledBytes content;
            try
            {
                content = await lake.ReadPooledAsync(file.Key, cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectNotFoundException)
            {
                continue;
            }
            using var read = content;
            if (!read.IsListed(file.Tag))
            {
                return null;
            }
            var columns = TableNames.Columns[table].Select(column => column.Name).ToList();
            try
            {
                using var stream = read.OpenRead();
                var rows = file.Key.EndsWith(TableFormat.Parquet.Extension(), StringComparison.Ordinal)
                    ? await ParquetAsync(stream, columns, cancellationToken).ConfigureAwait(false)
                    : CsvRows(stream, columns);
                foreach (var row in rows)
                {
                    state.Add(table, date, row);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                throw new InvalidDataException($"The partition file {file.Key} in {lake.Description} cannot be read ({exception.Message}), so the " +
                    $"current-state tables cannot include {date}: write it again (transform its day again, or restore the file), or delete it.", exception);
            }
        }
        return state;
    }

    private static bool IsTableFile(string key) =>
        key.EndsWith(TableFormat.Parquet.Extension(), StringComparison.Ordinal) || key.EndsWith(TableFormat.Csv.Extension(), StringComparison.Ordinal);

    /// <summary>Each row's values in the order of <paramref name="columns"/>, by name: a column the file lacks is null.</summary>
    private static List<string?[]> CsvRows(Stream bytes, List<string> columns)
    {
        using var reader = new StreamReader(bytes, leaveOpen: true);
        using var csv = new CsvReader(reader, Csv);
        var rows = new List<string?[]>();
        if (!csv.Read())
        {
            return rows;
        }
        csv.ReadHeader();
        var header = csv.HeaderRecord ?? [];
        var at = columns.Select(name => Array.IndexOf(header, name)).ToArray();
        while (csv.Read())
        {
            rows.Add(at.Select(index => index < 0 ? null : csv.GetField(index) is { Length: > 0 } value ? value : null).ToArray());
        }
        return rows;
    }

    private static async Task<List<string?[]>> ParquetAsync(Stream stream, List<string> columns, CancellationToken cancellationToken)
    {
        var rows = new List<string?[]>();
        await using var reader = await ParquetReader.CreateAsync(stream, new ParquetOptions { TreatByteArrayAsString = true },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        var fields = reader.Schema.GetDataFields();
        for (var group = 0; group < reader.RowGroupCount; group++)
        {
            using var rowGroup = reader.OpenRowGroupReader(group);
            var count = checked((int)rowGroup.RowCount);
            var values = new string?[columns.Count][];
            for (var column = 0; column < columns.Count; column++)
            {
                var field = fields.FirstOrDefault(f => f.Name == columns[column]);
                values[column] = field is null ? new string?[count] : await ColumnAsync(rowGroup, field, count, cancellationToken).ConfigureAwait(false);
            }
            for (var row = 0; row < count; row++)
            {
                rows.Add(values.Select(column => column[row]).ToArray());
            }
        }
        return rows;
    }

    private static async Task<string?[]> ColumnAsync(ParquetRowGroupReader rowGroup, DataField field, int count, CancellationToken cancellationToken)
    {
        var type = field.ClrType;
        if (type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(bool))
        {
            return type == typeof(int) ? await ValuesAsync<int>(rowGroup, field, count, cancellationToken).ConfigureAwait(false)
                : type == typeof(long) ? await ValuesAsync<long>(rowGroup, field, count, cancellationToken).ConfigureAwait(false)
                : type == typeof(short) ? await ValuesAsync<short>(rowGroup, field, count, cancellationToken).ConfigureAwait(false)
                : await ValuesAsync<bool>(rowGroup, field, count, cancellationToken).ConfigureAwait(false);
        }
        // Text, however the file annotates it (a string, or bytes that hold UTF-8).
        var text = new string?[count];
        await rowGroup.ReadAsync(field, text.AsMemory()!, cancellationToken: cancellationToken).ConfigureAwait(false);
        return text;
    }

    private static async Task<string?[]> ValuesAsync<T>(ParquetRowGroupReader rowGroup, DataField field, int count, CancellationToken cancellationToken)
        where T : struct
    {
        if (field.IsNullable)
        {
            var values = new T?[count];
            await rowGroup.ReadAsync<T>(field, values.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
            return values.Select(value => value is { } v ? Text(v) : null).ToArray();
        }
        var required = new T[count];
        await rowGroup.ReadAsync<T>(field, required.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
        return required.Select(value => (string?)Text(value)).ToArray();
    }

    private static string Text<T>(T value) where T : struct => value switch
    {
        bool flag => flag ? "true" : "false",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
