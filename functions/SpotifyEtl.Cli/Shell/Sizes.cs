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
}
