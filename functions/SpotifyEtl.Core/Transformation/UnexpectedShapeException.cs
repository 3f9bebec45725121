namespace SpotifyEtl.Transformation;

/// <summary>A raw object whose JSON is well formed but not shaped as the source promises.</summary>
public sealed class UnexpectedShapeException(string message) : Exception(message);
