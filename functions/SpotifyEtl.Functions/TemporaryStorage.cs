using SpotifyEtl.Import;

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
