using SpotifyEtl.Import;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Functions;

/// <summary>
/// Where the transform copies a dropped export's zip to read it (a zip is read from its end): the function's temporary
/// storage, 512 MB unless the stack gives it more. A zip that cannot fit would fail the same way on every retry, so it is
/// skipped with its reason instead.
/// </summary>
internal sealed record TemporaryStorage(string Folder, Func<string, long> FreeBytes)
{
    public static TemporaryStorage Default { get; } = new(Path.GetTempPath(), folder => new DriveInfo(folder).AvailableFreeSpace);

    /// <summary>Creates the temporary file at the path given, deleted when closed.</summary>
    public Func<string, FileStream> Create { get; init; } = path => new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite,
        FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);

    /// <summary>
    /// A new zip copy's path, named after this process and the instant it started (<see cref="LocalFolderStore.TemporaryName"/>):
    /// a copy with another writer's name was left by a process that no longer runs, one the runtime stopped (the function's
    /// time limit, its memory) before it could close it; Lambda keeps the temporary storage for the next process.
    /// </summary>
    public string NewZipPath() => Path.Combine(Folder, LocalFolderStore.TemporaryName());

    /// <summary>
    /// Removes the zip copies that processes which ended left behind, before the free space is measured: left there, each
    /// would take its size from every later import, and a retry of the import stopped would be told its zip does not fit.
    /// A copy of a process that runs stays; so does every file named otherwise.
    /// </summary>
    public void RemoveLeftovers()
    {
        try
        {
            LocalFolderStore.RemoveStaleTemporaryFiles(Folder);
        }
        catch (Exception exception) when (LocalEntry.IsEntryFailure(exception))
        {
            // Not ours to tidy: the free space measured says what is left.
        }
    }

    /// <summary>The free bytes of <see cref="Folder"/>, or null when they cannot be measured (the copy then tells).</summary>
    public long? Free()
    {
        try
        {
            return FreeBytes(Folder);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>No space left on the device: ENOSPC on Linux, ERROR_DISK_FULL or ERROR_HANDLE_DISK_FULL on Windows.</summary>
    public static bool IsFull(IOException exception) => OperatingSystem.IsWindows()
        ? exception.HResult is unchecked((int)0x80070070) or unchecked((int)0x80070027)
        : exception.HResult == 28 || exception.Message.Contains("No space left on device", StringComparison.Ordinal);

    /// <summary>Why a zip of <paramref name="bytes"/> was skipped, and what to do; <paramref name="free"/> null when the copy filled the storage.</summary>
    public static string TooSmall(long? bytes, long? free)
    {
        var what = bytes is { } size ? $"it is {ImportLimits.Size(size)}" : "its size unknown";
        var room = free is { } space ? $"{ImportLimits.Size(space)} free" : "the storage filled up during the copy";
        return $"the zip does not fit in the function's temporary storage, where it is copied to be read ({room}; {what}): " +
            "raise the transform function's ephemeral storage (the stack's transformEphemeralStorageMb, 512 to 10240 MB) " +
            "and upload the zip again, or upload its history files unzipped (a .json file is read without the temporary storage)";
    }
}
