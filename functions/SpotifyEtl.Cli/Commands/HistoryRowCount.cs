using Parquet;
using SpotifyEtl.Cli.Queries;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Cli.Commands;

/// <summary>
/// How many rows a local lake's <c>listening_history</c> holds, from its files' own counts (a Parquet file's footer, a CSV
/// file's lines, none of which a value breaks: the table's text holds no line break): what an import's summary compares
/// the table it rebuilt with, so that an export imported over an earlier one says how many streams it added.
/// </summary>
internal static class HistoryRowCount
{
    /// <summary>The rows of every month's file, 0 without the table; null where a file cannot be read (the import rebuilds it).</summary>
    public static async Task<long?> ReadAsync(string lake, TableFormat format, CancellationToken cancellationToken)
    {
        long rows = 0;
        // A month holding a file of each format (a change of format cut short) is counted once, by the lake's format.
        foreach (var month in LakeViews.TableFiles(lake, TableNames.ListeningHistory).GroupBy(Path.GetDirectoryName, StringComparer.Ordinal))
        {
            var file = month.FirstOrDefault(f => f.EndsWith(format.Extension(), StringComparison.Ordinal)) ?? month.First();
            if (SpotifyEtl.Storage.LocalEntry.NotARegularFile(file) is not null)
            {
                return null; // a FIFO would hold the open for ever; the import replaces whatever stands there
            }
            try
            {
                rows += file.EndsWith(".parquet", StringComparison.Ordinal)
                    ? await ParquetRowsAsync(file, cancellationToken).ConfigureAwait(false)
                    : Math.Max(0, await CsvLinesAsync(file, cancellationToken).ConfigureAwait(false) - 1);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                return null; // a file this count cannot read (a damaged footer throws what it will): the import rebuilds it
            }
        }
        return rows;
    }

    private static async Task<long> ParquetRowsAsync(string file, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(file);
        await using (stream.ConfigureAwait(false))
        {
            var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                long rows = 0;
                for (var group = 0; group < reader.RowGroupCount; group++)
                {
                    using var rowGroup = reader.OpenRowGroupReader(group);
                    rows += rowGroup.RowCount;
                }
                return rows;
            }
        }
    }

    private static async Task<long> CsvLinesAsync(string file, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
        var lines = bytes.AsSpan().Count((byte)'\n');
        return bytes.Length > 0 && bytes[^1] != (byte)'\n' ? lines + 1 : lines;
    }
}
