using SpotifyEtl.Lake;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// One lake, one table format: tables of both formats side by side make every query of the lake fail
/// later, far from the command that caused it. A transform in the other format is refused up front.
/// </summary>
internal static class LakeFormat
{
    public static void Check(DirectoryInfo lake, TableFormat format)
    {
        var transformed = Path.Combine(lake.FullName, LakeLayout.Transformed.TrimEnd('/'));
        if (!Directory.Exists(transformed))
        {
            return;
        }
        foreach (var other in Enum.GetValues<TableFormat>().Where(f => f != format))
        {
            if (Directory.EnumerateFiles(transformed, "*" + other.Extension(), SearchOption.AllDirectories).Any())
            {
                var name = other.ToString().ToLowerInvariant();
                throw new CliException(ExitCodes.Usage,
                    $"The lake {lake.FullName} holds {name} tables, and one lake holds one format: run again with --format {name}, " +
                    $"or transform into a new --lake.");
            }
        }
    }
}
