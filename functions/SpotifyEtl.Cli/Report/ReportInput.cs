namespace SpotifyEtl.Cli.Report;

/// <summary>What a report shows: the answers of its sections' named queries (or why one is missing), what the lake's folders tell, and the days its plays span.</summary>
internal sealed record ReportInput(string Source, IReadOnlyDictionary<string, QueryAnswer> Answers, int? Quarantined, LakeSpan? Span = null);
