using Spectre.Console;
using SpotifyEtl.Cli.Queries;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Cli.Commands;

/// <summary>What a person reads: tables, not dumps. Plain text when the output is not a terminal.</summary>
internal static class Render
{
    private static IAnsiConsole Out => Consoles.Output;

    public static void Heading(string text)
    {
        Out.WriteLine();
        if (Consoles.OutputRedirected)
        {
            // A file or a pipe has no width: a rule as wide as the heading, not a 200-column one.
            Out.WriteLine(text);
            Out.WriteLine(new string('-', text.Length));
            return;
        }
        Out.Write(new Rule(Markup.Escape(text)).LeftJustified());
    }

    /// <summary>
    /// The partitions the run wrote, by table, and the line that says which days they are and whether the lake holds others:
    /// after an --input of one day, the counts are that day's, and a table with no rows that day is not an empty table.
    /// </summary>
    public static void Transform(TransformBatchReport report, string lake)
    {
        var tables = new Table().Border(TableBorder.Rounded).Title("Tables written by this run").AddColumn("table").AddColumn(new TableColumn("days").RightAligned()).AddColumn(new TableColumn("rows").RightAligned());
        foreach (var table in TableNames.Published)
        {
            var partitions = report.Partitions.Where(p => p.Key.StartsWith(table + "/", StringComparison.Ordinal)).ToList();
            tables.AddRow(table, partitions.Count.ToString("N0"), partitions.Sum(p => p.Value).ToString("N0"));
        }
        Out.Write(tables);
        Out.WriteLine(WrittenDays.Of(report, lake).Sentence());

        var objects = report.Objects;
        var summary = new Table().Border(TableBorder.Rounded).Title("Raw objects").AddColumn("outcome").AddColumn(new TableColumn("count").RightAligned());
        summary.AddRow("transformed", report.Transformed.ToString("N0"));
        summary.AddRow("quarantined", report.Quarantined.ToString("N0"));
        summary.AddRow("unreadable entries (not copied)", report.Unreadable.ToString("N0"));
        var skipped = report.Skipped;
        summary.AddRow("items read", report.ItemsRead.ToString("N0"));
        summary.AddRow("skipped: local files", skipped.LocalFiles.ToString("N0"));
        summary.AddRow("skipped: podcast episodes", skipped.Episodes.ToString("N0"));
        summary.AddRow("skipped: unavailable tracks", skipped.Unavailable.ToString("N0"));
        summary.AddRow("unreadable items (unknown shape)", skipped.Unreadable.ToString("N0"));
        Out.Write(summary);

        SetAside(objects, TransformStatus.Quarantined, "Quarantined (copied with a .reason.txt; the raw object is kept)");
        SetAside(objects, TransformStatus.Unreadable, "Unreadable entries under raw/ (left in place; fix or remove them)");
        Out.WriteWhole($"Lake: {lake}");
    }

    private static void SetAside(IReadOnlyList<TransformReport> objects, TransformStatus status, string title)
    {
        var items = objects.Where(o => o.Status == status).ToList();
        if (items.Count == 0)
        {
            return;
        }
        var table = new Table().Border(TableBorder.Rounded).Title(title).AddColumn("raw object").AddColumn("reason");
        foreach (var item in items)
        {
            table.AddRow(Markup.Escape(TerminalTable.OneLine(item.RawKey)), Markup.Escape(TerminalTable.OneLine(item.Reason ?? "")));
        }
        Out.Write(table);
    }

    /// <summary>
    /// How the demo shows the answers: the first <paramref name="FirstRows"/> rows of each, since it runs every named query at
    /// once, and <paramref name="OneQuery"/>, the command that shows one answer whole (its NAME to fill in).
    /// </summary>
    public sealed record Shortened(int FirstRows, string OneQuery);

    /// <summary>
    /// Each answer as a table as wide as the console, one line per row. A value or header too long for it is cut short with
    /// an ellipsis (short columns such as dates, numbers and ids first kept whole); a line after the tables then says so,
    /// and what shows them whole: <c>--json</c>, or, for the demo, which has no <c>--json</c> of its own and shows only the
    /// first rows of a long answer (<paramref name="shortened"/>), the query command, written whole on a line of its own so
    /// that it is copied as one.
    /// </summary>
    public static void Queries(IReadOnlyList<QueryResult> results, bool holdsHistory, IAnsiConsole? console = null, Shortened? shortened = null)
    {
        console ??= Out;
        var cut = false;
        var longAnswers = false;
        foreach (var result in results)
        {
            console.WriteLine();
            console.WriteLine($"{result.Name}: {result.Question}");
            var table = new TerminalTable(result.Columns);
            var shown = shortened is null ? result.Rows.Count : Math.Min(result.Rows.Count, shortened.FirstRows);
            foreach (var row in result.Rows.Take(shown))
            {
                table.AddRow(row);
            }
            var drawn = table.Draw(console.Profile.Width, out var cutHere);
            console.Write(drawn);
            if (result.Rows.Count == 0)
            {
                // What would fill it, as the report's section says: an empty answer of a young lake is no fault. A line of
                // its own under the table, read from the left as the question above it.
                var hint = Report.ReportSections.EmptyHint(result.Name, holdsHistory);
                console.WriteLine(hint is null ? "(no rows)" : $"(no rows) {hint}");
            }
            else if (shown < result.Rows.Count)
            {
                console.WriteLine($"(the first {shown} of {result.Rows.Count:N0} rows)");
                longAnswers = true;
            }
            cut |= cutHere;
        }
        if (shortened is not null && (cut || longAnswers))
        {
            var what = (cut, longAnswers) switch
            {
                (true, true) => $"Long answers show their first {shortened.FirstRows} rows, and values are cut to fit {console.Profile.Width} columns ({TerminalTable.Ellipsis})",
                (true, false) => $"Cut to fit {console.Profile.Width} columns ({TerminalTable.Ellipsis})",
                _ => $"Long answers show their first {shortened.FirstRows} rows",
            };
            console.WriteLine($"{what}: this command shows one answer, every row of it{(cut ? " (with --json, every value whole)" : "")}; the report shows every answer:");
            console.WriteWhole(shortened.OneQuery);
        }
        else if (cut)
        {
            console.WriteLine($"Cut to fit {console.Profile.Width} columns ({TerminalTable.Ellipsis}): --json or a wider terminal shows values whole.");
        }
    }
}
