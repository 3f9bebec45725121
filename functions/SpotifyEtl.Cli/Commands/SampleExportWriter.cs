using System.IO.Compression;
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
    /// <param name="arriving">
    /// Told, before anything is written, the key and length of every file the zips and their import will put in the lake (the
    /// zips under import/, the history files an import lands under raw/): the demo records them as its own first.
    /// </param>
    public static async Task<IReadOnlyList<FileSystemInfo>> WriteAsync(DirectoryInfo lake, int seed, Action<IReadOnlyList<(string Key, long Length)>> arriving,
        CancellationToken cancellationToken)
    {
        var store = new LocalFolderStore(lake.FullName);
        var plays = await ApiPlayReader.ReadAsync(store, cancellationToken).ConfigureAwait(false);
        var apiPlays = plays.Rows.DistinctBy(r => (r.EndedAt, r.TrackUri)).OrderBy(r => r.EndedAt).ThenBy(r => r.TrackUri, StringComparer.Ordinal)
            .Select(r => new SampleApiPlay(r.EndedAt, r.TrackUri!, r.TrackName, r.ArtistName, r.AlbumName, r.MsPlayed)).ToList();
        var export = SampleExport.Write(new SampleExportOptions(Seed: seed, ApiPlays: apiPlays));
        arriving([.. export.Zips.SelectMany(zip => Landed(zip.Name, zip.Zip).Prepend((LakeLayout.Import + zip.Name, zip.Zip.LongLength)))]);
        var files = new List<FileSystemInfo>();
        foreach (var (name, zip) in export.Zips)
        {
            // Written as every file of the lake is, to a temporary file moved into place once whole: a demo stopped part
            // way (Ctrl-C, a full disk) leaves no half zip, and an entry already there is replaced, never written through.
            var key = LakeLayout.Import + name;
            await store.PutBytesAsync(key, zip, "application/zip", cancellationToken).ConfigureAwait(false);
            files.Add(new FileInfo(Path.Combine(lake.FullName, key.Replace('/', Path.DirectorySeparatorChar))));
        }
        return files;
    }

    /// <summary>The raw keys and lengths of the history files an import of <paramref name="zip"/> lands, as the import names them.</summary>
    private static List<(string Key, long Length)> Landed(string name, byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        var landed = new List<(string Key, long Length)>();
        foreach (var entry in archive.Entries.Where(entry => !entry.FullName.EndsWith('/')))
        {
            using var content = new MemoryStream();
            using (var stream = entry.Open())
            {
                stream.CopyTo(content);
            }
            var bytes = content.ToArray();
            if (ExportImporter.Recognize($"{name}!{entry.FullName}", bytes).Kind is { } kind)
            {
                landed.Add((ExportRawKey.For(kind, bytes).ToString(), bytes.LongLength));
            }
        }
        return landed;
    }
}
