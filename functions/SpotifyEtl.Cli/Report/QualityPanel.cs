using System.Globalization;
using System.Text;
using static SpotifyEtl.Cli.Report.Svg;

namespace SpotifyEtl.Cli.Report;

/// <summary>
/// The data-quality summary: the latest snapshot, the objects set aside in quarantine, per table the rows, days and
/// duplicate rows that the data_quality query counts, and the imported listening history's streams and months (a
/// table of months, not of snapshot dates, which data_quality leaves out).
/// </summary>
internal static class QualityPanel
{
    public static string Render(ReportInput input)
    {
        var html = new StringBuilder();
        var result = input.Answers.GetValueOrDefault("data_quality")?.Result;
        var latest = result?.Rows.Select(r => r[0]).Max(StringComparer.Ordinal);
        // A lake of an imported history alone has no snapshot: its history is summed below, not dated by one. Where the row
        // counts could not be read (a damaged table file), the snapshot is the plays' latest, and the panel says why.
        var (shown, label) = result is null
            ? (input.Span?.LatestSnapshot?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "n/a",
               "latest snapshot (the tables' row counts could not be read: see Rows per table and snapshot date)")
            : latest is null ? ("none", "snapshot of Spotify's API: nothing extracted and transformed yet") : (latest, "latest snapshot");
        html.Append("<div class=\"panel\" id=\"quality-summary\">")
            .Append(CultureInfo.InvariantCulture, $"<div><b data-metric=\"latest-snapshot\">{Escape(shown)}</b>{label}</div>")
            .Append(CultureInfo.InvariantCulture, $"<div><b data-metric=\"quarantined\">{(input.Quarantined is { } q ? q.ToString(CultureInfo.InvariantCulture) : "n/a")}</b>{(input.Quarantined is null ? "quarantined objects (kept in the raw bucket, not read)" : "quarantined objects")}</div>")
            .Append("</div>");
        html.Append(History(input));
        if (result is null || result.Rows.Count == 0)
        {
            return html.ToString();
        }
        var columns = result.Columns.ToList();
        var (date, table, rows, keys) = (columns.IndexOf(StackContract.PartitionColumn), columns.IndexOf("table_name"), columns.IndexOf("row_count"), columns.IndexOf("distinct_keys"));
        const string caption = "Rows per table, summed over its snapshot dates";
        html.Append(HtmlReport.TableBox(caption)).Append(CultureInfo.InvariantCulture, $"<table id=\"quality-tables\"><caption>{caption}</caption><thead><tr>")
            .Append("<th scope=\"col\">table</th><th scope=\"col\">snapshot dates</th><th scope=\"col\">rows</th><th scope=\"col\">duplicate rows</th><th scope=\"col\">latest date</th></tr></thead><tbody>");
        foreach (var group in result.Rows.GroupBy(r => r[table] ?? "").OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var total = group.Sum(r => (long)Number(r[rows]));
            var duplicates = group.Sum(r => (long)Number(r[rows]) - (long)Number(r[keys]));
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{Escape(group.Key)}</td><td class=\"num\">{group.Count()}</td><td class=\"num\">{total}</td><td class=\"num\">{duplicates}</td><td>{Escape(group.Max(r => r[date]))}</td></tr>");
        }
        return html.Append("</tbody></table></div>").ToString();
    }

    /// <summary>One sentence on listening_history, from the months the history's hours are charted by; empty without a history.</summary>
    private static string History(ReportInput input)
    {
        if (input.Answers.GetValueOrDefault("history_hours_per_month")?.Result is not { Rows.Count: > 0 } months)
        {
            return "";
        }
        var columns = months.Columns.ToList();
        var (month, streams) = (columns.IndexOf("month"), columns.IndexOf("streams"));
        var total = months.Rows.Sum(r => (long)Number(r[streams]));
        var span = $"{months.Rows.Min(r => r[month])} to {months.Rows.Max(r => r[month])}";
        return string.Create(CultureInfo.InvariantCulture,
            $"<p class=\"note\" id=\"quality-history\">listening_history, the imported listening history: <b data-metric=\"history-streams\">{total:N0}</b> streams in " +
            $"<b data-metric=\"history-months\">{months.Rows.Count:N0}</b> {(months.Rows.Count == 1 ? "month" : "months")} ({Escape(span)}), each stream once.</p>");
    }
}
