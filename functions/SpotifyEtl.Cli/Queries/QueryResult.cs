using System.Text.Json.Serialization;

namespace SpotifyEtl.Cli.Queries;

/// <summary>One named query's answer, every value as DuckDB prints it (null for SQL NULL).</summary>
internal sealed record QueryResult(string Name, string Question, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string?>> Rows);

/// <summary><c>query --json</c>: the answers, for scripts.</summary>
[JsonSerializable(typeof(List<QueryResult>))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class QueryResultContext : JsonSerializerContext;
