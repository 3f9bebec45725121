using System.Globalization;
using System.Text.Json;

namespace SpotifyEtl.Spotify.Extraction;

/// <summary>
/// Recently played, by the <c>after</c> cursor. Spotify keeps only about the last 50 plays, so the first run takes
/// those and starts the cursor there, and later runs take the plays after it:
/// <list type="number">
/// <item>the page after the cursor. When it is full there may be more plays since the cursor than one page holds,
/// and which 50 Spotify answers with is its own affair; so the run walks back from the oldest play on it, by the
/// <c>before</c> cursor, until a page reaches a play at or before the cursor (every play in between landed) or
/// Spotify has nothing older (the plays in between are no longer reachable: a gap, reported in the manifest and
/// the log, never filled in silently). A page short of full is checked too, with one play asked for before its
/// oldest: Spotify keeps "about" 50, and one that kept fewer than were played since the cursor answers a short
/// page with nothing before it;</item>
/// <item>then the cursor moves to the newest play landed, and pages after it are asked for while they come back
/// full.</item>
/// </list>
/// The cursor moves only once the pages behind it have landed, so a run cut short loses no play it could have
/// reached; one it repeats is the same (played_at, track) and the plays table holds it once.
/// </summary>
internal sealed class RecentlyPlayedExtraction(int maxPages) : IExtractionStrategy
{
    private const string Path = "me/player/recently-played";

    public async Task<SourceStatus> ExtractAsync(SourceExtraction extraction, CancellationToken cancellationToken)
    {
        var after = extraction.Run.Read(state => state.RecentlyPlayed?.After);
        if (after is not null && PlayTime(after, extraction.Run.SnapshotDate) is null)
        {
            // A cursor no play could have (saved before cursors were checked): asked after it, Spotify answers nothing, for good.
            extraction.Warn($"The saved cursor ({Shown(after)}) is no time a play could have ended; the latest plays were taken as on a first run, and the cursor starts again from them.");
            after = null;
        }
        if (after is null)
        {
            var latest = await extraction.GetAsync($"{Path}?limit={SpotifyPaging.PageSize}", conditional: false, cancellationToken).ConfigureAwait(false);
            AdvanceCursor(extraction, await extraction.LandPageAsync(latest, extraction.Source.Subject, cancellationToken).ConfigureAwait(false));
            return SourceStatus.Landed;
        }
        // One budget of pages for the source, the steps back included.
        for (var pages = 0; pages < maxPages;)
        {
            var response = await extraction.GetAsync($"{Path}?limit={SpotifyPaging.PageSize}&after={Uri.EscapeDataString(after)}", conditional: false, cancellationToken)
                .ConfigureAwait(false);
            pages++;
            var header = await extraction.LandPageAsync(response, extraction.Source.Subject, cancellationToken).ConfigureAwait(false);
            // Full by its items, not by the plays it could read: an item without a readable played_at still took a place.
            var plays = PlayedAt(header);
            if (FromCursor(after) is { } since && plays.Any(played => played <= since))
            {
                // A play at or before the cursor: Spotify answered its newest plays whatever the cursor, and the page holds
                // every play since. Nothing to walk back to, and no page after it to ask for.
                AdvanceCursor(extraction, header);
                break;
            }
            if (SourceExtraction.ItemCount(header) < SpotifyPaging.PageSize || plays.Count == 0)
            {
                if (plays.Count > 0 && pages < maxPages)
                {
                    // One play before the page's oldest shows that it reaches back to the cursor; none, that Spotify let some go.
                    var (shortGap, _) = await WalkBackAsync(extraction, after, plays.Min(), maxPages - pages, cancellationToken, firstLimit: 1).ConfigureAwait(false);
                    extraction.Gap ??= shortGap;
                }
                AdvanceCursor(extraction, header);
                break;
            }
            var (gap, steps) = await WalkBackAsync(extraction, after, plays.Min(), maxPages - pages, cancellationToken).ConfigureAwait(false);
            pages += steps;
            // The first gap is the one Spotify left: a later page's walk back starts after pages this run landed.
            extraction.Gap ??= gap;
            var next = AdvanceCursor(extraction, header);
            if (next is null || next == after)
            {
                break;
            }
            after = next;
        }
        return SourceStatus.Landed;
    }

    /// <summary>
    /// Lands the pages before <paramref name="oldest"/> until one reaches a play at or before <paramref name="cursor"/>;
    /// returns the gap when Spotify has no older play first, and the pages it asked for. Should the source's page budget
    /// run out first, the source fails (<see cref="SpotifyPagingLoopException"/>) with its cursor where it was: nothing is
    /// called a gap that Spotify may still hold, and the next run walks back again.
    /// </summary>
    private async Task<(RecentlyPlayedGap? Gap, int Pages)> WalkBackAsync(SourceExtraction extraction, string cursor, DateTimeOffset oldest, int pagesLeft,
        CancellationToken cancellationToken, int firstLimit = SpotifyPaging.PageSize)
    {
        if (FromCursor(cursor) is not { } since)
        {
            return (null, 0);
        }
        for (var page = 0; ; page++)
        {
            var path = $"{Path}?limit={(page == 0 ? firstLimit : SpotifyPaging.PageSize)}&before={oldest.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}";
            if (page >= pagesLeft)
            {
                throw new SpotifyPagingLoopException(extraction.Source.Name, path, maxPages);
            }
            var response = await extraction.GetAsync(path, conditional: false, cancellationToken).ConfigureAwait(false);
            var plays = PlayedAt(await extraction.LandPageAsync(response, extraction.Source.Subject, cancellationToken).ConfigureAwait(false));
            if (plays.Any(played => played <= since))
            {
                return (null, page + 1);
            }
            // Nothing, or nothing older than asked: Spotify has no more to give.
            if (plays.Count == 0 || plays.Min() >= oldest)
            {
                return (new RecentlyPlayedGap(since, oldest), page + 1);
            }
            oldest = plays.Min();
        }
    }

    /// <summary>The <c>played_at</c> of each item on the page that has one.</summary>
    private static List<DateTimeOffset> PlayedAt(PageHeader header)
    {
        var plays = new List<DateTimeOffset>();
        foreach (var item in header.Items!.Value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("played_at", out var value) && value.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var played))
            {
                plays.Add(played);
            }
        }
        return plays;
    }

    private static DateTimeOffset? FromCursor(string cursor) =>
        long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
        && ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds() ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    /// <summary>The first play a cursor may stand for: Spotify opened in October 2008.</summary>
    private static readonly DateTimeOffset FirstPlay = new(2008, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The time a cursor stands for when it is one a play could have ended at: Unix milliseconds from 2008 to the day after the
    /// run's (clocks differ). Another (text, a number of seconds, a year 9999) is not saved: asked after it, Spotify would answer
    /// nothing, run after run.
    /// </summary>
    private static DateTimeOffset? PlayTime(string cursor, DateOnly runDate) =>
        FromCursor(cursor) is { } time && time >= FirstPlay && time < new DateTimeOffset(runDate.AddDays(2), TimeOnly.MinValue, TimeSpan.Zero) ? time : null;

    /// <summary>
    /// Moves the saved cursor to the page's <c>after</c>, or, on a page without one (<c>"cursors": null</c>, no cursors), to its
    /// newest <c>played_at</c> in Unix ms, which is what Spotify's <c>after</c> cursor is: without it every run would land the
    /// latest plays again and never look for a gap. Never back: a cursor older than the saved one is not taken, and the
    /// source says so in a warning. Returns the cursor as it stands.
    /// </summary>
    private static string? AdvanceCursor(SourceExtraction extraction, PageHeader header)
    {
        var given = header.Cursors?.After is { Length: > 0 } after ? after : null;
        var newest = PlayedAt(header) is [_, ..] plays ? plays.Max().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) : null;
        var runDate = extraction.Run.SnapshotDate;
        if (given is not null && PlayTime(given, runDate) is null)
        {
            extraction.Warn($"Spotify answered a cursor ({Shown(given)}) that is no time a play could have ended; it was not saved, " +
                (newest is null ? "and the saved cursor was kept." : "and the newest play on the page was taken instead."));
            given = null;
        }
        var offered = given ?? newest;
        string? cursor = null;
        string? kept = null;
        extraction.Run.Update(state =>
        {
            if (offered is not null && (state.RecentlyPlayed is null || PlayTime(state.RecentlyPlayed.After, runDate) is null
                || CompareCursors(offered, state.RecentlyPlayed.After) > 0))
            {
                state.RecentlyPlayed = new RecentlyPlayedState(offered, extraction.Run.RunId);
            }
            else if (offered is not null && CompareCursors(offered, state.RecentlyPlayed!.After) < 0)
            {
                kept = state.RecentlyPlayed.After;
            }
            cursor = state.RecentlyPlayed?.After;
        });
        if (kept is not null)
        {
            extraction.Warn($"Spotify answered a cursor ({Shown(offered!)}) older than the saved one ({Shown(kept)}); the saved cursor was kept, " +
                "so no play after it is skipped. The plays on that page landed all the same.");
        }
        return cursor;
    }

    /// <summary>A cursor for a person: the time it stands for, when it is one, else its text as Spotify gave it, made safe to show.</summary>
    private static string Shown(string cursor) =>
        FromCursor(cursor) is { } time ? $"{time.UtcDateTime:yyyy-MM-dd HH:mm:ss.fff} UTC" : SpotifyPaging.Shown(cursor);

    private static int CompareCursors(string left, string right) =>
        long.TryParse(left, NumberStyles.None, CultureInfo.InvariantCulture, out var l) && long.TryParse(right, NumberStyles.None, CultureInfo.InvariantCulture, out var r)
            ? l.CompareTo(r)
            : string.CompareOrdinal(left, right);
}
