using SpotifyEtl.Cli.Queries;

namespace SpotifyEtl.Cli.Report;

/// <summary>Builds the report of a local lake's tables: runs the sections' named queries in DuckDB and renders the page.</summary>
internal static class ReportWriter
{
    /// <summary>The page, and why any of its sections could not be shown because a table file is damaged (each reason once).</summary>
    public static (string Html, IReadOnlyList<string> Damaged) Build(string tablesFolder, string source, int? quarantined)
    {
        var sections = ReportSections.All;
        using var database = LakeDatabase.Open(tablesFolder, onS3: source.StartsWith("s3://", StringComparison.OrdinalIgnoreCase));
        var answers = ReportAnswers.Collect(database, sections);
        var input = new ReportInput(source, answers, quarantined);
        var damaged = answers.Values.Where(a => a.Damaged).Select(a => a.Unavailable!).Distinct(StringComparer.Ordinal).ToList();
        return (HtmlReport.Render(input, sections), damaged);
    }

    /// <summary>
    /// Writes the page next to its final name first, so a reader never opens half a report. A symbolic link is written
    /// through, to the file it names, and stays a link. A device or a process's stream (<c>/dev/stdout</c>, a pipe under
    /// <c>/proc/self/fd/</c>) is written to directly: renaming a file onto it would replace it.
    /// </summary>
    public static void Save(string html, string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full) && File.ResolveLinkTarget(full, returnFinalTarget: true) is { } target)
        {
            full = target.FullName;
        }
        if (IsSpecial(full))
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
            stream.Write(System.Text.Encoding.UTF8.GetBytes(html));
            return;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + "." + Environment.ProcessId + ".tmp";
        File.WriteAllText(temporary, html);
        File.Move(temporary, full, overwrite: true);
    }

    /// <summary>A device, a process's file descriptor, or what a link to one resolves to (<c>pipe:[…]</c>, not a path).</summary>
    private static bool IsSpecial(string path) =>
        OperatingSystem.IsLinux() && (path.StartsWith("/dev/", StringComparison.Ordinal) || path.StartsWith("/proc/", StringComparison.Ordinal)
                                      || path.Contains(":[", StringComparison.Ordinal));
}
