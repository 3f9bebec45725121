using System.Text.Json.Serialization;

namespace SpotifyEtl.Import;

/// <summary>
/// What the import did with one input file: its kind and raw key when it was landed, and what became of its
/// rows; or why it was skipped. Every row read is kept, a duplicate, covered by another source, or unreadable.
/// <see cref="Problem"/> says why a landed file could not be read to its end (JSON that breaks off or is not valid, not an array).
/// <see cref="Ignored"/> marks a skipped file there is nothing to look at in: one of the export's other files
/// (the read-me PDF, playlists, search queries) or the same content offered again.
/// </summary>
public sealed record ImportFileReport(
    string Input,
    string? Kind,
    string? RawKey,
    bool Landed,
    int RowsRead,
    int RowsKept,
    int Duplicates,
    int Covered,
    int Unreadable,
    IReadOnlyList<string> Reasons,
    string? Skipped,
    string? Problem = null,
    bool Ignored = false)
{
    public static ImportFileReport Skip(string input, string reason, bool ignored = false) =>
        new(input, null, null, false, 0, 0, 0, 0, 0, [], reason, null, ignored);

    /// <summary>Skipped for a reason to look at, broken off, or with rows that could not be read: what makes an import partial.</summary>
    public bool NeedsAttention => (Skipped is not null && !Ignored) || Problem is not null || Unreadable > 0;
}

/// <summary>The API's plays in the history: read from the raw recently-played pages, kept, duplicates, covered by the export.</summary>
public sealed record ApiPlaysReport(int Objects, int UnreadableObjects, int RowsRead, int RowsKept, int Duplicates, int Covered);

/// <summary>A file landed by an earlier import that the table could not be built from, by its raw key, and why.</summary>
public sealed record DamagedLandedFile(string RawKey, string Reason);

/// <summary>
/// An import: every input file's report, the API's plays, and the table it rebuilt. When no file could be imported the
/// table is not rebuilt and keeps what it held: <see cref="ApiPlays"/>, <see cref="HistoryRows"/> and <see cref="Partitions"/>
/// are then null, not zero, so that nobody reading the report takes the table for emptied.
/// </summary>
public sealed record ImportReport(
    IReadOnlyList<ImportFileReport> Files,
    ApiPlaysReport? ApiPlays,
    int LandedFiles,
    int? HistoryRows,
    IReadOnlyDictionary<string, int>? Partitions)
{
    /// <summary>Whether listening_history was rebuilt: false when nothing could be imported, and the table is as it was.</summary>
    public bool TableRebuilt => HistoryRows is not null;

    /// <summary>
    /// Files landed by earlier imports (none of the inputs) that cannot be read, or whose bytes changed since they landed:
    /// their streams are left out of the table until they are restored or their export is imported again.
    /// </summary>
    public IReadOnlyList<DamagedLandedFile> DamagedLandedFiles { get; init; } = [];

    /// <summary>Whether anything needs a look: a file skipped, broken off or with unreadable rows, or a damaged landed file.</summary>
    public bool NeedsAttention => Files.Any(f => f.NeedsAttention) || DamagedLandedFiles.Count > 0;

    /// <summary>Files not imported for a reason to look at: unreadable, damaged, or not history though they looked like it.</summary>
    public int SkippedFiles => Files.Count(f => f.Skipped is not null && !f.Ignored);
    /// <summary>The export's other files and repeated content: not imported, and nothing to look at.</summary>
    public int IgnoredFiles => Files.Count(f => f.Ignored);
    /// <summary>Landed files that could not be read to their end: the rows before the break are in the history.</summary>
    public int BrokenFiles => Files.Count(f => f.Problem is not null);
    /// <summary>Files not imported whole, each once: skipped for a reason to look at, or broken off (the rows after the break are not in the table).</summary>
    public int IncompleteFiles => Files.Count(f => (f.Skipped is not null && !f.Ignored) || f.Problem is not null);
    public int UnreadableRows => Files.Sum(f => f.Unreadable);
    public int ImportedFiles => Files.Count(f => f.Skipped is null);
}

/// <summary>How far an import is: the stage, and files done of those it has.</summary>
public readonly record struct ImportProgress(string Stage, int Done, int Total, long Bytes);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ImportReport))]
public sealed partial class ImportReportContext : JsonSerializerContext;
