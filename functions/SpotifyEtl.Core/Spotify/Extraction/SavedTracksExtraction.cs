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

        var pass = full
            ? await FullPassAsync(extraction, cancellationToken).ConfigureAwait(false)
            : await IncrementalPassAsync(extraction, landedUpTo, cancellationToken).ConfigureAwait(false);
        if (pass is not { } landed)
        {
            return SourceStatus.Unchanged;
        }
        if (!landed.Recorded)
        {
            return SourceStatus.Landed;
        }

        // The newest save only moves forward: an incremental pass after a removal may see an older first track.
        var newest = landed.Newest;
        var newestInstant = ParseInstant(newest);
        var keep = newestInstant is not null && (landedUpTo is null || newestInstant > landedUpTo) ? newest : saved?.NewestAddedAt;
        run.Update(state => state.SavedTracks = new SavedTracksState(full ? run.Today : saved!.LastFullPass, run.RunId, keep));
        return SourceStatus.Landed;
    }

    /// <summary>
    /// Every page under the subject <c>me</c>, landed as it comes (a library may take a thousand pages: they are not held).
    /// The library is paged by offset, so a song saved or removed during the pass shifts the pages after it (one song listed
    /// twice, one missed, which would read as its removal). Once every page landed, the first page is asked again with its
    /// ETag: a 304 (or the same songs) means nothing was saved (a save comes first) and nothing removed (the total would
    /// change). A library changed meanwhile is passed again at once, its pages landing after the first pass's, up to
    /// <see cref="FullPasses"/> passes in all: the day's full pass is every song a complete pass of the day listed, so the
    /// pass that held still brings back a song the one before missed, even on a day of one run. One that changed under every
    /// pass gets a warning, and its pass is not recorded, so the next run makes it again.
    /// </summary>
    private static async Task<Pass> FullPassAsync(SourceExtraction extraction, CancellationToken cancellationToken)
    {
        for (var pass = 1; ; pass++)
        {
            var first = await extraction.GetAsync(FirstPage, conditional: false, cancellationToken).ConfigureAwait(false);
            var (newest, firstHasNext) = await LandPagesAsync(extraction, first, extraction.Source.Subject, landedUpTo: null, cancellationToken).ConfigureAwait(false);
            var again = await extraction.GetAgainAsync(FirstPage, first, cancellationToken).ConfigureAwait(false);
            if (again.NotModified || SameSongs(first.Body, again.Body))
            {
                extraction.RememberETag(FirstPage, first, firstHasNext);
                return new Pass(newest, Recorded: true);
            }
            if (pass == FullPasses)
            {
                extraction.ReadAgainNextRun = true;
                extraction.Warn($"The library changed while it was read, {FullPasses} times over (songs saved or removed during each full pass): " +
                    "the passes landed may list a song twice or miss one. The next run makes the full pass again.");
                return new Pass(null, Recorded: false);
            }
        }
    }

    /// <summary>How many full passes one run makes over a library that changes while it is read.</summary>
    private const int FullPasses = 3;

    /// <summary>
    /// Whether two answers for the library's first page hold the same songs, saved at the same times, in a library of the
    /// same size: what a song saved or removed changes. Bytes of no bearing on that (a <c>next</c> link written another
    /// way, a field that differs at each answer) do not make the library one that changed, which would pass it again.
    /// </summary>
    private static bool SameSongs(byte[] earlier, byte[] now) =>
        earlier.AsSpan().SequenceEqual(now) || (Songs(earlier) is { } before && before == Songs(now));

    /// <summary>The page's total and each item's save time and song id, as text; null for a body that is no such page.</summary>
    private static string? Songs(byte[] body)
    {
        try
        {
            using var page = JsonDocument.Parse(body);
            var root = page.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
            {
                return null;
            }
            var songs = new System.Text.StringBuilder(root.TryGetProperty("total", out var total) ? total.GetRawText() : "");
            foreach (var item in items.EnumerateArray())
            {
                songs.Append('\n')
                    .Append(item.ValueKind == JsonValueKind.Object && item.TryGetProperty("added_at", out var added) ? added.GetRawText() : item.GetRawText())
                    .Append(' ')
                    .Append(item.ValueKind == JsonValueKind.Object && item.TryGetProperty("track", out var track) && track.ValueKind == JsonValueKind.Object
                        && track.TryGetProperty("id", out var id) ? id.GetRawText() : "");
            }
            return songs.ToString();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The first page asked conditionally (a 304: nothing saved or removed near the top, nothing lands), then pages under the
    /// subject <c>recent</c> until one reaches a track saved before the newest one already landed.
    /// </summary>
    /// <returns>The pass; null for a 304.</returns>
    private static async Task<Pass?> IncrementalPassAsync(SourceExtraction extraction, DateTimeOffset? landedUpTo,
        CancellationToken cancellationToken)
    {
        var first = await extraction.GetAsync(FirstPage, conditional: true, cancellationToken).ConfigureAwait(false);
        if (first.NotModified)
        {
            return null;
        }
        var (newest, firstHasNext) = await LandPagesAsync(extraction, first, RecentSubject, landedUpTo, cancellationToken).ConfigureAwait(false);
        // Remembered only once the pass is complete: a 304 must never hide pages a failed pass did not land.
        extraction.RememberETag(FirstPage, first, firstHasNext);
        return new Pass(newest, Recorded: true);
    }

    /// <summary>
    /// Lands <paramref name="first"/> and the pages its links lead to under <paramref name="subject"/>, up to the first page
    /// that holds a song saved before <paramref name="landedUpTo"/> (every page when null).
    /// </summary>
    /// <returns>The newest save of the first page, and whether the first page links on.</returns>
    private static async Task<(string? Newest, bool FirstHasNext)> LandPagesAsync(SourceExtraction extraction, SpotifyResponse first, string subject,
        DateTimeOffset? landedUpTo, CancellationToken cancellationToken)
    {
        string? newest = null;
        bool? firstHasNext = null;
        await extraction.LandPagesAsync(first, subject, page =>
        {
            var (pageNewest, reachesLanded) = Scan(page, landedUpTo);
            if (firstHasNext is null)
            {
                newest = pageNewest;
                firstHasNext = !string.IsNullOrEmpty(page.Next);
            }
            return !reachesLanded;
        }, maxItems: null, cancellationToken).ConfigureAwait(false);
        return (newest, firstHasNext ?? false);
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

    /// <summary>A pass that landed: the newest save its first page holds, and whether the state records it.</summary>
    private readonly record struct Pass(string? Newest, bool Recorded);
}
