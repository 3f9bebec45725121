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

/// <summary>
/// The API's plays in the history: read from the raw recently-played pages, kept, duplicates, covered by the export; and the
/// pages that could not be read, by raw key with the reason, whose plays are not in the table (set aside in quarantine by this
/// import where they can be copied, as a transform sets them aside).
/// </summary>
public sealed record ApiPlaysReport(int Objects, IReadOnlyList<DamagedLandedFile> UnreadablePages, int RowsRead, int RowsKept, int Duplicates, int Covered)
{
    public int UnreadableObjects => UnreadablePages.Count;

    /// <summary>Unreadable pages an earlier import or transform set aside in quarantine: their plays are left out too, and they make no import partial again.</summary>
    public IReadOnlyList<DamagedLandedFile> SetAsidePages { get; init; } = [];

    /// <summary>Equal when the counts are and the same pages are named, in the same order: two imports that did the same.</summary>
    public bool Equals(ApiPlaysReport? other) => other is not null && (Objects, RowsRead, RowsKept, Duplicates, Covered)
        == (other.Objects, other.RowsRead, other.RowsKept, other.Duplicates, other.Covered) && UnreadablePages.SequenceEqual(other.UnreadablePages)
        && SetAsidePages.SequenceEqual(other.SetAsidePages);

    public override int GetHashCode() => HashCode.Combine(Objects, RowsRead, RowsKept, Duplicates, Covered, UnreadablePages.Count);
}

/// <summary>
/// A file in the lake the table could not be built from (one an earlier import landed, or a recently-played page), by its
/// raw key, and why.
/// </summary>
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
    /// <summary>What to do about a recently-played page the import could not read, said after its key and reason.</summary>
    public const string UnreadablePageRemedy = "Its plays are not in listening_history: put a good copy in its place, or import a data export " +
        "that holds that day's streams (a page set aside is counted by later imports without making them partial).";

    /// <summary>Whether listening_history was rebuilt: false when nothing could be imported, and the table is as it was.</summary>
    public bool TableRebuilt => HistoryRows is not null;

    /// <summary>
    /// The rows the table held before this import, where they are known (a local lake's import counts them; null on S3, or
    /// where a file of the table could not be read): with <see cref="HistoryRows"/>, the streams the import added.
    /// </summary>
    public long? HistoryRowsBefore { get; init; }

    /// <summary>
    /// Files landed by earlier imports (none of the inputs) that cannot be read, or whose bytes changed since they landed:
    /// their streams are left out of the table until they are restored or their export is imported again.
    /// </summary>
    public IReadOnlyList<DamagedLandedFile> DamagedLandedFiles { get; init; } = [];

    /// <summary>
    /// Whether anything needs a look: a file skipped, broken off or with unreadable rows, a damaged landed file, or a
    /// recently-played page that could not be read (its plays are not in the table).
    /// </summary>
    public bool NeedsAttention => Files.Any(f => f.NeedsAttention) || DamagedLandedFiles.Count > 0 || ApiPlays?.UnreadableObjects > 0;

    /// <summary>Files not imported for a reason to look at: unreadable, damaged, or not history though they looked like it.</summary>
    public int SkippedFiles => Files.Count(f => f.Skipped is not null && !f.Ignored);
    /// <summary>The export's other files and repeated content: not imported, and nothing to look at.</summary>
    public int IgnoredFiles => Files.Count(f => f.Ignored);
    /// <summary>Landed files that could not be read to their end: the rows before the break are in the history.</summary>
    public int BrokenFiles => Files.Count(f => f.Problem is not null);
    /// <summary>Files not imported whole, each once: skipped for a reason to look at, or broken off (the rows after the break are not in the table).</summary>
    public int IncompleteFiles => Files.Count(f => (f.Skipped is not null && !f.Ignored) || f.Problem is not null);
    public int UnreadableRows => Files.Sum(f => f.Unreadable);

    /// <summary>When nothing could be imported, why and what to do, for the command line's error and the function's log; else null.</summary>
    public string? NothingImported
    {
        get
        {
            if (ImportedFiles > 0)
            {
                return null;
            }
            // A zip cut short (a download broken off) has no readable entries: the remedy is another download, not another request.
            var damaged = Files.FirstOrDefault(f => f.Skipped?.StartsWith(ExportArchive.NotAZip, StringComparison.Ordinal) == true);
            // A zip inside the zip, or a password-protected one: the history may well be there, one step away.
            var wrapped = Files.FirstOrDefault(f => f.Skipped is ExportArchive.ZipInZip or ExportArchive.Encrypted);
            // A history file that is there but could not be used (damaged, too large): its own reason says what to do.
            var unusable = Files.Where(f => f.Skipped is not null && !f.Ignored).ToList();
            return damaged is not null
                ? $"Nothing was imported: {damaged.Input}: {damaged.Skipped}. Download the export again from the link Spotify e-mailed you and import the new zip."
                : wrapped is not null
                ? $"Nothing was imported: {wrapped.Input}: {wrapped.Skipped}."
                : unusable.Count > 0
                ? $"Nothing was imported: {unusable[0].Input}: {unusable[0].Skipped}" +
                  (unusable.Count > 1 ? $" (and {unusable.Count - 1} more skipped, each named in the report)." : ".")
                : OnlyOtherFilesAlone
                ? $"Nothing was imported: {Files[0].Input}: {Files[0].Skipped}" +
                  (Files.Count > 1 ? $" (and {Files.Count - 1} more of the export's other files)." : ".") +
                  " The streaming history is in the export's Streaming_History_Audio_*.json (Extended streaming history) or " +
                  "StreamingHistory*.json (Account data) files: import those, or the zip whole; an export without them is requested " +
                  "on your Spotify account's privacy page."
                : "No streaming-history file was found in the inputs, so nothing was imported. Request 'Extended streaming history' " +
                  "on your Spotify account's privacy page and import the zip Spotify e-mails you (my_spotify_data.zip).";
        }
    }
    public int ImportedFiles => Files.Count(f => f.Skipped is null);

    /// <summary>
    /// Every input is one of the export's other files (a PDF, the account's search queries), each given on its own, out of
    /// no zip (an unzipped export's folder copied to S3 is an upload per file): nothing to look at, and nothing to request.
    /// </summary>
    public bool OnlyOtherFilesAlone => Files.Count > 0 && Files.All(f => f.Ignored && !f.Input.Contains(ExportArchive.EntrySeparator));
}

/// <summary>How far an import is: the stage, and files done of those it has.</summary>
public readonly record struct ImportProgress(string Stage, int Done, int Total, long Bytes);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ImportReport))]
public sealed partial class ImportReportContext : JsonSerializerContext;
