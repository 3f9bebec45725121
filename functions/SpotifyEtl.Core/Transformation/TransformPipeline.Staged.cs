using SpotifyEtl.Lake;
using SpotifyEtl.Spotify;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Transformation;

/// <summary>The S3 path: each run of a day kept as one fragment under <c>staging/</c>, the day published from every fragment.</summary>
public sealed partial class TransformPipeline
{
    /// <summary>
    /// Whether a failure met folding a run no event named is that run's alone (a page or manifest refused), which the day is
    /// published without: not a stop, nor memory run out, which are the invocation's, and a day published without the run
    /// for them would look whole.
    /// </summary>
    private static bool IsTheRunsOwn(Exception exception) => exception is not OperationCanceledException && !ExceptionChain.RanOutOfMemory(exception);

    /// <summary>
    /// How long an extraction may still be landing pages: Lambda ends every invocation within 15 minutes. A run that
    /// started longer ago has ended, whether or not it wrote its manifest.
    /// </summary>
    private static readonly TimeSpan LongestExtraction = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Each touched run's fragment rebuilt from its own raw objects, and that of any ended run of the day that has none,
    /// then the day published from every fragment. A fragment is rebuilt only from a whole run: a run whose manifest
    /// names raw objects that are gone keeps the fragment built while they were there (<see cref="IncompleteRun"/>), so
    /// a replay after the snapshots expired changes no table.
    /// </summary>
    private async Task<DayResult> TransformStagedAsync(FoldBoard folds, DateOnly date, SortedSet<string> runs, CancellationToken cancellationToken)
    {
        // Each fragment is written, then its run's raw objects are listed again: one that changed meanwhile (a page
        // landed, an object rewritten in place) is folded again. Whoever writes a fragment last has listed after its
        // write, so a stale fragment written over a newer one is always followed by its writer's own repair.
        var day = await ListDayAsync(date, cancellationToken).ConfigureAwait(false);
        var named = runs;
        var prefix = LakeLayout.FragmentPrefix(date);
        var staged = (await ListFragmentsAsync(prefix, cancellationToken).ConfigureAwait(false)).Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
        // A run of the day with raw objects and no fragment is folded too: its extraction stopped before writing the
        // manifest, so no event named it (the next run lands the data again, under its own id). Not while it may still be
        // landing: its manifest's event will come, and a fragment of half its pages would stand should it stop after all.
        runs = new SortedSet<string>(runs.Concat(day.Select(v => RunOf(v.Key)).OfType<string>()
            .Where(run => !staged.Contains(LakeLayout.FragmentKey(date, run)) && HasEnded(run))), StringComparer.Ordinal);
        // A run with a fragment and no raw object left in the day (removed by hand, or moved under another key) is rebuilt
        // from what there is, nothing, so its rows leave the day; unless its manifest names the objects that are gone
        // (expired), which keeps the fragment built while they were there.
        var withObjects = day.Select(v => RunOf(v.Key)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        runs.UnionWith(staged.Select(key => LakeLayout.FragmentRun(prefix, key)).Where(run => !withObjects.Contains(run)));
        var reportsByRun = new SortedDictionary<string, List<TransformReport>>(StringComparer.Ordinal);
        var incomplete = new SortedDictionary<string, IncompleteRun>(StringComparer.Ordinal);
        var unfolded = new SortedDictionary<string, UnfoldedRun>(StringComparer.Ordinal);
        IEnumerable<string> stale = runs;
        for (var round = 1; ; round++)
        {
            // Runs of which an object read was not the one listed: no fragment from them this round, and they are read again.
            var rewritten = new HashSet<string>(StringComparer.Ordinal);
            foreach (var run in stale)
            {
                var versions = RunVersions(day, run).ToList();
                List<string> missing;
                try
                {
                    missing = await RunManifests.MissingAsync(raw, lake, date, run, versions, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (!named.Contains(run) && IsTheRunsOwn(exception))
                {
                    // Its manifest refused (a run uploaded again by hand under a key the role may not use): as a page refused below.
                    unfolded[run] = Unfolded(date, run, exception);
                    continue;
                }
                // A fragment this invocation did not write: one built while the run was whole, or with nothing better to go on.
                var keep = missing.Count > 0 && staged.Contains(LakeLayout.FragmentKey(date, run));
                if (missing.Count > 0)
                {
                    incomplete[run] = new IncompleteRun(date, run, missing, keep);
                }
                else
                {
                    incomplete.Remove(run);
                }
                if (keep)
                {
                    reportsByRun.Remove(run);
                    continue;
                }
                SnapshotTables tables;
                List<TransformReport> reports;
                bool asListed;
                try
                {
                    (tables, reports, asListed) = await FoldAsync(folds, date, versions, cancellationToken).ConfigureAwait(false);
                    unfolded.Remove(run);
                }
                catch (Exception exception) when (!named.Contains(run) && IsTheRunsOwn(exception))
                {
                    // Not this invocation's run: its failure fails its own event (retried, then dead-lettered), not every later one of the day.
                    unfolded[run] = Unfolded(date, run, exception);
                    continue;
                }
                if (!asListed)
                {
                    rewritten.Add(run);
                    continue;
                }
                // The report first: it names what the fragment is built from, which a run without a manifest is later judged by
                // (RunManifests), and a fragment without its report, should the invocation end between the two, is not folded
                // again. A report without its fragment keeps nothing. The fragment's bytes are made first, so that no read of the
                // run's rows follows an await: this method would hold them in its state until the day ends (DayStateTests).
                var fragment = RunFragments.Compress(tables.ToFragment());
                await SaveReportsAsync(SerializeReports(date, reports), cancellationToken).ConfigureAwait(false);
                await lake.PutBytesAsync(LakeLayout.FragmentKey(date, run), fragment, "application/gzip", cancellationToken).ConfigureAwait(false);
                // Written from a whole run or not, it now stands: a later round that finds objects of the run gone keeps it.
                staged.Add(LakeLayout.FragmentKey(date, run));
                reportsByRun[run] = reports;
            }
            var now = await ListDayAsync(date, cancellationToken).ConfigureAwait(false);
            var changed = runs.Where(run => rewritten.Contains(run) || !RunVersions(now, run).SequenceEqual(RunVersions(day, run))).ToList();
            day = now;
            if (changed.Count == 0)
            {
                break;
            }
            CheckRounds(round, $"the raw objects of {date:yyyy-MM-dd}");
            stale = changed;
        }
        var objects = reportsByRun.Values.SelectMany(reports => reports).ToList();

        var fragments = await ListFragmentsAsync(prefix, cancellationToken).ConfigureAwait(false);
        for (var round = 1; ; round++)
        {
            // Nothing is published from a fragment read that was not the one listed.
            Dictionary<string, int>? partitions = null;
            IReadOnlyList<PartialPlaylist> partial = [];
            if (await RunFragments.ReadAsync(lake, fragments, cancellationToken).ConfigureAwait(false) is { } read)
            {
                (partitions, partial) = await PublishAsync(Absorbed(date, read), cancellationToken).ConfigureAwait(false);
            }
            var now = await ListFragmentsAsync(prefix, cancellationToken).ConfigureAwait(false);
            if (partitions is not null && now.SequenceEqual(fragments))
            {
                return new DayResult(objects, partitions) { Incomplete = [.. incomplete.Values], Partial = partial, Unfolded = [.. unfolded.Values] };
            }
            CheckRounds(round, $"the run fragments of {date:yyyy-MM-dd}");
            fragments = now;
        }
    }

    /// <summary>The day's tables, its runs' fragments folded together: made in the call that publishes them, held by no local of the day's method.</summary>
    private static SnapshotTables Absorbed(DateOnly date, SnapshotTables[] fragments)
    {
        var tables = new SnapshotTables(date);
        foreach (var fragment in fragments)
        {
            tables.Absorb(fragment);
        }
        return tables;
    }

    /// <summary>
    /// The replayed days that no raw key of the batch names but that have run fragments: each is transformed with no run
    /// of its own, so that every fragment whose raw objects are gone is rebuilt from nothing. A replayed day with neither
    /// (a date typed wrong) is left alone, with no empty partition written for it.
    /// </summary>
    private async Task AddEmptiedDaysAsync(SortedDictionary<DateOnly, SortedSet<string>> runsByDate, IEnumerable<DateOnly> replayedDays, CancellationToken cancellationToken)
    {
        if (!_options.StageRuns)
        {
            return;
        }
        foreach (var date in replayedDays.Where(date => !runsByDate.ContainsKey(date)).Distinct())
        {
            if ((await ListFragmentsAsync(LakeLayout.FragmentPrefix(date), cancellationToken).ConfigureAwait(false)).Count > 0)
            {
                runsByDate[date] = new SortedSet<string>(StringComparer.Ordinal);
            }
        }
    }

    /// <summary>
    /// The raw objects of a day a replay transforms: every run's but one that may still be landing (started within the
    /// longest extraction, and no manifest yet). A fragment of half its pages would stand for it until its manifest's
    /// event comes, or for good should it stop before writing one; that event folds it, or, once it can no longer be
    /// running, the day's next transform.
    /// </summary>
    public async Task<List<ObjectVersion>> ListDayToReplayAsync(DateOnly date, CancellationToken cancellationToken = default)
    {
        var day = await ListDayAsync(date, cancellationToken).ConfigureAwait(false);
        var landing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var run in day.Select(v => RunOf(v.Key)).OfType<string>().Distinct(StringComparer.Ordinal).Where(run => !HasEnded(run)))
        {
            if (!await raw.ExistsAsync(ExtractionManifest.KeyFor(run), cancellationToken).ConfigureAwait(false))
            {
                landing.Add(run);
            }
        }
        return day.Where(v => RunOf(v.Key) is not { } run || !landing.Contains(run)).ToList();
    }

    /// <summary>
    /// Whether a run can no longer be landing pages: it started at least the longest extraction ago. A run id that is no
    /// time (20261120T246000Z), or a time later than the longest extraction from now, was written by no running
    /// extraction (a key made by hand, a clock far off): it is transformed as an ended run, never waited for.
    /// </summary>
    private bool HasEnded(string run)
    {
        if (RawObjectKey.ParseRunId(run) is not { } start)
        {
            return true;
        }
        var since = _options.Time.GetUtcNow() - start;
        return since >= LongestExtraction || since <= -LongestExtraction;
    }

    /// <summary>
    /// A day's run fragments: only keys this tool writes (<c>{runId}.json.gz</c>), so that anything else left under the
    /// prefix (the S3 console's zero-byte "folder", a copy made by hand) is not read as a fragment and cannot fail the day.
    /// </summary>
    private async Task<List<ObjectVersion>> ListFragmentsAsync(string prefix, CancellationToken cancellationToken) =>
        (await ListAsync(lake, prefix, cancellationToken).ConfigureAwait(false))
        .Where(version => LakeLayout.IsFragmentKey(prefix, version.Key)).ToList();

    private static IEnumerable<ObjectVersion> RunVersions(List<ObjectVersion> day, string run) => day.Where(v => RunOf(v.Key) == run);

    /// <summary>A run of the day no event of this invocation named, left unread: what failed, with the request S3 refused when it was one.</summary>
    private static UnfoldedRun Unfolded(DateOnly date, string run, Exception exception) =>
        new(date, run, S3ObjectStore.RequestOf(exception) is { } request ? $"{request}: {exception.Message}" : exception.Message);
}
