namespace SpotifyEtl.Cli.Report;

/// <summary>What a report shows: the answers of its sections' named queries (or why one is missing) and what the lake's folders tell.</summary>
internal sealed record ReportInput(string Source, IReadOnlyDictionary<string, QueryAnswer> Answers, int? Quarantined);
