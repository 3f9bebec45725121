using System.CommandLine;
using Spectre.Console;
using SpotifyEtl.Cli.Queries;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Cli.Commands;

internal static class DemoCommand
{
    private const string Marker = ".spotify-etl-demo";

    /// <summary>The rows of each answer the demo prints, all at once; the report holds every row.</summary>
    public const int DemoRows = 10;

    public static Command Create()
    {
        var lake = CliOptions.Lake(defaultPath: Path.Combine(".lake", "demo"));
        var days = CliOptions.SampleDays("Daily snapshots in the sample.");
        var items = CliOptions.SampleItems("Entries per playlist.");
        var seed = CliOptions.Seed("Seed of the sample.");
        // The demo empties its lake first, so the tables it writes have no format of their own to keep.
        var format = CliOptions.Format("File format of the tables: parquet or csv. Default: parquet (as on AWS), whatever an earlier demo wrote: each demo starts its lake afresh.");
        var command = new Command("demo",
            "The whole pipeline on this machine: make a sample of raw Spotify responses, transform it into a fresh local lake, " +
            "run every named query against it with DuckDB, and write the listening report. No Spotify account or AWS needed.")
        {
            lake, days, items, seed, format,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var folder = parse.GetValue(lake)!;
            // Refused before any work, where the transform of step 2 (a bad setting) and the queries of step 4 (a path DuckDB
            // cannot read) would find them only after the sample was written.
            TransformCommand.HugePagesSetting(Environment.GetEnvironmentVariable(Transformation.HugePages.Variable));
            if (Queries.LakeDatabase.UnreadablePath(folder.FullName) is { } unreadable)
            {
                throw new CliException(ExitCodes.DataError, unreadable);
            }
            // A lake's own raw/ or transformed/ (exit 66, naming the lake) before the demo judges what the folder holds.
            LocalLake.MustNotBeAFile(folder.FullName);
            PrepareFreshLake(folder, cancellationToken);
            // As sample does, and before the first heading: within the everyday bounds a sample may still be gigabytes (a year
            // of 10,000-item playlists), measured against the space the emptied lake has.
            SampleCommand.CheckFreeSpace(folder, SampleGenerator.EstimateBytes(new SampleOptions(parse.GetValue(days), parse.GetValue(items), parse.GetValue(seed))), "--lake");
            try
            {
                return await RunAsync(folder, parse.GetValue(days), parse.GetValue(items), parse.GetValue(seed), parse.GetValue(format), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not CliException)
            {
                // Stopped part way (Ctrl-C, a full disk): everything in the folder since it was emptied is the demo's, and is
                // recorded as such, so that the next run empties it again rather than refuse it as data the demo did not write.
                // Not after a refusal of the demo's own, which may be of files another command wrote.
                TryRecordOwnData(folder);
                throw;
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(DirectoryInfo folder, int days, int items, int seed, TableFormat format, CancellationToken cancellationToken)
    {
        Render.Heading($"1. Sample: raw Spotify responses into {Path.Combine(folder.FullName, "raw")}");
        var sample = await SampleAsync(folder, new SampleOptions(days, items, seed), cancellationToken).ConfigureAwait(false);
        Consoles.Output.WriteLine($"{sample.Objects:N0} raw objects, {Sizes.Of(sample.Bytes)}: {sample.Playlists} playlists, recently played, saved tracks and top items, {sample.Days} day{(sample.Days == 1 ? "" : "s")}");

        Render.Heading("2. Transform: raw JSON into the lake's tables");
        using (var run = await TransformCommand.RunAsync(null, folder, format, cancellationToken).ConfigureAwait(false))
        {
            Render.Transform(run.Report, folder.FullName);
            if (run.Report.Quarantined > 0)
            {
                return ExitCodes.Partial;
            }
        }

        Render.Heading("3. Import: a sample Spotify data export into listening_history");
        var export = await SampleExportWriter.WriteAsync(folder, seed,
            arriving => RecordOwnData(folder, arriving.Select(file => Entry(file.Key, file.Length))), cancellationToken).ConfigureAwait(false);
        var imported = await ImportCommand.RunAsync(export, folder, format, cancellationToken).ConfigureAwait(false);
        RecordOwnData(folder);
        ImportRender.Report(imported, folder.FullName);
        ImportRender.SampleQuirks(imported);

        Render.Heading("4. Queries: the Athena named queries, run by DuckDB on the local lake");
        // One database for the queries and the report: the demo holds the lake's tables until it ends, so the report's
        // sections take the answers printed here rather than ask DuckDB again.
        using var database = QueryRunner.Open(folder.FullName);
        var answers = await QueryRunner.RunAsync(database, folder.FullName, NamedQueries.All, cancellationToken).ConfigureAwait(false);
        // Every answer at once: the first rows of each, and the query command that shows one whole.
        Render.Queries(answers.Results, answers.HoldsHistory, shortened: new Render.Shortened(DemoRows, $"{ShellWord.Tool} query --lake {ShellWord.Of(folder.FullName)} --query NAME"));
        answers.ThrowIfDamaged();

        Render.Heading("5. Report: the same queries as charts and tables, in one HTML file");
        var (report, damaged) = await ReportCommand.WriteAsync(database, folder.FullName, answers.Results, cancellationToken).ConfigureAwait(false);
        Consoles.Output.WriteWhole($"Report: {report}");
        Consoles.Output.WriteWhole($"Open it in a browser: {new Uri(report).AbsoluteUri}");
        return damaged is null ? ExitCodes.Success : throw new CliException(ExitCodes.DataError, damaged);
    }

    /// <summary>
    /// The demo starts from an empty lake, but never empties a folder it did not make, nor one holding data it did not
    /// write: a raw object or export file another command put in a demo lake (an extraction, an import of the listener's
    /// own export), or one changed since, is the user's, and raw data is never deleted. It holds the lake's tables from
    /// before it empties the lake until it ends (<see cref="LakeLock.EnterWriter"/>): another demo of the same lake, or a
    /// query or report of it, waits for this one to end rather than see the lake emptied or half built.
    /// </summary>
    private static void PrepareFreshLake(DirectoryInfo folder, CancellationToken cancellationToken)
    {
        var marker = Path.Combine(folder.FullName, Marker);
        // Not in a folder the demo would refuse: the lock's file would be left in the user's folder.
        if (folder.Exists && (File.Exists(marker) || !HoldsMoreThanScratch(folder)))
        {
            LakeLock.EnterWriter(folder.FullName, cancellationToken);
        }
        if (folder.Exists && HoldsMoreThanScratch(folder))
        {
            if (!File.Exists(marker))
            {
                throw new CliException(ExitCodes.Usage, $"{folder.FullName} is not empty and was not made by 'spotify-etl demo': choose another --lake, or empty it yourself.");
            }
            var lines = File.ReadLines(marker).ToList();
            var written = lines.Skip(1).ToHashSet(StringComparer.Ordinal);
            var others = OwnData(folder).Where(entry => !written.Contains(entry)).Select(entry => entry.Split('\t')[0]).ToList();
            if (others.Count > 0 && lines.FirstOrDefault() != MarkerHeader)
            {
                // An earlier version's marker (its one line said the next demo empties the folder) lists nothing.
                throw new CliException(ExitCodes.Usage,
                    $"{folder.FullName} was made by an earlier version of 'spotify-etl demo', which did not record the files it wrote: this one " +
                    $"cannot tell its {others.Count:N0} raw, quarantined and import files from data of yours, and never deletes what it cannot tell. " +
                    $"If the folder holds nothing of yours, delete it (rm -rf {ShellWord.Of(folder.FullName)}) and run the demo again; or choose another --lake.");
            }
            if (others.Count > 0)
            {
                throw new CliException(ExitCodes.Usage,
                    $"{folder.FullName} is a demo lake, but {others.Count:N0} of its raw, quarantined or import files {(others.Count == 1 ? "was" : "were")} not written by 'spotify-etl demo' " +
                    $"or changed since ({string.Join(", ", others.Take(3))}{(others.Count > 3 ? ", ..." : "")}), and the demo would delete {(others.Count == 1 ? "it" : "them")}: " +
                    "choose another --lake, or move them out of the folder first.");
            }
            // Beside the lake's folders, which the demo writes and rebuilds, and its page: a file or folder of the user's own
            // (notes, an analysis), which the demo did not write and would delete with the rest.
            var strangers = folder.EnumerateFileSystemInfos().Select(entry => entry.Name).Where(name => !IsDemoLakeEntry(name)).Order(StringComparer.Ordinal).ToList();
            if (strangers.Count > 0)
            {
                throw new CliException(ExitCodes.Usage,
                    $"{folder.FullName} is a demo lake, but it also holds {string.Join(", ", strangers.Take(3))}{(strangers.Count > 3 ? $" and {strangers.Count - 3:N0} more" : "")}, " +
                    $"which no lake has and the demo did not write, and the demo would delete {(strangers.Count == 1 ? "it" : "them")}: " +
                    "choose another --lake, or move them out of the folder first.");
            }
            DeleteDemoLake(folder, marker);
        }
        LocalLake.Open(folder);
        // A folder made (or found empty) an instant after another demo made it: that demo ends first, and its lake is emptied.
        if (LakeLock.EnterWriter(folder.FullName, cancellationToken) && HoldsMoreThanScratch(folder))
        {
            PrepareFreshLake(folder, cancellationToken);
            return;
        }
        RecordOwnData(folder);
    }

    /// <summary>
    /// The tool's own scratch folder (.tmp/: the lake's locks, temporary files), which any verb that opened the folder
    /// leaves, holds nothing of the user's: a folder with only that is empty.
    /// </summary>
    private static bool HoldsMoreThanScratch(DirectoryInfo folder) =>
        folder.EnumerateFileSystemInfos().Any(entry => entry.Name != LocalFolderStore.TemporaryFolder);

    /// <summary>
    /// Empties a demo lake with its marker last: a demo ended part way through leaves a folder whose marker still speaks for
    /// what is left of it. The locks under .tmp/ stay, held by this demo and waited on by any other command of the lake.
    /// </summary>
    private static void DeleteDemoLake(DirectoryInfo folder, string marker)
    {
        foreach (var entry in folder.EnumerateFileSystemInfos().Where(entry => entry.FullName != marker))
        {
            if (entry.Name == LocalFolderStore.TemporaryFolder && entry is DirectoryInfo scratch && !entry.Attributes.HasFlag(FileAttributes.ReparsePoint))
            {
                foreach (var inScratch in scratch.EnumerateFileSystemInfos().Where(e => !(e is FileInfo && e.Name.EndsWith(LocalFolderStore.LeaseFileSuffix, StringComparison.Ordinal))))
                {
                    Delete(inScratch);
                }
            }
            else
            {
                Delete(entry);
            }
        }
        File.Delete(marker);
    }

    private static void Delete(FileSystemInfo entry)
    {
        if (entry is DirectoryInfo directory && !entry.Attributes.HasFlag(FileAttributes.ReparsePoint))
        {
            directory.Delete(recursive: true);
        }
        else
        {
            entry.Delete();
        }
    }

    private static void TryRecordOwnData(DirectoryInfo folder)
    {
        try
        {
            RecordOwnData(folder);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The error that stopped the demo is the one to report; the next run names a folder it cannot read.
        }
    }

    /// <summary>
    /// Writes the sample in the lake's scratch folder, records its files, then moves them in with one rename: a demo ended
    /// part way by what it cannot catch (a SIGKILL, the kernel's out-of-memory killer) leaves either no raw/ or one its
    /// marker lists, never raw objects the next demo would refuse to delete as data it did not write.
    /// </summary>
    private static async Task<SampleSummary> SampleAsync(DirectoryInfo folder, SampleOptions options, CancellationToken cancellationToken)
    {
        // Under .tmp/, which no verb reads as part of the lake and the next demo empties with it.
        var staging = new DirectoryInfo(Path.Combine(folder.FullName, LocalFolderStore.TemporaryFolder, "demo-sample"));
        var estimate = SampleGenerator.EstimateBytes(options);
        try
        {
            var sample = await ProgressDisplay.RunAsync("Writing the sample", report =>
                new SampleGenerator(new CountingStore(new LocalFolderStore(staging.FullName), (objects, bytes) => report(objects, null, bytes)))
                    .WriteAsync(options, cancellationToken), estimate).ConfigureAwait(false);
            var raw = Path.Combine(folder.FullName, LakeLayout.Raw.TrimEnd('/'));
            if (Directory.Exists(raw))
            {
                throw new CliException(ExitCodes.Failure,
                    $"{raw} appeared while the demo wrote its sample: another command is writing in the demo's lake. The demo leaves it as it is; run it again once that command has ended.");
            }
            RecordOwnData(folder, OwnData(staging));
            Directory.Move(Path.Combine(staging.FullName, LakeLayout.Raw.TrimEnd('/')), raw);
            return sample;
        }
        finally
        {
            if (staging.Exists)
            {
                staging.Delete(recursive: true);
            }
        }
    }

    /// <summary>
    /// Writes the marker: what made the folder, then every raw and import file in it as the demo left it, and the files
    /// about to be written or moved in (<paramref name="arriving"/>). Written whole to a file of the lake's scratch folder,
    /// then renamed over the last: a demo ended while writing it leaves the last marker, not half a list.
    /// </summary>
    private static void RecordOwnData(DirectoryInfo folder, IEnumerable<string>? arriving = null)
    {
        var next = Path.Combine(Directory.CreateDirectory(Path.Combine(folder.FullName, LocalFolderStore.TemporaryFolder)).FullName, LocalFolderStore.TemporaryName());
        File.WriteAllLines(next, OwnData(folder).Concat(arriving ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Prepend(MarkerHeader));
        File.Move(next, Path.Combine(folder.FullName, Marker), overwrite: true);
    }

    /// <summary>
    /// What a demo lake holds at its top: the lake's folders, the tool's working folder, the marker and the report (with the
    /// temporary copy a demo stopped while writing it leaves beside it), the staging folder of earlier versions' samples, and
    /// the files a desktop's file browser leaves in a folder it showed.
    /// </summary>
    private static readonly HashSet<string> DemoLakeEntries = new(
        new[] { LakeLayout.Raw, LakeLayout.Quarantine, LakeLayout.State, LakeLayout.Manifests, LakeLayout.Staging, LakeLayout.Transformed, LakeLayout.Reports, LakeLayout.Import }
            .Select(zone => zone.TrimEnd('/'))
            .Concat([LocalFolderStore.TemporaryFolder, Marker, ReportCommand.DefaultFileName, ".demo-sample", ".DS_Store", "Thumbs.db", "desktop.ini"]), StringComparer.Ordinal);

    private static bool IsDemoLakeEntry(string name) => DemoLakeEntries.Contains(name)
        || (name.StartsWith(Report.ReportWriter.TemporaryPrefix, StringComparison.Ordinal) && name.EndsWith(".tmp", StringComparison.Ordinal));

    /// <summary>The marker's first line; the files the demo wrote follow it.</summary>
    private const string MarkerHeader =
        "Made by spotify-etl demo; the next demo run empties this folder, unless it holds raw, quarantined or import files besides these.";

    /// <summary>
    /// The files under raw/, quarantine/ (raw objects set aside) and import/, each as its path in the lake and its length;
    /// not the tool's working files in a <c>.tmp/</c> of theirs (such a folder on another file system has one).
    /// </summary>
    private static IEnumerable<string> OwnData(DirectoryInfo folder) =>
        new[] { LakeLayout.Raw, LakeLayout.Quarantine, LakeLayout.Import }
            .Select(zone => new DirectoryInfo(Path.Combine(folder.FullName, zone.TrimEnd('/'))))
            .Where(zone => zone.Exists)
            .SelectMany(zone => zone.EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false }))
            .Select(file => (Key: Path.GetRelativePath(folder.FullName, file.FullName).Replace(Path.DirectorySeparatorChar, '/'), file))
            .Where(entry => !entry.Key.Contains("/" + LocalFolderStore.TemporaryFolder + "/", StringComparison.Ordinal))
            .Select(entry => Entry(entry.Key, entry.file.Length))
            .Order(StringComparer.Ordinal);

    /// <summary>A line of the marker: a file's path in the lake and its length.</summary>
    private static string Entry(string key, long length) => $"{key}\t{length}";
}
