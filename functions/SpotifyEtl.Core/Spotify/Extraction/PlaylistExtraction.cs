using SpotifyEtl.Lake;

namespace SpotifyEtl.Spotify.Extraction;

/// <summary>
/// A playlist: its metadata, then every page of its items only when its <c>snapshot_id</c> changed since
/// the last complete extraction. The metadata lands on the day's first run whatever happened, so the lake
/// knows which version was current each day; later runs that day ask for it conditionally, and a 304
/// settles the playlist in one bodiless answer.
/// <para>
/// Items are paged by offset, so a playlist changed while its pages are read (an entry added or removed above
/// the page being read) would give one entry twice and miss another, yet hold as many items as its total says.
/// The pages are therefore held until the metadata, asked again after the last page, shows the version they were
/// read from still current (a 304, or the same <c>snapshot_id</c>), and only then land, with the metadata of that
/// version: one version per run, whole. A version that changes while it is read is read again, up to
/// <see cref="SpotifyPaging.ReadsOfAChangingList"/> times in all.
/// </para>
/// <para>
/// An unchanged playlist whose items last landed <paramref name="relandDays"/> or more days ago (<see cref="SnapshotAge"/>) is
/// read and landed again, as a changed one is: the raw zone's snapshots may expire, and its items would otherwise have no raw
/// copy left once they do.
/// </para>
/// </summary>
internal sealed class PlaylistExtraction(string? market, int relandDays) : IExtractionStrategy
{
    private const int Reads = SpotifyPaging.ReadsOfAChangingList;

    public async Task<SourceStatus> ExtractAsync(SourceExtraction extraction, CancellationToken cancellationToken)
    {
        var id = extraction.Source.Subject;
        var run = extraction.Run;
        var metadataPath = $"playlists/{id}";
        var landedToday = run.LandedToday(extraction.Source.Name);
        var previous = run.Read(state => state.Playlists.GetValueOrDefault(id));
        var due = previous is not null && SnapshotAge.Due(relandDays, previous.RunId, run.RunId);
        // The account's listing (my_playlists) gave this run the version whose items all landed, and today's metadata with it:
        // nothing to ask, where the conditional request would answer 304.
        if (landedToday && !due && previous is not null && string.Equals(run.ListedSnapshot(id), previous.SnapshotId, StringComparison.Ordinal))
        {
            return SourceStatus.Unchanged;
        }
        // Only a version whose items all landed has its ETag remembered, so a 304 means exactly that version.
        var metadata = await extraction.GetAsync(metadataPath, conditional: landedToday && !due, cancellationToken).ConfigureAwait(false);
        if (metadata.NotModified)
        {
            return SourceStatus.Unchanged;
        }
        var header = await HeaderAsync(extraction, metadata, cancellationToken).ConfigureAwait(false);
        if (previous is not null && string.Equals(previous.SnapshotId, header.SnapshotId, StringComparison.Ordinal) && !due)
        {
            if (!landedToday)
            {
                await LandMetadataAsync(extraction, metadata, cancellationToken).ConfigureAwait(false);
            }
            extraction.RememberETag(metadataPath, metadata, hasNext: false);
            return SourceStatus.Unchanged;
        }

        var itemsPath = $"playlists/{id}/items?limit={SpotifyPaging.PageSize}&additional_types=track,episode" +
            (market is { Length: > 0 } ? $"&market={Uri.EscapeDataString(market)}" : "");
        var read = new StillRead();
        try
        {
            await extraction.ReadStillAsync(read, itemsPath, async token =>
            {
                var now = await extraction.GetAgainAsync(metadataPath, metadata, token).ConfigureAwait(false);
                if (now.NotModified)
                {
                    return true;
                }
                var was = header.SnapshotId;
                (metadata, header) = (now, await HeaderAsync(extraction, now, token).ConfigureAwait(false));
                return string.Equals(was, header.SnapshotId, StringComparison.Ordinal);
            }, Reads, SpotifyPaging.PlaylistMaxItems, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // What was read lands, as every answer does, and the metadata with it, even after Ctrl-C: the transformation takes a
            // run's partial list only where no run of the day landed the whole one. The source reports the error that stopped it
            // (a QUOTA_EXCEEDED must still stop the run), not one of landing, which is told as a warning.
            try
            {
                await LandMetadataAsync(extraction, metadata, CancellationToken.None).ConfigureAwait(false);
                await extraction.LandAsync(read.Pages, id, CancellationToken.None).ConfigureAwait(false);
                if (read.Whole && read.Changed)
                {
                    // A read again because the list changed, that failed: the read before it lands, every page of it, rather
                    // than the first pages of this one.
                    extraction.Warn("The playlist changed while its items were read, and reading them again failed: the items landed are " +
                        "those of the read before, which may hold an entry twice or miss one. The next run reads them again.");
                }
            }
            catch (SpotifyMalformedResponseException refused)
            {
                // Landed, and one the transformation sets aside.
                extraction.Warn(refused.Message);
            }
            catch (Exception landing)
            {
                extraction.Warn($"What was read before the error could not all be landed: {landing.Message}");
            }
            throw;
        }
        await LandMetadataAsync(extraction, metadata, cancellationToken).ConfigureAwait(false);
        await extraction.LandAsync(read.Pages, id, cancellationToken).ConfigureAwait(false);
        if (read.Held)
        {
            // Only a playlist whose every page landed, read from one version, counts as extracted at this snapshot.
            run.Update(state => state.Playlists[id] = new PlaylistState(header.SnapshotId!, run.RunId, header.Name)); // HeaderAsync refuses a header without one
            extraction.RememberETag(metadataPath, metadata, hasNext: false);
        }
        else
        {
            // The version this run lands is the latest seen; its items were read while it was being made.
            extraction.Warn($"The playlist changed while its items were read, {Reads} times in a row (its snapshot_id is now {header.SnapshotId}): " +
                "the items landed may hold an entry twice or miss one. The next run reads them again.");
        }
        return SourceStatus.Landed;
    }

    /// <summary>The metadata's header; a body that is no playlist lands (the transformation sets it aside with its reason) and fails the source.</summary>
    private static async Task<PlaylistHeader> HeaderAsync(SourceExtraction extraction, SpotifyResponse metadata, CancellationToken cancellationToken)
    {
        PlaylistHeader? header;
        try
        {
            header = SourceExtraction.Parse(metadata, SpotifyWireJsonContext.Default.PlaylistHeader);
        }
        catch (SpotifyMalformedResponseException)
        {
            // Not recorded as the day's landing: a later run that day lands the metadata it can read.
            await extraction.LandAsync(RawSource.Playlist, extraction.Source.Subject, metadata, cancellationToken).ConfigureAwait(false);
            throw;
        }
        if (string.IsNullOrEmpty(header?.SnapshotId))
        {
            await extraction.LandAsync(RawSource.Playlist, extraction.Source.Subject, metadata, cancellationToken).ConfigureAwait(false);
            throw new SpotifyMalformedResponseException(metadata, "no snapshot_id");
        }
        return header;
    }

    private static async Task LandMetadataAsync(SourceExtraction extraction, SpotifyResponse metadata, CancellationToken cancellationToken)
    {
        await extraction.LandAsync(RawSource.Playlist, extraction.Source.Subject, metadata, cancellationToken).ConfigureAwait(false);
        extraction.Run.RecordLandedToday(extraction.Source.Name);
    }
}
