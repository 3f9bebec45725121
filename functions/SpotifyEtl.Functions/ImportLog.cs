using System.Text.Json;
using System.Text.Json.Serialization;
using SpotifyEtl.Import;

namespace SpotifyEtl.Functions;

/// <summary>A file of a dropped data export that was skipped, or whose rows were partly unreadable, and why.</summary>
internal sealed record ImportFileLogLine(string Event, string Level, string Bucket, string Input, string? Kind, int RowsRead, int Unreadable, string Reason);

/// <summary>
/// What an import of a dropped data export did: files, rows and the table it rebuilt. The API's plays, rows and months
/// are null when nothing could be imported, since the table was not rebuilt and still holds what it held; the reason then
/// says why and what to do (an upload with no streaming history in it, a damaged zip). <c>Inputs</c> names the uploads
/// read; <c>LandedWhole</c> says every streaming-history file in them landed as it came (none skipped), so that they can be
/// removed (they hold IP addresses) with nothing of them lost.
/// </summary>
internal sealed record ImportLogLine(string Event, string Level, int Files, int LandedFiles, int SkippedFiles, int UnreadableRows,
    int? ApiPlaysKept, int? ApiPlaysCovered, int? HistoryRows, int? Months, string? Reason)
{
    public IReadOnlyList<string> Inputs { get; init; } = [];

    public bool LandedWhole { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ImportFileLogLine))]
[JsonSerializable(typeof(ImportLogLine))]
internal sealed partial class ImportLogContext : JsonSerializerContext;

internal static class ImportLog
{
    public const string FileEvent = "import_file";
    public const string CompletedEvent = "import_completed";

    /// <param name="inputs">The uploads the import read (their keys); by default, those its files came from.</param>
    public static void Write(TextWriter log, string bucket, ImportReport report, IReadOnlyList<ImportNote>? notes = null, IReadOnlyList<string>? inputs = null)
    {
        // An object read otherwise than its event asked (the version it names unknown to the bucket): what was read instead.
        foreach (var note in notes ?? [])
        {
            log.WriteLine(JsonSerializer.Serialize(new ImportFileLogLine(FileEvent, "warn", bucket, note.Input, null, 0, 0, note.Reason),
                ImportLogContext.Default.ImportFileLogLine));
        }
        // Files to look at are warnings; the export's other files, ignored, are told at info level.
        foreach (var file in report.Files.Where(f => f.NeedsAttention || f.Ignored))
        {
            log.WriteLine(JsonSerializer.Serialize(new ImportFileLogLine(FileEvent, file.NeedsAttention ? "warn" : "info", bucket, file.Input, file.Kind, file.RowsRead, file.Unreadable,
                file.Skipped ?? string.Join("; ", file.Reasons)), ImportLogContext.Default.ImportFileLogLine));
        }
        // A file an earlier import landed that cannot be read, or changed since: left out of the table until it is mended.
        foreach (var damaged in report.DamagedLandedFiles)
        {
            log.WriteLine(JsonSerializer.Serialize(new ImportFileLogLine(FileEvent, "warn", bucket, damaged.RawKey, null, 0, 0, damaged.Reason),
                ImportLogContext.Default.ImportFileLogLine));
        }
        // A recently-played page that cannot be read: its plays are left out (the import set it aside where it could).
        foreach (var page in report.ApiPlays?.UnreadablePages ?? [])
        {
            log.WriteLine(JsonSerializer.Serialize(new ImportFileLogLine(FileEvent, "warn", bucket, page.RawKey, null, 0, 0,
                $"{page.Reason}. {ImportReport.UnreadablePageRemedy}"), ImportLogContext.Default.ImportFileLogLine));
        }
        // An upload of one of the export's other files alone (an unzipped export's folder copied to S3 is an upload per file)
        // is no failed import: nothing was there to import.
        var level = report.ImportedFiles == 0 && !report.OnlyOtherFilesAlone ? "warn" : "info";
        log.WriteLine(JsonSerializer.Serialize(new ImportLogLine(CompletedEvent, level, report.Files.Count,
            report.LandedFiles, report.SkippedFiles, report.UnreadableRows, report.ApiPlays?.RowsKept, report.ApiPlays?.Covered, report.HistoryRows,
            report.Partitions?.Count, report.NothingImported)
        {
            Inputs = inputs ?? [.. report.Files.Select(f => f.Input.Split(ExportArchive.EntrySeparator)[0]).Distinct(StringComparer.Ordinal)],
            // A file skipped is only in the upload; one read in part, or with rows unreadable, landed as it came (the upload
            // holds nothing more of it); one of the export's other files, ignored, is not history.
            LandedWhole = report.NothingImported is null && report.SkippedFiles == 0,
        }, ImportLogContext.Default.ImportLogLine));
        log.Flush();
    }
}
