namespace SpotifyEtl.Tests.Support;

internal static class RepositoryPaths
{
    /// <summary>The repository root: the folder holding SpotifyStack.sln, found upwards from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string Infra => Path.Combine(Root, "infra");

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "SpotifyStack.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException("Cannot find SpotifyStack.sln above " + AppContext.BaseDirectory);
    }
}
