using SpotifyEtl.Import;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Cli.Commands;

/// <summary>
/// Writes the sample export's zips into <c>&lt;lake&gt;/import/</c> (where the raw bucket takes an export on AWS),
/// holding the API plays the lake's sample already landed, so that the import shows them counted once.
/// </summary>
internal static class SampleExportWriter
{
    /// <param name="arriving">Told each zip's key and length before it is written: the demo records it as its own first.</param>
    public static async Task<IReadOnlyList<FileSystemInfo>> WriteAsync(DirectoryInfo lake, int seed, Action<string, long> arriving, CancellationToken cancellationToken)
    {
        var store = new LocalFolderStore(lake.FullName);
        var plays = await ApiPlayReader.ReadAsync(store, cancellationToken).ConfigureAwait(false);
        var apiPlays = plays.Rows.DistinctBy(r => (r.EndedAt, r.TrackUri)).OrderBy(r => r.EndedAt).ThenBy(r => r.TrackUri, StringComparer.Ordinal)
            .Select(r => new SampleApiPlay(r.EndedAt, r.TrackUri!, r.TrackName, r.ArtistName, r.AlbumName, r.MsPlayed)).ToList();
        var export = SampleExport.Write(new SampleExportOptions(Seed: seed, ApiPlays: apiPlays));
        var files = new List<FileSystemInfo>();
        foreach (var (name, zip) in export.Zips)
        {
            // Written as every file of the lake is, to a temporary file moved into place once whole: a demo stopped part
            // way (Ctrl-C, a full disk) leaves no half zip, and an entry already there is replaced, never written through.
            var key = LakeLayout.Import + name;
            arriving(key, zip.Length);
            await store.PutBytesAsync(key, zip, "application/zip", cancellationToken).ConfigureAwait(false);
            files.Add(new FileInfo(Path.Combine(lake.FullName, key.Replace('/', Path.DirectorySeparatorChar))));
        }
        return files;
    }
}
