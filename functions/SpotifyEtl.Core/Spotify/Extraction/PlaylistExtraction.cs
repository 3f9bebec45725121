using SpotifyEtl.Lake;

namespace SpotifyEtl.Spotify.Extraction;

/// <summary>
/// A playlist: its metadata, then every page of its items only when its <c>snapshot_id</c> changed since
/// the last complete extraction. The metadata lands on the day's first run whatever happened, so the lake
/// knows which version was current each day; later runs that day ask for it conditionally, and a 304
/// settles the playlist in one bodiless answer.
/// </summary>
internal sealed class PlaylistExtraction(string? market) : IExtractionStrategy
{
    public async Task<SourceStatus> ExtractAsync(SourceExtraction extraction, CancellationToken cancellationToken)
    {
        var id = extraction.Source.Subject;
        var run = extraction.Run;
        var metadataPath = $"playlists/{id}";
        var landedToday = run.LandedToday(extraction.Source.Name);
        // Only a version whose items all landed has its ETag remembered, so a 304 means exactly that version.
        var metadata = await extraction.GetAsync(metadataPath, conditional: landedToday, cancellationToken).ConfigureAwait(false);
        if (metadata.NotModified)
        {
            return SourceStatus.Unchanged;
        }
        PlaylistHeader? header;
        try
        {
            header = SourceExtraction.Parse(metadata, SpotifyWireJsonContext.Default.PlaylistHeader);
        }
        catch (SpotifyMalformedResponseException)
        {
            // A body that is no JSON lands too, unchanged, as every answer does: the transformation sets it aside with its reason.
            await extraction.LandAsync(RawSource.Playlist, id, metadata, cancellationToken).ConfigureAwait(false);
            throw;
        }
        if (string.IsNullOrEmpty(header?.SnapshotId))
        {
            await extraction.LandAsync(RawSource.Playlist, id, metadata, cancellationToken).ConfigureAwait(false);
            throw new SpotifyMalformedResponseException(metadata.Path, "no snapshot_id");
        }
        var previous = run.Read(state => state.Playlists.GetValueOrDefault(id));
        var unchanged = previous is not null && string.Equals(previous.SnapshotId, header.SnapshotId, StringComparison.Ordinal);
        if (!(unchanged && landedToday))
        {
            await extraction.LandAsync(RawSource.Playlist, id, metadata, cancellationToken).ConfigureAwait(false);
            run.RecordLandedToday(extraction.Source.Name);
        }
        if (!unchanged)
        {
            var itemsPath = $"playlists/{id}/items?limit={SpotifyPaging.PageSize}&additional_types=track,episode" +
                (market is { Length: > 0 } ? $"&market={Uri.EscapeDataString(market)}" : "");
            var first = await extraction.GetAsync(itemsPath, conditional: false, cancellationToken).ConfigureAwait(false);
            await extraction.LandPagesAsync(first, id, _ => true, SpotifyPaging.PlaylistMaxItems, cancellationToken).ConfigureAwait(false);
            // Only a playlist whose every page landed counts as extracted at this snapshot.
            run.Update(state => state.Playlists[id] = new PlaylistState(header.SnapshotId, run.RunId, header.Name));
        }
        extraction.RememberETag(metadataPath, metadata, hasNext: false);
        return unchanged ? SourceStatus.Unchanged : SourceStatus.Landed;
    }
}
