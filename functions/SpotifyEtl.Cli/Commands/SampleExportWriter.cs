using SpotifyEtl.Import;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Cli.Commands;

/// <summary>
/// Writes the sample export's zips into <c>&lt;lake&gt;/import/</c> (where the raw bucket takes an export on AWS),
/// holding the API plays the lake's sample already landed, so that the import shows them counted once.
/// </summary>
internal static class SampleExportWriter
{
    public static async Task<IReadOnlyList<FileSystemInfo>> WriteAsync(DirectoryInfo lake, int seed, CancellationToken cancellationToken)
    {
        var plays = await ApiPlayReader.ReadAsync(new LocalFolderStore(lake.FullName), cancellationToken).ConfigureAwait(false);
        var apiPlays = plays.Rows.DistinctBy(r => (r.EndedAt, r.TrackUri)).OrderBy(r => r.EndedAt).ThenBy(r => r.TrackUri, StringComparer.Ordinal)
            .Select(r => new SampleApiPlay(r.EndedAt, r.TrackUri!, r.TrackName, r.ArtistName, r.AlbumName, r.MsPlayed)).ToList();
        var export = SampleExport.Write(new SampleExportOptions(Seed: seed, ApiPlays: apiPlays));
        var folder = Directory.CreateDirectory(Path.Combine(lake.FullName, "import"));
        var files = new List<FileSystemInfo>();
        foreach (var (name, zip) in export.Zips)
        {
            var path = Path.Combine(folder.FullName, name);
            await File.WriteAllBytesAsync(path, zip, cancellationToken).ConfigureAwait(false);
            files.Add(new FileInfo(path));
        }
        return files;
    }
}
