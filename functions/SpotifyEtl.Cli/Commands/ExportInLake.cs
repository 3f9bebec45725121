namespace SpotifyEtl.Cli.Commands;

/// <summary>
/// For <c>transform --lake</c> of a folder with no raw object that holds a Spotify data export (its zip, or its unzipped
/// folder, at the top or one folder down, as a folder of downloads holds them) or a zip of the API's raw responses: the error
/// that names the import (or the unzip) that reads it, as <c>transform --input</c> of the same folder says. The lake it names
/// is a folder inside this one: the export's own folder cannot be its lake too.
/// </summary>
internal static class ExportInLake
{
    /// <summary>The most files looked at: a folder as large as a home folder, given as the lake, is not walked through.</summary>
    private const int Looked = 10_000;

    public static string? Of(DirectoryInfo lake)
    {
        var files = new List<string>();
        try
        {
            var options = new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 1, IgnoreInaccessible = true };
            files.AddRange(lake.EnumerateFiles("*.json", options).Take(Looked).Select(file => file.FullName));
        }
        catch (Exception exception) when (SpotifyEtl.Storage.LocalEntry.IsEntryFailure(exception))
        {
            // Not listed: the error stays the one of a folder with no raw object.
        }
        return RawLanding.ExportInstead(lake, files, Path.Combine(lake.FullName, "lake"));
    }
}
