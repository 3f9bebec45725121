using System.CommandLine;
using System.Text.Json;
using SpotifyEtl.Cli.Queries;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;
using SpotifyEtl.Transformation.Current;

namespace SpotifyEtl.Cli.Commands;

/// <summary>
/// <c>spotify-etl current --lake DIR</c>: rebuilds the current-state tables (songs_current, ...) from every
/// day's partition, for a lake whose partitions were written before these tables existed, or changed by
/// hand. The transform keeps them up to date otherwise.
/// </summary>
internal static class CurrentCommand
{
    public static Command Create()
    {
        var lake = CliOptions.Lake();
        var format = CliOptions.Format();
        var json = CliOptions.Json("Print one JSON object on stdout instead of the sentence (for scripts): the lake, the days read and each table's rows.");
        var command = new Command("current",
            "Rebuild the current-state tables (songs_current, albums_current, artists_current, song_artists_current, playlists_current: " +
            "the latest row per id over every snapshot date) from the lake's daily partitions. 'transform' keeps them up to date; " +
            "run this on a lake transformed before they existed, or after changing partitions by hand.")
        {
            lake, format, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var folder = parse.GetValue(lake)!;
            var rows = await RebuildAsync(folder, LakeFormat.Chosen(parse, format, folder), cancellationToken, LakeFormat.Given(parse, format)).ConfigureAwait(false);
            Console.Out.WriteLine(parse.GetValue(json)
                ? JsonSerializer.Serialize(new CurrentJson(folder.FullName, rows.Days, rows.Tables), SummaryJsonContext.Default.CurrentJson)
                : $"Rebuilt the current-state tables of {folder.FullName} from {(rows.Days == 1 ? "1 day's" : $"{rows.Days:N0} days'")} partitions: " +
                  string.Join(", ", rows.Tables.Select(t => $"{t.Key} {Counted.Of(t.Value, "row")}")) + ".");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// How many bytes of table files a rebuild reads and holds at once, or one day's where a day has more: four or five days
    /// of 10,000-item playlists, months of a small lake's days. Each window is one query per table.
    /// </summary>
    private const long BytesAtOnce = 16L << 20;

    /// <summary>The days in windows of about <paramref name="bytesAtOnce"/> of table files, in order.</summary>
    private static IEnumerable<List<DateOnly>> Windows(LakeDatabase partitions, IEnumerable<DateOnly> days, long bytesAtOnce)
    {
        var window = new List<DateOnly>();
        var bytes = 0L;
        foreach (var day in days)
        {
            var date = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var size = DailyTables.Sum(table => partitions.PartitionBytes(table, date));
            if (window.Count > 0 && bytes + size > bytesAtOnce)
            {
                yield return window;
                (window, bytes) = ([], 0);
            }
            window.Add(day);
            bytes += size;
        }
        if (window.Count > 0)
        {
            yield return window;
        }
    }

    /// <summary>The daily tables the current-state tables come from: a damaged current-state file is what this command rewrites.</summary>
    private static LakeDatabase OpenPartitions(DirectoryInfo folder) =>
        QueryRunner.Open(folder.FullName, tables: DailyTables.ToDictionary(table => table, table => TableNames.Columns[table]), ofCurrentTables: false);

    /// <summary>A read of the partitions, a damaged file among them named as the lake's to mend (exit 65).</summary>
    private static T Reading<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (LakeException exception)
        {
            throw new CliException(ExitCodes.DataError, exception.Message);
        }
    }

    /// <summary>The daily tables the current-state tables are built from.</summary>
    private static readonly string[] DailyTables = CurrentTables.Sources.Values.Select(source => source.Daily).Distinct().ToArray();

    /// <summary>
    /// Refuses a lake with no daily partition to rebuild from (one holding only an imported history: rebuilding would write
    /// five empty tables and report success), decided once no transform writes the lake: one writing its first days would
    /// otherwise be taken for nothing.
    /// </summary>
    private static void MustHoldDays(DirectoryInfo folder, CancellationToken cancellationToken)
    {
        if (HoldsDailyPartitions(folder) || HoldsCurrentTables(folder))
        {
            return;
        }
        using (LakeLock.EnterReader(Path.GetFullPath(folder.FullName), cancellationToken))
        {
            if (HoldsDailyPartitions(folder) || HoldsCurrentTables(folder))
            {
                return;
            }
        }
        foreach (var warning in new[] { UnfinishedImport.Warning(folder.FullName), UnfinishedTransform.Warning(folder.FullName) })
        {
            if (warning is not null)
            {
                CliErrors.Warn(Console.Error, warning); // what the lake holds may lack what that run brought
            }
        }
        throw new CliException(ExitCodes.NoInput, $"The lake {folder.FullName} has no daily partitions of {string.Join(", ", DailyTables)} " +
            "to rebuild the current-state tables from (a lake holding only an imported streaming history has none): there is nothing to rebuild. " +
            $"Transform API responses into it first ('spotify-etl extract', then 'spotify-etl transform --lake {ShellWord.Of(folder.FullName)}').");
    }

    /// <summary>Whether a daily table the current-state tables come from has a partition in the lake.</summary>
    private static bool HoldsDailyPartitions(DirectoryInfo folder) =>
        DailyTables.Any(table => LakeViews.TableFiles(folder.FullName, table).Count > 0);

    /// <summary>Whether a current-state table has a file in the lake: one left by days since removed is rebuilt empty.</summary>
    private static bool HoldsCurrentTables(DirectoryInfo folder) =>
        CurrentTables.All.Any(table => LakeViews.TableFiles(folder.FullName, table).Count > 0);

    public sealed record Rebuilt(int Days, IReadOnlyDictionary<string, int> Tables);

    /// <param name="bytesAtOnce">The table files' bytes read at once (<see cref="BytesAtOnce"/>; a test's windows are smaller).</param>
    public static async Task<Rebuilt> RebuildAsync(DirectoryInfo folder, TableFormat format, CancellationToken cancellationToken, bool formatGiven = true,
        long bytesAtOnce = BytesAtOnce)
    {
        LocalLake.MustNotBeAFile(folder.FullName);
        if (!Directory.Exists(folder.FullName))
        {
            throw new CliException(ExitCodes.NoInput, $"The lake {folder.FullName} does not exist: name the folder 'transform' wrote to.");
        }
        LakeFormat.Check(folder, format);
        // Refused before the lake is opened: a folder that is no transformed lake is named, and nothing is written in it (no .tmp/).
        QueryRunner.MustHoldTables(folder.FullName, importFills: false);
        MustHoldDays(folder, cancellationToken);
        var store = LocalLake.Open(folder);
        // The days are read once no other process writes tables (a transform): one read before it ended would miss its days,
        // and their digests would be deleted and the tables rebuilt without them.
        LakeLock.EnterWriter(folder.FullName, cancellationToken);
        using var partitions = OpenPartitions(folder);
        var days = Reading(() => PartitionDigests.Days(partitions));
        format = LakeFormat.Settled(folder, format, formatGiven);
        // Named before the first digest is rewritten: a rebuild stopped partway leaves tables and months of two states.
        UnfinishedTransform.BeginCurrent(folder.FullName);
        // Digests of days with no partition left go; every remaining day's is rewritten from its partitions.
        var keep = days.Select(CurrentLayout.DayKey).ToHashSet(StringComparer.Ordinal);
        await foreach (var key in store.ListAsync(CurrentLayout.Days, cancellationToken).ConfigureAwait(false))
        {
            if (!keep.Contains(key))
            {
                await store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            }
        }
        var publisher = new CurrentStatePublisher(store, format);
        // A few days' rows at a time: memory is that of the largest days, not of the lake.
        foreach (var window in Windows(partitions, days, bytesAtOnce))
        {
            foreach (var (day, state) in Reading(() => PartitionDigests.Read(partitions, window)))
            {
                await publisher.WriteDayAsync(day, state, cancellationToken).ConfigureAwait(false);
            }
        }
        var current = await publisher.RebuildAllAsync(cancellationToken).ConfigureAwait(false);
        // Every day with partitions now has its digest: later transforms need not look for days without one.
        await publisher.MarkCompleteAsync(cancellationToken).ConfigureAwait(false);
        UnfinishedTransform.EndCurrent(folder.FullName);
        return new Rebuilt(days.Count, new Dictionary<string, int>
        {
            [CurrentTables.Songs] = current.Songs,
            [CurrentTables.Albums] = current.Albums,
            [CurrentTables.Artists] = current.Artists,
            [CurrentTables.SongArtists] = current.SongArtists,
            [CurrentTables.Playlists] = current.Playlists,
        });
    }
}
