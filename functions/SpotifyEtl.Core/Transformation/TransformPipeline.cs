using System.Text.Json;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Transformation;

/// <summary>
/// Transforms raw objects into the lake: each object's rows go to staging files named after it,
/// then every partition it touched is merged. A bad object is copied to quarantine with its reason
/// and the rest of the batch goes on. Nothing raw is ever deleted or moved.
/// </summary>
/// <param name="raw">Holds <c>raw/</c> and receives <c>quarantine/</c> (the raw bucket).</param>
/// <param name="lake">Receives <c>staging/</c>, <c>transformed/</c> and <c>reports/</c> (the transformed bucket).</param>
public sealed class TransformPipeline(IObjectStore raw, IObjectStore lake)
{
    private readonly PartitionMerger _merger = new(lake);

    public async Task<TransformBatchReport> TransformAsync(IEnumerable<string> rawKeys, IProgress<TransformReport>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var reports = new List<TransformReport>();
        var touched = new SortedSet<(string Table, DateOnly Date)>();
        foreach (var key in rawKeys.Distinct(StringComparer.Ordinal))
        {
            var (report, tables) = await StageAsync(key, cancellationToken).ConfigureAwait(false);
            reports.Add(report);
            touched.UnionWith(tables);
        }

        var merged = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (table, date) in touched)
        {
            merged[$"{table}/snapshot_date={date:yyyy-MM-dd}"] = await _merger.MergeAsync(table, date, cancellationToken).ConfigureAwait(false);
        }

        // Reports are written once the merges succeeded: a report says the rows are queryable.
        foreach (var report in reports.Where(r => r.Status != TransformStatus.Ignored))
        {
            await lake.PutBytesAsync(ReportKey(report.RawKey), JsonSerializer.SerializeToUtf8Bytes(report, TransformReportContext.Default.TransformReport),
                "application/json", cancellationToken).ConfigureAwait(false);
            progress?.Report(report);
        }
        return new TransformBatchReport(reports, merged);
    }

    public static string ReportKey(string rawKey) =>
        LakeLayout.Reports + (rawKey.StartsWith(LakeLayout.Raw, StringComparison.Ordinal) ? rawKey[LakeLayout.Raw.Length..] : rawKey);

    public static string QuarantineKey(string rawKey) =>
        LakeLayout.Quarantine + rawKey[LakeLayout.Raw.Length..];

    private async Task<(TransformReport Report, IEnumerable<(string, DateOnly)> Tables)> StageAsync(string key, CancellationToken cancellationToken)
    {
        if (!key.StartsWith(LakeLayout.Raw, StringComparison.Ordinal) || !key.EndsWith(RawObjectKey.Extension, StringComparison.Ordinal))
        {
            return (new TransformReport(key, TransformStatus.Ignored, null, null, 0, Empty, new SkippedItems(0, 0, 0),
                $"not under {LakeLayout.Raw} or not {RawObjectKey.Extension}", null), []);
        }
        try
        {
            if (!RawObjectKey.TryParse(key, out var rawKey, out var keyProblem))
            {
                throw new InvalidRawObjectException(key, $"its key does not follow the raw layout ({keyProblem})");
            }
            var bytes = await raw.ReadAllBytesAsync(key, cancellationToken).ConfigureAwait(false);
            var rows = RawObjectTransformer.Transform(rawKey, bytes);
            var tables = await WriteStagingAsync(rawKey, rows, cancellationToken).ConfigureAwait(false);
            var report = new TransformReport(key, TransformStatus.Transformed, rawKey.Source.ToKeySegment(), $"{rawKey.SnapshotDate:yyyy-MM-dd}",
                rows.ItemsRead, rows.RowCounts, new SkippedItems(rows.SkippedLocalFiles, rows.SkippedEpisodes, rows.SkippedUnavailable), null, null);
            return (report, tables.Select(table => (table, rawKey.SnapshotDate)));
        }
        catch (InvalidRawObjectException invalid)
        {
            var quarantine = QuarantineKey(key);
            await raw.CopyAsync(key, quarantine, cancellationToken).ConfigureAwait(false);
            await raw.PutTextAsync(quarantine + ".reason.txt", invalid.Message + "\n", "text/plain; charset=utf-8", cancellationToken).ConfigureAwait(false);
            return (new TransformReport(key, TransformStatus.Quarantined, null, null, 0, Empty, new SkippedItems(0, 0, 0), invalid.Reason, quarantine), []);
        }
    }

    private async Task<List<string>> WriteStagingAsync(RawObjectKey key, TransformedObject rows, CancellationToken cancellationToken)
    {
        var written = new List<string>();
        async Task Stage<T>(string table, IReadOnlyCollection<T> tableRows) where T : ITableRow<T>
        {
            if (tableRows.Count == 0)
            {
                return;
            }
            await lake.PutBytesAsync(StagingKey.For(table, key).ToString(), CsvTable.ToBytes(tableRows), "text/csv; charset=utf-8", cancellationToken).ConfigureAwait(false);
            written.Add(table);
        }

        await Stage(TableNames.Songs, rows.Songs.Values).ConfigureAwait(false);
        await Stage(TableNames.Albums, rows.Albums.Values).ConfigureAwait(false);
        await Stage(TableNames.Artists, rows.Artists.Values).ConfigureAwait(false);
        await Stage(TableNames.SongArtists, rows.SongArtists.Values).ConfigureAwait(false);
        await Stage(TableNames.Playlists, rows.Playlists).ConfigureAwait(false);
        await Stage(TableNames.PlaylistEntries, rows.PlaylistEntries).ConfigureAwait(false);
        await Stage(TableNames.Plays, rows.Plays).ConfigureAwait(false);
        if (rows.Playlists.Count > 0 && !written.Contains(TableNames.PlaylistEntries))
        {
            written.Add(TableNames.PlaylistEntries); // that day's entries take their playlist's name from this version
        }
        return written;
    }

    private static readonly IReadOnlyDictionary<string, int> Empty = new Dictionary<string, int>();
}
