using System.Text.Json;
using SpotifyEtl.Lake;
using SpotifyEtl.Spotify;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Transformation;

/// <summary>
/// What a run's manifest (<c>manifests/{run}.json</c>, which the extraction writes last) says the run landed: the only
/// record that a run's raw objects are all there. The raw bucket's lifecycle rule expires the snapshots (playlists,
/// top lists, saved tracks) and never the recently-played pages, so a run that lost some can no longer be rebuilt
/// from what remains.
/// </summary>
internal static class RunManifests
{
    /// <summary>
    /// The raw keys of <paramref name="date"/> that the run's manifest names and <paramref name="listed"/> (the run's
    /// objects now) lacks, in order. A run without a manifest that can be read (an extraction stopped before writing it,
    /// a backfill or a copy of <c>raw/</c> alone, one that is not a manifest's JSON, one S3 will not serve) is judged by
    /// its last run report in <paramref name="lake"/>, which names every object its fragment was built from (those it
    /// transformed; one set aside gave it nothing): the objects of it that are gone count when each is a snapshot, which
    /// the lifecycle expires; when a recently-played page is gone too (nothing expires those: the run was removed), or
    /// the run has no report, none count and the run is rebuilt from what is left.
    /// </summary>
    public static async Task<List<string>> MissingAsync(IObjectStore raw, IObjectStore lake, DateOnly date, string run, IEnumerable<ObjectVersion> listed,
        CancellationToken cancellationToken)
    {
        var present = listed.Select(version => version.Key).ToHashSet(StringComparer.Ordinal);
        List<string> Gone(IEnumerable<string> named) => named
            .Where(key => RawObjectKey.TryParse(key, out var parsed, out _) && parsed.SnapshotDate == date && parsed.RunId == run && !present.Contains(key))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        try
        {
            return Gone(ExtractionManifest.ListedKeys(await raw.ReadAllBytesAsync(ExtractionManifest.KeyFor(run), cancellationToken).ConfigureAwait(false)));
        }
        catch (Exception exception) when (exception is ObjectNotFoundException or JsonException or UnreadableObjectException)
        {
            // No manifest to go on: the run's report, below.
        }
        RunReport? report;
        try
        {
            report = JsonSerializer.Deserialize(await lake.ReadAllBytesAsync(LakeLayout.ReportKey(date, run), cancellationToken).ConfigureAwait(false),
                TransformReportContext.Default.RunReport);
        }
        catch (Exception exception) when (exception is ObjectNotFoundException or JsonException or UnreadableObjectException)
        {
            return [];
        }
        // The objects folded into the fragment: one set aside or left unread gave it no rows, and its absence says nothing.
        var gone = Gone(report?.Objects?.Where(o => o?.Status == TransformStatus.Transformed).Select(o => o.RawKey).OfType<string>() ?? []);
        return gone.All(Expires) ? gone : [];
    }

    /// <summary>Whether the raw bucket's lifecycle expires the object: a page of a source the stack does not keep as history.</summary>
    private static bool Expires(string key) =>
        RawObjectKey.TryParse(key, out var parsed, out _) && !StackContract.HistorySourceSegments.Contains(parsed.Source.ToKeySegment(), StringComparer.Ordinal);
}
