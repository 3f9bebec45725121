using System.Runtime.CompilerServices;

namespace SpotifyEtl.Storage;

/// <summary>
/// The local lake's listings: every entry under a prefix, files and what is no file alike (reported when read), and a
/// folder that hides the objects below it said, not listed as nothing.
/// </summary>
public sealed partial class LocalFolderStore
{
    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // A prefix is not a folder: "raw/pl" matches "raw/playlist_items/...". Walk the deepest folder
        // the prefix names completely and filter on the full key.
        var lastSlash = prefix.LastIndexOf('/');
        var folder = lastSlash < 0 ? _root : PathOf(prefix[..lastSlash]);
        if (!Directory.Exists(folder))
        {
            // Not there, or out of sight behind a folder this user may not list or search: the latter hides every object below
            // it, and is said rather than listed as nothing.
            if (LocalFolderWalk.BlockedOnTheWay(_root, folder) is { } blocked)
            {
                throw new UnlistableFolderException(blocked, KeyOfPath(blocked));
            }
            yield break;
        }
        if (LocalFolderWalk.ThroughLink(_root, folder))
        {
            // Behind a link to a folder (raw/recently_played linked elsewhere): the walk of the lake lists the link, which
            // is not followed, so no prefix below it lists what it leads to either, or a day's listing would read part of it.
            yield break;
        }
        if (!LocalEntry.CanList(folder))
        {
            // Its entries' names may be listed, yet none of them looked at (read permission without search): the folder is said once.
            throw new UnlistableFolderException(folder, KeyOfPath(folder));
        }
        List<string> keys;
        try
        {
            keys = [.. LocalFolderWalk.Entries(folder, listStart: true)
                .Where(path => !path.EndsWith(".tmp", StringComparison.Ordinal))
                .Select(KeyOfPath)
                // This tool's working folder is never a key: the root's, and one deeper (a lake's raw/ once opened as a lake holds one).
                .Where(key => !key.StartsWith(TemporaryFolder + "/", StringComparison.Ordinal) && !key.Contains("/" + TemporaryFolder + "/", StringComparison.Ordinal))
                .Where(key => key.StartsWith(prefix, StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)];
        }
        catch (Exception exception) when (LocalEntry.IsEntryFailure(exception))
        {
            // The folder the prefix names, out of sight (a folder below it that cannot be listed is listed as an entry, reported when read).
            throw new UnlistableFolderException(folder, KeyOfPath(folder), exception);
        }
        foreach (var key in keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return key;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    public async IAsyncEnumerable<ObjectVersion> ListVersionsAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // A rewrite replaces the file (a new temporary file moved into place): its time or length changes.
        // An entry that is no readable file (a dangling link, a FIFO, a name that is no UTF-8) is listed too, so that it is reported.
        await foreach (var key in ListAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            var file = new FileInfo(PathOf(key));
            if (file.Exists)
            {
                yield return new ObjectVersion(key, $"{file.Length}-{file.LastWriteTimeUtc.Ticks}");
            }
            else if (LocalEntry.OutOfSight(file.FullName) || file.LinkTarget is not null || Directory.Exists(file.FullName) || LocalEntry.UndecodableName(file.FullName) is not null)
            {
                yield return new ObjectVersion(key, ObjectVersion.NoObject);
            }
        }
    }

    private string KeyOfPath(string path) => Path.GetRelativePath(_root, path).Replace(Path.DirectorySeparatorChar, '/');
}
