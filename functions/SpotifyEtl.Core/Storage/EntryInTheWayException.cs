namespace SpotifyEtl.Storage;

/// <summary>
/// An entry stands where the local lake keeps a file and is no file it can use: a folder where it writes a file (a link
/// to one is replaced like a file), a file where it keeps a folder, or an entry that is no regular file where it keeps a lock. The lake's to mend,
/// nothing the disk or permissions cause; the message says what to do.
/// </summary>
public sealed class EntryInTheWayException : IOException
{
    /// <summary>A folder at <paramref name="path"/>, where the lake writes a file.</summary>
    public EntryInTheWayException(string path)
        : this(path, $"{path} is a folder where the lake keeps a file: move it out of the lake (or remove it), then run again.")
    {
    }

    private EntryInTheWayException(string path, string message) : base(message) => Path = path;

    /// <summary>A file at <paramref name="path"/>, where the lake keeps a folder (a table's, a partition's).</summary>
    public static EntryInTheWayException FileWhereAFolderGoes(string path) =>
        new(path, $"{path} is a file where the lake keeps a folder: move it out of the lake (or remove it), then run again.");

    public string Path { get; }

    /// <summary>
    /// The lock file of a lease (<see cref="LocalFolderStore.TakeLeaseAsync"/>) that is no regular file (<paramref name="problem"/>
    /// says what it is): no process holds a lease on such an entry, so removing it is safe.
    /// </summary>
    public static EntryInTheWayException LeaseFile(string path, string problem) =>
        new(path, $"{path}, the lock file of the lake's extraction lease, cannot be used: {problem}. No running extract holds a lock that is no file: remove it, then run again.");
}
