namespace SpotifyEtl.Transformation.Parquet;

internal sealed partial class ParquetFileWriter
{
    /// <summary>Files of fewer bytes than this are written on one core: below it, handing columns to another costs more than it saves.</summary>
    internal const long ParallelBytes = 256 * 1024;

    /// <summary>
    /// Writes a file's column chunks, <paramref name="writeColumns"/> given a writer and a range of columns, then its
    /// footer. A large file's columns are split in two at about half their bytes (<paramref name="columnBytes"/>, an
    /// estimate per column): the first part is written into the file on the calling thread while the second is written
    /// into a buffer of its own on another core, then appended. The chunks do not depend on where they are written,
    /// only the footer's offsets do, so the bytes are those of one writer writing every column in order. Otherwise the
    /// largest table of a day, or the current state's songs, was one core's work while the other had none left.
    /// </summary>
    public static void WriteColumns(Stream destination, int rowCount, ReadOnlySpan<long> columnBytes, Action<ParquetFileWriter, int, int> writeColumns, string createdBy)
    {
        var split = SplitAt(columnBytes);
        long restBytes = 0;
        foreach (var bytes in columnBytes[split..])
        {
            restBytes += bytes;
        }
        WriteColumns(destination, rowCount, columnBytes.Length, split, restBytes, writeColumns, createdBy);
    }

    /// <summary>
    /// Writes columns [0, split) on the calling thread and [split, count) on another (none when split is count), the
    /// second part into a buffer sized for about <paramref name="restBytes"/>.
    /// </summary>
    internal static void WriteColumns(Stream destination, int rowCount, int count, int split, long restBytes, Action<ParquetFileWriter, int, int> writeColumns, string createdBy)
    {
        using var writer = new ParquetFileWriter(destination, rowCount);
        if (split == count)
        {
            writeColumns(writer, 0, count);
        }
        else
        {
            using var buffer = new PooledStream((int)Math.Clamp(restBytes, 64 * 1024, 1 << 30));
            using var rest = new ParquetFileWriter(buffer, rowCount, startsFile: false);
            ForkJoin.Run(() => writeColumns(writer, 0, split), () => writeColumns(rest, split, count));
            writer.Append(rest, buffer);
        }
        writer.Finish(createdBy);
    }

    /// <summary>Where to split the columns so that each part has about half the bytes; the column count (no split) for a small file or a single column.</summary>
    internal static int SplitAt(ReadOnlySpan<long> columnBytes)
    {
        long total = 0;
        foreach (var bytes in columnBytes)
        {
            total += bytes;
        }
        if (columnBytes.Length < 2 || total < ParallelBytes)
        {
            return columnBytes.Length;
        }
        var (best, bestLargest, before) = (1, long.MaxValue, 0L);
        for (var split = 1; split < columnBytes.Length; split++)
        {
            before += columnBytes[split - 1];
            var largest = Math.Max(before, total - before);
            if (largest < bestLargest)
            {
                (best, bestLargest) = (split, largest);
            }
        }
        return best;
    }

    /// <summary>Appends the chunks a part wrote into <paramref name="bytes"/>, where it began at offset 0.</summary>
    private void Append(ParquetFileWriter part, PooledStream bytes)
    {
        foreach (var chunk in part._chunks)
        {
            _chunks.Add(chunk.MovedBy(_offset));
        }
        Write(bytes.Written);
    }
}
