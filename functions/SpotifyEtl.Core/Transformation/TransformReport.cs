using System.Text.Json.Serialization;
using SpotifyEtl.Lake;

namespace SpotifyEtl.Transformation;

public enum TransformStatus
{
    /// <summary>Rows were folded into the day's tables.</summary>
    Transformed,
    /// <summary>The object could not be read; it was copied to quarantine with the reason beside it.</summary>
    Quarantined,
    /// <summary>
    /// The store holds an entry it cannot read as an object (a dangling link, a FIFO, a file it may not read,
    /// one too large): reported with its reason, and not copied, since a copy would have to read it.
    /// </summary>
    Unreadable,
    /// <summary>The key is outside <c>raw/</c>: not the transformation's object.</summary>
    Ignored,
}

/// <summary>
/// What happened to one raw object. It holds no clock reading, so transforming the same object
/// again gives the same report.
/// </summary>
public sealed record TransformReport(
    string RawKey,
    [property: JsonConverter(typeof(JsonStringEnumConverter<TransformStatus>))] TransformStatus Status,
    string? Source,
    string? SnapshotDate,
    int ItemsRead,
    int Rows,
    SkippedItems Skipped,
    string? Reason,
    string? QuarantineKey)
{
    private static readonly SkippedItems None = new(0, 0, 0, 0);

    /// <summary>Why items of a transformed object were unreadable (the first few); absent when none were.</summary>
    public IReadOnlyList<string>? UnreadableReasons { get; init; }

    public static TransformReport Transformed(RawObjectKey key, TransformedObject rows) =>
        new(key.ToString(), TransformStatus.Transformed, key.Source.ToKeySegment(), $"{key.SnapshotDate:yyyy-MM-dd}", rows.ItemsRead, rows.RowCount,
            new SkippedItems(rows.SkippedLocalFiles, rows.SkippedEpisodes, rows.SkippedUnavailable, rows.Unreadable), null, null)
        {
            UnreadableReasons = rows.UnreadableReasons.Count == 0 ? null : [.. rows.UnreadableReasons],
        };

    public static TransformReport Unread(string key, string reason) =>
        new(key, TransformStatus.Unreadable, null, null, 0, 0, None, reason, null);

    public static TransformReport Quarantined(string key, string reason, string quarantineKey) =>
        new(key, TransformStatus.Quarantined, null, null, 0, 0, None, reason, quarantineKey);

    public static TransformReport Ignored(string key, string reason) =>
        new(key, TransformStatus.Ignored, null, null, 0, 0, None, reason, null);
}

/// <param name="Unreadable">Items with no track at all, or a track without an id: a shape this version does not know.</param>
public sealed record SkippedItems(int LocalFiles, int Episodes, int Unavailable, int Unreadable)
{
    public int Total => LocalFiles + Episodes + Unavailable + Unreadable;

    public SkippedItems Plus(SkippedItems other) =>
        new(LocalFiles + other.LocalFiles, Episodes + other.Episodes, Unavailable + other.Unavailable, Unreadable + other.Unreadable);
}

/// <summary>The objects of one run on one day, as written to <c>reports/snapshot_date={date}/{run}.json</c>.</summary>
public sealed record RunReport(string RunId, string SnapshotDate, IReadOnlyList<TransformReport> Objects);

/// <summary>
/// The outcome of one transformation: the objects it read and the partitions it published with their row counts.
/// Objects transformed with nothing to note may be counted in <see cref="Unlisted"/> instead of listed
/// (<see cref="TransformOptions.ListEveryObject"/>); every total counts both.
/// </summary>
public sealed record TransformBatchReport(IReadOnlyList<TransformReport> Objects, IReadOnlyDictionary<string, int> Partitions)
{
    /// <summary>Objects transformed with no unreadable item, counted and not listed in <see cref="Objects"/>.</summary>
    public TransformTotals Unlisted { get; init; } = TransformTotals.None;

    /// <summary>Runs whose manifest names raw objects that are gone (S3 path only): each kept its fragment when it had one.</summary>
    public IReadOnlyList<IncompleteRun> IncompleteRuns { get; init; } = [];

    /// <summary>Runs no event of the batch named that could not be read (S3 path only): their days were published without them.</summary>
    public IReadOnlyList<UnfoldedRun> UnfoldedRuns { get; init; } = [];

    /// <summary>Playlists a day written by this batch holds only part of: no run that day landed the whole list.</summary>
    public IReadOnlyList<PartialPlaylist> PartialPlaylists { get; init; } = [];

    public int Transformed => Objects.Count(o => o.Status == TransformStatus.Transformed) + Unlisted.Objects;
    public int Quarantined => Objects.Count(o => o.Status == TransformStatus.Quarantined);
    public int Ignored => Objects.Count(o => o.Status == TransformStatus.Ignored);
    public int Unreadable => Objects.Count(o => o.Status == TransformStatus.Unreadable);
    /// <summary>Items read from every object, listed or not.</summary>
    public int ItemsRead => Objects.Sum(o => o.ItemsRead) + Unlisted.ItemsRead;
    /// <summary>Items skipped in every object, listed or not.</summary>
    public SkippedItems Skipped => Objects.Aggregate(Unlisted.Skipped, (total, o) => total.Plus(o.Skipped));
    /// <summary>Items whose shape this version could not read, in objects that still yielded rows.</summary>
    public int UnreadableItems => Skipped.Unreadable;
}

/// <summary>
/// A playlist whose day holds only part of its items: every run that day that read it stopped partway (a failure, a spent
/// Retry-After budget, an interrupted extraction), so its pages hold <paramref name="Entries"/> of the <paramref name="Total"/>
/// items they say the list has. The day's entries are those; a later run of the day that lands the list whole replaces them.
/// </summary>
public sealed record PartialPlaylist(DateOnly SnapshotDate, string PlaylistId, int Entries, int Total);

/// <summary>Objects counted rather than listed: how many, the items they held, the items they skipped.</summary>
public sealed record TransformTotals(int Objects, int ItemsRead, SkippedItems Skipped)
{
    public static readonly TransformTotals None = new(0, 0, new SkippedItems(0, 0, 0, 0));

    /// <summary>These totals and one more transformed object.</summary>
    public TransformTotals Plus(TransformReport report) => new(Objects + 1, ItemsRead + report.ItemsRead, Skipped.Plus(report.Skipped));

    /// <summary>These totals and others (another day's).</summary>
    public TransformTotals Plus(TransformTotals other) => new(Objects + other.Objects, ItemsRead + other.ItemsRead, Skipped.Plus(other.Skipped));

    /// <summary>Whether the object's report is only counted: transformed, every item read or skipped for a known reason.</summary>
    public static bool Countable(TransformReport report) => report.Status == TransformStatus.Transformed && report.Skipped.Unreadable == 0;
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(TransformReport))]
[JsonSerializable(typeof(RunReport))]
[JsonSerializable(typeof(TransformBatchReport))]
public sealed partial class TransformReportContext : JsonSerializerContext;
