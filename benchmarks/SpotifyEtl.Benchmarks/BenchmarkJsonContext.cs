using System.Text.Json.Serialization;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Benchmarks;

/// <summary>A whole page as a typed object graph: what "just deserialize it" would allocate and hold.</summary>
public sealed record PlaylistItemsPage(IReadOnlyList<PlaylistItem?>? Items, int? Offset, int? Total);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PlaylistItemsPage))]
internal sealed partial class BenchmarkJsonContext : JsonSerializerContext;
