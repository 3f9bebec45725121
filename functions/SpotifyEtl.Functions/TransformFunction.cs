namespace SpotifyEtl.Functions;

/// <summary>
/// Lambda entry point of the transformation (handler <c>SpotifyEtl.Functions::SpotifyEtl.Functions.TransformFunction::Handler</c>).
/// Placeholder so the stack's handler contract holds on this branch; the transformation issue replaces it.
/// </summary>
public sealed class TransformFunction
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static",
        Justification = "Lambda creates one instance per execution environment; the real handler keeps its clients on it.")]
    public Stream Handler(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        throw new NotImplementedException(
            "TransformFunction is a placeholder from the stack issue: the transformation issue provides the real handler.");
    }
}
