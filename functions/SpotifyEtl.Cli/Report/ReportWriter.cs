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

    /// <summary>Writes the page next to its final name first, so a reader never opens half a report.</summary>
    public static void Save(string html, string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + "." + Environment.ProcessId + ".tmp";
        File.WriteAllText(temporary, html);
        File.Move(temporary, full, overwrite: true);
    }
}
