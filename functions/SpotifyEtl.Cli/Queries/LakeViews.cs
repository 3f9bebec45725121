using System.Text.RegularExpressions;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Import;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;
using SpotifyEtl.Transformation.Current;

namespace SpotifyEtl.Cli.Queries;

/// <summary>
/// A local lake seen through DuckDB as Athena sees the transformed bucket: one view per table, named like
/// the Glue table, with the contract's columns in order and types, plus the table's partition column
/// (<c>snapshot_date</c>, or <c>ended_month</c> for the listening history) read from the Hive-style folder
/// names. A current-state table (<c>songs_current</c>, ...) is one file with no partitions: its view reads
/// that file, whose <c>snapshot_date</c> is an ordinary column. A table with no files yet is an empty view
/// with the same columns.
/// </summary>
internal static partial class LakeViews
{
    [GeneratedRegex(@"^snapshot_date=\d{4}-\d{2}-\d{2}$")]
    private static partial Regex DayFolder();

    [GeneratedRegex(@"^ended_month=\d{4}-\d{2}$")]
    private static partial Regex MonthFolder();

    /// <summary>The column a table is partitioned by, and the folder names that hold its partitions; null for a current-state table.</summary>
    private static (string Column, Regex Folder)? PartitionOf(string table) =>
        CurrentTables.Columns.ContainsKey(table) ? null
        : table == TableNames.ListeningHistory ? (HistoryPublisher.PartitionColumn, MonthFolder()) : (StackContract.PartitionColumn, DayFolder());

    /// <summary>
    /// What writes a table's files again from what the lake keeps (the data export for the history, raw/ for the rest): a
    /// command on a local lake; on S3 (<paramref name="onS3"/>: the transformed bucket) the functions. A local lake that keeps
    /// no raw object of the damaged <paramref name="file"/>'s day (only its tables were copied, or that day's raw objects were
    /// moved away) is told so, as a transform would leave the file as it is.
    /// </summary>
    public static string HowToRewrite(string table, bool onS3 = false, string? lake = null, string? file = null) => (onS3, table) switch
    {
        // After an import that stopped, the lake's copies hold only the files that landed: the export itself is what rebuilds it.
        (false, TableNames.ListeningHistory) when lake is not null && Directory.Exists(LocalLake.ExportCopies(lake)) && !ImportUnfinished(lake) =>
            $"import the export's copy the lake keeps, which rebuilds the whole history: spotify-etl import {ShellWord.Of(LocalLake.ExportCopies(lake))} --lake {ShellWord.Of(lake)}",
        (false, TableNames.ListeningHistory) => $"import the data export again ({Command("import EXPORT", lake)}), which rebuilds the whole history.",
        (false, _) when CurrentTables.Columns.ContainsKey(table) => $"rebuild it ({Command("current", lake)}), which writes the current-state tables from every day's partition.",
        (false, _) when lake is not null && file is not null && RawDayMissing(lake, file) is { } day =>
            $"the lake keeps no raw object of {day} to rebuild it from (a transform writes a day's tables from its raw objects under raw/): " +
            "copy the file back from where the lake's tables came from, or move it out of the lake to have the questions answered without it.",
        (false, _) => $"transform again ({Command("transform", lake)}), which rebuilds every day from raw/.",
        (true, TableNames.ListeningHistory) => "upload the data export to import/ in the raw bucket again, which rebuilds the whole history.",
        (true, _) when CurrentTables.Columns.ContainsKey(table) => "replay any day with the transform function ({\"replay_dates\": [\"yyyy-MM-dd\"]}), " +
                                                                   "which rebuilds the current-state tables.",
        (true, _) => "replay the file's day with the transform function ({\"replay_dates\": [\"yyyy-MM-dd\"]}), which rebuilds that day from raw/.",
    };

    /// <summary>
    /// The day a table file is of (its snapshot_date folder) when the lake's raw/ holds no API response of that day; null when
    /// it holds one, the file is of no day, or raw/ cannot be read (the transform's advice stands).
    /// </summary>
    private static string? RawDayMissing(string lake, string file)
    {
        if (Path.GetFileName(Path.GetDirectoryName(file)) is not { } folder || !DayFolder().IsMatch(folder))
        {
            return null;
        }
        var raw = Path.Combine(lake, LakeLayout.Raw);
        try
        {
            var held = Directory.Exists(raw) && Directory.EnumerateDirectories(raw)
                .Where(source => LakeLayout.Raw + Path.GetFileName(source) + "/" != ExportRawKey.Prefix)
                .Select(source => Path.Combine(source, folder))
                .Any(day => Directory.Exists(day) && Directory.EnumerateFiles(day, "*.json", SearchOption.AllDirectories).Any());
            return held ? null : folder[(folder.IndexOf('=') + 1)..];
        }
        catch (Exception exception) when (LocalEntry.IsEntryFailure(exception))
        {
            return null;
        }
    }

    /// <summary>Whether the lake's last import did not finish; a mark that cannot be read counts as one (its own error names it).</summary>
    private static bool ImportUnfinished(string lake)
    {
        try
        {
            return UnfinishedImport.Read(lake) is not null;
        }
        catch (CliException)
        {
            return true;
        }
    }

    /// <summary>The command line of a verb on the lake, as the user would run it: with the lake's folder where it is known.</summary>
    private static string Command(string verb, string? lake) =>
        $"spotify-etl {verb} --lake {(lake is null ? "DIR" : ShellWord.Of(lake))}";

    /// <summary>What writes every partition of a table of the transformed bucket again: a daily table's, every day's.</summary>
    private static string HowToRewriteAll(string table) => table == TableNames.ListeningHistory || CurrentTables.Columns.ContainsKey(table)
        ? HowToRewrite(table, onS3: true)
        : "replay each day it has a partition of with the transform function ({\"replay_dates\": [\"yyyy-MM-dd\", ...]}), which rebuilds those days from raw/.";

    private static bool IsTableFile(string file) => file.EndsWith(".csv", StringComparison.Ordinal) || file.EndsWith(".parquet", StringComparison.Ordinal);

    /// <summary>
    /// The table's files, <c>transformed/&lt;table&gt;/&lt;partition&gt;=&lt;value&gt;/*.parquet|*.csv</c>, sorted. Every entry
    /// by such a name is listed, a folder or a FIFO as well as a file: what is no regular file is damaged, and named as such
    /// (<see cref="LocalEntry.NotARegularFile"/>), not left out of the table without a word.
    /// </summary>
    public static List<string> TableFiles(string lake, string table) => [.. EnumerateTableFiles(lake, table).Order(StringComparer.Ordinal)];

    /// <summary>
    /// The files <see cref="TableFiles"/> lists, unsorted and found as they are asked for: whether a table has a file, or
    /// how many bytes its first files hold, is known without listing every partition of a long lake.
    /// </summary>
    public static IEnumerable<string> EnumerateTableFiles(string lake, string table)
    {
        var root = Path.Combine(lake, LakeLayout.Transformed.TrimEnd('/'), table);
        if (!Directory.Exists(root))
        {
            return [];
        }
        if (PartitionOf(table) is not { } partition)
        {
            return Directory.EnumerateFileSystemEntries(root).Where(file => Path.GetFileNameWithoutExtension(file) == table && IsTableFile(file));
        }
        return Directory.EnumerateDirectories(root)
            .Where(folder => partition.Folder.IsMatch(Path.GetFileName(folder)) && IsCalendarValue(Path.GetFileName(folder)))
            .SelectMany(folder => Directory.EnumerateFileSystemEntries(folder).Where(IsTableFile));
    }

    /// <summary>
    /// Whether a partition folder's value is a day (or month) of the calendar: <c>snapshot_date=2026-02-30</c>, a copy named by
    /// hand, is no partition of the table, as it is no day of <c>spotify-etl current</c>'s rebuild.
    /// </summary>
    private static bool IsCalendarValue(string folder)
    {
        var value = folder[(folder.IndexOf('=', StringComparison.Ordinal) + 1)..];
        return DateOnly.TryParseExact(value.Length == 7 ? value + "-01" : value, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out _);
    }

    /// <summary>
    /// Whether any table, published or current-state, has a file in the lake: the current-state tables first, a folder
    /// each, where a daily table's first file is under one of its partitions.
    /// </summary>
    public static bool HasTables(string lake) =>
        CurrentTables.Columns.Keys.Concat(TableNames.Columns.Keys).Any(table => EnumerateTableFiles(lake, table).Any());

    /// <summary>
    /// The statement creating one table's view, over its files or over <paramref name="files"/> only (some of them, to
    /// find which one a query fails on, or a few days' partitions), named as the table unless <paramref name="view"/> names it.
    /// </summary>
    public static string CreateView(string lake, string table, IReadOnlyList<(string Name, ColumnType Type)> columns, bool onS3 = false,
        IReadOnlyList<string>? files = null, string? view = null)
    {
        var name = Identifier(view ?? table);
        files ??= TableFiles(lake, table);
        var partition = PartitionOf(table)?.Column;
        // A partition column comes from the folder names; a current-state table has none (its snapshot_date is in the file).
        IEnumerable<string> WithPartition(IEnumerable<string> select) => partition is null ? select : select.Append(partition);
        var hive = partition is null ? "" : $", hive_partitioning = true, hive_types = {{'{partition}': 'VARCHAR'}}";
        if (files.Count == 0)
        {
            var nulls = columns.Select(c => $"CAST(NULL AS {SqlType(c.Type)}) AS {Identifier(c.Name)}");
            nulls = partition is null ? nulls : nulls.Append($"CAST(NULL AS VARCHAR) AS {partition}");
            return $"CREATE OR REPLACE VIEW {name} AS SELECT {string.Join(", ", nulls)} WHERE false";
        }
        if (MixedFormats(lake, table, files, onS3) is { } mixed)
        {
            throw mixed;
        }
        var parquet = files.Count(file => file.EndsWith(".parquet", StringComparison.Ordinal));
        var list = string.Join(", ", files.Select(file => SqlString(GlobLiteral(file))));
        if (parquet > 0)
        {
            // Athena reads Parquet columns by name: so does this view, cast to the contract's types.
            var select = WithPartition(columns.Select(c => $"CAST({Identifier(c.Name)} AS {SqlType(c.Type)}) AS {Identifier(c.Name)}"));
            return $"CREATE OR REPLACE VIEW {name} AS SELECT {string.Join(", ", select)} FROM read_parquet([{list}]{hive})";
        }
        foreach (var file in files)
        {
            CheckHeader(file, table, columns, onS3, lake);
        }
        var types = string.Join(", ", columns.Select(c => $"{SqlString(c.Name)}: {SqlString(SqlType(c.Type))}"));
        // Like OpenCSVSerDe: an empty text field is '' (not NULL); an empty number or boolean is NULL.
        var read = WithPartition(columns.Select(c => c.Type == ColumnType.Text ? $"coalesce({Identifier(c.Name)}, '') AS {Identifier(c.Name)}" : Identifier(c.Name)));
        return $"CREATE OR REPLACE VIEW {name} AS SELECT {string.Join(", ", read)} FROM read_csv([{list}], " +
               $"header = true, delim = ',', quote = '\"', escape = '\"', auto_detect = false, columns = {{{types}}}{hive})";
    }

    /// <summary>
    /// Why a table whose files are of both formats cannot be read (one view reads one format), and what writes it again in
    /// one; null when its files are of one format. Writing a table again deletes its files of the other format.
    /// </summary>
    public static LakeException? MixedFormats(string lake, string table, IReadOnlyList<string> files, bool onS3 = false)
    {
        var parquet = files.Count(file => file.EndsWith(".parquet", StringComparison.Ordinal));
        if (parquet == 0 || parquet == files.Count)
        {
            return null;
        }
        return new LakeException($"Table '{table}' holds both Parquet and CSV files under {LakeLayout.Transformed}{table}/, and one table is read in one format. " +
                                 (onS3
                                     ? $"Write it again in the stack's tableFormat, which deletes its files of the other format: {HowToRewriteAll(table)}"
                                     : $"Write it again in the lake's format, which deletes its files of the other format: {HowToRewrite(table, onS3, lake)}" +
                                       FormatToKeep(lake, parquet * 2 >= files.Count)),
            table);
    }

    /// <summary>
    /// When the table's other-format files are among the lake's newest, the lake has no format of its own, and the command
    /// that writes the table again refuses to run without --format: the format to keep is named, most of the table's first.
    /// </summary>
    private static string FormatToKeep(string lake, bool mostlyParquet)
    {
        if (!SpotifyEtl.Cli.Shell.LakeFormat.HoldsBoth(new DirectoryInfo(lake)))
        {
            return "";
        }
        var (most, other) = mostlyParquet ? ("parquet", "csv") : ("csv", "parquet");
        return $" The lake's newest tables are of both formats, so give that command --format {most} (most of the table's files) " +
               $"or --format {other}: the format to keep.";
    }

    /// <summary>
    /// Athena maps CSV fields to columns by position and skips the header unread, so a file whose header
    /// differs from the contract would shift values silently: refuse it, naming the file.
    /// </summary>
    private static void CheckHeader(string file, string table, IReadOnlyList<(string Name, ColumnType Type)> columns, bool onS3, string lake)
    {
        var expected = string.Join(',', columns.Select(c => c.Name));
        // As far as a matching header and its line break go, not a whole first line: a file that is not a table may have none.
        StreamReader opened;
        try
        {
            opened = new StreamReader(file);
        }
        catch (UnauthorizedAccessException)
        {
            // Named as DuckDB's refusal of a Parquet file is: the table's questions fail, the others are answered.
            throw LakeException.NotReadable(table, LakeLayout.Transformed + Path.GetRelativePath(Path.Combine(lake, LakeLayout.Transformed), file)
                .Replace(Path.DirectorySeparatorChar, '/'));
        }
        using var reader = opened;
        var start = new char[expected.Length + 3];
        var text = start.AsSpan(0, reader.ReadBlock(start));
        var end = text.IndexOfAny('\r', '\n');
        var header = (end < 0 ? text : text[..end]).ToString().TrimStart('\uFEFF');
        if (header != expected)
        {
            // The header is the file's bytes, whatever they are (a binary file, an escape sequence): shown safe and short.
            var shown = ShownText.Of(header, HeaderShown);
            shown += end < 0 && text.Length == start.Length && !shown.EndsWith('…') ? "…" : "";
            // What rewrites the table is named, for the table it is: a transform does not rewrite listening_history.
            var what = text.Length == 0
                ? $"{file} is empty, with no header, where a file of table '{table}' starts with its columns ('{expected}'): Athena would read no rows from it. "
                : $"{file}: header '{shown}' does not match the columns of table '{table}' ('{expected}'): Athena would read its values into the wrong columns. ";
            throw new LakeException(what + $"Write it again: {HowToRewrite(table, onS3, lake, file)}", table);
        }
    }

    /// <summary>The most characters of a header that does not match shown in the error: the longest table's header fits.</summary>
    private const int HeaderShown = 300;

    private static string SqlType(ColumnType type) => type switch
    {
        ColumnType.WholeNumber => "INTEGER",
        ColumnType.Boolean => "BOOLEAN",
        _ => "VARCHAR",
    };

    /// <summary>
    /// A path as DuckDB's readers take it literally: they read every path as a glob pattern, so a lake named <c>my*lake</c>
    /// would read the tables of every lake beside it whose name the pattern matches. Each of <c>*</c>, <c>?</c> and
    /// <c>[</c> becomes a class of that one character (<c>[*]</c>), which matches only itself.
    /// </summary>
    internal static string GlobLiteral(string path) =>
        path.AsSpan().IndexOfAny("*?[") < 0 ? path : GlobCharacters().Replace(path, match => "[" + match.Value + "]");

    [GeneratedRegex(@"[*?\[]")]
    private static partial Regex GlobCharacters();

    private static string SqlString(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
