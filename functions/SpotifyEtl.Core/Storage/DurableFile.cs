namespace SpotifyEtl.Storage;

/// <summary>
/// The one way a file that nothing can rebuild reaches the disk before it is moved into place: its bytes are flushed to
/// the disk (fsync) first. A file system may otherwise commit the rename before the data, and after a power cut the name
/// would hold an empty or truncated file; flushed first, it holds the old file or the new one. Used for the local lake's
/// extraction state, run manifests, every raw page an extraction lands and the marks of a transform or an import that has not finished, and for
/// the credentials file. Table files (rebuilt from <c>raw/</c>), a sample's pages and files landed from a folder the user
/// keeps are not flushed: a flush per file would cost the transform much of its speed.
/// </summary>
public static class DurableFile
{
    /// <summary>Flushes what was written to <paramref name="file"/> to the disk, before it is moved to <paramref name="destination"/>.</summary>
    public static void FlushBeforeMove(FileStream file, string destination)
    {
        ArgumentNullException.ThrowIfNull(file);
        file.Flush(flushToDisk: true);
        Flushed?.Invoke(destination);
    }

    /// <summary>
    /// Replaces the file at <paramref name="path"/> with <paramref name="bytes"/>, whole or not at all: written beside it,
    /// flushed, then moved into place (its folder made). A write that fails (a full disk) leaves the file as it was and
    /// nothing beside it, and is reported against <paramref name="path"/> (<see cref="LakeFileWriteException"/>).
    /// </summary>
    public static void Replace(string path, ReadOnlySpan<byte> bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var written = path + ".new";
        try
        {
            using (var file = new FileStream(written, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                file.Write(bytes);
                FlushBeforeMove(file, path);
            }
            File.Move(written, path, overwrite: true);
        }
        catch (IOException exception)
        {
            try
            {
                File.Delete(written);
            }
            catch (Exception left) when (left is IOException or UnauthorizedAccessException)
            {
                // Left beside the file; the next replace writes over it.
            }
            throw new LakeFileWriteException(path, written, exception);
        }
    }

    /// <summary>Raised with the destination of each file flushed: how a test sees that a write goes through here.</summary>
    internal static event Action<string>? Flushed;
}
