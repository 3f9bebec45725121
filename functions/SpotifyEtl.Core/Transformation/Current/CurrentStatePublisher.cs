using SpotifyEtl.Storage;

namespace SpotifyEtl.Transformation.Current;

/// <summary>
/// Keeps the current-state tables equal to the latest row per id over every day's partition, under any
/// order of events. Each step is a pure function of its inputs, published again while they change, as
/// a day's tables are: a day's digest is written with its partitions; its month is rebuilt from the
/// month's day digests; the tables are rebuilt from the month digests. A step ends only when a listing
/// of its inputs, with their ETags, is unchanged from the listing it was built from, so the last write
/// of every digest and table is built from the newest inputs, whichever invocation writes it. Identical
/// content gives an identical ETag: a replayed day, or an old day under a newer one, leaves its month
/// (and the tables) unchanged and disturbs nothing.
/// </summary>
public sealed class CurrentStatePublisher(IObjectStore lake, TableFormat format)
{
    /// <summary>A step repeats only while its inputs change under it; this bounds a burst that never pauses.</summary>
    private const int MaxRounds = 20;

    private readonly KnownDigests _known = new();

    /// <summary>Writes the day's digest; called with the day's partitions, before their listing check.</summary>
    public Task WriteDayAsync(SnapshotTables day, CancellationToken cancellationToken) =>
        WriteDigestAsync(CurrentLayout.DayKey(day.SnapshotDate), DimensionState.OfDay(day), cancellationToken);

    /// <summary>A day's digest from rows read elsewhere (the partitions, when the tables are rebuilt from them).</summary>
    public Task WriteDayAsync(DateOnly day, DimensionState state, CancellationToken cancellationToken) =>
        WriteDigestAsync(CurrentLayout.DayKey(day), state, cancellationToken);

    /// <summary>Rebuilds the months of the given days, then the current-state tables; nothing when no day is given.</summary>
    public async Task UpdateAsync(IEnumerable<DateOnly> days, CancellationToken cancellationToken)
    {
        var months = days.Select(d => new DateOnly(d.Year, d.Month, 1)).Distinct().Order().ToList();
        if (months.Count > 0)
        {
            await RebuildMonthsAsync(months, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Rebuilds the current-state tables from every month digest; returns the rows they were written from.</summary>
    private Task<DimensionState> PublishTablesAsync(CancellationToken cancellationToken) =>
        RebuildAsync(CurrentLayout.Months, state => state.ForEachTableAsync(new CurrentTableWriter(lake, format, cancellationToken)),
            "the month digests", cancellationToken);

    /// <summary>Rebuilds every month from its days, then the tables: after digests were written or deleted by hand.</summary>
    public async Task<DimensionState> RebuildAllAsync(CancellationToken cancellationToken)
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
        await foreach (var key in lake.ListAsync(CurrentLayout.Months, cancellationToken).ConfigureAwait(false))
        {
            // A month none of whose days remains would otherwise keep its rows in the tables.
            var name = key[CurrentLayout.Months.Length..].Replace(".json.gz", "", StringComparison.Ordinal);
            if (DateOnly.TryParseExact(name + "-01", "yyyy-MM-dd", out var month) && !months.Contains(month))
            {
                await lake.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            }
        }
        return await RebuildMonthsAsync(months, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Each month from its day digests, then the tables from every month digest.</summary>
    private async Task<DimensionState> RebuildMonthsAsync(IEnumerable<DateOnly> months, CancellationToken cancellationToken)
    {
        foreach (var month in months)
        {
            await RebuildAsync(CurrentLayout.DaysOf(month), state => WriteDigestAsync(CurrentLayout.MonthKey(month), state, cancellationToken),
                $"the day digests of {month:yyyy-MM}", cancellationToken).ConfigureAwait(false);
        }
        return await PublishTablesAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<DimensionState> RebuildAsync(string prefix, Func<DimensionState, Task> write, string what, CancellationToken cancellationToken)
    {
        var inputs = await ListAsync(prefix, cancellationToken).ConfigureAwait(false);
        for (var round = 1; ; round++)
        {
            var states = await ReadAsync(inputs, cancellationToken).ConfigureAwait(false);
            var latest = DimensionState.Latest(states);
            await write(latest).ConfigureAwait(false);
            var now = await ListAsync(prefix, cancellationToken).ConfigureAwait(false);
            if (now.SequenceEqual(inputs))
            {
                return latest;
            }
            if (round >= MaxRounds)
            {
                throw new IOException($"{what} kept changing during {MaxRounds} rebuilds of the current-state tables; the invocation fails so that it is retried once writes pause.");
            }
            inputs = now;
        }
    }

    /// <summary>The digests, sixteen at a time; one deleted since the listing is left out (the next listing differs).</summary>
    private async Task<DimensionState[]> ReadAsync(List<ObjectVersion> inputs, CancellationToken cancellationToken)
    {
        var states = new DimensionState[inputs.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, inputs.Count), new ParallelOptions
        {
            MaxDegreeOfParallelism = 16,
            CancellationToken = cancellationToken,
        }, async (index, token) =>
        {
            try
            {
                var key = inputs[index].Key;
                var bytes = await lake.ReadAllBytesAsync(key, token).ConfigureAwait(false);
                states[index] = _known.Find(key, bytes) ?? _known.Remember(key, bytes, DimensionState.Decompress(bytes, key));
            }
            catch (ObjectNotFoundException)
            {
                states[index] = DimensionState.Empty;
            }
        }).ConfigureAwait(false);
        return states;
    }

    private Task WriteDigestAsync(string key, DimensionState state, CancellationToken cancellationToken)
    {
        var bytes = state.Compress();
        _known.Remember(key, bytes, state);
        return lake.PutBytesAsync(key, bytes, "application/gzip", cancellationToken);
    }

    private async Task<List<ObjectVersion>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        var versions = new List<ObjectVersion>();
        await foreach (var version in lake.ListVersionsAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            if (version.Key.EndsWith(".json.gz", StringComparison.Ordinal))
            {
                versions.Add(version);
            }
        }
        return versions;
    }

    /// <summary>Writes each current-state table as its one file; a table with no rows has none.</summary>
    private sealed class CurrentTableWriter(IObjectStore lake, TableFormat format, CancellationToken cancellationToken) : ITableVisitor
    {
        public async Task VisitAsync<T>(IReadOnlyList<T> rows) where T : ITableRow<T>
        {
            var key = format.FileKey(T.Table);
            if (rows.Count == 0)
            {
                await lake.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
                return;
            }
            using var buffer = new MemoryStream();
            format.Write(buffer, rows);
            buffer.Position = 0;
            await lake.PutAsync(key, buffer, format.ContentType(), cancellationToken).ConfigureAwait(false);
        }
    }
}
