using SpotifyEtl.Lake;

namespace SpotifyEtl.Storage;

/// <summary>The local lake's writes: each into a temporary file under <see cref="TemporaryFolder"/>, moved into place once whole.</summary>
public sealed partial class LocalFolderStore
{
    /// <summary>
    /// The prefixes of the objects flushed to the disk before they are moved into place (<see cref="DurableFile"/>): the
    /// extraction state and the run manifests, which nothing rebuilds, and the recently-played pages, which Spotify serves
    /// once (its last 50 plays) while the state flushed after them moves the cursor past them. A power cut must leave the
    /// old file or the new one there, never an empty one. Every other object is not flushed, unless the store is the
    /// extraction's (<see cref="FlushesRawResponses"/>): a table is rebuilt from raw/, a sample is made again, and files
    /// landed by <see cref="Land"/> are copies of files the user keeps.
    /// </summary>
    internal static readonly string[] FlushedPrefixes =
        [LakeLayout.State, LakeLayout.Manifests, LakeLayout.Raw + StackContract.RawSources.RecentlyPlayed + "/"];

    /// <summary>
    /// Every raw response is flushed before it is moved into place: set for the extraction, whose state, flushed after
    /// them, moves past what they hold (a playlist's snapshot seen, the saved tracks' newest save, the day's top lists),
    /// so that a page a power cut left empty would be quarantined by the next transform and never fetched again. One flush
    /// per page costs nothing beside the request that fetched it; a sample's thousands of pages are not flushed.
    /// </summary>
    public bool FlushesRawResponses { get; set; }

    private bool IsFlushed(string key) =>
        (FlushesRawResponses && key.StartsWith(LakeLayout.Raw, StringComparison.Ordinal)) || FlushedPrefixes.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal));

    public Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        // Unbuffered: a table file or a response arrives whole from memory, in one write.
        return WriteFileAsync(key, bufferSize: 0, file => content.CopyToAsync(file, cancellationToken));
    }

    /// <summary>
    /// Writes what <paramref name="write"/> writes straight into the object's temporary file, through a small
    /// buffer that gathers the writer's short writes (a Parquet page's header); longer ones go to the file as
    /// they are. Nothing is built in memory first: fresh memory is a large part of what a run costs on a
    /// machine that hands freed memory back to its host (docs/benchmarks.md).
    /// </summary>
    public Task WriteAsync(string key, Action<Stream> write, int sizeHint, string contentType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        cancellationToken.ThrowIfCancellationRequested();
        return WriteFileAsync(key, WriteBufferBytes, file =>
        {
            write(file);
            return Task.CompletedTask;
        });
    }

    private const int WriteBufferBytes = 16 * 1024;

    /// <summary>
    /// Creates the folders above <paramref name="path"/>. A file where one of them belongs (a table's folder, a partition's)
    /// is named as the lake's to mend (<see cref="EntryInTheWayException"/>), not left to read as a full disk.
    /// </summary>
    private void CreateFolderOf(string path)
    {
        var folder = Path.GetDirectoryName(path)!;
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (IOException) when (LocalEntry.FileAtOrAbove(folder, _root) is { } file)
        {
            throw EntryInTheWayException.FileWhereAFolderGoes(file);
        }
    }

    /// <summary>
    /// Keys whose files hold a listener's data export, with the IP addresses, user name and devices its streams name: the
    /// landed files, their quarantined copies and the export's zips. Their files are the owner's alone (0600, 0400 landed
    /// read-only); every other file of the lake takes the process's umask.
    /// </summary>
    internal static bool IsPersonal(string key) =>
        key.StartsWith(PersonalRaw, StringComparison.Ordinal) || key.StartsWith(PersonalQuarantined, StringComparison.Ordinal)
        || key.StartsWith(LakeLayout.Import, StringComparison.Ordinal);

    private const string PersonalRaw = LakeLayout.Raw + StackContract.RawSources.SpotifyExport + "/";
    private static readonly string PersonalQuarantined = LakeLayout.QuarantineKey(PersonalRaw);

    /// <summary>Writes a temporary file under <see cref="TemporaryFolder"/> and moves it into place once whole; a failed write leaves nothing.</summary>
    private async Task WriteFileAsync(string key, int bufferSize, Func<FileStream, Task> write)
    {
        var path = PathOf(key);
        var temporary = NewTemporaryPath(path);
        try
        {
            var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize, useAsync: false);
            if (IsPersonal(key) && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(file.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            await using (file.ConfigureAwait(false))
            {
                await write(file).ConfigureAwait(false);
                if (IsFlushed(key))
                {
                    DurableFile.FlushBeforeMove(file, path);
                }
            }
            CreateFolderOf(path);
            // A link to a folder is replaced as a file would be (the move does not follow it); a folder would fail the move.
            if (Directory.Exists(path) && new DirectoryInfo(path).LinkTarget is null)
            {
                throw new EntryInTheWayException(path);
            }
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

    /// <summary>
    /// Whether an error is the temporary file's (its message names it, as .NET's do: a full disk, a failing device; or it
    /// says the disk is full, which .NET's copy of a file says without naming it). It is
    /// told as the error of the lake's file instead (<see cref="LakeFileWriteException"/>): the temporary file is removed
    /// before anyone reads the message, and the table or object being written is what a user can act on.
    /// </summary>
    private static bool IsOfTheTemporaryFile(IOException exception, string temporary) =>
        exception is not (EntryInTheWayException or LakeFileWriteException)
        && (exception.Message.Contains(temporary, StringComparison.Ordinal) || LakeFileWriteException.IsDiskFull(exception));
}
