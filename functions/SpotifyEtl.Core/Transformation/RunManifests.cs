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
    /// objects now) lacks, in order. None when the run has no manifest (an extraction stopped before writing it,
    /// objects landed by hand), one that is not a manifest's JSON, or one S3 will not serve (an archive storage class, a
    /// key of its uploader's: its own invocation reported it): then nothing says what the run held.
    /// </summary>
    public static async Task<List<string>> MissingAsync(IObjectStore raw, DateOnly date, string run, IEnumerable<ObjectVersion> listed,
        CancellationToken cancellationToken)
    {
        List<string> named;
        try
        {
            named = ExtractionManifest.ListedKeys(await raw.ReadAllBytesAsync(ExtractionManifest.KeyFor(run), cancellationToken).ConfigureAwait(false));
        }
        catch (Exception exception) when (exception is ObjectNotFoundException or JsonException or UnreadableObjectException)
        {
            return [];
        }
        var present = listed.Select(version => version.Key).ToHashSet(StringComparer.Ordinal);
        return named
            .Where(key => RawObjectKey.TryParse(key, out var parsed, out _) && parsed.SnapshotDate == date && parsed.RunId == run && !present.Contains(key))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
