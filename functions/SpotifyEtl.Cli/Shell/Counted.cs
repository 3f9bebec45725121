namespace SpotifyEtl.Cli.Shell;

/// <summary>A count and its noun as a sentence says them: "1 file", "2 files", "1,204 entries".</summary>
internal static class Counted
{
    /// <param name="many">The noun for any count but one; <paramref name="one"/> with an s when not given.</param>
    public static string Of(int count, string one, string? many = null) => $"{count:N0} {(count == 1 ? one : many ?? one + "s")}";
}
