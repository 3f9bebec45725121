namespace SpotifyEtl.Import;

/// <summary>
/// Bounds on what an import reads, so that a wrong file or a compressed bomb ends with a reason instead of
/// filling memory or disk. A real export's files are tens of megabytes each (account data: 10,000 rows at
/// most), and a ten-year extended history about a gigabyte in all; JSON compresses about ten to one.
/// </summary>
public sealed record ImportLimits
{
    /// <summary>The largest single file read, uncompressed.</summary>
    public long MaxFileBytes { get; init; } = 512L << 20;

    /// <summary>The most read from one archive in all, uncompressed.</summary>
    public long MaxArchiveBytes { get; init; } = 16L << 30;

    /// <summary>The highest compression ratio believed of an archive entry larger than a megabyte.</summary>
    public long MaxCompressionRatio { get; init; } = 200;

    /// <summary>The most entries one archive may hold.</summary>
    public int MaxArchiveEntries { get; init; } = 10_000;

    /// <summary>
    /// The most rows of landed files a rebuild of the history holds at once, counting the files the import read itself
    /// (held whatever their size): beyond it, the others are read again as needed and the table is built some months at a
    /// time, each batch of months merging at most this many rows (a single month holding more is a batch of its own).
    /// </summary>
    public int HistoryRowsInMemory { get; init; } = DefaultHistoryRowsInMemory;

    public const int DefaultHistoryRowsInMemory = 500_000;

    public static ImportLimits Default { get; } = new();

    public static string Size(long bytes) => bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.#} GiB"
        : bytes >= 1L << 20 ? $"{bytes / (double)(1L << 20):0.#} MiB" : $"{bytes / 1024.0:0.#} KiB";
}
