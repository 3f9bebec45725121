using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation.Current;

namespace SpotifyEtl.Transformation;

/// <summary>
/// Transforms raw objects into the lake's tables, one snapshot date at a time. Raw objects are parsed
/// in parallel and folded into the day's tables (<see cref="SnapshotTables"/>), and each table
/// partition is written once, as one file. A bad object is copied to quarantine with its reason and
/// the rest go on. Nothing raw is ever deleted or moved.
/// <para>
/// Correct under any order of events: a day's tables are a function of the day's inputs (raw objects,
/// or run fragments on S3), and publication ends only when a listing of those inputs, with their
/// ETags, is unchanged from the listing the tables were built from. A concurrent replay that rewrites
/// an input in place therefore makes the slower invocation publish again; the last write is always
/// built from the newest inputs.
/// </para>
/// </summary>
/// <param name="raw">Holds <c>raw/</c> and receives <c>quarantine/</c> (the raw bucket).</param>
/// <param name="lake">Receives <c>transformed/</c>, <c>staging/</c> and <c>reports/</c> (the transformed bucket).</param>
public sealed partial class TransformPipeline(IObjectStore raw, IObjectStore lake, TransformOptions? options = null)
{
    /// <summary>A publication repeats only while its inputs change under it; this bounds a burst that never pauses.</summary>
    private const int MaxRounds = 20;

    private const int DaysInFlight = 2;

    private readonly TransformOptions _options = options ?? new TransformOptions();
    private readonly RawQuarantine _quarantine = new(raw);
    private readonly CurrentStatePublisher _current = new(lake, options?.Format ?? TableFormats.Default, options?.Time);

    public TableFormat Format => _options.Format;

    /// <summary>Transforms the snapshot dates (and, staging runs, the runs) of the given raw keys.</summary>
    public Task<TransformBatchReport> TransformAsync(IEnumerable<string> rawKeys, CancellationToken cancellationToken = default) =>
        TransformAsync(rawKeys, [], cancellationToken);

    /// <summary>
    /// Transforms the snapshot dates of the given raw keys and the days replayed: staging runs, a replayed day with
    /// no raw object left but run fragments (its objects removed by hand) is published again, without those runs' rows.
    /// </summary>
    public async Task<TransformBatchReport> TransformAsync(IEnumerable<string> rawKeys, IReadOnlyCollection<DateOnly> replayedDays, CancellationToken cancellationToken = default)
    {
        var batch = RawKeyBatch.Sort(rawKeys);
        // What an earlier batch's days found stays that batch's: these days are listed again.
        _outsideTheDay.Clear();
        var reports = new List<TransformReport>(batch.Ignored);
        var runsByDate = batch.RunsByDate;
        await AddEmptiedDaysAsync(runsByDate, replayedDays, cancellationToken).ConfigureAwait(false);
        var misnamed = batch.Misnamed;

        var partitions = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var unlisted = TransformTotals.None;
        var incomplete = new List<IncompleteRun>();
        var partial = new List<PartialPlaylist>();
        var unfolded = new List<UnfoldedRun>();
        DaySummary[] days;
        try
        {
            days = await TransformDaysAsync(runsByDate, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (_options.UpdateCurrentTables && exception is not OperationCanceledException)
        {
            // The days that stood have their partitions and digests: the current-state tables take them now, not when the
            // failed day is replayed (a replay of several days may never be). A failed day keeps its last digest, so the
            // tables stay what its partitions last were. The day's failure is what the batch reports.
            await UpdateCurrentAfterFailureAsync(runsByDate.Keys, cancellationToken).ConfigureAwait(false);
            throw;
        }
        foreach (var day in days)
        {
            reports.AddRange(day.Objects);
            incomplete.AddRange(day.Incomplete);
            partial.AddRange(day.Partial);
            unfolded.AddRange(day.Unfolded);
            unlisted = unlisted.Plus(day.Unlisted);
            foreach (var (partition, rows) in day.Partitions)
            {
                partitions[partition] = rows;
            }
        }
        // The current-state tables, once the batch's days stand: their months, then the tables.
        if (_options.UpdateCurrentTables)
        {
            await _current.UpdateAsync(runsByDate.Keys, cancellationToken).ConfigureAwait(false);
        }
        // The history's part (HistoryPlaysFollower.UpdateAsync); a landed export file it cannot read is reported as an
        // unreadable object, with what mends it.
        var damaged = await Import.HistoryPlaysFollower.UpdateAsync(raw, lake, _options.Format, _options.Parallelism, runsByDate.Keys,
            batch.HoldsExportFiles, partitions, cancellationToken).ConfigureAwait(false);
        reports.AddRange(damaged.Select(d => TransformReport.Unread(d.Key, d.Value)));
        // A misnamed object in a day's folder was already set aside by that day's fold (and listed, as every
        // object set aside is): each is reported once.
        var reported = reports.Select(r => r.RawKey).ToHashSet(StringComparer.Ordinal);
        // An entry a day's listing could not read through (a folder out of this user's sight, there from the start or since) is
        // reported as the batch's own listing reports one: the day was rebuilt without what it hides.
        var outsideTheDay = _outsideTheDay.Where(entry => !misnamed.Any(m => m.Key == entry.Key)).OrderBy(entry => entry.Key, StringComparer.Ordinal)
            .Select(entry => (entry.Key, Reason: entry.Value));
        foreach (var (key, reason) in misnamed.Concat(outsideTheDay).Where(m => !reported.Contains(m.Key)))
        {
            reports.Add(await _quarantine.SetAsideAsync(key, reason, cancellationToken).ConfigureAwait(false));
        }
        return new TransformBatchReport(reports, partitions) { Unlisted = unlisted, IncompleteRuns = incomplete, PartialPlaylists = partial, UnfoldedRuns = unfolded };
    }

    private async Task UpdateCurrentAfterFailureAsync(IEnumerable<DateOnly> dates, CancellationToken cancellationToken)
    {
        try
        {
            await _current.UpdateAsync(dates, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The lake failed the day and fails this too (a full disk), or the run was stopped meanwhile: the retry of the
            // batch does both, and the day's failure is what the batch reports.
        }
    }

    /// <summary>
    /// The days, two at a time: a day's tables are written, mostly one file per thread, while the next
    /// day's raw objects are parsed on the cores that leaves idle. Days are independent, so neither their
    /// order nor their overlap changes a result; memory holds at most two days' rows. Results come back
    /// in the order of the days. The days in flight share the workers (one day has them all): each worker
    /// folds into tables of its own, so two days with every worker each would hold every song once per
    /// worker, and merge the copies, for no more cores busy (docs/benchmarks.md). A worker whose day has no
    /// object left helps the other day (<see cref="FoldBoard"/>). A day that fails does not stop the others: each other day's
    /// tables all come from this run, where stopping a day in the middle of its writes would leave its tables from two
    /// publications. The first failure is thrown once every day has ended, or the run was stopped.
    /// </summary>
    private async Task<DaySummary[]> TransformDaysAsync(SortedDictionary<DateOnly, SortedSet<string>> runsByDate, CancellationToken cancellationToken)
    {
        var days = runsByDate.ToList();
        var results = new DaySummary[days.Count];
        var failures = new System.Collections.Concurrent.ConcurrentQueue<(int Index, Exception Failure)>();
        var folds = new FoldBoard(Math.Max(1, _options.Parallelism / Math.Clamp(days.Count, 1, DaysInFlight)), Math.Max(1, _options.Parallelism));
        try
        {
            await EachDayAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!failures.IsEmpty)
        {
            // Stopped (a time budget spent) after a day had failed: the day's failure is the cause to report.
        }
        if (!failures.IsEmpty)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failures.MinBy(f => f.Index).Failure);
        }
        return results;

        Task EachDayAsync() => Parallel.ForEachAsync(Enumerable.Range(0, days.Count), new ParallelOptions
        {
            MaxDegreeOfParallelism = DaysInFlight,
            CancellationToken = cancellationToken,
        }, async (index, token) =>
        {
            var (date, runs) = days[index];
            DayResult day;
            try
            {
                day = _options.StageRuns
                    ? await TransformStagedAsync(folds, date, runs, token).ConfigureAwait(false)
                    : await TransformDirectAsync(folds, date, token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                failures.Enqueue((index, exception));
                return;
            }
            // A backfill keeps no report per good object (ListEveryObject off): counted here, not held for every day.
            var listed = new List<TransformReport>();
            var unlisted = TransformTotals.None;
            foreach (var report in day.Objects)
            {
                if (_options.ListEveryObject || !TransformTotals.Countable(report))
                {
                    listed.Add(report);
                }
                else
                {
                    unlisted = unlisted.Plus(report);
                }
            }
            results[index] = new DaySummary(listed, unlisted, day.Partitions, day.Incomplete, day.Partial, day.Unfolded);
            _options.BetweenDays?.Invoke();
        });
    }

    /// <summary>The local lake: the day's tables from all of the day's raw objects; nothing staged.</summary>
    private async Task<DayResult> TransformDirectAsync(FoldBoard folds, DateOnly date, CancellationToken cancellationToken)
    {
        var inputs = await ListDayAsync(date, cancellationToken).ConfigureAwait(false);
        for (var round = 1; ; round++)
        {
            var (tables, objects, asListed) = await FoldAsync(folds, date, inputs, cancellationToken).ConfigureAwait(false);
            List<ObjectVersion>? now = null;
            if (asListed)
            {
                // The run reports are serialized while the tables are written, and saved once the tables stand.
                var reports = Task.Run(() => SerializeReports(date, objects), cancellationToken);
                var (partitions, partial) = await PublishAsync(tables, cancellationToken).ConfigureAwait(false);
                now = await ListDayAsync(date, cancellationToken).ConfigureAwait(false);
                if (now.SequenceEqual(inputs))
                {
                    await SaveReportsAsync(await reports.ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                    return new DayResult(objects, partitions) { Partial = partial };
                }
            }
            // The inputs changed, or an object read was not the one listed (nothing was published from that fold): read again.
            CheckRounds(round, $"the raw objects of {date:yyyy-MM-dd}");
            inputs = now ?? await ListDayAsync(date, cancellationToken).ConfigureAwait(false);
        }
    }

    private static void CheckRounds(int round, string what)
    {
        if (round >= MaxRounds)
        {
            throw new IOException($"{what} kept changing during {MaxRounds} publications; the invocation fails so that it is retried once writes pause.");
        }
    }

    /// <summary>Writes the day's tables, a file each (none for a table with no rows), and names its partial playlists: the day's rows are read here last (DayStateTests).</summary>
    private async Task<(Dictionary<string, int> Partitions, IReadOnlyList<PartialPlaylist> Partial)> PublishAsync(SnapshotTables tables, CancellationToken cancellationToken)
    {
        var publisher = new TablePublisher(lake, _options.Format, tables.SnapshotDate, cancellationToken);
        // The day's digest for the current-state tables, built while the partitions are written (both only read the
        // day) and stored once they stand, before the listing check, so that the same check covers it. Stored after
        // them: a digest read from the partitions meanwhile (a day an earlier version wrote without one) is then
        // either overwritten by this one or read from these partitions.
        var building = Task.Run(() => CurrentStatePublisher.BuildDay(tables), cancellationToken);
        try
        {
            await tables.ForEachTableAsync(publisher).ConfigureAwait(false);
        }
        catch
        {
            await CurrentStatePublisher.DiscardAsync(building).ConfigureAwait(false);
            throw;
        }
        await _current.WriteDayAsync(tables.SnapshotDate, await building.ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return (new Dictionary<string, int>(publisher.Partitions, StringComparer.Ordinal), tables.PartialPlaylists);
    }

    private static async Task<List<ObjectVersion>> ListAsync(IObjectStore store, string prefix, CancellationToken cancellationToken)
    {
        var versions = new List<ObjectVersion>();
        await foreach (var version in store.ListVersionsAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            versions.Add(version);
        }
        return versions;
    }

    private sealed record DayResult(List<TransformReport> Objects, Dictionary<string, int> Partitions)
    {
        public IReadOnlyList<IncompleteRun> Incomplete { get; init; } = [];

        public IReadOnlyList<PartialPlaylist> Partial { get; init; } = [];

        public IReadOnlyList<UnfoldedRun> Unfolded { get; init; } = [];
    }

    private sealed record DaySummary(List<TransformReport> Objects, TransformTotals Unlisted, Dictionary<string, int> Partitions, IReadOnlyList<IncompleteRun> Incomplete,
        IReadOnlyList<PartialPlaylist> Partial, IReadOnlyList<UnfoldedRun> Unfolded);
}
