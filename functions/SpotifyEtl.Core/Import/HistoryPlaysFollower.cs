using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Import;

/// <summary>
/// The transform's part in the listening history: once it has published some snapshot days, their API plays are
/// staged by month and the months they reach are rebuilt (<see cref="HistoryMonthBuilder"/>), so plays extracted
/// after an import join <c>listening_history</c> the same day, counted once with the export's streams. Until an
/// export is imported there is no history to follow: the first import builds it from every play in raw.
/// </summary>
public static class HistoryPlaysFollower
{
    private const int MaxRounds = 20;

    /// <summary>
    /// The transform's part after its days: nothing before an import has landed export files; the whole table, as an import
    /// builds it, when a landed file was built into it by no import (an import stopped before its table, files landed by
    /// <c>transform --input</c> or copied in) or the table has no month at all, since the months the days' plays reach would
    /// otherwise be the only ones ever written; else those months. Adds the rows per partition written to
    /// <paramref name="partitions"/>. Returns the landed export files and the recently-played pages it could not read (by raw
    /// key, with why and what to do).
    /// </summary>
    /// <param name="exportFilesGiven">The batch named landed export files (a lake given whole to <c>transform --input</c>):
    /// with no day, the table is still built. A batch of neither (an invocation for an import alone) leaves it to the import.</param>
    public static async Task<IReadOnlyDictionary<string, string>> UpdateAsync(IObjectStore raw, IObjectStore lake, TableFormat format, int parallelism,
        IReadOnlyCollection<DateOnly> days, bool exportFilesGiven, IDictionary<string, int> partitions, CancellationToken cancellationToken)
    {
        if (days.Count == 0 && !exportFilesGiven)
        {
            return new Dictionary<string, string>();
        }
        var landed = await HistoryMonthBuilder.ListLandedAsync(raw, cancellationToken).ConfigureAwait(false);
        if (landed.Count == 0)
        {
            return new Dictionary<string, string>();
        }
        return await AnyUnbuiltAsync(landed, lake, cancellationToken).ConfigureAwait(false)
            ? await RebuildWholeAsync(raw, lake, format, parallelism, partitions, cancellationToken).ConfigureAwait(false)
            : await FollowAsync(raw, lake, format, days, partitions, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Rebuilds the months the days' plays reach, once their plays are staged.</summary>
    private static async Task<IReadOnlyDictionary<string, string>> FollowAsync(IObjectStore raw, IObjectStore lake, TableFormat format, IEnumerable<DateOnly> days,
        IDictionary<string, int> partitions, CancellationToken cancellationToken)
    {
        var chosen = days.Distinct().ToList();
        if (chosen.Count == 0)
        {
            return new Dictionary<string, string>();
        }
        // Each day's pages are listed, read and staged, then listed again: a day whose pages changed meanwhile (a page
        // landed, one rewritten in place) is read and staged again. Whoever stages a day last has listed its pages
        // after that write, so a stale file written over a newer one is always followed by its writer's own repair.
        var staged = new SortedSet<long>();
        var listed = new Dictionary<DateOnly, IReadOnlyList<ObjectVersion>>();
        var refused = new Dictionary<DateOnly, IReadOnlyList<DamagedLandedFile>>();
        for (var round = 1; ; round++)
        {
            var plays = new SortedDictionary<DateOnly, List<ListeningRow>>();
            foreach (var day in chosen)
            {
                var read = await ApiPlayReader.ReadDayAsync(raw, day, cancellationToken).ConfigureAwait(false);
                (listed[day], refused[day]) = (read.Listed, read.Refused);
                plays[day] = read.ByDay.GetValueOrDefault(day) ?? [];
            }
            staged.UnionWith(await ApiPlayStage.WriteDaysAsync(lake, plays, cancellationToken).ConfigureAwait(false));
            var changed = new List<DateOnly>();
            foreach (var day in chosen)
            {
                if (!(await ApiPlayReader.ListDayAsync(raw, day, cancellationToken).ConfigureAwait(false)).SequenceEqual(listed[day]))
                {
                    changed.Add(day);
                }
            }
            if (changed.Count == 0)
            {
                break;
            }
            if (round >= MaxRounds)
            {
                throw new IOException($"The recently-played pages of {changed[0]:yyyy-MM-dd} kept changing during {MaxRounds} readings; " +
                                      "the invocation fails so that it is retried once writes pause.");
            }
            chosen = changed;
        }
        // A play within a day of a month's edge is in the neighbour's window too.
        var months = staged.SelectMany(m => new[] { HistoryMonths.Start(m - 1), m, HistoryMonths.Next(m) }).ToHashSet();
        var (rebuilt, damaged) = await new HistoryMonthBuilder(raw, lake, format).RebuildAsync(months, cancellationToken).ConfigureAwait(false);
        foreach (var (partition, rows) in rebuilt)
        {
            partitions[partition] = rows;
        }
        // A page S3 denied: named as the landed files are, so that the invocation's unread count (and its alarm) says it.
        return damaged.Select(d => (d.Key, Reason: LandedExportFile.Reported(d.Value)))
            .Concat(refused.Values.SelectMany(pages => pages).Select(page => (Key: page.RawKey, Reason: $"its plays are left out of listening_history: {page.Reason}")))
            .ToDictionary(d => d.Key, d => d.Reason, StringComparer.Ordinal);
    }

    /// <summary>
    /// Whether the lake holds a landed export file that no import has built into <c>listening_history</c>: one whose span an
    /// import keeps beside the table once the table holds its streams is missing (an import stopped before its table, a file
    /// landed by <c>transform --input</c> from another lake, or copied in) or names another lake (a stack moved with its
    /// <c>staging/</c>; a span of an earlier version, which named none), or the table has no file at all. The months the API's plays reach are then not the only ones to build
    /// (<see cref="RebuildWholeAsync"/>).
    /// </summary>
    public static async Task<bool> AnyUnbuiltAsync(IObjectStore raw, IObjectStore lake, CancellationToken cancellationToken) =>
        await AnyUnbuiltAsync(await HistoryMonthBuilder.ListLandedAsync(raw, cancellationToken).ConfigureAwait(false), lake, cancellationToken).ConfigureAwait(false);

    private static async Task<bool> AnyUnbuiltAsync(IReadOnlyList<ObjectVersion> landed, IObjectStore lake, CancellationToken cancellationToken)
    {
        if (!await HistoryPublisher.AnyMonthAsync(lake, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }
        // A request per file, several at once: an export holds tens of files, and a Lambda asks S3 each time.
        var unbuilt = 0;
        await Parallel.ForEachAsync(landed, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (file, token) =>
        {
            if (Volatile.Read(ref unbuilt) == 0 && !await ExportSpan.IsBuiltAsync(lake, file.Key, token).ConfigureAwait(false))
            {
                Interlocked.Exchange(ref unbuilt, 1);
            }
        }).ConfigureAwait(false);
        return unbuilt == 1;
    }

    /// <summary>
    /// Rebuilds <c>listening_history</c> whole, as an import does with nothing new to land, and puts its partitions in
    /// <paramref name="partitions"/> in place of any the batch had. Returns the landed export files it could not read, and the
    /// recently-played pages it could not read (each set aside once, as an import sets it aside): their plays are left out.
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, string>> RebuildWholeAsync(IObjectStore raw, IObjectStore lake, TableFormat format, int parallelism,
        IDictionary<string, int> partitions, CancellationToken cancellationToken)
    {
        var build = await new HistoryBuilder(raw, lake, format, parallelism, progress: null)
            .RebuildAsync(new Dictionary<string, ExportFileContent>(StringComparer.Ordinal), cancellationToken).ConfigureAwait(false);
        foreach (var partition in partitions.Keys.Where(p => p.StartsWith($"{TableNames.ListeningHistory}/", StringComparison.Ordinal)).ToList())
        {
            partitions.Remove(partition);
        }
        foreach (var (partition, rows) in build.Partitions)
        {
            partitions[partition] = rows;
        }
        var unread = build.Damaged.ToDictionary(d => d.Key, d => LandedExportFile.Reported(d.Value), StringComparer.Ordinal);
        foreach (var page in build.ApiPlays.UnreadablePages)
        {
            unread.TryAdd(page.RawKey, $"{page.Reason}. {ImportReport.UnreadablePageRemedy}");
        }
        return unread;
    }
}
