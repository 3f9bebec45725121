using SpotifyEtl.Cli.Queries;

namespace SpotifyEtl.Cli.Report;

/// <summary>
/// A named query's answer, or the reason the report cannot show it; <paramref name="Damaged"/> when the reason is a
/// table file that cannot be read, which the command reports besides the page.
/// </summary>
internal sealed record QueryAnswer(QueryResult? Result, string? Unavailable, bool Damaged = false);
