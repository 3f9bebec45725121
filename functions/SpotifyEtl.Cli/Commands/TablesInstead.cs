using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Lake;
using SpotifyEtl.Transformation;
using SpotifyEtl.Transformation.Current;

namespace SpotifyEtl.Cli.Commands;

/// <summary>
/// For a transform that finds no raw object where a lake's tables are: a lake whose tables were synced or copied without
/// its raw/, or a lake's transformed/ folder (or one table's folder, or one day's) given as the input. The transform writes
/// tables from raw API responses and reads no table; the error says what the folder holds and what reads it, instead of
/// advising a sample.
/// </summary>
internal static class TablesInstead
{
    /// <summary>The most entries looked at for a table's file: a folder of the tables is found in its first few.</summary>
    private const int Looked = 10_000;

    /// <summary>For <c>transform --lake</c> of a lake with no raw object: the error when it holds tables; null otherwise.</summary>
    public static string? ForLake(string lake)
    {
        var tables = Tables(Path.Combine(lake, LakeLayout.Transformed));
        return tables.Count == 0 ? null
            : $"No raw objects found in {Path.Combine(lake, LakeLayout.Raw.TrimEnd('/'))}: the lake holds tables ({Shown(tables)}) but no raw API " +
              "responses to write them from, as a lake synced from the transformed bucket or copied without its raw/ does. " +
              $"Query its tables as they are: spotify-etl query --lake {ShellWord.Of(lake)}. To transform, land raw responses " +
              $"first (an extract's, or the raw bucket's raw/ folder): spotify-etl transform --input FOLDER --lake {ShellWord.Of(lake)}";
    }

    /// <summary>For <c>transform --input</c> of a folder that lands nothing: the error when it holds tables; null otherwise.</summary>
    public static string? ForInput(FileSystemInfo input)
    {
        if (input is not DirectoryInfo folder || Tables(folder.FullName) is not { Count: > 0 } tables)
        {
            return null;
        }
        var start = $"No raw objects found in {folder.FullName}: it holds a lake's tables ({Shown(tables)}), which the transform " +
                    "writes, not reads (it reads raw API responses, .json files under a raw/ folder). ";
        if (LakeOf(folder) is not { } lake)
        {
            return start + "A lake keeps its tables under its transformed/ folder (LAKE/transformed/songs/...): put them there and " +
                   "query them with spotify-etl query --lake LAKE";
        }
        var query = $"Query them: spotify-etl query --lake {ShellWord.Of(lake)}";
        return HoldsRawObjects(lake)
            ? start + $"{query}; or write them again from the lake's raw/: spotify-etl transform --lake {ShellWord.Of(lake)}"
            : start + query;
    }

    /// <summary>
    /// The lake a folder of its tables lies in: the folder above the transformed/ folder that is, or holds, this one (a table's
    /// folder, a day's); null when no folder above it is named transformed.
    /// </summary>
    private static string? LakeOf(DirectoryInfo folder)
    {
        for (var at = folder; at is not null; at = at.Parent)
        {
            if (at.Name == LakeLayout.Transformed.TrimEnd('/') && at.Parent is { } lake)
            {
                return lake.FullName;
            }
        }
        return null;
    }

    /// <summary>Whether a lake's raw/ holds an API response (its data export's copies aside).</summary>
    private static bool HoldsRawObjects(string lake)
    {
        var raw = Path.Combine(lake, LakeLayout.Raw.TrimEnd('/'));
        try
        {
            return Directory.Exists(raw) && Directory.EnumerateDirectories(raw)
                .Where(source => source != LocalLake.ExportCopies(lake))
                .Any(source => Directory.EnumerateFiles(source, "*.json", SearchOption.AllDirectories).Any());
        }
        catch (Exception exception) when (SpotifyEtl.Storage.LocalEntry.IsEntryFailure(exception))
        {
            return false;
        }
    }

    /// <summary>The tables whose files a folder holds (a file named as a table, .parquet or .csv), by name; none when it cannot be read.</summary>
    private static List<string> Tables(string folder)
    {
        try
        {
            var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
            return Directory.Exists(folder)
                ? [.. Directory.EnumerateFiles(folder, "*", options).Take(Looked)
                    .Where(file => Path.GetExtension(file) is ".parquet" or ".csv")
                    .Select(file => Path.GetFileNameWithoutExtension(file)!)
                    .Where(name => TableNames.Columns.ContainsKey(name) || CurrentTables.Columns.ContainsKey(name))
                    .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]
                : [];
        }
        catch (Exception exception) when (SpotifyEtl.Storage.LocalEntry.IsEntryFailure(exception))
        {
            return [];
        }
    }

    private static string Shown(List<string> tables) =>
        string.Join(", ", tables.Take(3)) + (tables.Count > 3 ? $" and {tables.Count - 3} more" : "");
}
