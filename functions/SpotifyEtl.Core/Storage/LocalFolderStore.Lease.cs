namespace SpotifyEtl.Storage;

public sealed partial class LocalFolderStore : ILeasingStore
{
    /// <summary>What the lock file of every lease ends in, under <see cref="TemporaryFolder"/>: never removed as a leftover.</summary>
    public const string LeaseFileSuffix = ".lock";

    /// <summary>
    /// A lease on a local lake is an exclusive advisory lock on <c>.tmp/{name}.lock</c>, named after the key's file name,
    /// which the system lets go of when the process ends, however it ends: <paramref name="duration"/> is not needed.
    /// </summary>
    public Task<StoreLease> TakeLeaseAsync(string key, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var folder = Path.Combine(_root, TemporaryFolder);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, Path.GetFileNameWithoutExtension(key) + LeaseFileSuffix);
        // A socket fails the open as a lock held elsewhere would, so another run would be blamed; a FIFO or a folder would be
        // opened or fail as something else, a dangling link would make a file outside the lake. Each is named instead.
        if (LocalEntry.NotARegularFile(path) is { } problem)
        {
            throw EntryInTheWayException.LeaseFile(path, problem);
        }
        try
        {
            var held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return Task.FromResult(StoreLease.Held(() =>
            {
                held.Dispose();
                return ValueTask.CompletedTask;
            }));
        }
        catch (IOException exception) when (LocalEntry.HeldByAnother(exception))
        {
            return Task.FromResult(StoreLease.HeldByAnother(null));
        }
    }
}
