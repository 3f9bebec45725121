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
    /// <summary>Adds the rows per partition of the months rebuilt to <paramref name="partitions"/>; none when no export has been imported.</summary>
    public static async Task FollowAsync(IObjectStore raw, IObjectStore lake, TableFormat format, IEnumerable<DateOnly> days,
        IDictionary<string, int> partitions, CancellationToken cancellationToken)
    {
        var chosen = days.Distinct().ToList();
        if (chosen.Count == 0 || (await HistoryMonthBuilder.ListLandedAsync(raw, cancellationToken).ConfigureAwait(false)).Count == 0)
        {
            return;
        }
        var plays = new SortedDictionary<DateOnly, List<ListeningRow>>();
        foreach (var day in chosen)
        {
            var read = await ApiPlayReader.ReadDayAsync(raw, day, cancellationToken).ConfigureAwait(false);
            plays[day] = read.ByDay.GetValueOrDefault(day) ?? [];
        }
        var staged = await ApiPlayStage.WriteDaysAsync(lake, plays, cancellationToken).ConfigureAwait(false);
        // A play within a day of a month's edge is in the neighbour's window too.
        var months = staged.SelectMany(m => new[] { HistoryMonths.Start(m - 1), m, HistoryMonths.Next(m) }).ToHashSet();
        foreach (var (partition, rows) in await new HistoryMonthBuilder(raw, lake, format).RebuildAsync(months, cancellationToken).ConfigureAwait(false))
        {
            partitions[partition] = rows;
        }
    }
}
