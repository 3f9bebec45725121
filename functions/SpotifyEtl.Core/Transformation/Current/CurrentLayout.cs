using System.Globalization;
using SpotifyEtl.Lake;

namespace SpotifyEtl.Transformation.Current;

/// <summary>
/// Where the current-state tables are built from, under <c>staging/current/</c>: one digest per day (the
/// day's dimension rows, written with its partitions) and one per month (the latest row per id among
/// its days). The tables are built from the months, a month from its days: each step reads a bounded
/// number of small objects, however many days the lake holds.
/// </summary>
public static class CurrentLayout
{
    public const string Prefix = LakeLayout.Staging + "current/";
    public const string Days = Prefix + "days/";
    public const string Months = Prefix + "months/";

    /// <summary>
    /// Written once every day with partitions had a day digest in this layout (a lake that began with this
    /// version, or one whose earlier days were given theirs): until then each transform looks for days
    /// without one. Deleting it makes the next transform look again.
    /// </summary>
    public const string Complete = Prefix + "digests-complete.txt";

    /// <summary>
    /// Written by the first search for days without a digest, with the time it began: an earlier version's
    /// invocation still running through the upgrade can write a day after that search listed the partitions, so
    /// the lake is marked <see cref="Complete"/> only by a search that begins once no such invocation can be left.
    /// Once the lake is complete it is written over without its time (on S3 no role may delete it), so that deleting that
    /// marker starts both searches again.
    /// </summary>
    public const string Searched = Prefix + "digests-searched.txt";

    /// <summary><c>staging/current/days/yyyy-MM/</c>: the digests of one month's days.</summary>
    public static string DaysOf(DateOnly month) => string.Create(CultureInfo.InvariantCulture, $"{Days}{month:yyyy-MM}/");

    /// <summary><c>staging/current/days/yyyy-MM/snapshot_date=yyyy-MM-dd.digest</c>.</summary>
    public static string DayKey(DateOnly date) => $"{DaysOf(date)}{LakeLayout.SnapshotSegment(date)}{Digest.Extension}";

    /// <summary><c>staging/current/months/yyyy-MM.digest</c>.</summary>
    public static string MonthKey(DateOnly month) => string.Create(CultureInfo.InvariantCulture, $"{Months}{month:yyyy-MM}{Digest.Extension}");
}
