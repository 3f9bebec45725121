using System.Text.Json;

namespace SpotifyEtl.Transformation;

/// <summary>
/// The reason, in words a person acts on, why a raw object could not be read: the runtime's own messages
/// carry type names and reader positions ("LineNumber: 0 | BytePositionInLine: 1") that belong in no
/// quarantine reason, and one reason is always one line.
/// </summary>
internal static class ReadFailure
{
    public static string InvalidJson(JsonException exception, ReadOnlySpan<byte> json = default)
    {
        if (Import.ExportFileReader.IsUtf16(json))
        {
            return "it is UTF-16 text (re-saved by an editor?), not the UTF-8 JSON Spotify sends: save it as UTF-8 under the same key, " +
                "then transform its day again";
        }
        // The reader tells its depth limit only in its message (always English: the tool runs invariant).
        if (exception.Message.Contains("maximum configured depth", StringComparison.Ordinal))
        {
            return $"it is valid JSON nested deeper than {RawObjectTransformer.MaxDepth} levels of arrays and objects, " +
                "which no Spotify response is: not a response as Spotify sends it";
        }
        return $"it is not valid JSON: {JsonErrorText.Of(exception)}; a truncated or mangled upload looks like this";
    }

    /// <summary>
    /// Whether an exception raised while one object was read is that object's failure, to be set aside with its reason:
    /// not a cancellation, and not the process running out of memory (also where it comes wrapped) or stack, which would
    /// set aside a good page for good; those fail the invocation, and its retry reads the page again.
    /// </summary>
    public static bool IsTheObjects(Exception exception) =>
        exception is not (InvalidRawObjectException or OperationCanceledException or InsufficientExecutionStackException)
        && !ExceptionChain.RanOutOfMemory(exception);

    public static string Describe(Exception exception)
    {
        if (ExceptionChain.Of(exception).Any(inner => inner is System.Text.DecoderFallbackException))
        {
            return "it is not valid UTF-8 (a byte sequence that is no character); a mangled upload looks like this";
        }
        if (exception is InvalidOperationException && exception.Message.Contains("UTF-16", StringComparison.Ordinal))
        {
            return "a string in it holds an escape that is no text: a lone UTF-16 surrogate (\\uD800 to \\uDFFF without its pair), " +
                "which no Spotify response holds";
        }
        return $"it could not be read ({OneLine(exception.Message).TrimEnd('.')})";
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
