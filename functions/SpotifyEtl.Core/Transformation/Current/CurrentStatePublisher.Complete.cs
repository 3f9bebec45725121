using System.Globalization;
using System.Text;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Transformation.Current;

/// <summary>
/// A lake some of whose days were written by a version of this tool that wrote no day digest, or wrote it in
/// an earlier layout (gzip JSON): the current-state tables must still be the latest rows of every day's
/// partition. Until <see cref="CurrentLayout.Complete"/> exists, an update first gives every day that has
/// partitions but no day digest its digest, read from its partitions, and rebuilds those days' months (and
/// any month whose days have digests but which has none). An earlier version's invocation still running
/// through the upgrade (up to Lambda's 15 minutes) can write a day after that search listed the partitions,
/// so the first search writes <see cref="CurrentLayout.Searched"/> with the time it began, updates skip the
/// search while it is younger than <see cref="EarlierWriters"/>, and the first search that begins after that
/// finds such days too and writes the marker. From then on an update costs one request more than the rebuild
/// itself (the marker's HEAD): every day this version writes gets its digest with its partitions.
/// </summary>
public sealed partial class CurrentStatePublisher
{
    private const string EarlierLayout = ".json.gz";
    /// <summary>The line of <see cref="CurrentLayout.Searched"/> that holds when the first search began.</summary>
    internal const string SearchedAt = "searched-at: ";

    /// <summary>Longer than any invocation of an earlier version can run on (Lambda's 15 minutes), with room for clocks.</summary>
    internal static readonly TimeSpan EarlierWriters = TimeSpan.FromMinutes(20);

    /// <summary>What a search for days without a digest found: the months to rebuild, and whether the lake may be marked complete.</summary>
    private sealed record Search(HashSet<DateOnly> Months, bool Confirms, DateTimeOffset Began);

    /// <summary>
    /// The months to rebuild besides the batch's, once each day with partitions has its digest; null on a lake
    /// known to be complete, or searched less than <see cref="EarlierWriters"/> ago. The gzip JSON digests of the
    /// earlier layout, which nothing reads, are deleted.
    /// </summary>
    private async Task<Search?> CompleteAsync(CancellationToken cancellationToken)
    {
        if (await lake.ExistsAsync(CurrentLayout.Complete, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        var began = (time ?? TimeProvider.System).GetUtcNow();
        var searched = await SearchedAtAsync(cancellationToken).ConfigureAwait(false);
        // A time ahead of this clock (written by a machine whose clock was wrong) says nothing of when the first search
        // began, and would put the next search off until then: this search is the first.
        if (searched > began + TimeSpan.FromMinutes(1))
        {
            searched = null;
        }
        if (began - searched < EarlierWriters)
        {
            return null;
        }
        var partitions = await PartitionRows.DaysAsync(lake, cancellationToken).ConfigureAwait(false);
        var days = new HashSet<DateOnly>();
        var months = new HashSet<DateOnly>();
        var leftovers = new List<string>();
        await foreach (var key in lake.ListAsync(CurrentLayout.Prefix, cancellationToken).ConfigureAwait(false))
        {
            if (key.EndsWith(EarlierLayout, StringComparison.Ordinal))
            {
                leftovers.Add(key);
            }
            else if (LakeLayout.SnapshotDateOf(key) is { } day && key == CurrentLayout.DayKey(day))
            {
                days.Add(day);
            }
            else if (key.StartsWith(CurrentLayout.Months, StringComparison.Ordinal) && DateOnly.TryParseExact(
                key[CurrentLayout.Months.Length..].Replace(Digest.Extension, "-01", StringComparison.Ordinal), "yyyy-MM-dd",
                CultureInfo.InvariantCulture, DateTimeStyles.None, out var month))
            {
                months.Add(month);
            }
        }
        var missing = partitions.Where(day => !days.Contains(day)).ToList();
        await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (day, token) => await WriteDayFromPartitionsAsync(day, token).ConfigureAwait(false)).ConfigureAwait(false);
        var rebuild = missing.Select(MonthOf).ToHashSet();
        rebuild.UnionWith(days.Select(MonthOf).Where(month => !months.Contains(month)));
        foreach (var key in leftovers)
        {
            await lake.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        }
        return new Search(rebuild, searched is not null, began);
    }

    /// <summary>When the first search began, from <see cref="CurrentLayout.Searched"/>; null when there is none or it cannot be read.</summary>
    private async Task<DateTimeOffset?> SearchedAtAsync(CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await lake.ReadAllTextAsync(CurrentLayout.Searched, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
        var line = text.Split('\n').FirstOrDefault(line => line.StartsWith(SearchedAt, StringComparison.Ordinal));
        return DateTimeOffset.TryParse(line?[SearchedAt.Length..], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
    }

    /// <summary>Records the first search's start: updates skip the search until a later one can confirm it.</summary>
    private async Task MarkSearchedAsync(DateTimeOffset began, CancellationToken cancellationToken) =>
        await lake.PutTextAsync(CurrentLayout.Searched, string.Create(CultureInfo.InvariantCulture,
            $"Every day with partitions in this lake when the search began had its current-state digest once it ended. A transform after " +
            $"{began + EarlierWriters:u} searches once more, for days an earlier version's invocation wrote meanwhile, then writes " +
            $"{CurrentLayout.Complete[CurrentLayout.Prefix.Length..]}.\n{SearchedAt}{began:O}\n"), "text/plain; charset=utf-8", cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// A day's digest from its partitions, written again while they change under it (a transform of the same
    /// day writing them): the digest's last write is read from the partitions as they stand, which is what that
    /// transform's own digest holds, whichever of the two is written last.
    /// </summary>
    private async Task WriteDayFromPartitionsAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var files = await PartitionRows.ListDayAsync(lake, day, cancellationToken).ConfigureAwait(false);
        for (var round = 1; ; round++)
        {
            // Null when a partition read was not the one listed: nothing is written from it, and the day is read again.
            var state = await PartitionRows.ReadAsync(lake, day, files, cancellationToken).ConfigureAwait(false);
            if (state is not null)
            {
                await WriteDayAsync(day, state, cancellationToken).ConfigureAwait(false);
            }
            var now = await PartitionRows.ListDayAsync(lake, day, cancellationToken).ConfigureAwait(false);
            if (state is not null && now.SequenceEqual(files))
            {
                return;
            }
            if (round >= MaxRounds)
            {
                throw new IOException($"The partitions of {day:yyyy-MM-dd} kept changing during {MaxRounds} readings for its current-state digest; " +
                                      "the invocation fails so that it is retried once writes pause.");
            }
            files = now;
        }
    }

    /// <summary>Records that every day with partitions has its day digest: later updates skip the search (<see cref="CurrentLayout.Complete"/>).</summary>
    public async Task MarkCompleteAsync(CancellationToken cancellationToken)
    {
        // The first search's time goes first (written over: no role may delete it on S3), so that a marker deleted later, to have
        // transforms look again, starts the two searches afresh, not with a time long past that would let one search mark it.
        await lake.PutTextAsync(CurrentLayout.Searched, "The search for days without a current-state digest is over: " +
            $"{CurrentLayout.Complete[CurrentLayout.Prefix.Length..]} says so. Deleting that starts it again.\n", "text/plain; charset=utf-8", cancellationToken).ConfigureAwait(false);
        using var text = new MemoryStream(Encoding.UTF8.GetBytes(
            "Every day with partitions in this lake had its current-state digest when this file was written. " +
            "Delete it to have the next transform look for days without one again.\n"));
        await lake.PutAsync(CurrentLayout.Complete, text, "text/plain; charset=utf-8", cancellationToken).ConfigureAwait(false);
    }
}
