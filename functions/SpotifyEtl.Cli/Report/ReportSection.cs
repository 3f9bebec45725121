using SpotifyEtl.Cli.Queries;

namespace SpotifyEtl.Cli.Report;

/// <summary>
/// One section of the report: a heading, a sentence on what it shows, the named query it shows, and
/// optionally a chart drawn from that query's answer (and from the lake's span, for charts of weeks) at a
/// <see cref="ChartLayout"/>'s width. The query's whole answer is always shown as a table too. A section whose
/// query is missing from this build, or fails because the lake lacks a table, says so in place of its chart; one
/// whose query answers nothing says what would fill it: <paramref name="EmptyHint"/>, or
/// <paramref name="EmptyHintWithHistory"/> where there is one and the lake holds an imported listening history.
/// </summary>
internal sealed record ReportSection(
    string Id,
    string Group,
    string Title,
    string Intro,
    string Query,
    Func<QueryResult, LakeSpan, ChartLayout, string?>? Chart = null,
    string EmptyHint = "No rows yet.",
    string? EmptyHintWithHistory = null);
