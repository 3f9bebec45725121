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

    public static void Transform(TransformBatchReport report, string lake)
    {
        var tables = new Table().Border(TableBorder.Rounded).Title("Tables").AddColumn("table").AddColumn("partitions").AddColumn(new TableColumn("rows").RightAligned());
        foreach (var table in TableNames.Published)
        {
            var partitions = report.Partitions.Where(p => p.Key.StartsWith(table + "/", StringComparison.Ordinal)).ToList();
            tables.AddRow(table, partitions.Count.ToString("N0"), partitions.Sum(p => p.Value).ToString("N0"));
        }
        Out.Write(tables);

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
        Out.WriteLine($"Lake: {lake}");
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
            table.AddRow(Markup.Escape(item.RawKey), Markup.Escape(item.Reason ?? ""));
        }
        Out.Write(table);
    }

    /// <summary>
    /// Each answer as a table as wide as the console. A value or header too long for it is cut short with an ellipsis; one
    /// line after the tables then says so, and what shows them whole.
    /// </summary>
    public static void Queries(IReadOnlyList<QueryResult> results, IAnsiConsole? console = null)
    {
        console ??= Out;
        var cut = false;
        foreach (var result in results)
        {
            console.WriteLine();
            console.WriteLine($"{result.Name}: {result.Question}");
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var column in result.Columns)
            {
                table.AddColumn(Markup.Escape(column));
            }
            foreach (var row in result.Rows)
            {
                table.AddRow(row.Select(value => Markup.Escape(value ?? "")).ToArray());
            }
            if (result.Rows.Count == 0)
            {
                table.Caption("(no rows)");
            }
            console.Write(table);
            cut |= IsCut(table, result, console);
        }
        if (cut)
        {
            console.WriteLine($"Cut to fit {console.Profile.Width} columns ({Ellipsis}): --json or a wider terminal shows values whole.");
        }
    }

    /// <summary>Whether the table, as the console draws it, cuts a header or value short: it shows more ellipses than they hold.</summary>
    private static bool IsCut(Table table, QueryResult result, IAnsiConsole console)
    {
        using var drawn = new StringWriter();
        var probe = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(drawn),
        });
        probe.Profile.Width = console.Profile.Width;
        probe.Profile.Capabilities.Unicode = console.Profile.Capabilities.Unicode;
        probe.Write(table);
        return Count(drawn.ToString(), Ellipsis) > result.Columns.Sum(column => Count(column, Ellipsis))
            + result.Rows.Sum(row => row.Sum(value => Count(value ?? "", Ellipsis)));
    }

    /// <summary>What the tables end a cut text with, on every terminal.</summary>
    private const string Ellipsis = "…";

    private static int Count(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }
}
