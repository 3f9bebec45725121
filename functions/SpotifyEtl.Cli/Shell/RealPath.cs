namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// A path with every symbolic link on its way followed, as the kernel follows them: what a check of where a path leads
/// (inside a lake's raw/, inside a repository) must compare, since a link makes one place two paths.
/// </summary>
internal static class RealPath
{
    /// <summary>The links the kernel follows before it gives up on a path (<c>ELOOP</c>); links that lead round end there.</summary>
    private const int MaxLinks = 40;

    /// <summary>The full path with its links followed; a part not yet made is taken as written.</summary>
    public static string Of(string path) => Resolved(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)), depth: 0);

    private static string Resolved(string path, int depth)
    {
        var root = Path.GetPathRoot(path)!;
        var resolved = root;
        foreach (var part in path[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            resolved = Path.Combine(resolved, part);
            if (depth < MaxLinks && LinkTarget(resolved) is { } target)
            {
                resolved = Resolved(Path.GetFullPath(target, Path.GetDirectoryName(resolved)!), depth + 1);
            }
        }
        return resolved;
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            return new DirectoryInfo(path).LinkTarget;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A part this user cannot look into is taken as written: the verb's own access names it.
            return null;
        }
    }
}
