using System.Text.Json.Serialization;

namespace SpotifyEtl.Cli.Shell;

/// <summary>`sample --json`.</summary>
internal sealed record SampleJson(int Objects, long Bytes, int Playlists, int Days, string Raw);

/// <summary>`transform --json`: the counts of the tables, the partitions written, and what needs a person.</summary>
internal sealed record TransformJson(
    string Lake,
    int Transformed,
    int Quarantined,
    int ItemsRead,
    int UnreadableItems,
    IReadOnlyDictionary<string, int> Partitions,
    IReadOnlyList<QuarantinedJson> QuarantinedObjects,
    IReadOnlyList<string> SkippedInputs,
    int ExitCode)
{
    /// <summary>Entries under raw/ that could not be read as objects (a FIFO, a dangling link, ...), each with its reason.</summary>
    public IReadOnlyList<QuarantinedJson> UnreadableObjects { get; init; } = [];

    /// <summary>Inputs an earlier <c>transform --input</c> stopped copying into the lake: the days they hold may lack pages until it is run again.</summary>
    public IReadOnlyList<string> UnfinishedLandings { get; init; } = [];

    /// <summary>Days an earlier transform set out to write and did not finish (<c>yyyy-MM-dd</c>), which this run did not write either.</summary>
    public IReadOnlyList<string> UnfinishedDays { get; init; } = [];

    /// <summary>Whether the current-state tables hold less than the days' tables (a transform with <c>--no-current-tables</c> wrote days, or a <c>current</c> stopped): <c>spotify-etl current</c> brings them up to date.</summary>
    public bool CurrentTablesBehind { get; init; }

    /// <summary>When the lake's last import began, if it did not finish (<c>yyyy-MM-ddTHH:mm:ssZ</c>): listening_history may lack months of the export until an import ends; null when every import ended.</summary>
    public string? UnfinishedImport { get; init; }

    /// <summary>Playlists a day this run wrote holds only part of (every run that day that read it stopped partway).</summary>
    public IReadOnlyList<PartialPlaylistJson> PartialPlaylists { get; init; } = [];

    /// <summary>
    /// Whether the heap was advised onto 2 MB pages, as chosen for the machine or by SPOTIFY_ETL_HUGE_PAGES
    /// (docs/cli.md); what the run wrote is the same either way.
    /// </summary>
    public bool HeapHugePages { get; init; }

    /// <summary>
    /// Items read but written to no table, by why (local files, podcast episodes, tracks no longer available, items of an
    /// unknown shape), as each run's report under reports/ counts them.
    /// </summary>
    public SpotifyEtl.Transformation.SkippedItems Skipped { get; init; } = new(0, 0, 0, 0);

    /// <summary>
    /// The snapshot dates of the partitions this run wrote (<see cref="Partitions"/>), in order: after an --input, the days it
    /// landed, not every day of the lake.
    /// </summary>
    public IReadOnlyList<DateOnly> DaysWritten { get; init; } = [];

    /// <summary>The days the lake's tables hold, written by this run or an earlier one.</summary>
    public int LakeDays { get; init; }
}

internal sealed record QuarantinedJson(string RawKey, string? Reason, string? QuarantineKey);

/// <summary>`current --json`: the days read and the rows of each current-state table.</summary>
internal sealed record CurrentJson(string Lake, int Days, IReadOnlyDictionary<string, int> Tables);

/// <summary>`report --json`: where the page was written.</summary>
internal sealed record ReportJson(string Lake, string Report);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SampleJson))]
[JsonSerializable(typeof(TransformJson))]
[JsonSerializable(typeof(CurrentJson))]
[JsonSerializable(typeof(ReportJson))]
internal sealed partial class SummaryJsonContext : JsonSerializerContext;

/// <summary>
/// A playlist's day that holds part of the list: the day, the playlist, the items landed and the list's total, and whether
/// the day is the lake's latest (an extraction of the same day can still land it whole; an earlier day keeps its part).
/// </summary>
internal sealed record PartialPlaylistJson(string SnapshotDate, string PlaylistId, int Entries, int Total, bool OnLatestDay);
