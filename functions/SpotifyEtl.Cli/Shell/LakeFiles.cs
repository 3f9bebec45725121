using System.IO.Enumeration;

namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// The files under a folder of the lake, at any depth, never through a link to a folder: a link loop cannot make a walk
/// endless, and a link to a folder outside the lake cannot bring that folder's files in (to be counted, or deleted as
/// the lake's own). A link to a file, dangling or not, is listed as a file. The tool's working files in a <c>.tmp/</c>
/// (a top folder on another file system has its own) are not the lake's, and are left out, as listings leave them.
/// </summary>
internal static class LakeFiles
{
    private static readonly EnumerationOptions Options = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = false,
        AttributesToSkip = 0,
        ReturnSpecialDirectories = false,
    };

    public static IEnumerable<string> Under(string folder) =>
        new FileSystemEnumerable<string>(folder, (ref FileSystemEntry entry) => entry.ToFullPath(), Options)
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) => !entry.IsDirectory,
            ShouldRecursePredicate = (ref FileSystemEntry entry) =>
                (entry.Attributes & FileAttributes.ReparsePoint) == 0 && !entry.FileName.SequenceEqual(SpotifyEtl.Storage.LocalFolderStore.TemporaryFolder),
        };

    /// <summary>The copies under a lake's <c>quarantine/</c> folder: each file with its reason beside it (a file without one is no copy of this tool's).</summary>
    public static IEnumerable<string> QuarantinedCopies(string quarantine) =>
        Under(quarantine).Where(f => !f.EndsWith(SpotifyEtl.Lake.LakeLayout.ReasonSuffix, StringComparison.Ordinal)
            && File.Exists(f + SpotifyEtl.Lake.LakeLayout.ReasonSuffix));
}
