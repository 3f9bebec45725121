using System.CommandLine;
using System.Text.Json;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Import;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Cli.Commands;

internal static class ImportCommand
{
    public static Command Create()
    {
        var paths = new Argument<FileSystemInfo[]>("PATH")
        {
            Description = "The export's zip as downloaded (my_spotify_data.zip), the unzipped folder, or single .json files of it.",
            Arity = ArgumentArity.OneOrMore,
        };
        // An empty word (an unset shell variable) names no file: said as such, not read as a path.
        paths.Validators.Add(result =>
        {
            if (result.Tokens.Any(token => string.IsNullOrWhiteSpace(token.Value)))
            {
                result.AddError("PATH is empty: name the export's zip, its unzipped folder, or its .json files.");
            }
            else if (CliOptions.BucketIn(result) is { } bucket)
            {
                result.AddError($"{bucket}: import reads an export on this machine. Copy it here first ('aws s3 cp {bucket} .'), or, to import it " +
                    $"into a stack, upload it under the raw bucket's {LakeLayout.Import} prefix, where the transform function imports it (docs/history.md, \"On AWS\").");
            }
        });
        // On AWS the transform function imports an export uploaded to the raw bucket (docs/history.md).
        var lake = CliOptions.Lake(onS3: bucket => $"--lake {bucket}: import works on a local folder. On AWS, upload the export under the raw bucket's " +
            $"{LakeLayout.Import} prefix instead, 'aws s3 cp FILE s3://BUCKET/{LakeLayout.Import}' with the raw bucket's name ('pulumi stack output rawBucketName'), " +
            "and the transform function imports it (docs/history.md).");
        var format = CliOptions.Format();
        var json = CliOptions.Json();
        var command = new Command("import",
            "Import your Spotify data export (account privacy page: 'Extended streaming history', and 'Account data'): each streaming-history " +
            "file lands unchanged under <lake>/raw/spotify_export/, keyed by its content, and the listening_history table is rebuilt from " +
            "every file landed and the API's plays, each stream counted once. Prints what became of every file and row. " +
            "The export's other files (its PDF, playlists, search queries) are ignored; a file that cannot be used (a damaged zip entry, one " +
            $"past the size limits) is skipped with the reason (exit {ExitCodes.Partial}, as for unreadable rows; " +
            $"{ExitCodes.DataError} when nothing could be imported). A file an earlier import landed that can no longer be read, or that changed " +
            $"on disk since, and a recently-played page that cannot be read, are named on stderr and left out of the table (exit {ExitCodes.Partial}).")
        {
            paths, lake, format, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var inputs = parse.GetValue(paths)!;
            foreach (var missing in inputs.Where(p => !p.Exists))
            {
                throw new CliException(ExitCodes.NoInput, $"{missing.FullName} does not exist: name the export's zip, its unzipped folder, or its .json files.");
            }
            var lakeFolder = parse.GetValue(lake)!;
            var chosen = LakeFormat.Chosen(parse, format, lakeFolder);
            LakeFormat.Check(lakeFolder, chosen);
            var report = await RunAsync(inputs, lakeFolder, chosen, cancellationToken, LakeFormat.Given(parse, format)).ConfigureAwait(false);
            var exit = report.ImportedFiles == 0 ? ExitCodes.DataError
                : report.NeedsAttention ? ExitCodes.Partial : ExitCodes.Success;
            // The API's raw responses given for an export: one error names the command that reads them, and a table of
            // every page ignored (hundreds, for a sample) would only stand before it.
            var rawInstead = report.NothingImported is null ? null
                : RawLanding.RawResponsesInstead([.. report.Files.Select(f => f.Input)], [.. inputs.Select(i => i.FullName)], lakeFolder.FullName);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(report, ImportReportContext.Default.ImportReport));
            }
            else if (report.Files.Count > 0 && rawInstead is null)
            {
                // Inputs holding no file have no table to show: the error below says what to import instead.
                ImportRender.Report(report, lakeFolder.FullName);
            }
            if (exit == ExitCodes.Success && report.Files.Where(f => f.Skipped is null).Sum(f => f.RowsRead) == 0)
            {
                // Read whole and empty ([]): an account with no streams in its export's year, or the wrong files given.
                CliErrors.Warn(Console.Error, $"{Counted.Of(report.ImportedFiles, "streaming-history file")} read, holding no stream: " +
                    (report.HistoryRows is > 0 ? $"listening_history's {report.HistoryRows:N0} rows are earlier imports' and the API's plays. " : "listening_history has no rows. ") +
                    "An account's data holds its last year of streams, the extended streaming history every year: request the latter on your " +
                    "Spotify account's privacy page if the year had streams.");
            }
            if (ImportRender.AheadOfToday(report, DateTimeOffset.UtcNow) is { } ahead)
            {
                CliErrors.Warn(Console.Error, ahead);
            }
            foreach (var damaged in report.DamagedLandedFiles)
            {
                // A file an earlier import landed: not among the inputs, so named by where it is in the lake.
                CliErrors.Warn(Console.Error, $"{Path.Combine(lakeFolder.FullName, damaged.RawKey)}, landed by an earlier import: {damaged.Reason}.");
            }
            foreach (var page in report.ApiPlays?.UnreadablePages ?? [])
            {
                CliErrors.Warn(Console.Error, page.Reason == UnlistableFolderException.Reason
                    ? $"{Path.Combine(lakeFolder.FullName, page.RawKey)}, recently-played pages: {page.Reason}. Their plays are not in listening_history: " +
                      "give this user read and search permission on it (chmod, as its owner), or run as the user who owns the lake, then import again."
                    : $"{Path.Combine(lakeFolder.FullName, page.RawKey)}, a recently-played page: {page.Reason}. " + ImportReport.UnreadablePageRemedy);
            }
            if (exit == ExitCodes.Partial && report.Files.Any(f => f.NeedsAttention))
            {
                // The report says which file and why; stderr says that there is something to read in it.
                CliErrors.Warn(Console.Error, $"{Counted.Of(report.SkippedFiles, "file")} skipped, {report.BrokenFiles:N0} read only in part (JSON that breaks off or is not valid, or text that is not UTF-8 or escapes that are half a character), " +
                    $"{Counted.Of(report.UnreadableRows, "row")} unreadable: each is named with its reason in the report.");
            }
            if (report.NothingImported is { } nothing)
            {
                // Fatal (exit 65), so an error, not a warning: the report above, if any, says what became of each file.
                CliErrors.Error(Console.Error, rawInstead ?? nothing);
            }
            return exit;
        });
        return command;
    }

    /// <summary>Imports the named files, folders and zips into the local lake, with progress on a terminal.</summary>
    public static async Task<ImportReport> RunAsync(IEnumerable<FileSystemInfo> inputs, DirectoryInfo lakeFolder, TableFormat format, CancellationToken cancellationToken,
        bool formatGiven = true)
    {
        // Walked before the lake is opened: inputs holding no file at all leave the lake as it was, a folder not yet made unmade.
        LocalLake.RefuseAsALake(lakeFolder);
        using var candidates = ExportInputs.Open(inputs, ImportLimits.Default, lakeFolder.FullName);
        if (candidates.Candidates.Count == 0)
        {
            return new ImportReport([], null, 0, null, null);
        }
        var made = !Directory.Exists(lakeFolder.FullName);
        var store = LocalLake.Open(lakeFolder);
        LakeLock.EnterWriter(lakeFolder.FullName, cancellationToken);
        format = LakeFormat.Settled(lakeFolder, format, formatGiven);
        // Every stream is kept until the months are written, yet unlike a transform's day the import collects as it goes,
        // with no collection budget: on a million streams (687 MB of JSON) that took 5.7 to 6.0 s at a peak of 536 to 585 MB,
        // against 5.4 to 5.7 s at 1,017 MB with collections held off for twice the input (docs/benchmarks.md).
        // Left behind by an import that does not end (a signal, a full disk, a kill), for query and report to say so.
        var before = UnfinishedImport.Read(lakeFolder.FullName);
        var rowsBefore = await HistoryRowCount.ReadAsync(lakeFolder.FullName, format, cancellationToken).ConfigureAwait(false);
        UnfinishedImport.Begin(lakeFolder.FullName, DateTimeOffset.UtcNow);
        var report = await ProgressDisplay.RunAsync("Importing the export", progress =>
            new ExportImporter(store, store, new ImportOptions
            {
                Format = format,
                Progress = new Reporter(progress),
            }).ImportAsync(candidates.Candidates, cancellationToken)).ConfigureAwait(false);
        // Only a rebuilt table ends it. An import of nothing (the wrong folder, a zip of no history) changed nothing: the
        // history is as whole, or as unfinished, as it was before, and so is the mark.
        if (report.TableRebuilt)
        {
            UnfinishedImport.End(lakeFolder.FullName);
        }
        else
        {
            UnfinishedImport.Restore(lakeFolder.FullName, before);
        }
        if (made && report.ImportedFiles == 0)
        {
            // Files that held no history (the wrong folder, an export's other files): no lake where there was none.
            LocalLake.RemoveIfUnused(lakeFolder);
        }
        return report.TableRebuilt ? report with { HistoryRowsBefore = rowsBefore } : report;
    }

    /// <summary>
    /// Reported synchronously by the importing threads. Each stage counts its bytes from nothing (landing the inputs,
    /// reading files landed before) and merging reads none: what is shown is the bytes of every stage so far.
    /// </summary>
    private sealed class Reporter(Action<long, long?, long> report) : IProgress<ImportProgress>
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<string, long> _bytes = new(StringComparer.Ordinal);

        public void Report(ImportProgress value)
        {
            lock (_lock)
            {
                _bytes[value.Stage] = Math.Max(value.Bytes, _bytes.GetValueOrDefault(value.Stage));
                report(value.Done, value.Total, _bytes.Values.Sum());
            }
        }
    }
}
