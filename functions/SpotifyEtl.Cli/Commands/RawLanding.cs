using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Cli.Commands;

/// <summary>
/// <c>transform --input</c>'s landing: the input's raw files copied into the lake's <c>raw/</c>, on every core
/// (<see cref="LocalFolderStore.Land"/>). A raw object never changes once landed, here as in the raw bucket, where
/// versioning keeps every earlier version: an input file whose key the lake already holds with other bytes (a damaged
/// copy, an edited one) is not landed, and the lake's own copy is transformed. So is a second input file of a key the
/// run already lands. Each is skipped with a warning saying what to do, and nothing is lost: the input keeps its file.
/// </summary>
internal static class RawLanding
{
    /// <summary>
    /// Lands the input's files (<see cref="RawInputs.Files"/>, in the order of the walk) and returns the keys to transform;
    /// what was skipped is warned about, in that order. Cancelled, it stops between files (each landed file is whole) and
    /// throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public static List<string> Land(IReadOnlyList<string> files, LocalFolderStore lake, DirectoryInfo lakeFolder, List<string> skipped, CancellationToken cancellationToken)
    {
        var keys = new string?[files.Count];
        var problems = new string?[files.Count];
        // The first file of each key in the walk's order lands, whatever the timing; another with the same bytes is the
        // same object, one with other bytes is named against it.
        var firstOfKey = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var index = 0; index < files.Count; index++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Unlandable(files[index]) is { } unlandable)
            {
                problems[index] = unlandable;
                continue;
            }
            var key = KeyOf(files[index])!;
            if (firstOfKey.TryAdd(key, files[index]))
            {
                continue;
            }
            problems[index] = ReadableSame(files[index], firstOfKey[key]) ? "" :
                $"skipped {files[index]}: it lands as {key}, as {firstOfKey[key]} does with other bytes, which was landed instead. Keep one file per raw object in the input.";
        }
        try
        {
            Parallel.For(0, files.Count, new ParallelOptions { CancellationToken = cancellationToken }, LandOne);
        }
        catch (AggregateException exception) when (exception.InnerExceptions.Count > 0)
        {
            // A failure of the lake's (a full disk): reported as itself, not as Parallel's wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(exception.InnerExceptions[0]).Throw();
        }

        void LandOne(int index)
        {
            if (problems[index] is not null)
            {
                return;
            }
            var file = files[index];
            var key = KeyOf(file)!;
            var landed = Path.Combine(lakeFolder.FullName, key.Replace('/', Path.DirectorySeparatorChar));
            if (LocalFolderStore.EntryProblem(file) is { } problem)
            {
                problems[index] = $"skipped {file}: {problem}. Fix or remove it and run again; the other inputs were read.";
                return;
            }
            if (!string.Equals(Path.GetFullPath(file), Path.GetFullPath(landed), StringComparison.Ordinal))
            {
                try
                {
                    if (!File.Exists(landed))
                    {
                        // Read here, on every core, not in the walk's order: only a data export's file carries its bytes' hash.
                        if (key.StartsWith(Import.ExportRawKey.Prefix, StringComparison.Ordinal)
                            && Import.LandedExportFile.Changed(key, File.ReadAllBytes(file)) is { } changed)
                        {
                            problems[index] = $"skipped {file}: it would land as {key}, which does not match its bytes ({changed}), so it was not landed. {RenameOrLeaveOut}";
                            return;
                        }
                        lake.Land(key, file);
                    }
                    else if (!SameBytes(file, landed))
                    {
                        problems[index] = $"skipped {file}: the lake already holds {key} with other bytes, and a raw object never changes once landed; " +
                                          $"the lake's copy was transformed. If this file is the right one, remove {landed} and run again.";
                    }
                }
                catch (Exception exception) when (LocalEntry.IsEntryFailure(exception))
                {
                    // The lake's failure, not the input's: out of the filter, where the open-file limit the look meets goes on.
                    if (CanRead(file))
                    {
                        throw;
                    }
                    problems[index] = $"skipped {file}: it cannot be read ({exception.Message.TrimEnd('.')}). Fix or remove it and run again.";
                    return;
                }
            }
            keys[index] = key;
        }
        for (var index = 0; index < files.Count; index++)
        {
            if (problems[index] is { Length: > 0 } problem)
            {
                CliErrors.Warn(Console.Error, problem);
                skipped.Add(files[index]);
            }
        }
        return keys.OfType<string>().Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Whether two files can be read and hold the same bytes (a file that cannot be read is the landing's to report).</summary>
    private static bool ReadableSame(string a, string b)
    {
        try
        {
            return SameBytes(a, b);
        }
        catch (Exception exception) when (LocalEntry.IsEntryFailure(exception))
        {
            return false;
        }
    }

    /// <summary>Whether two files hold the same bytes: their lengths, then their contents a megabyte at a time.</summary>
    private static bool SameBytes(string a, string b)
    {
        using var first = new FileStream(a, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        using var second = new FileStream(b, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        if (first.Length != second.Length)
        {
            return false;
        }
        var ours = new byte[Math.Min(first.Length, 1 << 20)];
        var theirs = new byte[ours.Length];
        int read;
        while ((read = first.ReadAtLeast(ours, ours.Length, throwOnEndOfStream: false)) > 0)
        {
            second.ReadExactly(theirs, 0, read);
            if (!ours.AsSpan(0, read).SequenceEqual(theirs.AsSpan(0, read)))
            {
                return false;
            }
        }
        return true;
    }

    private static bool CanRead(string file)
    {
        try
        {
            using var stream = File.OpenRead(file);
            return true;
        }
        catch (Exception exception) when (LocalEntry.IsEntryFailure(exception))
        {
            return false;
        }
    }

    /// <summary>
    /// For a transform's input that lands nothing: when it is, or its folder holds, a zip of raw API responses, the error that
    /// names the unzip and the transform of what it holds; when it is a Spotify data export (its zip, one in its folder, or
    /// files named as its streaming history), the error that names the import, which reads it; null otherwise.
    /// </summary>
    /// <param name="files">The input's files as the walk found them: .json files only, or the input itself when it is a file.</param>
    public static string? ExportInstead(FileSystemInfo input, IReadOnlyList<string> files, string lake)
    {
        // The walk passes over a folder's zips: those at its top are what a folder of downloads holds.
        var zips = input is DirectoryInfo folder ? TopZips(folder) : [.. files.Where(IsZip)];
        foreach (var zip in zips)
        {
            if (RawResponsesUnderRaw(zip) is { } underRaw)
            {
                return $"No raw objects found in {input.FullName}: {(zip == input.FullName ? "it is" : $"it holds {zip},")} a zip of the Spotify API's raw " +
                    $"responses, which the transform reads as files, not from a zip. Unzip it and transform what it holds: {UnzipThenTransform(zip, underRaw, lake)}";
            }
        }
        var export = zips.FirstOrDefault(HoldsHistory)
            ?? (files.Any(f => Import.ExportFileKinds.FromName(Path.GetFileName(f)) is not null) ? input.FullName : null);
        return export is null ? null
            : $"No raw objects found in {input.FullName}: it holds {(export == input.FullName ? "a Spotify data export (its zip, or its streaming-history files)" : $"{export}, a Spotify data export")}, " +
              $"which the import reads, not the transform: spotify-etl import {ShellWord.Of(export)} --lake {ShellWord.Of(lake)}";
    }

    /// <summary>The zips at the top of a folder, by name; none when it cannot be listed (the walk has said so).</summary>
    private static List<string> TopZips(DirectoryInfo folder)
    {
        try
        {
            return [.. folder.EnumerateFiles("*", SearchOption.TopDirectoryOnly).Select(file => file.FullName).Where(IsZip).Order(StringComparer.Ordinal)];
        }
        catch (Exception exception) when (LocalEntry.IsEntryFailure(exception))
        {
            return [];
        }
    }

    /// <summary>Whether a zip holds a file named as a data export's streaming history; false for one that cannot be read as a zip.</summary>
    private static bool HoldsHistory(string zip) => ZipEntries(zip)?.Any(name => Import.ExportFileKinds.FromName(name) is not null) ?? false;

    /// <summary>The names of a zip's entries; null for a file that cannot be read as a zip.</summary>
    private static List<string>? ZipEntries(string zip)
    {
        try
        {
            using var archive = System.IO.Compression.ZipFile.OpenRead(zip);
            return [.. archive.Entries.Select(entry => entry.FullName)];
        }
        catch (Exception exception) when (exception is InvalidDataException || LocalEntry.IsEntryFailure(exception))
        {
            return null;
        }
    }

    /// <summary>
    /// For an import that imported nothing: when every file it read is a raw API response (raw/&lt;source&gt;/snapshot_date=.../),
    /// the error that names the transform, which lands those (after an unzip, for a zip); null otherwise. Files not named .json
    /// (a sample's record, a README) are passed over: neither verb reads them, and they say nothing of which one is meant.
    /// </summary>
    public static string? RawResponsesInstead(IReadOnlyList<string> files, IReadOnlyList<string> inputs, string lake)
    {
        var json = files.Where(file => file.EndsWith(".json", StringComparison.OrdinalIgnoreCase)).ToList();
        if (json.Count == 0 || !(json.All(IsRawResponse) || inputs.All(IsRawResponse)))
        {
            return null;
        }
        var one = inputs.Count == 1;
        var transform = one && IsZip(inputs[0]) && RawResponsesUnderRaw(inputs[0]) is { } underRaw
            ? "unzipped, the transform lands those: " + UnzipThenTransform(inputs[0], underRaw, lake)
            : $"the transform lands those: spotify-etl transform --input {(one ? ShellWord.Of(inputs[0]) : "<each of them>")} --lake {ShellWord.Of(lake)}";
        return $"Nothing was imported: {(one ? inputs[0] : "the inputs")} hold{(one ? "s" : "")} the Spotify API's raw responses " +
            $"(raw/<source>/snapshot_date=YYYY-MM-DD/...), not a data export; {transform}. " +
            "A data export is the zip Spotify e-mails you (my_spotify_data.zip) when you request it on your account's privacy page.";
    }

    /// <summary>A path of a raw API response, as the import names the files it read (from the folder it was given) or in full.</summary>
    private static bool IsRawResponse(string path) =>
        path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
        && !path.Replace('\\', '/').Contains(Import.ExportRawKey.Prefix, StringComparison.Ordinal)
        && path.Split('/', '\\').Any(folder => folder.StartsWith("snapshot_date=", StringComparison.Ordinal));

    private static bool IsZip(string path) => path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether a zip's raw API responses lie under a raw/ folder in it (a zipped raw zone's); null for none, or no zip.</summary>
    private static bool? RawResponsesUnderRaw(string zip) => ZipEntries(zip)?.Where(IsRawResponse).ToList() is { Count: > 0 } responses
        ? responses.All(name => name.Split('/', '\\').Contains(LakeLayout.Raw.TrimEnd('/'))) : null;

    /// <summary>
    /// The commands that unzip a zip of raw responses beside it, into a folder of its name (or of its name and <c>-unzipped</c>
    /// when that is taken), and transform that folder. Responses zipped without their raw/ folder are unzipped into one, which
    /// their keys begin with.
    /// </summary>
    private static string UnzipThenTransform(string zip, bool underRaw, string lake)
    {
        var folder = Path.ChangeExtension(Path.GetFullPath(zip), null);
        if (Path.Exists(folder))
        {
            folder += "-unzipped";
        }
        var into = underRaw ? folder : Path.Combine(folder, LakeLayout.Raw.TrimEnd('/'));
        return $"unzip -q {ShellWord.Of(zip)} -d {ShellWord.Of(into)} && spotify-etl transform --input {ShellWord.Of(folder)} --lake {ShellWord.Of(lake)}";
    }

    /// <summary>Why a file of the input would never land, from its path alone (the skip line to print); null for a file that may.</summary>
    public static string? Unlandable(string file) => KeyOf(file) switch
    {
        null => $"skipped {file}: it is not under a 'raw/' folder, so its source and snapshot date are unknown. Keep the layout raw/<source>/snapshot_date=YYYY-MM-DD/<subject>/<run>-pNNNN.json.",
        // Landed, it would be set aside (or passed over) by this transform and every later one, and stay in raw/ for good.
        var key when NotARawObject(key) is { } misnamed => $"skipped {file}: it would land as {key}, which {misnamed}, so it was not landed. {RenameOrLeaveOut}",
        _ => null,
    };

    /// <summary>
    /// Why a key is no raw object's the transform reads, nor named as the import names a data export's file (by the hash of
    /// its bytes, which the landing checks); null when it is.
    /// </summary>
    private static string? NotARawObject(string key)
    {
        if (key.StartsWith(Import.ExportRawKey.Prefix, StringComparison.Ordinal))
        {
            return Import.ExportRawKey.TryParse(key, out _) ? null
                : $"is no name the import gives a data export's file ({Import.ExportRawKey.Prefix}<kind>/<sha-256 of its bytes>.json)";
        }
        return RawObjectKey.TryParse(key, out _, out var problem) ? null : $"does not follow the raw layout ({problem})";
    }

    /// <summary>What to do with an input file that would land under a key it does not fit.</summary>
    private const string RenameOrLeaveOut = "Rename or move it to match, or leave it out of the input.";

    /// <summary>The object key of a file: its path from the last 'raw' folder on.</summary>
    private static string? KeyOf(string path)
    {
        var parts = Path.GetFullPath(path).Split(Path.DirectorySeparatorChar);
        var rawIndex = Array.LastIndexOf(parts, LakeLayout.Raw.TrimEnd('/'));
        return rawIndex < 0 ? null : string.Join('/', parts[rawIndex..]);
    }
}
