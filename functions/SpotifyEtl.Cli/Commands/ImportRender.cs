using Spectre.Console;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Import;

namespace SpotifyEtl.Cli.Commands;

/// <summary>The import's report as a person reads it: a row per file, then the API's plays and the table.</summary>
internal static class ImportRender
{
    /// <summary>
    /// What to say of streams dated after <paramref name="now"/>'s month, which a device whose clock ran ahead records (or a
    /// file edited by hand): kept as the export has them, where an analyst would read them as listening yet to come. Null
    /// when the table holds none, or when it was not rebuilt.
    /// </summary>
    public static string? AheadOfToday(ImportReport report, DateTimeOffset now)
    {
        var month = now.UtcDateTime.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var ahead = (report.Partitions ?? new Dictionary<string, int>())
            .Select(partition => (Month: partition.Key[(partition.Key.IndexOf('=', StringComparison.Ordinal) + 1)..], Rows: partition.Value))
            .Where(partition => string.CompareOrdinal(partition.Month, month) > 0)
            .OrderBy(partition => partition.Month, StringComparer.Ordinal)
            .ToList();
        if (ahead.Count == 0)
        {
            return null;
        }
        var months = string.Join(", ", ahead.Take(3).Select(partition => partition.Month)) + (ahead.Count > 3 ? $" and {ahead.Count - 3} more" : "");
        // Athena projects the table's months up to a year past the day it runs a query (the catalog's partition projection).
        var lastProjected = now.UtcDateTime.AddYears(1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var beyond = ahead.Where(partition => string.CompareOrdinal(partition.Month, lastProjected) > 0).Sum(partition => partition.Rows);
        return $"listening_history holds {Counted.Of(ahead.Sum(partition => partition.Rows), "stream")} dated after this month ({months}): " +
            "a device whose clock ran ahead dates its streams so, as does a file edited by hand. They are kept as the export has " +
            "them, and the history's questions and the report count them in those months" +
            (beyond == 0 ? "." : $"; on AWS, Athena reads a month only from a year before it on, so it leaves out {(beyond == 1 ? "the 1 stream" : $"the {beyond:N0} streams")} more than a year ahead until then.");
    }

    /// <summary>
    /// For the demo's sample export: its unreadable rows are its own quirks, said here where an import of a listener's export
    /// warns on stderr and exits 3.
    /// </summary>
    public static void SampleQuirks(ImportReport report)
    {
        if (report.UnreadableRows > 0)
        {
            Consoles.Output.WriteLine($"The sample export holds the quirks a real one may have: its {Counted.Of(report.UnreadableRows, "unreadable row")} " +
                "are expected here. In an import of your own export they are named on stderr, and the import exits 3.");
        }
    }

    /// <summary>The terminal's columns from which the files' table has every count.</summary>
    private const int WideTable = 120;

    public static void Report(ImportReport report, string lake)
    {
        var output = Consoles.Output;
        // A row per file the import read as streaming history. A reason is a note under the table, numbered in its row: in
        // a cell it would wrap a few words to a line on a terminal of 80 columns, and the table run to hundreds of lines.
        // On a terminal narrower than the whole table, each file by its name and its rows read and kept: the other counts'
        // columns left no room for a name, which wrapped a few letters to a line (--json and a wide terminal have them all).
        var wide = output.Profile.Width >= WideTable;
        var read = report.Files.Where(file => !file.Ignored).ToList();
        var notes = new List<string>();
        if (read.Count > 0)
        {
            var files = new Table().Border(TableBorder.Rounded).Title("Files").AddColumn("file");
            if (wide)
            {
                files.AddColumn("kind");
            }
            files.AddColumn(new TableColumn("read").RightAligned()).AddColumn(new TableColumn("kept").RightAligned());
            if (wide)
            {
                files.AddColumn(new TableColumn("duplicates").RightAligned()).AddColumn(new TableColumn("covered").RightAligned())
                    .AddColumn(new TableColumn("unreadable").RightAligned());
            }
            files.AddColumn("note");
            var names = read.Select(file => wide ? file.Input : Name(file.Input)).ToList();
            for (var i = 0; i < read.Count; i++)
            {
                var file = read[i];
                var outcome = file.Skipped is not null ? "skipped" : file.Landed ? "landed" : "already landed";
                var reason = file.Skipped ?? (file.Reasons.Count > 0 ? string.Join("; ", file.Reasons) : null);
                if (reason is not null)
                {
                    notes.Add($"{notes.Count + 1}. {file.Input}: {outcome}: {reason}");
                    outcome += $", note {notes.Count}";
                }
                // A name two files share (two exports' StreamingHistory0.json) is shown with its folders.
                var name = names.Count(other => other == names[i]) > 1 ? file.Input : names[i];
                string[] cells = wide
                    ? [Cell(name), Cell(file.Kind ?? "-"), N(file.RowsRead), N(file.RowsKept), N(file.Duplicates), N(file.Covered), N(file.Unreadable), Cell(outcome)]
                    : [Cell(name), N(file.RowsRead), N(file.RowsKept), Cell(outcome)];
                files.AddRow(cells);
            }
            output.Write(files);
        }
        foreach (var note in notes)
        {
            output.WriteLine(TerminalTable.OneLine(note));
        }
        // The export's other files, named once by reason: an export holds a dozen of them (playlists, search queries, PDFs).
        foreach (var ignored in report.Files.Where(file => file.Ignored).GroupBy(file => file.Skipped ?? ""))
        {
            output.WriteLine(TerminalTable.OneLine($"Ignored: {string.Join(", ", ignored.Select(file => Name(file.Input)))}: {ignored.Key}."));
        }
        var unreadablePages = report.ApiPlays?.UnreadablePages ?? [];
        if (report.DamagedLandedFiles.Count > 0 || unreadablePages.Count > 0)
        {
            var damaged = new Table().Border(TableBorder.Rounded).Title("Files in the lake left out").AddColumn("file in the lake").AddColumn("why");
            foreach (var file in report.DamagedLandedFiles.Concat(unreadablePages))
            {
                damaged.AddRow(Cell(file.RawKey), Cell(file.Reason));
            }
            output.Write(damaged);
        }

        var summary = new Table().Border(TableBorder.Rounded).Title("listening_history")
            .AddColumn("what").AddColumn(new TableColumn("count").RightAligned());
        summary.AddRow("files landed now", N(report.LandedFiles));
        summary.AddRow("files skipped (look at their notes)", N(report.SkippedFiles));
        summary.AddRow("files ignored (the export's other files)", N(report.IgnoredFiles));
        summary.AddRow("files landed but read only up to a break", N(report.BrokenFiles));
        summary.AddRow("files not imported whole (skipped, or read up to a break)", N(report.IncompleteFiles));
        summary.AddRow("rows unreadable", N(report.UnreadableRows));
        summary.AddRow("landed files left out (damaged since landing)", N(report.DamagedLandedFiles.Count));
        if (report is { ApiPlays: { } api, HistoryRows: { } rows, Partitions: { } partitions })
        {
            summary.AddRow("API plays read (recently played)", N(api.RowsRead));
            summary.AddRow("recently-played pages unreadable (their plays left out)", N(api.UnreadableObjects));
            summary.AddRow("recently-played pages set aside before (their plays left out)", N(api.SetAsidePages.Count));
            summary.AddRow("API plays kept (not in the export, or kept in place of an account-data row)", N(api.RowsKept));
            summary.AddRow("API plays on more than one page (counted once)", N(api.Duplicates));
            summary.AddRow("API plays the export holds (counted once)", N(api.Covered));
            summary.AddRow("rows in the table", N(rows));
            if (report.HistoryRowsBefore is { } before)
            {
                // What an export imported over an earlier one added: its own rows' counts above attribute each stream to one file.
                var added = rows - before;
                summary.AddRow("rows added by this import", added < 0 ? $"{N(added)} (fewer)" : N(added));
            }
            summary.AddRow("months (partitions)", N(partitions.Count));
        }
        output.Write(summary);
        if (!report.TableRebuilt)
        {
            // Zeros here would read as a table emptied: it was not touched, and keeps every row it held.
            output.WriteLine("listening_history was not rebuilt: nothing was imported, and the table holds what it held before.");
        }
        output.WriteLine((wide ? "" : $"On a terminal {WideTable} columns wide or wider, or with --json, each file's duplicates, covered and unreadable rows too. ") +
            "kept + duplicates + covered + unreadable = read. Covered: account-data rows within the extended history or of a stream an API play names " +
            "(the play is kept, with the row's time played), API plays the export holds.");
        // An import into a new folder that imported nothing leaves no lake there (ImportCommand.RunAsync): none to point at.
        output.WriteWhole(Directory.Exists(lake) ? $"Lake: {lake}" : $"Lake: none made at {lake} (nothing was imported into it)");
    }

    /// <summary>A file's name without its folders, inside a zip too (<c>export.zip!Spotify Account Data/Userdata.json</c>: <c>Userdata.json</c>).</summary>
    private static string Name(string input) => input[(input.LastIndexOfAny(['/', '\\', '!']) + 1)..];

    /// <summary>A name or reason as a cell: on one line, each character taking the columns it is counted for.</summary>
    private static string Cell(string text) => Markup.Escape(TerminalTable.OneLine(text));

    private static string N(long value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
}
