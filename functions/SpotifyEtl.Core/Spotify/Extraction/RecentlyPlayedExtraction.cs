using System.Globalization;

namespace SpotifyEtl.Spotify.Extraction;

/// <summary>
/// Recently played, by the <c>after</c> cursor: only about the last 50 plays are reachable at all, so the
/// first run takes those and starts the cursor there; later runs take the pages of plays after it, oldest
/// window first, moving the cursor after each landed page so a run cut short neither loses nor repeats a play.
/// </summary>
internal sealed class RecentlyPlayedExtraction(int maxPages) : IExtractionStrategy
{
    private const string Path = "me/player/recently-played";

    public async Task<SourceStatus> ExtractAsync(SourceExtraction extraction, CancellationToken cancellationToken)
    {
        var after = extraction.Run.Read(state => state.RecentlyPlayed?.After);
        if (after is null)
        {
            var latest = await extraction.GetAsync($"{Path}?limit={SpotifyPaging.PageSize}", conditional: false, cancellationToken).ConfigureAwait(false);
            AdvanceCursor(extraction, await extraction.LandPageAsync(latest, extraction.Source.Subject, cancellationToken).ConfigureAwait(false));
            return SourceStatus.Landed;
        }
        for (var page = 0; page < maxPages; page++)
        {
            var response = await extraction.GetAsync($"{Path}?limit={SpotifyPaging.PageSize}&after={Uri.EscapeDataString(after)}", conditional: false, cancellationToken)
                .ConfigureAwait(false);
            var header = await extraction.LandPageAsync(response, extraction.Source.Subject, cancellationToken).ConfigureAwait(false);
            if (SourceExtraction.ItemCount(header) == 0)
            {
                break;
            }
            var next = AdvanceCursor(extraction, header);
            if (header.Next is null || next is null || next == after)
            {
                break;
            }
            after = next;
        }
        return SourceStatus.Landed;
    }

    /// <summary>Moves the saved cursor to the page's <c>after</c> when it is newer; returns the cursor as it stands.</summary>
    private static string? AdvanceCursor(SourceExtraction extraction, PageHeader header)
    {
        string? cursor = null;
        extraction.Run.Update(state =>
        {
            if (header.Cursors?.After is { Length: > 0 } after
                && (state.RecentlyPlayed is null || CompareCursors(after, state.RecentlyPlayed.After) > 0))
            {
                state.RecentlyPlayed = new RecentlyPlayedState(after, extraction.Run.RunId);
            }
            cursor = state.RecentlyPlayed?.After;
        });
        return cursor;
    }

    private static int CompareCursors(string left, string right) =>
        long.TryParse(left, NumberStyles.None, CultureInfo.InvariantCulture, out var l) && long.TryParse(right, NumberStyles.None, CultureInfo.InvariantCulture, out var r)
            ? l.CompareTo(r)
            : string.CompareOrdinal(left, right);
}
