using System.Text.Json;
using System.Text.Json.Serialization;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Import;

/// <summary>From the first to the last stream of the extended history (seconds): account rows inside it are covered.</summary>
public readonly record struct ExtendedSpan(long First, long Last);

/// <summary>
/// The times one landed export file spans: all its rows, and its extended-history rows. A function of the file's
/// content, kept beside the table (<c>staging/listening_history/export_spans/{kind}/{sha256}.json</c>) so that a
/// month is rebuilt from the few files that reach it, and the extended history's span known without reading any.
/// </summary>
public sealed record ExportSpan(
    [property: JsonPropertyName("first")] long? First,
    [property: JsonPropertyName("last")] long? Last,
    [property: JsonPropertyName("extended_first")] long? ExtendedFirst,
    [property: JsonPropertyName("extended_last")] long? ExtendedLast)
{
    public const string Prefix = LakeLayout.Staging + "listening_history/export_spans/";

    public static string KeyFor(string rawKey) => Prefix + rawKey[ExportRawKey.Prefix.Length..];

    public static ExportSpan Of(ExportFileContent content)
    {
        long? first = null, last = null, extendedFirst = null, extendedLast = null;
        foreach (var row in content.Rows)
        {
            first = Math.Min(first ?? long.MaxValue, row.EndedAt);
            last = Math.Max(last ?? long.MinValue, row.EndedAt);
            if (row.Source == HistorySource.Extended)
            {
                extendedFirst = Math.Min(extendedFirst ?? long.MaxValue, row.EndedAt);
                extendedLast = Math.Max(extendedLast ?? long.MinValue, row.EndedAt);
            }
        }
        return new ExportSpan(first, last, extendedFirst, extendedLast);
    }

    public bool Reaches(long from, long to) => First < to && Last >= from;

    /// <summary>The extended history's span over every landed file; null when none holds an extended row.</summary>
    public static ExtendedSpan? Extended(IEnumerable<ExportSpan> spans)
    {
        var withRows = spans.Where(s => s.ExtendedFirst is not null).ToList();
        return withRows.Count == 0 ? null : new ExtendedSpan(withRows.Min(s => s.ExtendedFirst!.Value), withRows.Max(s => s.ExtendedLast!.Value));
    }

    /// <summary>
    /// On S3, the bucket whose table was built from the file (<c>s3://</c> and its name), written with the span once the table
    /// holds the file's streams: a span copied from another stack's bucket (a stack moved with its <c>staging/</c>) names that
    /// one, and says nothing of this bucket's table. A local lake's spans name none: a folder is moved or copied whole, and
    /// two copies of one lake stay the same bytes.
    /// </summary>
    [JsonPropertyName("built_in")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? BuiltIn { get; init; }

    /// <summary>How <see cref="BuiltIn"/> names <paramref name="lake"/>: a bucket, or null for a local lake.</summary>
    public static string? LakeName(IObjectStore lake) =>
        lake.Description.StartsWith("s3://", StringComparison.Ordinal) ? lake.Description : null;

    /// <summary>Keeps the span as the mark that <paramref name="lake"/>'s table holds the file's streams.</summary>
    public Task WriteBuiltAsync(IObjectStore lake, string rawKey, CancellationToken cancellationToken) =>
        lake.PutBytesAsync(KeyFor(rawKey), JsonSerializer.SerializeToUtf8Bytes(this with { BuiltIn = LakeName(lake) }, HistoryStagingContext.Default.ExportSpan),
            "application/json", cancellationToken);

    /// <summary>Whether <paramref name="lake"/>'s table was built from the landed file: its span is kept, and names this bucket.</summary>
    public static async Task<bool> IsBuiltAsync(IObjectStore lake, string rawKey, CancellationToken cancellationToken)
    {
        try
        {
            using var kept = await lake.ReadPooledAsync(KeyFor(rawKey), cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize(kept.Span, HistoryStagingContext.Default.ExportSpan)?.BuiltIn == LakeName(lake);
        }
        catch (Exception exception) when (exception is ObjectNotFoundException or JsonException)
        {
            return false;
        }
    }

    /// <summary>No rows: the span of a landed file that cannot be used.</summary>
    public static ExportSpan None { get; } = new(null, null, null, null);

    /// <summary>
    /// The span of a landed file: as kept beside the table, else read from the file. A file that cannot be read, or changed
    /// since it landed, spans nothing, and why is said (<see cref="LandedExportFile"/>). A span read from the file is not
    /// kept: a kept span says that an import built the file into the table (<see cref="HistoryPlaysFollower.AnyUnbuiltAsync"/>),
    /// and a file without one is an import landing it now, or one that stopped before its table. A read of the file is
    /// counted in <paramref name="refusals"/>.
    /// </summary>
    public static async Task<(ExportSpan Span, string? Damage)> ReadAsync(IObjectStore raw, IObjectStore lake, string rawKey, LandedFileRefusals? refusals,
        CancellationToken cancellationToken)
    {
        try
        {
            using var kept = await lake.ReadPooledAsync(KeyFor(rawKey), cancellationToken).ConfigureAwait(false);
            if (JsonSerializer.Deserialize(kept.Span, HistoryStagingContext.Default.ExportSpan) is { } span)
            {
                return (span, null);
            }
        }
        catch (Exception exception) when (exception is ObjectNotFoundException or JsonException)
        {
            // Not kept yet (an import landing it right now), or damaged: the file itself says.
        }
        var (content, damage, _) = await LandedExportFile.ReadAsync(raw, rawKey, null, refusals, cancellationToken).ConfigureAwait(false);
        if (content is null)
        {
            return (None, damage);
        }
        return (Of(content), null);
    }
}
