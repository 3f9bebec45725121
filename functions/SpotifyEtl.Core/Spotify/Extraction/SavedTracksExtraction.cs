using System.Globalization;
using System.Text.Json;
using SpotifyEtl.Lake;

namespace SpotifyEtl.Spotify.Extraction;

/// <summary>
/// Saved tracks, newest first as Spotify serves them. A full pass (the first run, then every
/// <c>fullPassDays</c>) lands every page under the subject <c>me</c>, so tracks removed from the library
/// show. In between, an incremental pass asks for the first page conditionally (a 304: nothing saved or
/// removed near the top, nothing lands) and lands pages under the subject <c>recent</c> until one reaches
/// a track saved before the newest one already landed.
/// </summary>
internal sealed class SavedTracksExtraction(int fullPassDays) : IExtractionStrategy
{
    /// <summary>The subject of an incremental pass's pages; a full pass's pages keep the source's subject, <c>me</c>.</summary>
    public const string RecentSubject = SavedTracksSubjects.Incremental;

    private static readonly string FirstPage = $"me/tracks?limit={SpotifyPaging.PageSize}";

    public async Task<SourceStatus> ExtractAsync(SourceExtraction extraction, CancellationToken cancellationToken)
    {
        var run = extraction.Run;
        var saved = run.Read(state => state.SavedTracks);
        var landedUpTo = ParseInstant(saved?.NewestAddedAt);
        var full = saved is null || landedUpTo is null || run.AtLeastDaysSince(saved.LastFullPass, fullPassDays);
        extraction.Pass = full ? ExtractionPass.Full : ExtractionPass.Incremental;

        var first = await extraction.GetAsync(FirstPage, conditional: !full, cancellationToken).ConfigureAwait(false);
        if (first.NotModified)
        {
            return SourceStatus.Unchanged;
        }
        string? newest = null;
        bool? firstHasNext = null;
        await extraction.LandPagesAsync(first, full ? extraction.Source.Subject : RecentSubject, page =>
        {
            var (pageNewest, reachesLanded) = Scan(page, landedUpTo);
            if (firstHasNext is null)
            {
                newest = pageNewest;
                firstHasNext = !string.IsNullOrEmpty(page.Next);
            }
            return full || !reachesLanded;
        }, maxItems: null, cancellationToken).ConfigureAwait(false);
        // Remembered only once the pass is complete: a 304 must never hide pages a failed pass did not land.
        extraction.RememberETag(FirstPage, first, firstHasNext ?? false);

        // The newest save only moves forward: an incremental pass after a removal may see an older first track.
        var newestInstant = ParseInstant(newest);
        var keep = newestInstant is not null && (landedUpTo is null || newestInstant > landedUpTo) ? newest : saved?.NewestAddedAt;
        run.Update(state => state.SavedTracks = new SavedTracksState(full ? run.Today : saved!.LastFullPass, run.RunId, keep));
        return SourceStatus.Landed;
    }

    /// <summary>The page's newest <c>added_at</c>, and whether it holds a track saved before <paramref name="landedUpTo"/>.</summary>
    private static (string? Newest, bool ReachesLanded) Scan(PageHeader page, DateTimeOffset? landedUpTo)
    {
        string? newest = null;
        DateTimeOffset? newestInstant = null;
        var reachesLanded = false;
        if (page.Items is not { ValueKind: JsonValueKind.Array } items)
        {
            return (null, false);
        }
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("added_at", out var addedAt) || addedAt.ValueKind != JsonValueKind.String)
            {
                continue;
            }
            var text = addedAt.GetString();
            if (ParseInstant(text) is not { } instant)
            {
                continue;
            }
            if (newestInstant is null || instant > newestInstant)
            {
                (newest, newestInstant) = (text, instant);
            }
            // Strictly before: tracks saved in the same second as the newest landed one may be new.
            reachesLanded |= landedUpTo is { } landed && instant < landed;
        }
        return (newest, reachesLanded);
    }

    private static DateTimeOffset? ParseInstant(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant)
            ? instant
            : null;
}
