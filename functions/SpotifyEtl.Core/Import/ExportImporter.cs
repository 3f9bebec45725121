using System.Text.Json;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Import;

public sealed record ImportOptions
{
    public TableFormat Format { get; init; } = TableFormat.Parquet;
    public ImportLimits Limits { get; init; } = ImportLimits.Default;
    public int Parallelism { get; init; } = Math.Max(2, Environment.ProcessorCount);
    public IProgress<ImportProgress>? Progress { get; init; }
}

/// <summary>
/// Imports a Spotify data export: recognises each offered file by its name (every era's names) or, failing
/// that, by its keys; lands each streaming-history file unchanged under a key derived from its content; then
/// rebuilds <c>listening_history</c> from everything landed and the API's plays. Anything else is skipped with
/// its reason; nothing raw is ever deleted. The same code serves the command-line tool and the transform function.
/// </summary>
public sealed class ExportImporter(IObjectStore raw, IObjectStore lake, ImportOptions? options = null)
{
    private readonly ImportOptions _options = options ?? new ImportOptions();

    public async Task<ImportReport> ImportAsync(IReadOnlyList<ExportCandidate> candidates, CancellationToken cancellationToken = default)
    {
        var landing = await new ExportLanding(raw, _options).LandAsync(candidates, cancellationToken).ConfigureAwait(false);
        var landed = new List<(ExportCandidate Candidate, ExportFileKind Kind, string Key, bool New)>();
        var reports = new Dictionary<ExportCandidate, ImportFileReport>();
        var firstInput = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < candidates.Count; i++)
        {
            var candidate = candidates[i];
            var (kind, key, skipped, ignored) = landing.Candidates[i];
            if (skipped is not null)
            {
                reports[candidate] = ImportFileReport.Skip(candidate.Name, skipped, ignored);
            }
            else if (firstInput.TryGetValue(key!, out var first))
            {
                reports[candidate] = ImportFileReport.Skip(candidate.Name, $"it is the same file as {first} (identical content): read once", ignored: true);
            }
            else
            {
                firstInput[key!] = candidate.Name;
                landed.Add((candidate, kind!.Value, key!, landing.New[key!]));
            }
        }

        if (landed.Count == 0)
        {
            // No file offered could be imported: the table is not rebuilt and keeps what it held, so the report gives no figures for it rather than zeros.
            return new ImportReport(candidates.Select(c => reports[c]).ToList(), null, 0, null, null);
        }
        var build = await new HistoryBuilder(raw, lake, _options.Format, _options.Parallelism, _options.Progress, _options.Limits.HistoryRowsInMemory)
            .RebuildAsync(landing.Contents, cancellationToken).ConfigureAwait(false);
        foreach (var (candidate, kind, key, isNew) in landed)
        {
            var outcome = build.Files[key];
            var content = outcome.Content;
            var reasons = content.Unreadable.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal)
                .Select(r => $"{r.Value:N0} {(r.Value == 1 ? "row" : "rows")}: {r.Key}" +
                    (content.FirstOf(r.Key) is { } element ? $" ({(r.Value == 1 ? "it is" : "the first is")} element {element:N0} of the file's array)" : "")).ToList();
            if (content.LengthsUnreadNote is { } lengths)
            {
                reasons.Add(lengths);
            }
            if (content.Problem is not null)
            {
                reasons.Insert(0, content.Problem);
            }
            if (landing.Restored.TryGetValue(key, out var damage))
            {
                reasons.Add($"its copy in the lake was damaged, so it was landed again from this file: {damage}");
            }
            reports[candidate] = new ImportFileReport(candidate.Name, kind.Describe(), key, isNew, content.RowsRead, outcome.Counts.Kept,
                outcome.Counts.Duplicates, outcome.Counts.Covered, content.UnreadableCount, reasons, null, content.Problem);
        }
        return new ImportReport(candidates.Select(c => reports[c]).ToList(), build.ApiPlays, landed.Count(l => l.New), build.Rows, build.Partitions)
        {
            DamagedLandedFiles = [.. build.Damaged.Select(d => new DamagedLandedFile(d.Key, LandedExportFile.Reported(d.Value)))],
        };
    }

    /// <summary>
    /// The kind of a file by its name, else by its keys; or why it is not a streaming-history file, and whether that
    /// is nothing to look at (<paramref name="name"/> is one of the export's other files, read whole) or something to
    /// (JSON that cannot be read, which may be a damaged history file under another name).
    /// </summary>
    public static (ExportFileKind? Kind, string? Reason, bool Ignored) Recognize(string name, ReadOnlySpan<byte> content)
    {
        if (IgnoredByName(name) is { } ignored)
        {
            return (null, ignored, true);
        }
        if (content.Trim(" \t\r\n\uFEFF"u8).IsEmpty)
        {
            // What an unzip or a copy stopped part-way leaves, under the file's own name: nothing to land, and each such file
            // is told as its own, not as a copy of the first.
            return (null, content.IsEmpty
                ? "it is empty (0 bytes), as a file an unzip or a copy stopped part-way leaves: unzip the export again, or download it again"
                : "it holds only white space, no JSON: unzip the export again, or download it again", false);
        }
        if (content.IndexOfAnyExcept((byte)0) < 0)
        {
            return (null, "it holds only zero bytes, as a copy or an unzip stopped by a crash or a full disk leaves it (its length set, " +
                "its content never written): unzip the export again, or download it again", false);
        }
        if (ExportFileKinds.FromName(name) is { } named)
        {
            if (ExportFileKinds.LandedHash(name) is { } hash && ExportRawKey.For(named, content).Hash != hash)
            {
                return (null, "it is named as the lake keeps a landed file, by the SHA-256 of its bytes, but its bytes are no longer those (cut short or " +
                    "changed on disk), so it is not landed again as a file of its own: import the export it came from again", false);
            }
            return (NoHistoryInside(content) ?? NotAsWritten(content)) is { } none ? (null, none, false) : (named, null, false);
        }
        var sniffed = ExportFileReader.Read(content);
        if (sniffed.ExtendedRows == 0 && sniffed.AccountRows == 0 && sniffed.TimedUnreadable > 0)
        {
            // Streams by their keys, none with a time this import reads: history written by another tool, or edited.
            var reason = sniffed.Unreadable.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal).First().Key;
            return (null, $"its {sniffed.TimedUnreadable:N0} elements have 'ts' or 'endTime', but none holds a time this import reads ({reason}): " +
                "import the streaming-history files as Spotify's export has them", false);
        }
        if (sniffed.ExtendedRows == 0 && sniffed.AccountRows == 0)
        {
            var what = sniffed.Problem ?? (sniffed.RowsRead == 0 ? "it is an empty array" : $"none of its {sniffed.RowsRead:N0} elements has 'ts' or 'endTime'");
            return (null, $"it is not a streaming-history file: {what} (the export's other files, such as playlists or search queries, are not imported)",
                sniffed.Problem is null || IsWholeJson(content));
        }
        if (sniffed.RowsWithLength == 0)
        {
            // A time alone does not make a stream: an app's event log or another tool's file under a name of its own would
            // otherwise land for good as streams of no length, and the days it covers would hide the account data's plays.
            // Nothing to look at (every stream of every era has its length): ignored, as the export's other files are.
            var key = sniffed.ExtendedRows >= sniffed.AccountRows ? "ts" : "endTime";
            return (null, $"its {sniffed.ExtendedRows + sniffed.AccountRows:N0} elements have '{key}', but none has 'ms_played' or 'msPlayed' " +
                "(how long a stream played, which every stream of Spotify's export has), so it is not a streaming-history file", true);
        }
        return NotAsWritten(content) is { } garbled ? (null, garbled, false)
            : (sniffed.ExtendedRows >= sniffed.AccountRows ? ExportFileKind.ExtendedOther : ExportFileKind.AccountOther, null, false);
    }

    /// <summary>
    /// Why a history file is not landed for text that is not what Spotify wrote (<see cref="ExportFileReader.NotAsWritten"/>):
    /// landed, it would stay in the lake for good, its names with U+FFFD where letters were, and the export's own copy,
    /// imported later, would not meet its streams but be counted beside them (an account-data stream is known by its names).
    /// </summary>
    private static string? NotAsWritten(ReadOnlySpan<byte> content) =>
        ExportFileReader.NotAsWritten(content) is { } why
            ? $"{why}: nothing of it was landed, as its names would keep U+FFFD where letters were and the export's own copy, imported later, " +
              "would be counted beside it; import the file from the export as it came, or have the editor that changed it save it as UTF-8"
            : null;

    /// <summary>
    /// Why a file is none of the streaming history by its name alone, so that it need not be read at all (a folder
    /// given to the import may hold videos of gigabytes); null when its content decides.
    /// </summary>
    public static string? IgnoredByName(string name) =>
        MacMetadata(name)
            ? "it is macOS's metadata for another file (a '._' file, which a Mac adds to the zips it makes and to drives it writes), not part of Spotify's export"
            : ExportFileKinds.FromName(name) is null && !name.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                ? "it is not a .json file, so not part of the streaming history (the export's other files are not imported)"
                : null;

    /// <summary>
    /// A .json file larger than any file of Spotify's export and not named as one of its history files (a technical log beside
    /// the unzipped packages): passed over unread, as the export's other files are, not skipped as a history file too large.
    /// One named as a history file is still read, and refused as too large with its reason.
    /// </summary>
    public static string? IgnoredBySize(string name, long? size, ImportLimits limits) =>
        size > limits.MaxFileBytes && ExportFileKinds.FromName(name) is null
            ? $"it is larger than {ImportLimits.Size(limits.MaxFileBytes)}, more than any file of a Spotify export, and not named as one of its " +
              "streaming-history files: not part of the streaming history, passed over unread"
            : null;

    /// <summary>An AppleDouble file (<c>._name</c>) or anything under a zip's <c>__MACOSX/</c> folder.</summary>
    private static bool MacMetadata(string name)
    {
        var segments = name.Split('/', '\\', ExportArchive.EntrySeparator); // a zip's entries are named "archive.zip!folder/file"
        return segments[^1].StartsWith("._", StringComparison.Ordinal) || segments.Contains("__MACOSX", StringComparer.Ordinal);
    }

    /// <summary>
    /// Why a file named as streaming history cannot hold any, by its first bytes alone (a history file of years is not read
    /// twice): another file saved under its name, or JSON that breaks off before its first stream. Null when it may: a JSON
    /// array (whole or cut short after some streams, which is read in part), or UTF-16 text, which the reader decodes.
    /// </summary>
    private static string? NoHistoryInside(ReadOnlySpan<byte> content)
    {
        // UTF-32's byte-order mark, little- or big-endian (the first is UTF-16's followed by a NUL, which no JSON starts with).
        if (content is [0xFF, 0xFE, 0, 0, ..] or [0, 0, 0xFE, 0xFF, ..])
        {
            return "it is UTF-32 text (re-saved by an editor?), which the import does not read: nothing of it was landed; " +
                   "import the file from the export as it came, or have the editor save it as UTF-8";
        }
        if (ExportFileReader.IsUtf16(content))
        {
            return null;
        }
        var text = content.TrimStart("\uFEFF"u8).Trim(" \t\r\n"u8);
        if (text.IsEmpty || text[0] != (byte)'[')
        {
            return "it is named as a streaming-history file but is no JSON array, as each of those is (another file saved under its name?): " +
                   "nothing of it was landed; import the file the export holds under that name";
        }
        return FirstElement(content) switch
        {
            FirstElementRead.BrokenOff => "its JSON breaks off before its first stream ends, as a file an unzip or a copy stopped part-way leaves: " +
                "nothing of it was landed; unzip the export again, or download it again",
            FirstElementRead.NotJson => "its JSON is not valid before its first stream ends (edited, or written by another tool?): nothing of it was landed; " +
                "import the file the export holds under that name",
            _ => null,
        };
    }

    private enum FirstElementRead { Whole, BrokenOff, NotJson }

    /// <summary>How a history file's JSON is read to judge it: comments and trailing commas, which the import's parser passes over, pass.</summary>
    private static readonly JsonReaderOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private static ReadOnlySpan<byte> WithoutByteOrderMark(ReadOnlySpan<byte> content) => content.StartsWith("\uFEFF"u8) ? content[3..] : content;

    /// <summary>
    /// How far a history file's JSON reads: to the end of its array's first element or of the array (whole: it may hold
    /// streams, and a break after them is read in part), or not: the bytes end first (a file cut short) or are no JSON there.
    /// </summary>
    private static FirstElementRead FirstElement(ReadOnlySpan<byte> content)
    {
        var reader = new Utf8JsonReader(WithoutByteOrderMark(content), isFinalBlock: false, new JsonReaderState(Lenient));
        try
        {
            while (reader.Read())
            {
                var ended = reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray or JsonTokenType.PropertyName);
                if ((reader.CurrentDepth == 1 && ended) || (reader.CurrentDepth == 0 && reader.TokenType == JsonTokenType.EndArray))
                {
                    return FirstElementRead.Whole;
                }
            }
            return FirstElementRead.BrokenOff;
        }
        catch (JsonException)
        {
            return FirstElementRead.NotJson;
        }
    }

    /// <summary>Whether <paramref name="content"/> is one complete JSON document (the export's <c>Userdata.json</c> is an object).</summary>
    private static bool IsWholeJson(ReadOnlySpan<byte> content)
    {
        var reader = new Utf8JsonReader(WithoutByteOrderMark(content), Lenient);
        try
        {
            while (reader.Read())
            {
            }
            return reader.BytesConsumed > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
