using System.Globalization;
using System.Text;
using SpotifyEtl.Lake;

namespace SpotifyEtl.Transformation.Current;

/// <summary>
/// A lake some of whose days were written by a version of this tool that wrote no day digest, or wrote it in
/// an earlier layout (gzip JSON): the current-state tables must still be the latest rows of every day's
/// partition. Until <see cref="CurrentLayout.Complete"/> exists, each update first gives every day that has
/// partitions but no day digest its digest, read from its partitions, and rebuilds those days' months (and
/// any month whose days have digests but which has none). Once that has succeeded the marker is written, and
/// an update costs one request more than the rebuild itself (the marker's HEAD): every day this version
/// writes gets its digest with its partitions.
/// </summary>
public sealed partial class CurrentStatePublisher
{
    private const string EarlierLayout = ".json.gz";

    /// <summary>
    /// The months to rebuild besides the batch's, once each day with partitions has its digest; null on a lake
    /// known to be complete. The gzip JSON digests of the earlier layout, which nothing reads, are deleted.
    /// </summary>
    private async Task<HashSet<DateOnly>?> CompleteAsync(CancellationToken cancellationToken)
    {
        if (await lake.ExistsAsync(CurrentLayout.Complete, cancellationToken).ConfigureAwait(false))
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
        return rebuild;
    }

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
        using var text = new MemoryStream(Encoding.UTF8.GetBytes(
            "Every day with partitions in this lake had its current-state digest when this file was written. " +
            "Delete it to have the next transform look for days without one again.\n"));
        await lake.PutAsync(CurrentLayout.Complete, text, "text/plain; charset=utf-8", cancellationToken).ConfigureAwait(false);
    }
}
