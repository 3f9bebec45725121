namespace SpotifyEtl.Cli.Shell;

/// <summary>A byte count as a person reads it: 3.1 GiB, not 3,262,264 KiB.</summary>
internal static class Sizes
{
    public static string Of(long bytes)
    {
        var (value, unit) = Scaled(bytes);
        return unit == 0 ? Bytes(bytes) : $"{value:0.#} {Units[unit]}";
    }

    /// <summary>
    /// A byte count rounded up to the tenth shown: the space to free for something to fit, which the nearest figure could
    /// leave short (2.04 GiB shown as 2 GiB).
    /// </summary>
    public static string AtLeast(long bytes)
    {
        var (value, unit) = Scaled(bytes);
        var tenths = Math.Ceiling(value * 10) / 10;
        if (unit > 0 && tenths >= 1024 && unit < Units.Length - 1)
        {
            (tenths, unit) = (Math.Ceiling(value / 1024 * 10) / 10, unit + 1);
        }
        return unit == 0 ? Bytes(bytes) : $"{tenths:0.#} {Units[unit]}";
    }

    private static readonly string[] Units = ["bytes", "KiB", "MiB", "GiB", "TiB"];

    private static string Bytes(long bytes) => $"{bytes:N0} {(bytes == 1 ? "byte" : "bytes")}";

    /// <summary>The count in the largest unit it reaches a whole one of, and that unit's index in <see cref="Units"/>.</summary>
    private static (double Value, int Unit) Scaled(long bytes)
    {
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return (value, unit);
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
