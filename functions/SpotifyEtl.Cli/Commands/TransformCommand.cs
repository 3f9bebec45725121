using System.CommandLine;
using System.Text.Json;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Import;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Cli.Commands;

internal static partial class TransformCommand
{
    public static Command Create()
    {
        var input = new Option<FileSystemInfo>("--input")
        {
            Description = "Raw .json files to land first: a file or a folder holding raw/... (such as the output of 'sample'). " +
                          "Keys are read from the path from its 'raw/' segment on. Without it, the lake's own raw/ is transformed.",
        };
        input.Validators.Add(result =>
        {
            if (CliOptions.BucketIn(result) is { } bucket)
            {
                result.AddError($"--input {bucket}: transform lands raw files from this machine. Copy them here first ('aws s3 sync {bucket} FOLDER/raw'), " +
                    "or replay the bucket's days, which the stack's transform function reads in place (docs/transformation.md, \"Replay and backfill\").");
            }
        });
        var lake = CliOptions.Lake();
        var format = CliOptions.Format();
        var json = CliOptions.Json();
        var noCurrent = new Option<bool>("--no-current-tables")
        {
            Description = "Do not rebuild the current-state tables (songs_current, ...): they stay behind until 'spotify-etl current' " +
                          "rebuilds them from the partitions. For measuring what they cost; a transform keeps them up to date by default.",
        };
        var command = new Command("transform",
            "Transform raw Spotify responses into the lake's tables, one file per table and snapshot date, rebuilt from every raw " +
            "object of each date the input touches. Bad objects are copied to <lake>/quarantine/ with a .reason.txt and the rest go on " +
            $"(exit {ExitCodes.Partial}); unreadable inputs (a dangling symbolic link, a loop) and unreadable items inside a page that " +
            $"still yields rows are skipped with a warning (exit {ExitCodes.Partial}).")
        {
            input, lake, format, json, noCurrent,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var lakeFolder = parse.GetValue(lake)!;
            using var run = await RunAsync(parse.GetValue(input), lakeFolder, LakeFormat.Chosen(parse, format, lakeFolder), cancellationToken, !parse.GetValue(noCurrent),
                LakeFormat.Given(parse, format)).ConfigureAwait(false);
            // Days an earlier run left unfinished and this one did not write: the lake answers without them until they are.
            var unfinishedDays = UnfinishedTransform.Days(lakeFolder.FullName);
            var days = WrittenDays.Of(run.Report, lakeFolder.FullName);
            // Part of a playlist on the lake's latest day can still be completed by extracting again; an earlier day's cannot.
            var completable = run.Report.PartialPlaylists.Where(p => p.SnapshotDate == days.Latest).ToList();
            var exit = run.Report.Quarantined > 0 || run.Report.Unreadable > 0 || run.Report.UnreadableItems > 0 || run.Skipped.Count > 0 || run.UnfinishedLandings.Count > 0 || unfinishedDays.Count > 0
                || completable.Count > 0 || run.UnfinishedImport is not null
                ? ExitCodes.Partial : ExitCodes.Success;
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new TransformJson(lakeFolder.FullName, run.Report.Transformed, run.Report.Quarantined,
                    run.Report.ItemsRead, run.Report.UnreadableItems, run.Report.Partitions,
                    run.Report.Objects.Where(o => o.Status == TransformStatus.Quarantined).Select(o => new QuarantinedJson(o.RawKey, o.Reason, o.QuarantineKey)).ToList(),
                    run.Skipped, exit)
                {
                    UnreadableObjects = run.Report.Objects.Where(o => o.Status == TransformStatus.Unreadable).Select(o => new QuarantinedJson(o.RawKey, o.Reason, null)).ToList(),
                    HeapHugePages = run.HeapOnHugePages,
                    Skipped = run.Report.Skipped,
                    DaysWritten = days.Written,
                    LakeDays = days.InLake,
                    UnfinishedLandings = run.UnfinishedLandings,
                    UnfinishedDays = [.. unfinishedDays.Select(day => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))],
                    CurrentTablesBehind = UnfinishedTransform.CurrentBehind(lakeFolder.FullName),
                    UnfinishedImport = run.UnfinishedImport?.Began,
                    PartialPlaylists = [.. run.Report.PartialPlaylists.Select(p => new PartialPlaylistJson($"{p.SnapshotDate:yyyy-MM-dd}", p.PlaylistId, p.Entries, p.Total,
                        p.SnapshotDate == days.Latest))],
                }, SummaryJsonContext.Default.TransformJson));
            }
            else
            {
                Render.Transform(run.Report, lakeFolder.FullName);
            }
            Warn(run, lakeFolder.FullName, completable);
            return exit;
        });
        return command;
    }

    /// <summary>
    /// What a transformation did, and the inputs it had to skip (already warned about on stderr). It holds
    /// garbage collection off (<see cref="CollectionBudget"/>) until it is disposed: dispose it once its summary
    /// is printed, so that the collection the run put off does not fall on the summary instead.
    /// </summary>
    public sealed record Run(TransformBatchReport Report, IReadOnlyList<string> Skipped, CollectionBudget Collections) : IDisposable
    {
        /// <summary>Whether the run advised its heap onto huge pages (<see cref="HugePages"/>).</summary>
        public bool HeapOnHugePages { get; init; }

        /// <summary>Inputs an earlier <c>transform --input</c> stopped landing: the days they hold may lack pages (<see cref="UnfinishedTransform"/>).</summary>
        public IReadOnlyList<string> UnfinishedLandings { get; init; } = [];

        /// <summary>An import that did not finish, as the run found it: the history it rebuilt may lack months of the export.</summary>
        public (string Began, string Warning)? UnfinishedImport { get; init; }

        public void Dispose() => Collections.Dispose();
    }

    public static async Task<Run> RunAsync(FileSystemInfo? input, DirectoryInfo lakeFolder, TableFormat format, CancellationToken cancellationToken,
        bool updateCurrentTables = true, bool formatGiven = true)
    {
        HugePagesSetting(Environment.GetEnvironmentVariable(HugePages.Variable));
        if (input is { Exists: false })
        {
            throw new CliException(ExitCodes.NoInput, $"--input {input.FullName} does not exist: name a .json file or a folder holding raw/... (such as the --out of 'spotify-etl sample').");
        }
        LocalLake.MustNotBeAFile(lakeFolder.FullName);
        if (input is null && !Directory.Exists(lakeFolder.FullName))
        {
            // Nothing to transform in a folder that is not there: a mistyped --lake is named, not created empty.
            throw new CliException(ExitCodes.NoInput, $"The lake {lakeFolder.FullName} does not exist: name the folder 'sample' or 'extract' wrote to, or land raw files with --input.");
        }
        LakeFormat.Check(lakeFolder, format);
        // Before the first row is allocated: the heap's page size, chosen for this machine, holds for every later page.
        var hugePages = HugePages.AdviseHeap();
        var keys = new List<string>();
        var skipped = new List<string>();
        if (input is null)
        {
            // Listed before the lake is opened: a folder with nothing to transform is named and left as it was, with no .tmp/ in it.
            var raw = Path.Combine(lakeFolder.FullName, "raw");
            keys.AddRange(await RawKeysAsync(lakeFolder, cancellationToken).ConfigureAwait(false));
            if (keys.Count == 0)
            {
                LocalLake.MustHoldALake(lakeFolder.FullName);
                if (UnfinishedTransform.Landings(lakeFolder.FullName) is { Count: > 0 } landings)
                {
                    // A landing stopped before its first file: what the lake lacks is that input, not a sample.
                    throw new CliException(ExitCodes.DataError, $"No raw objects found in {raw}: " + UnfinishedTransform.LandingWarning(lakeFolder.FullName, landings));
                }
                throw (TablesInstead.ForLake(lakeFolder.FullName) ?? ExportInLake.Of(lakeFolder)) is { } instead
                    ? new CliException(ExitCodes.DataError, instead) : NoRawObjects(raw);
            }
            else if (keys.All(key => key.StartsWith(ExportRawKey.Prefix, StringComparison.Ordinal)))
            {
                throw new CliException(ExitCodes.DataError, $"The lake {lakeFolder.FullName} holds no raw API responses, only an imported streaming history, " +
                    "whose listening_history table 'spotify-etl import' builds: there is nothing to transform. " + (UnfinishedImport.Warning(lakeFolder.FullName) is { } unfinished
                        ? char.ToUpperInvariant(unfinished[0]) + unfinished[1..]
                        : $"Query it with 'spotify-etl query --lake {ShellWord.Of(lakeFolder.FullName)}', or add API responses with 'spotify-etl extract' first."));
            }
        }
        // Walked before the lake is opened: an input with no file that could land leaves a lake folder not yet made unmade.
        var inputFiles = new List<string>();
        if (input is not null)
        {
            LocalLake.RefuseAsALake(lakeFolder);
            inputFiles = RawInputs.Files(input, skipped, lakeFolder.FullName, cancellationToken).ToList();
            if (inputFiles.All(file => RawLanding.Unlandable(file) is not null))
            {
                if ((RawLanding.ExportInstead(input, inputFiles, lakeFolder.FullName) ?? TablesInstead.ForInput(input)) is { } instead)
                {
                    throw new CliException(ExitCodes.DataError, instead);
                }
                foreach (var file in inputFiles)
                {
                    CliErrors.Warn(Console.Error, RawLanding.Unlandable(file)!);
                }
                throw NoRawObjects(input.FullName);
            }
        }
        var lake = LocalLake.Open(lakeFolder);
        // Days already listed stay right to transform after a wait: raw objects are only ever added.
        LakeLock.EnterWriter(lakeFolder.FullName, cancellationToken);
        format = LakeFormat.Settled(lakeFolder, format, formatGiven);
        // Read under the lock, which an import holds until it ends: the run brings the API's plays into listening_history,
        // whose export files an import that stopped may have landed only some of.
        var unfinishedImport = UnfinishedImport.Pending(lakeFolder.FullName);
        // The input as every spelling of its path names it ("raw" and "raw/" alike), so that the run that finishes it is known.
        var landing = input is null ? null : Path.TrimEndingDirectorySeparator(input.FullName);
        var markWasThere = false;
        if (landing is not null)
        {
            // Named before the first file is copied: a landing stopped partway leaves the lake some of the input's pages, which
            // only this input can complete.
            markWasThere = UnfinishedTransform.BeginLanding(lakeFolder.FullName, landing);
            // Synchronous: the action has yielded before it started (Interruptible), so Ctrl-C is taken over already, and
            // it stops the landing between files, as it stops the rest of the run.
            keys.AddRange(RawLanding.Land(inputFiles, lake, lakeFolder, skipped, cancellationToken));
        }
        if (keys.Count == 0)
        {
            UnfinishedTransform.EndLanding(lakeFolder.FullName, landing!, markWasThere);
            throw NoRawObjects(input!.FullName);
        }
        // The pipeline holds one day's rows at a time, so the budget is sized by days, not by the whole
        // input: a run of one or two days never collects, and a backfill spends the budget early and
        // collects as usual, its memory that of its largest days, whatever their number.
        var days = BytesByDay(lakeFolder, keys);
        var budget = CollectionBudget.Start(CollectionBudget.TwoLargestDays(days.Values));
        try
        {
            // Until the run ends, the lake says which days it is writing: an interrupted run leaves them named.
            // Every file of the input is in the lake, and its days are named as it is taken off: a transform of the lake alone
            // can finish from here.
            UnfinishedTransform.Begin(lakeFolder.FullName, days.Keys, landed: landing);
            if (!updateCurrentTables)
            {
                UnfinishedTransform.BeginBehind(lakeFolder.FullName);
            }
            var report = await ProgressDisplay.RunAsync("Transforming raw objects", progress =>
                new TransformPipeline(lake, lake, new TransformOptions
                {
                    Format = format,
                    // The summary needs totals and the objects set aside: a backfill keeps no report per good object.
                    ListEveryObject = false,
                    Progress = new BatchProgress(keys.Count, progress),
                    UpdateCurrentTables = updateCurrentTables,
                    BetweenDays = () => budget.BetweenDays(),
                }).TransformAsync(keys, cancellationToken)).ConfigureAwait(false);
            UnfinishedTransform.End(lakeFolder.FullName, days.Keys);
            PartialPlaylistDays.Record(lakeFolder.FullName, days.Keys, report.PartialPlaylists);
            // Copies set aside earlier whose raw objects this run read through are no longer set aside: after the days are
            // recorded as finished, so that a sweep the open-file limit stops leaves no finished day marked unfinished.
            QuarantineSweep.RemoveReadThrough(lakeFolder.FullName, report);
            return new Run(report, skipped, budget)
            {
                HeapOnHugePages = hugePages, UnfinishedLandings = UnfinishedTransform.Landings(lakeFolder.FullName), UnfinishedImport = unfinishedImport,
            };
        }
        catch
        {
            budget.Dispose();
            throw;
        }
    }

    /// <summary>The override of the heap's page size: on, off, or unset (or empty) for the machine's choice; anything else is a usage error, as a SPOTIFY_*_BASE_URL is.</summary>
    public static void HugePagesSetting(string? setting)
    {
        if (!string.IsNullOrWhiteSpace(setting) && setting.Trim().ToLowerInvariant() is not ("on" or "off"))
        {
            throw new CliException(ExitCodes.Usage, $"{HugePages.Variable}='{ShownText.Of(setting, 40)}' is neither on nor off: set it to on or off, or unset it to let the tool choose for this machine.");
        }
    }

    private static CliException NoRawObjects(string where) =>
        new(ExitCodes.DataError, $"No raw objects found in {where}: expected .json files under a raw/ folder. Make some with 'spotify-etl sample --out DIR'.");

    /// <summary>
    /// Adds up the objects parsed and their bytes, reported from every parsing thread (synchronously:
    /// <see cref="Progress{T}"/> would post to the thread pool, out of order).
    /// </summary>
    private sealed class BatchProgress(int keys, Action<long, long?, long> report) : IProgress<TransformProgress>
    {
        private readonly Lock _lock = new();
        private long _done;
        private long _bytes;

        public void Report(TransformProgress value)
        {
            lock (_lock)
            {
                _done++;
                _bytes += value.Bytes;
                report(_done, Math.Max(keys, _done), _bytes);
            }
        }
    }

    /// <summary>
    /// The raw bytes of each snapshot date among the keys. A key is read only as far as its date segment: sizing
    /// the budget needs no more (a misnamed key is set aside later, by the day that lists it), and parsing every key
    /// in full before the run starts took a fifth of its start-up.
    /// </summary>
    private static Dictionary<DateOnly, long> BytesByDay(DirectoryInfo lakeFolder, List<string> keys)
    {
        var days = new Dictionary<DateOnly, long>();
        foreach (var key in keys)
        {
            if (LakeLayout.SnapshotDateOf(key) is { } date)
            {
                days[date] = days.GetValueOrDefault(date) + SizeOf(lakeFolder, key);
            }
        }
        return days;
    }

    private static long SizeOf(DirectoryInfo lakeFolder, string key)
    {
        var file = new FileInfo(Path.Combine(lakeFolder.FullName, key.Replace('/', Path.DirectorySeparatorChar)));
        return file.Exists ? file.Length : 0;
    }
}
