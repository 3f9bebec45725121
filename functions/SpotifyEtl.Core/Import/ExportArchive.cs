using System.IO.Compression;

namespace SpotifyEtl.Import;

/// <summary>
/// The files inside the export's zip (<c>my_spotify_data.zip</c>), as candidates. Bounded: an archive with
/// too many entries, or entries whose sizes or compression ratios no export has (a compressed bomb), yields
/// those entries as unusable with the reason, and the rest are still offered.
/// </summary>
public static class ExportArchive
{
    /// <summary>How a file that is no zip archive, though it starts as one, is said to be skipped (a download cut short).</summary>
    public const string NotAZip = "it is not a readable zip archive";

    /// <summary>Between a zip's name and its entry's in the name of a file read from a zip: <c>archive.zip!folder/file.json</c>.</summary>
    public const char EntrySeparator = '!';

    /// <summary>Why a zip inside the export's zip is not read: the history may be in it, one step away.</summary>
    public const string ZipInZip = "it is a zip inside the zip: unzip it and import its files";

    /// <summary>Why an encrypted entry is not read: the history may be in it, one step away.</summary>
    public const string Encrypted = "it is encrypted (a password-protected zip), and Spotify's export is not: unzip it with its password and import the folder";

    /// <summary>Why a zip that holds no file (an empty folder zipped, every entry a folder) gives nothing to import.</summary>
    public const string HoldsNoFile = "it is a zip archive that holds no file (an empty folder zipped?): Spotify's export holds its streaming history as .json files";

    private static ReadOnlySpan<byte> ZipMagic => "PK\u0003\u0004"u8;

    /// <summary>How a zip with no entry begins: its directory's end record alone.</summary>
    private static ReadOnlySpan<byte> EmptyZipMagic => "PK\u0005\u0006"u8;

    /// <summary>Whether the bytes start like a zip archive: its first entry, or the end of the directory of one with none.</summary>
    public static bool IsZip(ReadOnlySpan<byte> start) => start.StartsWith(ZipMagic) || start.StartsWith(EmptyZipMagic);

    /// <summary>
    /// Why a file named like a zip that does not start like one cannot be read, or null for any other file: a page saved
    /// from the download link instead of the file is the usual case. Starts with <see cref="NotAZip"/>.
    /// </summary>
    public static string? NamedLikeAZip(string name, ReadOnlySpan<byte> start)
    {
        if (!name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) || IsZip(start))
        {
            return null;
        }
        var text = start.TrimStart(" \t\r\n"u8);
        var what = start.IsEmpty ? "it is empty"
            : text.StartsWith("<"u8) ? "it begins like a web page (the download page saved instead of the file?)"
            : "it does not begin as a zip archive does";
        return $"{NotAZip}: its name ends in .zip, but {what}";
    }

    /// <summary>
    /// Why a file that starts as an archive of another kind than zip (gzip, as a .tar.gz is; 7z; RAR; xz; bzip2; zstd) is not
    /// imported, or null: Spotify sends its export as a zip, and one repacked is imported once it is unpacked.
    /// </summary>
    public static string? OtherArchive(ReadOnlySpan<byte> start)
    {
        var kind = start switch
        {
            [0x1F, 0x8B, ..] => "gzip (a .tar.gz, or a file gzipped)",
            [0x37, 0x7A, 0xBC, 0xAF, ..] => "7z",
            [0x52, 0x61, 0x72, 0x21, ..] => "RAR",
            [0xFD, 0x37, 0x7A, 0x58, ..] => "xz (a .tar.xz or .xz)",
            // "BZh" and the block size, a digit from 1 to 9: text that begins "BZh" is not taken for one.
            [0x42, 0x5A, 0x68, >= 0x31 and <= 0x39, ..] => "bzip2 (a .tar.bz2 or .bz2)",
            [0x28, 0xB5, 0x2F, 0xFD, ..] => "zstd (a .tar.zst or .zst)",
            _ => null,
        };
        return kind is null ? null
            : $"it is a {kind} archive, which the import does not open (Spotify sends its export as a .zip): unpack it and import " +
              "what it unpacks to (a folder, or a file), or import the .zip as Spotify sent it";
    }

    /// <summary>A file's name without the suffix a compressor adds (<c>.gz</c>, <c>.bz2</c>, <c>.xz</c>, <c>.zst</c>): what it unpacks to.</summary>
    public static string Uncompressed(string name)
    {
        foreach (var suffix in (ReadOnlySpan<string>)[".gz", ".bz2", ".xz", ".zst"])
        {
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return name[..^suffix.Length];
            }
        }
        return name;
    }

    /// <summary>Opens a zip held in <paramref name="archive"/> (seekable; it is left open until the candidates are read).</summary>
    public static IReadOnlyList<ExportCandidate> Entries(string archiveName, Stream archive, ImportLimits limits, bool readFailureIsItsOwn = false)
    {
        ZipArchive zip;
        List<ZipArchiveEntry> files;
        try
        {
            zip = new ZipArchive(archive, ZipArchiveMode.Read, leaveOpen: true);
            // The archive's directory is read here, not when it is opened: a damaged one throws now.
            files = zip.Entries.Where(e => !e.FullName.EndsWith('/')).ToList();
        }
        catch (InvalidDataException exception)
        {
            return [ExportCandidate.Unusable(archiveName, $"{NotAZip} (cut short while downloading? {exception.Message.TrimEnd('.')})")];
        }
        if (files.Count == 0)
        {
            return [ExportCandidate.Unusable(archiveName, HoldsNoFile)];
        }
        // The bounds count only what the import would read: a file no export holds, by its name, is passed over unread
        // (ExportImporter.IgnoredByName), however large, compressed or many such files are. A zip inside the zip is no
        // such file: it may hold the export, and is named as what it is.
        bool PassedOver(ZipArchiveEntry entry) =>
            !entry.Name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) && ExportImporter.IgnoredByName($"{archiveName}{EntrySeparator}{entry.FullName}") is not null;
        var read = files.Count(e => !PassedOver(e));
        if (read > limits.MaxArchiveEntries)
        {
            return [ExportCandidate.Unusable(archiveName, $"it holds {read:N0} files that could be streaming history, more than the {limits.MaxArchiveEntries:N0} an export could: nothing of it was read")];
        }
        var candidates = new List<ExportCandidate>(files.Count);
        long total = 0;
        foreach (var entry in files.OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            var name = $"{archiveName}{EntrySeparator}{entry.FullName}";
            if (PassedOver(entry))
            {
                var ignored = entry;
                candidates.Add(new ExportCandidate(name, _ => Task.FromResult(ignored.Open()), ignored.Length, crc32: ignored.Crc32));
                continue;
            }
            total += entry.Length;
            if (total > limits.MaxArchiveBytes)
            {
                candidates.Add(ExportCandidate.Unusable(name, $"the archive unpacks to more than {ImportLimits.Size(limits.MaxArchiveBytes)}, more than any export: this file and the rest were not read"));
            }
            else if (entry.Length > 1 << 20 && entry.CompressedLength > 0 && entry.Length / entry.CompressedLength > limits.MaxCompressionRatio)
            {
                candidates.Add(ExportCandidate.Unusable(name, $"it unpacks to {entry.Length / entry.CompressedLength:N0} times its compressed size, which no JSON export does (a compressed bomb?): it was not read"));
            }
            else if (entry.IsEncrypted)
            {
                candidates.Add(ExportCandidate.Unusable(name, Encrypted));
            }
            else if (entry.Name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
            {
                candidates.Add(ExportCandidate.Unusable(name, ZipInZip));
            }
            else
            {
                var current = entry;
                candidates.Add(new ExportCandidate(name, _ => Task.FromResult(current.Open()), current.Length, crc32: current.Crc32) { ReadFailureIsItsOwn = readFailureIsItsOwn });
            }
        }
        return candidates;
    }
}
