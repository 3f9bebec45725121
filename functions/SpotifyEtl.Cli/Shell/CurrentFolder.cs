namespace SpotifyEtl.Cli.Shell;

/// <summary>The process's current folder, which may have been removed after the shell entered it.</summary>
internal static class CurrentFolder
{
    /// <summary>What the error says of a relative path read in a current folder that is gone.</summary>
    public const string Gone = "the current folder no longer exists (removed after this shell entered it), so no relative path can be read: " +
        "cd to a folder that exists, or give the paths whole.";

    /// <summary>Whether the current folder is gone: the system cannot give its path.</summary>
    public static bool IsGone()
    {
        try
        {
            _ = Directory.GetCurrentDirectory();
            return false;
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return true;
        }
    }
}
