using SpotifyEtl.Cli.Queries;

namespace SpotifyEtl.Cli.Report;

/// <summary>A named query's answer, or the reason the report cannot show it.</summary>
internal sealed record QueryAnswer(QueryResult? Result, string? Unavailable);
