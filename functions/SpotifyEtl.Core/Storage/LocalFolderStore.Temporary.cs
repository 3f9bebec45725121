using System.Collections.Concurrent;

namespace SpotifyEtl.Storage;

/// <summary>Where the local lake's temporary files go, and their removal once their writer is gone.</summary>
public sealed partial class LocalFolderStore
{
    /// <summary>The temporary folder of each top folder of the lake (raw, transformed, ...) that stands, once looked up.</summary>
    private readonly ConcurrentDictionary<string, string> _temporaryFolders = new(StringComparer.Ordinal);

    /// <summary>
    /// Removes the temporary files a killed process left: those under <c>.tmp/</c> of processes no longer
    /// running (the root's, and a top folder's own), and the <c>name.GUID.tmp</c> files that earlier versions
    /// wrote beside their objects.
    /// </summary>
    /// <returns>How many were removed.</returns>
    public int RemoveStaleTemporaryFiles()
    {
        if (!Directory.Exists(_root))
        {
            return 0;
        }
        var removed = TemporaryFiles.RemoveStale(_root, TemporaryFolder);
        foreach (var top in Directory.EnumerateDirectories(_root))
        {
            var own = Path.Combine(top, TemporaryFolder);
            try
            {
                if (Path.GetFileName(top) != TemporaryFolder && Directory.Exists(own))
                {
                    removed += TemporaryFiles.RemoveStaleIn(own, ownNamesOnly: true);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Left for a later open: a folder this user may not tidy stops no run.
            }
        }
        return removed;
    }

    /// <summary>
    /// A new temporary file's path for a write to <paramref name="target"/>: under the root's <c>.tmp/</c>, or under the
    /// target's top folder's own <c>.tmp/</c> where that folder is on another file system or mount than the root (a mount
    /// point, a bind mount, a link to another disk). A rename moves a file whole only within one file system; across two, .NET's
    /// <see cref="File.Move(string, string, bool)"/> copies over the target in place, so a reader could see half an
    /// object and a power cut leave a truncated one. Neither folder is ever listed.
    /// </summary>
    private string NewTemporaryPath(string target)
    {
        var folder = TemporaryFolderFor(target);
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, TemporaryFiles.NewName());
    }

    private string TemporaryFolderFor(string target)
    {
        var lakes = Path.Combine(_root, TemporaryFolder);
        var relative = Path.GetRelativePath(_root, target);
        var separator = relative.IndexOf(Path.DirectorySeparatorChar);
        if (separator <= 0)
        {
            return lakes;
        }
        var top = Path.Combine(_root, relative[..separator]);
        if (_temporaryFolders.TryGetValue(top, out var known))
        {
            return known;
        }
        if (!Directory.Exists(top))
        {
            // Made by this write, inside the root: on its file system.
            return lakes;
        }
        // Another device, or another mount of the same one (a bind mount: rename refuses to cross mounts too).
        var folder = LocalEntry.Stat(_root, followLinks: true) is { } root && LocalEntry.Stat(top, followLinks: true) is { } folderStatus
                     && (root.Device != folderStatus.Device || root.Mount != folderStatus.Mount)
            ? Path.Combine(top, TemporaryFolder)
            : lakes;
        return _temporaryFolders.GetOrAdd(top, folder);
    }
}
