using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// An export repacked into another kind of archive than Spotify's zip (a .tar.gz made on a laptop, a 7z, a gzipped history
/// file), named to the import: said as the archive it is, with what to do (unpack it, or import the zip as sent), never as
/// "not a .json file" among the export's other files. One in a folder given is passed over, as any other file there.
/// </summary>
public sealed class RepackedExportTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>The kinds of archive, by the words the import names each with.</summary>
    private static readonly string[] Kinds = ["gzip", "7z", "RAR", "xz", "bzip2", "zstd"];

    /// <summary>
    /// An archive of <paramref name="kind"/> holding a streaming-history file, under a name a user might give it (its kind's
    /// suffix, or none that says so). A gzip is made whole (a tar of the history, or the history alone, compressed); the
    /// others begin as their format's signature does, the bytes the import looks at, followed by random bytes.
    /// </summary>
    internal static (string Name, byte[] Bytes) Archive(string kind, string history, Random random)
    {
        var bytes = new MemoryStream();
        if (kind == "gzip")
        {
            using var gzip = new GZipStream(bytes, CompressionLevel.Fastest, leaveOpen: true);
            if (random.Next(2) == 0)
            {
                using var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
                var entry = new PaxTarEntry(TarEntryType.RegularFile, "Spotify Extended Streaming History/Streaming_History_Audio_2024.json")
                {
                    DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(history)),
                };
                tar.WriteEntry(entry);
            }
            else
            {
                gzip.Write(System.Text.Encoding.UTF8.GetBytes(history));
            }
        }
        else
        {
            byte[] signature = kind switch
            {
                "7z" => [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C],
                "RAR" => [0x52, 0x61, 0x72, 0x21, 0x1A, 0x07, 0x01, 0x00],
                "xz" => [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00],
                "bzip2" => [0x42, 0x5A, 0x68, 0x39, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59],
                _ => [0x28, 0xB5, 0x2F, 0xFD],
            };
            bytes.Write(signature);
            var tail = new byte[random.Next(0, 4096)];
            random.NextBytes(tail);
            bytes.Write(tail);
        }
        string[] names = kind switch
        {
            "gzip" => ["my_spotify_data.tar.gz", "my_spotify_data.tgz", "Streaming_History_Audio_2024.json.gz"],
            "7z" => ["my_spotify_data.7z"],
            "RAR" => ["my_spotify_data.rar"],
            "xz" => ["my_spotify_data.tar.xz"],
            "bzip2" => ["my_spotify_data.tar.bz2"],
            _ => ["my_spotify_data.tar.zst"],
        };
        // Or under a name that does not say what it is: the first bytes do.
        string[] plain = ["my_spotify_data", "Streaming_History_Audio_2024.json", "export.bin", "my_spotify_data.zip"];
        return (random.Next(3) == 0 ? plain[random.Next(plain.Length)] : names[random.Next(names.Length)], bytes.ToArray());
    }

    internal static string History(int rows) => "[" + string.Join(",\n", Enumerable.Range(0, rows).Select(i =>
        $$"""{"ts": "2024-03-{{1 + i % 28:D2}}T10:{{i % 60:D2}}:00Z", "ms_played": 200000, "spotify_track_uri": "spotify:track:R{{i}}", "master_metadata_track_name": "Song {{i}}", "master_metadata_album_artist_name": "Artist"}""")) + "]";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_repacked_export_named_to_the_import_is_said_as_the_archive_it_is_with_what_to_do(int seed)
    {
        var random = new Random(seed);
        foreach (var kind in Kinds)
        {
            var (name, bytes) = Archive(kind, History(5), random);
            var downloads = _folder[$"{kind}/downloads"];
            var archive = Path.Combine(downloads, name);
            Directory.CreateDirectory(downloads);
            File.WriteAllBytes(archive, bytes);

            var alone = DemoCommandTests.RunCli("import", archive, "--lake", _folder[$"{kind}/lake"]);

            Assert.True(alone.ExitCode == 65, $"{kind} as {name}: exit {alone.ExitCode}: {alone.Errors}");
            Assert.Contains($"it is a {kind}", alone.Errors, StringComparison.Ordinal);
            Assert.Contains("unpack it and import what it unpacks to (a folder, or a file), or import the .zip as Spotify sent it", alone.Errors, StringComparison.Ordinal);
            Assert.DoesNotContain("not a .json file", alone.Output + alone.Errors, StringComparison.Ordinal);
            Assert.DoesNotContain(" at SpotifyEtl", alone.Errors, StringComparison.Ordinal);
            // Beside the export as Spotify sent it: the zip is imported, the archive named as skipped (exit 3).
            var zip = SampleExport.Write(new SampleExportOptions(30, seed)).Zips[0];
            File.WriteAllBytes(Path.Combine(downloads, zip.Name), zip.Zip);

            var beside = DemoCommandTests.RunCli("import", archive, Path.Combine(downloads, zip.Name), "--lake", _folder[$"{kind}/lake"], "--json");

            Assert.True(beside.ExitCode == 3, $"{kind} as {name}: exit {beside.ExitCode}: {beside.Errors}");
            using (var report = JsonDocument.Parse(beside.Output))
            {
                Assert.True(report.RootElement.GetProperty("history_rows").GetInt32() > 0);
                Assert.Equal(1, report.RootElement.GetProperty("skipped_files").GetInt32());
            }
            Assert.Contains($"it is a {kind}", beside.Output, StringComparison.Ordinal);
            // In a folder given (a folder of downloads), one named as a zip, or as a .json once unpacked, is said as the archive it
            // is; under any other name it is one more file that is not the export's, passed over.
            var folder = DemoCommandTests.RunCli("import", downloads, "--lake", _folder[$"{kind}/lake2"], "--json");

            var named = name.EndsWith(".zip", StringComparison.Ordinal) || name.EndsWith(".json", StringComparison.Ordinal) || name.EndsWith(".json.gz", StringComparison.Ordinal);
            Assert.True(folder.ExitCode == (named ? 3 : 0), $"{kind} as {name}: exit {folder.ExitCode}: {folder.Errors}");
            Assert.Equal(named, folder.Output.Contains($"it is a {kind}", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// Text is never taken for an archive: a history file's beginning (JSON, after a byte order mark or whitespace, in UTF-8
    /// or UTF-16), or any text that begins as a signature's letters do ("BZh" not followed by a block size, "Rar" without
    /// its "!"), generated; a signature followed by anything is its archive.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Text_is_never_taken_for_an_archive_and_a_signature_always_is(int seed)
    {
        var random = new Random(seed);
        string[] starts = ["[", "{", "\uFEFF[", " \n[", "\r\n{", "\"ts\"", "BZh", "BZhello", "BZh0", "BZh:", "Rar", "Rare", "7z", "(", "null"];
        for (var i = 0; i < 200; i++)
        {
            var text = starts[random.Next(starts.Length)] + new string((char)random.Next(0x20, 0x7F), random.Next(0, 4));
            if (text.StartsWith("Rar!", StringComparison.Ordinal) || (text.Length > 3 && text.StartsWith("BZh", StringComparison.Ordinal) && text[3] is >= '1' and <= '9'))
            {
                continue; // the signatures themselves
            }
            var encoding = random.Next(3) switch { 0 => System.Text.Encoding.UTF8, 1 => System.Text.Encoding.Unicode, _ => System.Text.Encoding.BigEndianUnicode };
            byte[] bytes = [.. encoding.GetPreamble().Take(random.Next(2) * 3), .. encoding.GetBytes(text)];

            Assert.Null(SpotifyEtl.Import.ExportArchive.OtherArchive(bytes.AsSpan(0, Math.Min(4, bytes.Length))));
        }
        foreach (var kind in Kinds)
        {
            var (_, bytes) = Archive(kind, History(1), random);
            Assert.Contains($"it is a {kind}", SpotifyEtl.Import.ExportArchive.OtherArchive(bytes.AsSpan(0, 4)), StringComparison.Ordinal);
        }
    }
}
