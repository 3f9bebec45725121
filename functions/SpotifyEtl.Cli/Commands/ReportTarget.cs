using SpotifyEtl.Cli.Report;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Cli.Commands;

/// <summary>Where <c>report</c> writes its page: the file an <c>--out</c> names, what it may not replace, and whether it can be written.</summary>
internal static class ReportTarget
{
    public static string Save(string html, string path)
    {
        if (path == ReportWriter.StandardOutputName)
        {
            ReportWriter.Save(html, path);
            return "standard output";
        }
        var full = Target(path);
        try
        {
            ReportWriter.Save(html, full);
            return full;
        }
        catch (Exception exception) when (LocalEntry.IsEntryFailure(exception))
        {
            throw CannotWrite(full, exception);
        }
    }

    /// <summary>
    /// Refuses, before any work, a page that could not be written where it is to go: a folder that may not be written to
    /// (a read-only lake's default), a file where a folder must be, a folder or a special file in the page's place.
    /// </summary>
    public static void CheckWritable(string path)
    {
        if (path == ReportWriter.StandardOutputName)
        {
            return;
        }
        var full = Target(path);
        try
        {
            ReportWriter.CheckWritable(full);
        }
        catch (Exception exception) when (LocalEntry.IsEntryFailure(exception))
        {
            throw CannotWrite(full, exception);
        }
    }

    /// <summary>The runtime's message names what it tripped on (a temporary file, a part of the path): this says what the user can change.</summary>
    private static CliException CannotWrite(string full, Exception exception)
    {
        var folder = Path.GetDirectoryName(full)!;
        var fileOnTheWay = Ancestors(folder).FirstOrDefault(File.Exists);
        var why = fileOnTheWay is not null ? $"{fileOnTheWay} is a file, not a folder"
            : Directory.Exists(full) ? $"{full} is a folder, not a file"
            : exception is UnauthorizedAccessException ? $"the folder {folder} may not be written to"
            : exception.Message.Contains("Read-only file system", StringComparison.Ordinal) ? $"the folder {folder} is on a read-only file system"
            : exception.Message.TrimEnd('.');
        return new CliException(ExitCodes.IoError, $"Cannot write the report to {full}: {why}. Choose another --out.");
    }

    // Told apart from the user's own folders whatever their case: on a disk that ignores case, RAW/ is raw/.
    /// <summary>The folders of a lake that hold what it keeps: no report is written into them.</summary>
    private static readonly HashSet<string> LakeFolders = new(StringComparer.OrdinalIgnoreCase)
    {
        LakeLayout.Raw, LakeLayout.Transformed, LakeLayout.Quarantine, LakeLayout.Staging, LakeLayout.State, LakeLayout.Manifests, LakeLayout.Reports, LakeLayout.Import,
    };

    /// <summary>The file an --out names: a folder given as --out receives the report under its usual name; so does one that ends with a slash, made if missing.</summary>
    private static string Target(string path) =>
        Directory.Exists(path) || Path.EndsInDirectorySeparator(path) ? Path.Combine(Path.GetFullPath(path), "report.html") : Path.GetFullPath(path);

    /// <summary>
    /// An --out in one of the lake's folders (raw/, the tables, quarantine/, the tool's state), or on a file or folder of
    /// the tool's own beside them (a name that starts with a dot), would replace what the lake keeps: a raw object or an
    /// imported export file the report's bytes overwrite is lost. The lake's folder itself holds the report by default;
    /// a folder of the user's own inside the lake may hold it too.
    /// </summary>
    public static void RefuseInsideLake(string lake, string? output)
    {
        if (output is null || output == ReportWriter.StandardOutputName)
        {
            return;
        }
        var target = Target(output);
        // As written and where the links on the way lead: a lake or an --out given through a link is the same place.
        var (realLake, realTarget) = (RealPath.Of(lake), RealPath.Of(target));
        foreach (var (inLake, place, how) in new[] { (lake, target, ""), (realLake, realTarget, $" (by the links on its way, {realTarget})") })
        {
            var relative = Path.GetRelativePath(inLake, place);
            if (relative == "." || relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.IsPathRooted(relative))
            {
                continue;
            }
            var separator = relative.IndexOf(Path.DirectorySeparatorChar, StringComparison.Ordinal);
            var top = separator < 0 ? null : relative[..separator];
            if (top is not null ? top.StartsWith('.') || LakeFolders.Contains(top + "/") : relative.StartsWith('.'))
            {
                var where = top is not null ? $"inside the lake's {top}/" : "a file the tool keeps in the lake";
                throw new CliException(ExitCodes.Usage, $"--out {output} is {where}{how}: the report would replace what the lake keeps there. " +
                                                        $"Leave --out out (the report goes to {Path.Combine(lake, "report.html")}), or write it outside the lake's folders.");
            }
        }
    }

    private static IEnumerable<string> Ancestors(string folder)
    {
        for (var current = folder; !string.IsNullOrEmpty(current); current = Path.GetDirectoryName(current))
        {
            yield return current;
        }
    }
}
