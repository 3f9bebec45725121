using System.Text.Json.Serialization;

namespace SpotifyEtl.Import;

/// <summary>
/// What the import did with one input file: its kind and raw key when it was landed, and what became of its
/// rows; or why it was skipped. Every row read is kept, a duplicate, covered by another source, or unreadable.
/// <see cref="Problem"/> says why a landed file could not be read to its end (JSON that breaks off, not an array).
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
    string? Problem = null)
{
    public static ImportFileReport Skip(string input, string reason) => new(input, null, null, false, 0, 0, 0, 0, 0, [], reason);

    /// <summary>Skipped, broken off, or with rows that could not be read: what makes an import partial.</summary>
    public bool NeedsAttention => Skipped is not null || Problem is not null || Unreadable > 0;
}

/// <summary>The API's plays in the history: read from the raw recently-played pages, kept, duplicates, covered by the export.</summary>
public sealed record ApiPlaysReport(int Objects, int UnreadableObjects, int RowsRead, int RowsKept, int Duplicates, int Covered);

/// <summary>An import: every input file's report, the API's plays, and the table it rebuilt.</summary>
public sealed record ImportReport(
    IReadOnlyList<ImportFileReport> Files,
    ApiPlaysReport ApiPlays,
    int LandedFiles,
    int HistoryRows,
    IReadOnlyDictionary<string, int> Partitions)
{
    public int SkippedFiles => Files.Count(f => f.Skipped is not null);
    /// <summary>Landed files that could not be read to their end: the rows before the break are in the history.</summary>
    public int BrokenFiles => Files.Count(f => f.Problem is not null);
    public int UnreadableRows => Files.Sum(f => f.Unreadable);
    public int ImportedFiles => Files.Count(f => f.Skipped is null);
}

/// <summary>How far an import is: the stage, and files done of those it has.</summary>
public readonly record struct ImportProgress(string Stage, int Done, int Total, long Bytes);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ImportReport))]
public sealed partial class ImportReportContext : JsonSerializerContext;
