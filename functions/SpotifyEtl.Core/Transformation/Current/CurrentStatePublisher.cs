using System.Collections.Concurrent;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation.Parquet;

namespace SpotifyEtl.Transformation.Current;

/// <summary>
/// Keeps the current-state tables equal to the latest row per id over every day's partition, under any
/// order of events. Each step is a pure function of its inputs, published again while they change, as
/// a day's tables are: a day's digest is written with its partitions; its month is rebuilt from the
/// month's day digests; the tables are rebuilt from the month digests. A step ends only when each input read
/// had the listed ETag and a new listing of them is unchanged from the one it was built from, so the last write
/// of every digest and table is built from the newest inputs, whichever invocation writes it. Identical
/// content gives an identical ETag: a replayed day, or an old day under a newer one, leaves its month
/// (and the tables) unchanged and disturbs nothing.
/// </summary>
/// <param name="time">The clock of the search for days an earlier version wrote (<see cref="CurrentLayout.Searched"/>).</param>
public sealed partial class CurrentStatePublisher(IObjectStore lake, TableFormat format, TimeProvider? time = null)
{
    /// <summary>A step repeats only while its inputs change under it; this bounds a burst that never pauses.</summary>
    private const int MaxRounds = 20;

    /// <summary>
    /// The fingerprint of the last digest this publisher put at each key (a few hundred bytes a day). A digest read
    /// back with that fingerprint is the one built here and skips the checks for damage; any other bytes (another
    /// writer's, or damaged) are checked in full.
    /// </summary>
    private readonly ConcurrentDictionary<string, UInt128> _built = new(StringComparer.Ordinal);

    /// <summary>The day's digest, built from its tables while its partitions are written.</summary>
    internal static Digest BuildDay(SnapshotTables day) => DigestBuilder.OfDay(day);

    /// <summary>Stores the day's digest (and disposes it); called once the day's partitions stand, before their listing check.</summary>
    internal async Task WriteDayAsync(DateOnly day, Digest digest, CancellationToken cancellationToken)
    {
        using (digest)
        {
            await WriteDigestAsync(CurrentLayout.DayKey(day), digest, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Disposes a digest whose partitions failed, once built; its own failure is not the one to report.</summary>
    internal static async Task DiscardAsync(Task<Digest> building)
    {
        try
        {
            (await building.ConfigureAwait(false)).Dispose();
        }
        catch (Exception exception) when (!ExceptionChain.RanOutOfMemory(exception))
        {
            // The partitions' failure propagates; this one says nothing more.
        }
    }

    /// <summary>A day's digest from rows read elsewhere (the partitions, when the tables are rebuilt from them).</summary>
    public async Task WriteDayAsync(DateOnly day, DimensionState state, CancellationToken cancellationToken)
    {
        using var digest = DigestBuilder.Of(state);
        await WriteDigestAsync(CurrentLayout.DayKey(day), digest, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Rebuilds the months of the given days, then the current-state tables; nothing when no day is given. On a
    /// lake not yet known to be complete, the days with partitions but no digest (written by an earlier version)
    /// are given theirs from their partitions first, and their months rebuilt too (<see cref="CompleteAsync"/>).
    /// </summary>
    public async Task UpdateAsync(IEnumerable<DateOnly> days, CancellationToken cancellationToken)
    {
        var months = days.Select(MonthOf).ToHashSet();
        if (months.Count == 0)
        {
            return;
        }
        var search = await CompleteAsync(cancellationToken).ConfigureAwait(false);
        months.UnionWith(search?.Months ?? []);
        await RebuildMonthsAsync(months.Order(), cancellationToken).ConfigureAwait(false);
        // Only once their months and the tables stand: an invocation that fails before leaves the next one to look again.
        if (search is { Confirms: true })
        {
            await MarkCompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (search is not null)
        {
            await MarkSearchedAsync(search.Began, cancellationToken).ConfigureAwait(false);
        }
    }

    private static DateOnly MonthOf(DateOnly day) => new(day.Year, day.Month, 1);

    /// <summary>Rebuilds the current-state tables from every month digest; returns how many rows each was written with.</summary>
    private async Task<CurrentTableCounts> PublishTablesAsync(CancellationToken cancellationToken)
    {
        var counts = CurrentTableCounts.None;
        await RebuildAsync(CurrentLayout.Months, async digest =>
        {
            counts = CurrentTableCounts.Of(digest);
            // The digests merge as bytes, and Parquet tables are written from them; only CSV decodes rows into objects.
            if (format == TableFormat.Parquet)
            {
                await Task.WhenAll(digest.SectionsLargestFirst.Select(section => Task.Run(() => PutParquetAsync(digest, section, cancellationToken), cancellationToken))).ConfigureAwait(false);
            }
            else
            {
                await digest.ForEachTableAsync(new CurrentTableWriter(lake, format, cancellationToken)).ConfigureAwait(false);
            }
        }, "the month digests", cancellationToken).ConfigureAwait(false);
        return counts;
    }

    /// <summary>Rebuilds every month from its days, then the tables: after digests were written or deleted by hand.</summary>
    public async Task<CurrentTableCounts> RebuildAllAsync(CancellationToken cancellationToken)
    {
        var months = new SortedSet<DateOnly>();
        await foreach (var key in lake.ListAsync(CurrentLayout.Days, cancellationToken).ConfigureAwait(false))
        {
            var folder = key[CurrentLayout.Days.Length..].Split('/')[0];
            if (DateOnly.TryParseExact(folder + "-01", "yyyy-MM-dd", out var month))
            {
                months.Add(month);
            }
        }
        await foreach (var key in lake.ListAsync(CurrentLayout.Prefix, cancellationToken).ConfigureAwait(false))
        {
            // A month none of whose days remains would otherwise keep its rows in the tables; a digest of
            // another format (an older version of this tool) is read by nothing and goes too.
            var name = key.StartsWith(CurrentLayout.Months, StringComparison.Ordinal) ? key[CurrentLayout.Months.Length..].Replace(Digest.Extension, "", StringComparison.Ordinal) : "";
            var staleMonth = DateOnly.TryParseExact(name + "-01", "yyyy-MM-dd", out var month) && !months.Contains(month);
            if (staleMonth || (!key.EndsWith(Digest.Extension, StringComparison.Ordinal) && key != CurrentLayout.Complete))
            {
                await lake.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            }
        }
        return await RebuildMonthsAsync(months, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Each month from its day digests, then the tables from every month digest.</summary>
    private async Task<CurrentTableCounts> RebuildMonthsAsync(IEnumerable<DateOnly> months, CancellationToken cancellationToken)
    {
        foreach (var month in months)
        {
            await RebuildAsync(CurrentLayout.DaysOf(month), digest => WriteDigestAsync(CurrentLayout.MonthKey(month), digest, cancellationToken),
                $"the day digests of {month:yyyy-MM}", cancellationToken).ConfigureAwait(false);
        }
        return await PublishTablesAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RebuildAsync(string prefix, Func<Digest, Task> write, string what, CancellationToken cancellationToken)
    {
        var inputs = await ListAsync(prefix, cancellationToken).ConfigureAwait(false);
        for (var round = 1; ; round++)
        {
            // Null when a digest read was not the one listed: rewritten in between, perhaps back to the listed bytes by now.
            var read = await FoldAsync(inputs, cancellationToken).ConfigureAwait(false);
            using (read)
            {
                if (read is not null)
                {
                    await write(read).ConfigureAwait(false);
                }
            }
            var now = await ListAsync(prefix, cancellationToken).ConfigureAwait(false);
            if (read is not null && now.SequenceEqual(inputs))
            {
                return;
            }
            if (round >= MaxRounds)
            {
                throw new IOException($"{what} kept changing during {MaxRounds} rebuilds of the current-state tables; the invocation fails so that it is retried once writes pause.");
            }
            inputs = now;
        }
    }

    private async Task WriteDigestAsync(string key, Digest digest, CancellationToken cancellationToken)
    {
        using var stored = digest.Store();
        await lake.PutAsync(key, stored, "application/octet-stream", cancellationToken).ConfigureAwait(false);
        // After the put: until then the key holds other bytes. Should another writer replace them after it, the
        // fingerprints differ and the reader checks theirs.
        _built[key] = digest.Fingerprint();
    }

    private async Task<List<ObjectVersion>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        var versions = new List<ObjectVersion>();
        await foreach (var version in lake.ListVersionsAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            if (version.Key.EndsWith(Digest.Extension, StringComparison.Ordinal))
            {
                versions.Add(version);
            }
        }
        return versions;
    }

    private Task PutParquetAsync(Digest digest, int section, CancellationToken cancellationToken) =>
        PutTableAsync(lake, format, CurrentTables.All[section], digest.RowCount(section), buffer => digest.WriteParquet(section, buffer), cancellationToken);

    /// <summary>A current-state table as its one file (<see cref="IObjectStore.WriteAsync"/>); a table with no rows has none.</summary>
    private static async Task PutTableAsync(IObjectStore lake, TableFormat format, string table, int rows, Action<Stream> write, CancellationToken cancellationToken)
    {
        var key = format.FileKey(table);
        if (rows == 0)
        {
            await lake.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await lake.WriteAsync(key, write, ParquetTable.EstimatedBytes(rows, CurrentTables.Columns[table].Count), format.ContentType(),
                cancellationToken).ConfigureAwait(false);
        }
        // The table's file in the other format, from before the lake changed formats, is obsolete.
        await lake.DeleteOtherFormatAsync(format, key, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes each current-state table as its one file; a table with no rows has none.</summary>
    private sealed class CurrentTableWriter(IObjectStore lake, TableFormat format, CancellationToken cancellationToken) : ITableVisitor
    {
        public Task VisitAsync<T>(IReadOnlyList<T> rows) where T : ITableRow<T> =>
            PutTableAsync(lake, format, T.Table, rows.Count, buffer => format.Write(buffer, rows), cancellationToken);
    }
}
