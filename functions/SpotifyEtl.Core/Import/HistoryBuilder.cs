using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Import;

/// <summary>What one landed file held and what became of its rows in the history.</summary>
public sealed record LandedFileOutcome(string RawKey, ExportFileContent Content, OriginCounts Counts);

/// <summary>
/// The rebuilt table: per landed file, the API's plays, and the partitions written; and the landed files left out because
/// they cannot be read or changed since they landed (<see cref="LandedExportFile"/>), by raw key with why.
/// </summary>
public sealed record HistoryBuild(
    IReadOnlyDictionary<string, LandedFileOutcome> Files,
    ApiPlaysReport ApiPlays,
    int Rows,
    IReadOnlyDictionary<string, int> Partitions)
{
    public IReadOnlyDictionary<string, string> Damaged { get; init; } = new Dictionary<string, string>();

    /// <summary>How many merges the table was built in (one unless the rows did not fit in memory), and the most rows one took.</summary>
    public (int Merges, int LargestMerge) Merges { get; init; }

    /// <summary>The listing of the recently-played pages the API's plays were read from, with its versions.</summary>
    internal IReadOnlyList<ObjectVersion> PlaysListed { get; init; } = [];
}

/// <summary>
/// Rebuilds <c>listening_history</c> from every landed export file and every API play in the raw lake. The table
/// is a function of what raw holds, never of the order imports ran in. A rebuild repeats while the landed files
/// change under it (two imports at once), so the last table written is built from every file.
/// </summary>
/// <remarks>
/// Memory does not grow with every export ever landed: the files this import read are held, and the others as long as
/// all held rows fit <paramref name="rowsInMemory"/>. When they do not, the table is built some months at a time
/// (<see cref="HistoryBatches"/>), each from the windows of its months alone, rereading the files that reach them: the
/// rows held, one batch's rows and the files being read again are what the rebuild holds.
/// </remarks>
public sealed class HistoryBuilder(IObjectStore raw, IObjectStore lake, TableFormat format, int parallelism, IProgress<ImportProgress>? progress,
    int rowsInMemory = ImportLimits.DefaultHistoryRowsInMemory)
{
    private const int MaxRounds = 10;

    /// <param name="read">Landed files this process has already read, by raw key: each is read once.</param>
    public async Task<HistoryBuild> RebuildAsync(IReadOnlyDictionary<string, ExportFileContent> read, CancellationToken cancellationToken)
    {
        var inputs = await ListAsync(read.Keys, cancellationToken).ConfigureAwait(false);
        var files = read.ToDictionary(r => r.Key, r => SurveyedFile.Of(r.Value, held: true), StringComparer.Ordinal);
        var damaged = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var round = 1; ; round++)
        {
            var build = await BuildAsync([.. inputs.Landed.Select(v => v.Key)], files, damaged, cancellationToken).ConfigureAwait(false);
            var now = await ListAsync(read.Keys, cancellationToken).ConfigureAwait(false);
            // By version, not name alone: an export landed again over a damaged copy changes a file under the same key. The
            // plays against the listing they were read from, not the one before: a page rewritten stale in between, read so,
            // and put back since would match the first.
            if (now.Landed.SequenceEqual(inputs.Landed) && now.Plays.SequenceEqual(build.PlaysListed))
            {
                return build;
            }
            if (round >= MaxRounds)
            {
                throw new IOException($"The landed export files or the API's plays kept changing during {MaxRounds} rebuilds of the listening history; run the import again once other imports and transforms are done.");
            }
            // A file rewritten since it was read is read again, whatever was read of it (its rows, or that it was damaged).
            foreach (var changed in now.Landed.Except(inputs.Landed))
            {
                files.Remove(changed.Key);
                damaged.Remove(changed.Key);
            }
            inputs = now;
        }
    }

    /// <summary>
    /// What the table is built from: the landed files, and the versions of the API's recently-played pages. A listing that
    /// leaves out a file this import has just landed or found in raw (<paramref name="known"/>) is not what raw holds (S3
    /// answering inconsistently): a table built from it would drop that file's streams, and delete the months only it has.
    /// It fails naming the listing, before anything is written from it, so that the import is run again.
    /// </summary>
    private async Task<(List<ObjectVersion> Landed, List<ObjectVersion> Plays)> ListAsync(IEnumerable<string> known, CancellationToken cancellationToken)
    {
        var versions = await HistoryMonthBuilder.ListLandedAsync(raw, cancellationToken).ConfigureAwait(false);
        var keys = versions.Select(v => v.Key).ToHashSet(StringComparer.Ordinal);
        if (known.Where(k => !keys.Contains(k)).Order(StringComparer.Ordinal).FirstOrDefault() is { } missing)
        {
            var listing = $"LIST {raw.Description}/{ExportRawKey.Prefix}";
            throw S3ObjectStore.Naming(new IOException(
                $"{listing}: the listing of the landed export files lacks {missing}, which this import has just landed or found there, so no table " +
                "was built from it (it would leave that file's streams out). Run the import again (on AWS, Lambda retries the failed invocation)."),
                listing);
        }
        return (versions, await ApiPlayReader.ListAsync(raw, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Reads the landed files not read yet, each worker pooling its strings across the files it reads, and keeps of each its
    /// span and rows per month; its rows too while every row held fits in memory. A file that cannot be used is read as one
    /// with no rows, and said in <paramref name="damaged"/>. Every file read denied, and another landed file too, fails
    /// with S3's refusal (<see cref="LandedFileRefusals"/>).
    /// </summary>
    private async Task SurveyAsync(List<string> keys, Dictionary<string, SurveyedFile> files, Dictionary<string, string> damaged,
        CancellationToken cancellationToken)
    {
        var missing = keys.Where(k => !files.ContainsKey(k)).ToList();
        var results = new (SurveyedFile? File, string? Damage)[missing.Count];
        var next = -1;
        var done = 0;
        long bytesRead = 0;
        long held = files.Values.Where(f => f.Held).Sum(f => (long)f.Content.Rows.Count);
        var refusals = new LandedFileRefusals();
        async Task WorkAsync()
        {
            var pool = new StringPool();
            for (var index = Interlocked.Increment(ref next); index < missing.Count; index = Interlocked.Increment(ref next))
            {
                var (content, damage, length) = await LandedExportFile.ReadAsync(raw, missing[index], pool, refusals, cancellationToken).ConfigureAwait(false);
                if (content is not null)
                {
                    var fits = Interlocked.Add(ref held, content.Rows.Count) <= rowsInMemory;
                    if (!fits)
                    {
                        Interlocked.Add(ref held, -content.Rows.Count);
                    }
                    results[index] = (SurveyedFile.Of(content, fits), null);
                }
                else
                {
                    results[index] = (null, damage);
                }
                progress?.Report(new ImportProgress("Reading the history", Interlocked.Increment(ref done), missing.Count,
                    Interlocked.Add(ref bytesRead, length)));
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Math.Max(1, Math.Min(parallelism, missing.Count))).Select(_ => Task.Run(WorkAsync, cancellationToken))).ConfigureAwait(false);
        await refusals.ThrowIfEveryFileIsDeniedAsync(raw, keys, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < missing.Count; i++)
        {
            files[missing[i]] = results[i].File ?? SurveyedFile.Nothing;
            if (results[i].Damage is { } damage)
            {
                damaged[missing[i]] = damage;
            }
        }
    }

    private async Task<HistoryBuild> BuildAsync(List<string> keys, Dictionary<string, SurveyedFile> files, Dictionary<string, string> damaged,
        CancellationToken cancellationToken)
    {
        await SurveyAsync(keys, files, damaged, cancellationToken).ConfigureAwait(false);
        var api = await ApiPlayReader.ReadAsync(raw, cancellationToken).ConfigureAwait(false);
        var landed = keys.Select(k => files[k]).ToList();
        // What a transform needs to rebuild one month alone: the plays of each day by month, staged before the table is
        // written: a transform that rebuilds a month from fewer staged days (the first import's, landing now) then either
        // lists these files before it builds, or writes before this import's table, which comes after and holds every play.
        await ApiPlayStage.WriteDaysAsync(lake, api.ByDay, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<OriginCounts> origins;
        int rows;
        (int, int) merges;
        IReadOnlyDictionary<string, int> partitions;
        if (landed.TrueForAll(f => f.Held))
        {
            progress?.Report(new ImportProgress("Merging the history", keys.Count, keys.Count, 0));
            var merged = HistoryMerge.Merge([.. landed.Select(f => f.Content.Rows), api.Rows]);
            (origins, rows, merges) = (merged.Origins, merged.Rows.Count, (1, landed.Sum(f => f.Content.Rows.Count) + api.Rows.Count));
            partitions = await HistoryPublisher.PublishAsync(lake, format, merged.Rows, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var batched = await new HistoryBatches(raw, lake, format, parallelism, progress)
                .BuildAsync(keys, landed, api.Rows, rowsInMemory, cancellationToken).ConfigureAwait(false);
            (origins, rows, partitions, merges) = (batched.Origins, batched.Rows, batched.Partitions, (batched.Batches, batched.LargestMerge));
        }
        // And each file's span, once the table holds its streams: a landed file without one is a file no import has built
        // into the table (HistoryPlaysFollower.AnyUnbuiltAsync), which an import that stopped before this point leaves for the
        // next transform to build whole; no other writer keeps a span. A damaged file gets none: the transform that reads it
        // finds the damage and says it too.
        foreach (var key in keys.Where(k => !damaged.ContainsKey(k)))
        {
            await files[key].Span.WriteBuiltAsync(lake, key, cancellationToken).ConfigureAwait(false);
        }
        var outcomes = new Dictionary<string, LandedFileOutcome>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            outcomes[keys[i]] = new LandedFileOutcome(keys[i], landed[i].Content, origins[i]);
        }
        var apiCounts = origins[keys.Count];
        return new HistoryBuild(outcomes,
            new ApiPlaysReport(api.Objects, api.Unreadable, api.Rows.Count, apiCounts.Kept, apiCounts.Duplicates, apiCounts.Covered) { SetAsidePages = api.SetAsideBefore },
            rows, partitions)
        {
            Damaged = keys.Where(damaged.ContainsKey).ToDictionary(k => k, k => damaged[k], StringComparer.Ordinal),
            Merges = merges,
            PlaysListed = api.Listed,
        };
    }
}
