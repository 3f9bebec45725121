using SpotifyEtl.Lake;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// One lake, one table format: tables of both formats side by side make the queries that read them fail
/// later, far from the command that caused it. A transform, an import or a rebuild of the current-state
/// tables in the other format is refused up front.
/// </summary>
internal static class LakeFormat
{
    /// <summary>
    /// The tables a transform writes, whose format is the lake's: the daily ones and the current-state ones. The listening
    /// history, which an import writes, says which only in a lake without them.
    /// </summary>
    private static readonly string[] Written = [.. TableNames.Published, .. Transformation.Current.CurrentTables.All];

    /// <summary>
    /// A table's newest files: of a daily table (or the history), the table's file in its last partition by name (the newest
    /// day or month) that has one, or both files should that partition hold both; of a current-state table, its file.
    /// </summary>
    private static List<(string Path, TableFormat Format)> Newest(string transformed, string table)
    {
        var folder = Path.Combine(transformed, table);
        if (!Directory.Exists(folder))
        {
            return [];
        }
        IEnumerable<string> folders = Transformation.Current.CurrentTables.All.Contains(table)
            ? [folder]
            : Directory.EnumerateDirectories(folder).Where(d => Path.GetFileName(d).Contains('=', StringComparison.Ordinal)).OrderDescending(StringComparer.Ordinal);
        foreach (var partition in folders)
        {
            var found = Enum.GetValues<TableFormat>().Select(f => (Path: Path.Combine(partition, table + f.Extension()), Format: f))
                .Where(f => File.Exists(f.Path)).ToList();
            if (found.Count > 0)
            {
                return found;
            }
        }
        return [];
    }

    /// <summary>
    /// The format of the lake's tables; null for a lake with none yet. Each table the transform writes says its newest
    /// file's format (no walk of every partition), in a fixed order, so any file system gives the same answer; when they
    /// disagree the lake holds both formats, and the command is refused with the files that do.
    /// </summary>
    public static TableFormat? Of(DirectoryInfo lake) => Formats(lake) switch
    {
        { Count: 0 } => null,
        [var one] => one.Format,
        var both => throw new CliException(ExitCodes.Usage,
            $"The lake {lake.FullName} holds tables of both formats ({Shown(lake, both[0])}, {Shown(lake, both[^1])}), and one lake holds one: " +
            "run again with --format parquet or --format csv, the one to keep; 'spotify-etl transform' with it writes every day's tables " +
            "and the current-state ones in it and deletes their files of the other format."),
    };

    /// <summary>Whether the lake's newest tables are of both formats: a command that writes tables then needs --format.</summary>
    public static bool HoldsBoth(DirectoryInfo lake) => Formats(lake).Count > 1;

    /// <summary>The formats of the lake's newest table files, each with the first file found of it: none, one, or both.</summary>
    private static List<(string Path, TableFormat Format)> Formats(DirectoryInfo lake)
    {
        var transformed = Path.Combine(lake.FullName, LakeLayout.Transformed.TrimEnd('/'));
        if (!Directory.Exists(transformed))
        {
            return [];
        }
        var newest = Written.SelectMany(table => Newest(transformed, table)).ToList();
        if (newest.Count == 0)
        {
            newest = Newest(transformed, TableNames.ListeningHistory);
        }
        return newest.GroupBy(f => f.Format).Select(g => g.First()).OrderBy(f => f.Format).ToList();
    }

    private static string Shown(DirectoryInfo lake, (string Path, TableFormat Format) file) =>
        $"{Path.GetRelativePath(lake.FullName, file.Path).Replace(Path.DirectorySeparatorChar, '/')} is {file.Format.ToString().ToLowerInvariant()}";

    /// <summary>
    /// The --format given, else the lake's own, else the option's default (Parquet) for a lake with no tables yet. A lake of
    /// both formats takes the one given (writing it in that one mends it) and refuses to choose one itself.
    /// </summary>
    public static TableFormat Chosen(System.CommandLine.ParseResult parse, System.CommandLine.Option<TableFormat> option, DirectoryInfo lake) =>
        Given(parse, option) || !lake.Exists ? parse.GetValue(option) : Of(lake) ?? parse.GetValue(option);

    /// <summary>Whether --format was given: a format the lake's own does not override.</summary>
    public static bool Given(System.CommandLine.ParseResult parse, System.CommandLine.Option<TableFormat> option) =>
        parse.GetResult(option) is { Implicit: false };

    /// <summary>
    /// The format to write, decided again once the lake's tables are this process's alone (<see cref="LakeLock.EnterWriter"/>):
    /// a process that wrote tables after <paramref name="format"/> was chosen, while this one waited or just before it took
    /// the lock, may have given the lake its format. A format given must still be the lake's (else refused, as before the
    /// wait); one not given becomes the lake's own, if it now has one.
    /// </summary>
    public static TableFormat Settled(DirectoryInfo lake, TableFormat format, bool given)
    {
        var settled = given ? format : Of(lake) ?? format;
        Check(lake, settled);
        return settled;
    }

    public static void Check(DirectoryInfo lake, TableFormat format)
    {
        if (Formats(lake) is [var one] && one.Format != format)
        {
            var name = one.Format.ToString().ToLowerInvariant();
            throw new CliException(ExitCodes.Usage,
                $"The lake {lake.FullName} holds {name} tables, and one lake holds one format: run again with --format {name}, " +
                $"or write into a new --lake.");
        }
    }
}
