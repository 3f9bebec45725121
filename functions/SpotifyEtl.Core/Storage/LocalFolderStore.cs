using System.Runtime.CompilerServices;

namespace SpotifyEtl.Storage;

/// <summary>
/// A folder that behaves like a bucket: the local lake. Writes go to a temporary file first and are
/// moved into place, so a reader never sees half an object, as with S3.
/// </summary>
public sealed class LocalFolderStore : IObjectStore
{
    private readonly string _root;

    public LocalFolderStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        _root = Path.GetFullPath(root);
    }

    public string Description => _root;

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        if (!File.Exists(path))
        {
            throw new ObjectNotFoundException(Description, key);
        }
        return Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true));
    }

    public async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
            await using (file.ConfigureAwait(false))
            {
                await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // A prefix is not a folder: "raw/pl" matches "raw/playlist_items/...". Walk the deepest folder
        // the prefix names completely and filter on the full key.
        var lastSlash = prefix.LastIndexOf('/');
        var folder = lastSlash < 0 ? _root : PathOf(prefix[..lastSlash]);
        if (!Directory.Exists(folder))
        {
            yield break;
        }
        var keys = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(path => !path.EndsWith(".tmp", StringComparison.Ordinal))
            .Select(path => Path.GetRelativePath(_root, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(key => key.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
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
        await foreach (var key in ListAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            var file = new FileInfo(PathOf(key));
            if (file.Exists)
            {
                yield return new ObjectVersion(key, $"{file.Length}-{file.LastWriteTimeUtc.Ticks}");
            }
        }
    }

    public Task CopyAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken = default)
    {
        var source = PathOf(sourceKey);
        if (!File.Exists(source))
        {
            throw new ObjectNotFoundException(Description, sourceKey);
        }
        var destination = PathOf(destinationKey);
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        File.Copy(source, destination, overwrite: true);
        return Task.CompletedTask;
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) =>
        Task.FromResult(File.Exists(PathOf(key)));

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        // As with S3, deleting a key that does not exist is not an error, even when its folder does not exist
        // (File.Delete throws DirectoryNotFoundException then).
        var path = PathOf(key);
        if (File.Exists(path))
        {
            File.Delete(path);
        }
        return Task.CompletedTask;
    }

    private string PathOf(string key)
    {
        if (string.IsNullOrEmpty(key) || key.StartsWith('/') || key.Split('/').Any(part => part is "" or "." or ".."))
        {
            throw new ArgumentException($"'{key}' is not a valid object key: keys are relative, '/'-separated and contain no empty, '.' or '..' segments.", nameof(key));
        }
        return Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar));
    }
}
