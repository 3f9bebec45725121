using System.Globalization;
using System.Text;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// The snapshot dates a transform of a local lake set out to write and did not finish (<c>state/unfinished-transform.txt</c>,
/// one date a line): written before its first table, taken off when it ends, so a transform interrupted, killed or stopped by
/// a full disk leaves it behind. The lake's tables then hold some of those days, part of one, or none, and its current-state
/// tables the run before's: <c>query</c>, <c>report</c> and <c>current</c> say so and what to run, rather than answer from
/// them as if whole. A transform of the whole lake, or of those days, takes it off.
/// </summary>
internal static class UnfinishedTransform
{
    private const string FileName = "unfinished-transform.txt";

    public static string PathOf(string lake) => Path.Combine(lake, LakeLayout.State, FileName);

    /// <summary>Adds <paramref name="days"/> to the lake's unfinished days, before a transform writes any of them.</summary>
    public static void Begin(string lake, IEnumerable<DateOnly> days) => Write(lake, Read(lake) ?? [], days, add: true);

    /// <summary>Takes the days a transform wrote whole off the lake's unfinished days; the file goes with the last of them.</summary>
    public static void End(string lake, IEnumerable<DateOnly> days)
    {
        if (Read(lake) is { } unfinished)
        {
            Write(lake, unfinished, days, add: false);
        }
    }

    /// <summary>The warning for a lake whose last transform did not finish; null for one whose every transform did.</summary>
    public static string? Warning(string lake)
    {
        if (Read(lake) is not { } days)
        {
            return null;
        }
        var which = days.Count switch
        {
            0 => "",
            1 => $" (it was to write {days.Min:yyyy-MM-dd})",
            _ => $" (it was to write {days.Count} days, {days.Min:yyyy-MM-dd} to {days.Max:yyyy-MM-dd})",
        };
        return $"the last transform of this lake did not finish{which}: those days' tables may be missing or part-written, its current-state " +
               $"tables may be an earlier run's, and answers leave out what they lack. Run 'spotify-etl transform --lake {ShellWord.Of(lake)}' to finish it.";
    }

    /// <summary>The unfinished days, empty when the file names none it can read; null when there is no file.</summary>
    private static SortedSet<DateOnly>? Read(string lake)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(PathOf(lake));
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        var days = new SortedSet<DateOnly>();
        foreach (var line in lines)
        {
            if (DateOnly.TryParseExact(line.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                days.Add(day);
            }
        }
        return days;
    }

    private static void Write(string lake, SortedSet<DateOnly> unfinished, IEnumerable<DateOnly> days, bool add)
    {
        var path = PathOf(lake);
        if (add)
        {
            unfinished.UnionWith(days);
        }
        else
        {
            unfinished.ExceptWith(days);
            if (unfinished.Count == 0)
            {
                File.Delete(path);
                return;
            }
        }
        // Whole or not at all: a file cut short would name fewer days than were left unfinished. Flushed before its move, as the
        // extraction state is: a power cut is what leaves tables part-written, and the file must outlast it to say so.
        DurableFile.Replace(path, Encoding.UTF8.GetBytes(string.Concat(unfinished.Select(day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "\n"))));
    }
}
