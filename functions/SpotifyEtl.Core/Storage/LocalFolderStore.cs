using System.Buffers;
using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;

namespace SpotifyEtl.Storage;

/// <summary>
/// A folder that behaves like a bucket: the local lake. Writes and copies go to a temporary file under
/// the hidden <c>.tmp/</c> folder of the root first (the same file system, so the rename is atomic; a top
/// folder mounted from another file system gets a <c>.tmp/</c> of its own) and are moved into place: a
/// reader never sees half an object, as with S3, and no temporary file ever appears beside the objects
/// (<c>aws s3 sync</c> of a folder uploads only objects). A temporary file
/// is named after the process writing it; <see cref="RemoveStaleTemporaryFiles"/> removes those of
/// processes that are gone.
/// </summary>
public sealed partial class LocalFolderStore : IObjectStore
{
    /// <summary>The folder of temporary files, under the root. Never listed; not a valid key segment.</summary>
    public const string TemporaryFolder = ".tmp";

    /// <summary>Under <see cref="TemporaryFolder"/>: the lock the processes working on the lake hold; never removed as a leftover.</summary>
    public const string LockFile = "lake.lock";

    /// <summary>Under <see cref="TemporaryFolder"/>: the lake was searched once for temporary files an earlier version left beside their targets.</summary>
    public const string SweptMarker = "swept";

    private readonly string _root;

    public LocalFolderStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        _root = Path.GetFullPath(root);
    }

    public string Description => _root;

    /// <summary>Why the entry at <paramref name="path"/> is no object to read (a FIFO, a dangling link, ...); null for a regular file or nothing.</summary>
    public static string? EntryProblem(string path) => LocalEntry.Problem(path);

    /// <summary>
    /// A name for a temporary file of this process under <see cref="TemporaryFolder"/>: a lake opened by another process
    /// removes it only once this one has ended.
    /// </summary>
    public static string TemporaryName() => TemporaryFiles.NewName();

    /// <summary>
    /// Removes the files of <paramref name="folder"/> named as <see cref="TemporaryName"/> names them whose writer no longer
    /// runs (one killed before it could move its file into place); every other file stays. How many were removed.
    /// </summary>
    public static int RemoveStaleTemporaryFiles(string folder) => TemporaryFiles.RemoveStaleIn(folder, ownNamesOnly: true);

    /// <summary>
    /// Whether <paramref name="name"/> is one <see cref="TemporaryName"/> gives whose writer still runs (the same process id
    /// and the same start: an id alone may be another process's by now); false for any other name.
    /// </summary>
    public static bool TemporaryWriterRuns(string name) =>
        TemporaryFiles.IsOwnName(name) && TemporaryFiles.IsRunning(name[..name.IndexOf('-', StringComparison.Ordinal)]);

    /// <summary>Whether <paramref name="name"/> is one <see cref="TemporaryName"/> gives.</summary>
    public static bool IsTemporaryName(string name) => TemporaryFiles.IsOwnName(name);

    /// <summary>Whether a process of that id runs.</summary>
    public static bool ProcessRuns(int pid) => TemporaryFiles.StartOf(pid) is not null;

    /// <summary>
    /// Reads the file on the calling thread, with positional reads: on Linux every asynchronous file read
    /// hops through the thread pool, which cost a 20,000-item transform (806 files) about 4 % of its time.
    /// </summary>
    public Task<PooledBytes> ReadPooledAsync(string key, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using (var handle = OpenHandleOf(key))
        {
            var length = RandomAccess.GetLength(handle);
            if (length > LocalEntry.MaxObjectBytes)
            {
                throw new UnreadableObjectException(Description, key, $"it is {length:N0} bytes, more than the {LocalEntry.MaxObjectBytes:N0} one object may hold");
            }
            var buffer = BytePool.Rent((int)Math.Max(length, 1));
            var read = 0;
            try
            {
                for (int chunk; read < length && (chunk = RandomAccess.Read(handle, buffer.AsSpan(read, (int)length - read), read)) > 0;)
                {
                    read += chunk;
                }
            }
            catch
            {
                BytePool.Return(buffer);
                throw;
            }
            return Task.FromResult(new PooledBytes(buffer, read));
        }
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) =>
        Task.FromResult<Stream>(new FileStream(OpenHandleOf(key, FileOptions.Asynchronous), FileAccess.Read, 64 * 1024, isAsync: true));

    /// <summary>
    /// A handle to read the object from, opened at once rather than after a check that the file exists: a file removed
    /// since is not found, as one removed before, and so is a key below a file, as if that were a folder (S3's answer too).
    /// </summary>
    private SafeFileHandle OpenHandleOf(string key, FileOptions options = FileOptions.None)
    {
        var path = CheckedPathOf(key);
        try
        {
            return File.OpenHandle(path, options: options);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ObjectNotFoundException(Description, key);
        }
        catch (Exception exception) when (LocalEntry.ReadProblem(exception) is { } problem)
        {
            throw new UnreadableObjectException(Description, key, problem, exception);
        }
    }

    /// <summary>The path of a key that holds a readable object, or absent; anything else throws <see cref="UnreadableObjectException"/>.</summary>
    private string CheckedPathOf(string key)
    {
        var path = PathOf(key);
        return LocalEntry.Problem(path) is { } problem
            ? throw new UnreadableObjectException(Description, key, problem) { IsFolder = Directory.Exists(path) }
            : path;
    }

    /// <summary>
    /// Lands a file as a raw object, read-only: a copy, made the file system's cheapest way (a clone of
    /// the blocks where the file system can, as btrfs and XFS do, a copy inside the kernel with
    /// <c>copy_file_range</c> elsewhere). On Linux the copy is an unnamed file in the target's folder,
    /// named once whole (<see cref="UnnamedFileLanding"/>), and an object already there with the same bytes
    /// is left as it is; elsewhere, or to replace an object with other bytes, it is moved into place as
    /// every write is. Never a hard link: the input and the lake would share one file, so a write to the
    /// input in place (an editor keeping links, a root process that ignores permissions) would change the
    /// raw zone, which is never to change.
    /// </summary>
    public void Land(string key, string sourceFile)
    {
        var path = PathOf(key);
        var readOnly = IsPersonal(key) ? UnixFileMode.UserRead : UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        if (UnnamedFileLanding.TryLand(sourceFile, path, readOnly))
        {
            return;
        }
        var temporary = NewTemporaryPath(path);
        try
        {
            File.Copy(sourceFile, temporary, overwrite: false);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, readOnly);
            }
            CreateFolderOf(path);
            File.Move(temporary, path, overwrite: true);
        }
        catch (IOException exception) when (IsOfTheTemporaryFile(exception, temporary))
        {
            throw new LakeFileWriteException(path, temporary, exception);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    public Task CopyAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken = default)
    {
        // Opened first, so that a source this user may not read is told apart from a lake it may not write, and copied from
        // this handle: a source removed or replaced once it is open still gives the bytes it had.
        using var handle = OpenHandleOf(sourceKey);
        // Copied to a temporary file and moved into place: a full disk leaves no truncated copy.
        var destination = PathOf(destinationKey);
        var temporary = NewTemporaryPath(destination);
        try
        {
            using (var from = new FileStream(handle, FileAccess.Read, bufferSize: 0))
            using (var to = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                from.CopyTo(to, 1024 * 1024);
                if (!OperatingSystem.IsWindows())
                {
                    // The source's permissions and time, as File.Copy keeps them: a raw object's copy is read-only too.
                    File.SetUnixFileMode(to.SafeFileHandle, File.GetUnixFileMode(handle) & ~(UnixFileMode.SetUser | UnixFileMode.SetGroup | UnixFileMode.StickyBit));
                }
                File.SetLastWriteTimeUtc(to.SafeFileHandle, File.GetLastWriteTimeUtc(handle));
            }
            CreateFolderOf(destination);
            File.Move(temporary, destination, overwrite: true);
        }
        catch (IOException exception) when (IsOfTheTemporaryFile(exception, temporary))
        {
            throw new LakeFileWriteException(destination, temporary, exception);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
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
        if (!IsValidKey(key))
        {
            throw new ArgumentException($"'{key}' is not a valid object key: keys are relative, '/'-separated and contain no empty, '.' or '..' segments.", nameof(key));
        }
        return Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar));
    }

    /// <summary>Whether a key is relative, has no empty, '.' or '..' segment and is not in this tool's working folder: read in place, since every key a listing yields is checked.</summary>
    private static bool IsValidKey(string key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return false;
        }
        var first = true;
        foreach (var range in key.AsSpan().Split('/'))
        {
            var segment = key.AsSpan(range);
            if (segment is "" or "." or ".." || (first && segment.SequenceEqual(TemporaryFolder)))
            {
                return false;
            }
            first = false;
        }
        return true;
    }
}
