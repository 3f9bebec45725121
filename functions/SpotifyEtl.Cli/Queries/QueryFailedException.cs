namespace SpotifyEtl.Cli.Queries;

/// <summary>A named query that DuckDB refused or could not finish.</summary>
internal sealed class QueryFailedException(string query, string reason) : Exception($"Query '{query}' failed on DuckDB: {reason}")
{
    public string Query { get; } = query;
}
