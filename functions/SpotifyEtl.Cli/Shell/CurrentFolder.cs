namespace SpotifyEtl.Cli.Shell;

/// <summary>The process's current folder, which may have been removed after the shell entered it.</summary>
internal static class CurrentFolder
{
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
