using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpotifyEtl.Cli.Queries;

/// <summary>One named query's answer, every value as DuckDB prints it (null for SQL NULL).</summary>
internal sealed record QueryResult(string Name, string Question, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string?>> Rows);

/// <summary><c>query --json</c>: the answers, for scripts.</summary>
[JsonSerializable(typeof(List<QueryResult>))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class QueryResultContext : JsonSerializerContext
{
    /// <summary>
    /// Names as they are ("Guns N' Roses", "Florence + The Machine", "Beyoncé"), not as \u escapes, so that grep and a
    /// reader find them: the output is for scripts and terminals, never put inside HTML. Quotes, backslashes and control
    /// characters are still escaped as JSON requires.
    /// </summary>
    public static QueryResultContext Readable { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
