namespace SpotifyEtl.Tests.Support;

/// <summary>
/// Compares two trees of files (relative path to bytes, as <see cref="TempFolder.Files"/> reads them) as spans.
/// xUnit's <c>Assert.Equal</c> walks a byte array one boxed element at a time: on a sample lake's raw files, a few
/// megabytes, that took seconds per comparison. A failure names the paths missing, extra and different.
/// </summary>
internal static class FileTreeAssert
{
    public static void Same(IReadOnlyDictionary<string, byte[]> expected, IReadOnlyDictionary<string, byte[]> actual, string what)
    {
        var missing = expected.Keys.Where(key => !actual.ContainsKey(key)).Order(StringComparer.Ordinal).ToList();
        var extra = actual.Keys.Where(key => !expected.ContainsKey(key)).Order(StringComparer.Ordinal).ToList();
        var differ = expected.Where(e => actual.TryGetValue(e.Key, out var bytes) && !e.Value.AsSpan().SequenceEqual(bytes))
            .Select(e => e.Key).Order(StringComparer.Ordinal).ToList();
        Xunit.Assert.True(missing.Count == 0 && extra.Count == 0 && differ.Count == 0,
            $"{what}: missing {Names(missing)}; extra {Names(extra)}; different bytes {Names(differ)}");
    }

    /// <summary>Every file under <paramref name="folder"/> of <paramref name="root"/>, by its path relative to the root, with its bytes.</summary>
    public static SortedDictionary<string, byte[]> FilesUnder(string root, string folder) =>
        new(Directory.EnumerateFiles(Path.Combine(root, folder), "*", SearchOption.AllDirectories)
            .ToDictionary(path => Path.GetRelativePath(root, path).Replace('\\', '/'), File.ReadAllBytes), StringComparer.Ordinal);

    private static string Names(List<string> paths) => paths.Count == 0 ? "none" : string.Join(", ", paths.Take(20)) + (paths.Count > 20 ? $" and {paths.Count - 20} more" : "");
}
