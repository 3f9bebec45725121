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
/// <para>
/// A <c>transform --input</c> also names its input (a line <c>landing &lt;path, escaped as in a URI&gt;</c>) before it copies
/// the first file into the lake, and takes it off once every file is there. One stopped while landing leaves the lake
/// holding some of the input's pages and not others, which no transform of the lake alone can mend: the warning names the
/// <c>--input</c> run that finishes it, and a transform in place says its days may lack pages.
/// </para>
/// <para>
/// <c>spotify-etl current</c> writes a file of its own (<c>state/unfinished-current.txt</c>) before it rewrites the first
/// digest, and removes it once every current-state table is written: one stopped partway leaves some tables rebuilt and
/// others not, and some months' digests new and others old, which only another <c>current</c> mends. A file of its own, so
/// that an earlier version, which reads and rewrites this one, neither misreads nor drops it. A transform with
/// <c>--no-current-tables</c> writes the same file (<c>behind</c>) before its first table: the days it writes are not in the
/// current-state tables, and a later transform brings in only those of its own months; <c>current</c> brings in every one.
/// </para>
/// </summary>
internal static class UnfinishedTransform
{
    private const string FileName = "unfinished-transform.txt";

    public static string PathOf(string lake) => Path.Combine(lake, LakeLayout.State, FileName);

    private const string LandingLine = "landing ";

    private static string CurrentPathOf(string lake) => Path.Combine(lake, LakeLayout.State, "unfinished-current.txt");

    /// <summary>
    /// Adds <paramref name="days"/> to the lake's unfinished days, before a transform writes any of them; and, in the same
    /// write, takes off the input <paramref name="landed"/> whole, whose days they are.
    /// </summary>
    public static void Begin(string lake, IEnumerable<DateOnly> days, string? landed = null)
    {
        var unfinished = Read(lake) ?? new Unfinished();
        unfinished.Days.UnionWith(days);
        if (landed is not null)
        {
            unfinished.Landings.Remove(landed);
        }
        Write(lake, unfinished, begun: true);
    }

    /// <summary>Takes the days a transform wrote whole off the lake's unfinished days; the file goes with the last of them and of its landings.</summary>
    public static void End(string lake, IEnumerable<DateOnly> days)
    {
        if (Read(lake) is { } unfinished)
        {
            unfinished.Days.ExceptWith(days);
            Write(lake, unfinished);
        }
    }

    /// <summary>Names <paramref name="input"/> as landing, before its first file is copied into the lake; whether the file was there before.</summary>
    public static bool BeginLanding(string lake, string input)
    {
        var before = Read(lake);
        var unfinished = before ?? new Unfinished();
        unfinished.Landings.Add(input);
        Write(lake, unfinished, begun: true);
        return before is not null;
    }

    /// <summary>
    /// Takes <paramref name="input"/> off when it landed nothing to transform: the file goes with it if it was not there before
    /// the landing began, and stays, naming what it named, if it was.
    /// </summary>
    public static void EndLanding(string lake, string input, bool wasThere)
    {
        if (Read(lake) is { } unfinished && unfinished.Landings.Remove(input))
        {
            Write(lake, unfinished, begun: wasThere);
        }
    }

    /// <summary>Names a rebuild of the current-state tables as under way, before its first write (on the disk before it goes on).</summary>
    public static void BeginCurrent(string lake) => DurableFile.Replace(CurrentPathOf(lake), "current\n"u8);

    /// <summary>
    /// Names the current-state tables as behind the days' tables, before a transform that does not update them writes its first
    /// day; a rebuild already named stays named as one. A lake with none of them is not named: its answers compute them from
    /// the partitions, and say so.
    /// </summary>
    public static void BeginBehind(string lake)
    {
        if (ReadMark(CurrentPathOf(lake)) is null
            && SpotifyEtl.Transformation.Current.CurrentTables.All.Any(table => Directory.Exists(Path.Combine(lake, LakeLayout.Transformed.TrimEnd('/'), table))))
        {
            DurableFile.Replace(CurrentPathOf(lake), BehindMark);
        }
    }

    private static ReadOnlySpan<byte> BehindMark => "behind\n"u8;

    /// <summary>Whether the current-state tables are named as behind or part-rebuilt.</summary>
    public static bool CurrentBehind(string lake) => ReadMark(CurrentPathOf(lake)) is not null;

    /// <summary>The days an earlier transform set out to write and did not finish, in order.</summary>
    public static IReadOnlyList<DateOnly> Days(string lake) => [.. Read(lake)?.Days ?? []];

    /// <summary>Takes the rebuild off once every current-state table is written.</summary>
    public static void EndCurrent(string lake) => File.Delete(CurrentPathOf(lake));

    /// <summary>The inputs a <c>transform --input</c> stopped landing, in the order of their paths.</summary>
    public static IReadOnlyList<string> Landings(string lake) => [.. Read(lake)?.Landings ?? []];

    /// <summary>What to say of inputs whose landing stopped partway, and what to run: for a warning of its own or after another.</summary>
    public static string LandingWarning(string lake, IReadOnlyList<string> landings) =>
        $"a 'transform --input' stopped while copying {(landings.Count == 1 ? $"the raw files of {landings[0]}" : $"the raw files of {landings.Count} inputs ({string.Join(", ", landings)})")} " +
        "into this lake: the lake holds some of them and not others, so the days they hold may be missing pages in every table. " +
        $"Run {string.Join(" and ", landings.Select(input => $"'spotify-etl transform --input {ShellWord.Of(input)} --lake {ShellWord.Of(lake)}'"))} to finish it; " +
        $"if {(landings.Count == 1 ? "that input is" : "those inputs are")} gone, remove {ShellWord.Of(PathOf(lake))} to take the lake as it is " +
        "(the days it names as unfinished go with it: transform the lake after).";

    /// <summary>The warning for a lake whose last transform or <c>current</c> did not finish; null for one whose every one did.</summary>
    public static string? Warning(string lake, bool ofCurrentTables = true)
    {
        var tables = string.Join(", ", SpotifyEtl.Transformation.Current.CurrentTables.All);
        var current = !ofCurrentTables ? null : ReadMark(CurrentPathOf(lake)) switch
        {
            null => null,
            var mark when mark.StartsWith("behind", StringComparison.Ordinal) =>
                $"a transform with --no-current-tables wrote days that this lake's current-state tables ({tables}) may not hold (a later transform " +
                $"brings in only those of its own months): answers from those tables may be an earlier state's. Run 'spotify-etl current --lake {ShellWord.Of(lake)}' to bring them up to date.",
            _ => $"the last 'spotify-etl current' of this lake did not finish: its current-state tables ({tables}) " +
                 $"may be part-rebuilt, some of them an earlier state's. Run 'spotify-etl current --lake {ShellWord.Of(lake)}' to finish it.",
        };
        if (Read(lake) is not { } unfinished)
        {
            return current;
        }
        if (unfinished.Landings.Count > 0)
        {
            return LandingWarning(lake, [.. unfinished.Landings]);
        }
        var days = unfinished.Days;
        var which = days.Count switch
        {
            0 => "",
            1 => $" (it was to write {days.Min:yyyy-MM-dd})",
            _ => $" (it was to write {days.Count} days, {days.Min:yyyy-MM-dd} to {days.Max:yyyy-MM-dd})",
        };
        return $"a transform of this lake did not finish{which}: those days' tables may be missing or part-written, its current-state " +
               $"tables may be an earlier run's, and answers leave out what they lack. Run 'spotify-etl transform --lake {ShellWord.Of(lake)}' to finish it." +
               (current is null ? "" : $" Then: {current}");
    }

    /// <summary>What the file names: the days not yet written whole, and the inputs not yet landed whole.</summary>
    private sealed class Unfinished
    {
        public SortedSet<DateOnly> Days { get; } = [];

        public SortedSet<string> Landings { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>The unfinished days and landings, empty when the file names none it can read; null when there is no file.</summary>
    private static Unfinished? Read(string lake)
    {
        if (ReadMark(PathOf(lake)) is not { } text)
        {
            return null;
        }
        var unfinished = new Unfinished();
        foreach (var line in text.Split('\n').Select(line => line.TrimEnd('\r')))
        {
            if (line.StartsWith(LandingLine, StringComparison.Ordinal))
            {
                unfinished.Landings.Add(Uri.UnescapeDataString(line[LandingLine.Length..]));
            }
            else if (DateOnly.TryParseExact(line.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                unfinished.Days.Add(day);
            }
        }
        return unfinished;
    }

    /// <summary>
    /// A lake's mark of an unfinished run (this one's, or an import's), whole; null where there is none. A folder in its place
    /// is named as one (<see cref="EntryInTheWayException"/>): .NET calls reading it "access denied", which no permission mends.
    /// </summary>
    internal static string? ReadMark(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(path))
        {
            throw new EntryInTheWayException(path);
        }
    }

    /// <param name="begun">Written even when it names nothing: a run under way whose days are unknown is unfinished too.</param>
    private static void Write(string lake, Unfinished unfinished, bool begun = false)
    {
        var path = PathOf(lake);
        if (!begun && unfinished.Days.Count == 0 && unfinished.Landings.Count == 0)
        {
            File.Delete(path);
            return;
        }
        // Whole or not at all: a file cut short would name fewer days than were left unfinished. Flushed before its move, as the
        // extraction state is: a power cut is what leaves tables part-written, and the file must outlast it to say so. A path
        // is escaped as in a URI, so that one holding a line break stays one line.
        var lines = unfinished.Days.Select(day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
            .Concat(unfinished.Landings.Select(input => LandingLine + Uri.EscapeDataString(input)));
        DurableFile.Replace(path, Encoding.UTF8.GetBytes(string.Concat(lines.Select(line => line + "\n"))));
    }
}
