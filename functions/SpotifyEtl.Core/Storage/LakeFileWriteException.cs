namespace SpotifyEtl.Storage;

/// <summary>
/// A write of the local lake failed (a full disk, a failing device) while its bytes went to a temporary file under
/// <see cref="LocalFolderStore.TemporaryFolder"/>: the message names the lake's file that was being written, never that
/// temporary file, which is removed by the time anyone reads the message and which nobody asked for.
/// </summary>
public sealed class LakeFileWriteException : IOException
{
    /// <summary>ENOSPC, as .NET reports it on Linux and macOS: the error number itself.</summary>
    private const int NoSpace = 28;

    /// <summary>EDQUOT, this user's quota of the disk spent: 122 on Linux, 69 on macOS (each number another error on the other).</summary>
    private static int QuotaSpent => OperatingSystem.IsLinux() ? 122 : 69;

    /// <summary>ERROR_HANDLE_DISK_FULL and ERROR_DISK_FULL, as Windows reports them.</summary>
    private static readonly int[] WindowsDiskFull = [unchecked((int)0x80070027), unchecked((int)0x80070070)];

    public LakeFileWriteException(string path, string temporary, IOException inner)
        : base($"Cannot write {path}: {Reason(inner ?? throw new ArgumentNullException(nameof(inner)), temporary, path)}.", inner)
    {
        Path = path;
        HResult = inner.HResult;
    }

    /// <summary>The lake's file that was being written, where it would have been moved once whole.</summary>
    public string Path { get; }

    /// <summary>Whether the disk that holds the lake was full (or this user's quota of it spent).</summary>
    public bool DiskFull => IsDiskFull((IOException)InnerException!);

    /// <summary>
    /// Whether an error says the disk is full or the quota spent: always the error of the file being written, since a read
    /// never runs out of room, though .NET's copy of a file reports it without naming either file.
    /// </summary>
    public static bool IsDiskFull(IOException exception) =>
        (!OperatingSystem.IsWindows() && (exception.HResult == NoSpace || exception.HResult == QuotaSpent))
        || WindowsDiskFull.Contains(exception.HResult)
        || exception.Message.Contains("No space left on device", StringComparison.Ordinal)
        || exception.Message.Contains("Disk quota exceeded", StringComparison.Ordinal);

    /// <summary>The system's words for the failure, without the temporary file's name that .NET appends to them.</summary>
    private static string Reason(IOException inner, string temporary, string path) =>
        inner.Message.Replace($" : '{temporary}'", "", StringComparison.Ordinal).Replace(temporary, path, StringComparison.Ordinal).Trim().TrimEnd('.');
}
