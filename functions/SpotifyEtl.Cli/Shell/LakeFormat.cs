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
    private static TableFormat? FormatOf(string path) =>
        Enum.GetValues<TableFormat>().Select(f => (TableFormat?)f).FirstOrDefault(f => path.EndsWith(f!.Value.Extension(), StringComparison.Ordinal));

    public static void Check(DirectoryInfo lake, TableFormat format)
    {
        var transformed = Path.Combine(lake.FullName, LakeLayout.Transformed.TrimEnd('/'));
        if (!Directory.Exists(transformed))
        {
            return;
        }
        // A lake holds one format (this check keeps it so): its first table file says which, with no walk of every partition.
        var first = Directory.EnumerateFiles(transformed, "*", SearchOption.AllDirectories).Select(FormatOf).FirstOrDefault(found => found is not null);
        if (first is { } other && other != format)
        {
            var name = other.ToString().ToLowerInvariant();
            throw new CliException(ExitCodes.Usage,
                $"The lake {lake.FullName} holds {name} tables, and one lake holds one format: run again with --format {name}, " +
                $"or write into a new --lake.");
        }
    }
}
