namespace SpotifyEtl.Cli.Shell;

/// <summary>A byte count as a person reads it: 3.1 GiB, not 3,262,264 KiB.</summary>
internal static class Sizes
{
    public static string Of(long bytes)
    {
        string[] units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes:N0} {(bytes == 1 ? "byte" : "bytes")}" : $"{value:0.#} {units[unit]}";
    }

    /// <summary>
    /// The free space of the disk that holds <paramref name="path"/> (its nearest folder that exists), and that folder; null
    /// where the system cannot say, or for a file system with no size (/proc, /sys).
    /// </summary>
    public static (long Bytes, string Folder)? FreeAt(string path)
    {
        var existing = new DirectoryInfo(path);
        while (existing is { Exists: false })
        {
            existing = existing.Parent;
        }
        if (existing is null)
        {
            return null;
        }
        try
        {
            var drive = new DriveInfo(existing.FullName);
            return drive.TotalSize == 0 ? null : (drive.AvailableFreeSpace, existing.FullName);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
