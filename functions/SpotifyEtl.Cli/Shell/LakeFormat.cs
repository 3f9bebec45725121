using SpotifyEtl.Lake;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// One lake, one table format: tables of both formats side by side make every query of the lake fail
/// later, far from the command that caused it. A transform, an import or a rebuild of the current-state
/// tables in the other format is refused up front.
/// </summary>
internal static class LakeFormat
{
    /// <summary>Every table the lake can hold: the daily ones, the listening history and the current-state tables.</summary>
    private static readonly HashSet<string> Tables = [.. TableNames.Columns.Keys, .. Transformation.Current.CurrentTables.All];

    /// <summary>
    /// The format of a table file: <c>transformed/{table}/{partition}/{table}.parquet</c> (or <c>.csv</c>; no partition for a
    /// current-state table) of a table this tool
    /// writes. Anything else under transformed/ (a note, a file another tool left) says nothing about the lake.
    /// </summary>
    private static TableFormat? FormatOf(string transformed, string path)
    {
        var relative = Path.GetRelativePath(transformed, path).Split(Path.DirectorySeparatorChar);
        var table = relative[0];
        // transformed/{table}/{partition}/{file} for the daily tables and the history; transformed/{table}/{file} for the current-state ones.
        var depth = Transformation.Current.CurrentTables.All.Contains(table) ? 2 : 3;
        return relative.Length != depth || !Tables.Contains(table)
            ? null
            : Enum.GetValues<TableFormat>().Select(f => (TableFormat?)f).FirstOrDefault(f => relative[^1] == table + f!.Value.Extension());
    }

    /// <summary>The format of the lake's tables; null for a lake with none yet.</summary>
    public static TableFormat? Of(DirectoryInfo lake)
    {
        var transformed = Path.Combine(lake.FullName, LakeLayout.Transformed.TrimEnd('/'));
        // A lake holds one format (Check keeps it so): its first table file says which, with no walk of every partition.
        return Directory.Exists(transformed)
            ? LakeFiles.Under(transformed).Select(path => FormatOf(transformed, path)).FirstOrDefault(found => found is not null)
            : null;
    }

    /// <summary>The --format given, else the lake's own, else the option's default (Parquet) for a lake with no tables yet.</summary>
    public static TableFormat Chosen(System.CommandLine.ParseResult parse, System.CommandLine.Option<TableFormat> option, DirectoryInfo lake) =>
        parse.GetResult(option) is { Implicit: false } || !lake.Exists ? parse.GetValue(option) : Of(lake) ?? parse.GetValue(option);

    public static void Check(DirectoryInfo lake, TableFormat format)
    {
        if (Of(lake) is { } other && other != format)
        {
            var name = other.ToString().ToLowerInvariant();
            throw new CliException(ExitCodes.Usage,
                $"The lake {lake.FullName} holds {name} tables, and one lake holds one format: run again with --format {name}, " +
                $"or write into a new --lake.");
        }
    }
}
