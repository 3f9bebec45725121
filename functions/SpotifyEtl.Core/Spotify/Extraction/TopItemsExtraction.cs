namespace SpotifyEtl.Spotify.Extraction;

/// <summary>
/// A top list (tracks or artists for one time range): the first <c>limit</c> items, in pages of at most
/// 50 asked for by offset, never past <c>limit</c>. Each page is asked for conditionally; when every page
/// answers 304 the list is unchanged and nothing lands. When any page changed, the pages that answered 304
/// are fetched again, so each landing holds the whole list with its ranks. A list unchanged since a landing
/// <paramref name="relandDays"/> or more days ago (<see cref="SnapshotAge"/>) lands again whole, unasked.
/// </summary>
internal sealed class TopItemsExtraction(int limit, int relandDays) : IExtractionStrategy
{
    public async Task<SourceStatus> ExtractAsync(SourceExtraction extraction, CancellationToken cancellationToken)
    {
        var source = extraction.Source;
        var endpoint = source.Kind == SourceKind.TopArtists ? "me/top/artists" : "me/top/tracks";
        var notModified = new List<string>();
        var landed = new List<(string Path, SpotifyResponse Response, bool HasNext)>();
        string PathAt(int offset) => $"{endpoint}?time_range={source.Subject}&limit={Math.Min(SpotifyPaging.PageSize, limit - offset)}&offset={offset}";
        // A list one of whose pages is due to land again (its ETag remembered by a run long enough ago) is asked for in
        // full, as a changed one is: a page a shorter limit left out keeps the ETag of an older run than the first page's.
        var changed = Enumerable.Range(0, (limit + SpotifyPaging.PageSize - 1) / SpotifyPaging.PageSize)
            .Any(page => extraction.Run.ETagFor(PathAt(page * SpotifyPaging.PageSize)) is { } known && SnapshotAge.Due(relandDays, known.RunId, extraction.Run.RunId));
        for (var offset = 0; offset < limit; offset += SpotifyPaging.PageSize)
        {
            var path = PathAt(offset);
            // Once something changed, every page is needed in full: no point asking conditionally.
            var response = await extraction.GetAsync(path, conditional: !changed, cancellationToken).ConfigureAwait(false);
            bool hasNext;
            if (response.NotModified)
            {
                notModified.Add(path);
                hasNext = extraction.Run.ETagFor(path)?.HasNext ?? false;
            }
            else
            {
                if (!changed)
                {
                    changed = true;
                    foreach (var earlier in notModified)
                    {
                        var again = await extraction.GetAsync(earlier, conditional: false, cancellationToken).ConfigureAwait(false);
                        landed.Add((earlier, again, await LandAsync(extraction, again, cancellationToken).ConfigureAwait(false)));
                    }
                }
                hasNext = await LandAsync(extraction, response, cancellationToken).ConfigureAwait(false);
                landed.Add((path, response, hasNext));
            }
            if (!hasNext)
            {
                break;
            }
        }
        // Remembered only once the whole list landed: a 304 must never stand for a page a failed run did not land.
        foreach (var (path, response, hasNext) in landed)
        {
            extraction.RememberETag(path, response, hasNext);
        }
        return changed ? SourceStatus.Landed : SourceStatus.Unchanged;
    }

    /// <summary>Lands a page; returns whether Spotify has more after it.</summary>
    private static async Task<bool> LandAsync(SourceExtraction extraction, SpotifyResponse response, CancellationToken cancellationToken)
    {
        var header = await extraction.LandPageAsync(response, extraction.Source.Subject, cancellationToken).ConfigureAwait(false);
        return !string.IsNullOrEmpty(header.Next) && SourceExtraction.ItemCount(header) > 0;
    }
}
