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

    /// <summary>How the name of every zip copy begins.</summary>
    internal const string ZipPrefix = "import-";

    /// <summary>
    /// This process's mark in the names of its zip copies. A copy with another mark was left by another process: one the
    /// runtime stopped (the function's time limit, its memory) cannot close its copy, and Lambda keeps the temporary storage
    /// for the next process of the same environment.
    /// </summary>
    internal static readonly string ProcessMark = Guid.NewGuid().ToString("N")[..12];

    /// <summary>A new zip copy's path, named with this process's mark.</summary>
    public string NewZipPath() => Path.Combine(Folder, $"{ZipPrefix}{ProcessMark}-{Guid.NewGuid():N}.zip");

    /// <summary>
    /// Removes the zip copies that processes which ended left behind, before the free space is measured: left there, each
    /// would take its size from every later import, and a retry of the import stopped would be told its zip does not fit.
    /// A copy another process still has open is locked (<see cref="FileShare.None"/>) and stays; so does every other file.
    /// </summary>
    public void RemoveLeftovers()
    {
        string[] copies;
        try
        {
            copies = Directory.GetFiles(Folder, ZipPrefix + "*.zip");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (var copy in copies.Where(c => !Path.GetFileName(c).StartsWith(ZipPrefix + ProcessMark, StringComparison.Ordinal)))
        {
            try
            {
                // Opened only when no process holds it, and removed while this lock keeps any other from opening it.
                using (new FileStream(copy, FileMode.Open, FileAccess.ReadWrite, FileShare.None, bufferSize: 1))
                {
                    File.Delete(copy);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // In use, or not ours to remove: the free space measured says what is left.
            }
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
