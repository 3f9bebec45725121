using System.Text.Json;

namespace SpotifyEtl.Spotify.Extraction;

/// <summary>
/// <c>my_playlists</c>: every playlist the user owns, found each run from the user's playlists (<c>GET /v1/me/playlists</c>,
/// every page) and read after it as playlist sources are, so a playlist made since the last run is read from its first
/// day without a change of configuration. Another's playlist is left out, collaborative or not: the listing does not
/// say whether this account is one of its collaborators, and a Development Mode app is refused the items of one it only
/// follows (a 403 every run, and every run partial); one the account collaborates on is named as a playlist source. The
/// listing is a directory of what to read, not data, and lands nothing; each playlist it names lands as a playlist
/// source does, with an entry of its own in the manifest.
/// </summary>
internal sealed class MyPlaylistsExtraction : IExtractionStrategy
{
    /// <summary>The most playlists one account can list: the pages their reading may take are bounded by it.</summary>
    private const int MaxPlaylists = 100_000;

    private const string Route = "me/playlists";

    public async Task<SourceStatus> ExtractAsync(SourceExtraction extraction, CancellationToken cancellationToken)
    {
        // Which playlists are the user's own: their owner's id is the account's.
        var me = await extraction.GetAsync("me", conditional: false, cancellationToken).ConfigureAwait(false);
        var user = SourceExtraction.Parse(me, SpotifyWireJsonContext.Default.CurrentUser)?.Id is { Length: > 0 } id
            ? id
            : throw new SpotifyMalformedResponseException(me, "no \"id\" of the account");
        // Without playlist-read-private Spotify lists the public playlists alone, and says nothing of the others.
        if (extraction.GrantedScopes is { } granted && !granted.Contains(SpotifyScopes.PlaylistReadPrivate))
        {
            throw new SpotifyScopeNotGrantedException(
                $"The refresh token was authorized without {SpotifyScopes.PlaylistReadPrivate} (it carries " +
                $"{(granted.Count == 0 ? "no scope" : string.Join(' ', granted.Order(StringComparer.Ordinal)))}), so Spotify would list only the " +
                "account's public playlists and my_playlists would leave the private ones out. Authorize again with `spotify-etl auth login " +
                "--my-playlists` and the other sources' options (or no source option, for every scope), then put the new refresh token where " +
                "this extraction reads it (the stack's secret, or the credentials file).");
        }
        var first = await extraction.GetAsync($"{Route}?limit={SpotifyPaging.PageSize}", conditional: false, cancellationToken).ConfigureAwait(false);
        var pages = new HeldPages();
        try
        {
            // Every page is asked on the listing's own path: its next links may name /users/{id}/playlists, which Development
            // Mode refuses, and following them would end the listing, and the source, at its first page.
            await extraction.ReadPagesAsync(first, pages, MaxPlaylists, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A page that failed (Spotify's 500s through every retry, a paging loop): the playlists of the pages read before
            // it are read all the same, and the listing reports its failure.
            Find(extraction, pages, user);
            throw;
        }
        Find(extraction, pages, user);
        return SourceStatus.Unchanged;
    }

    /// <summary>Hands the run the user's playlists the listing's pages name, each once; a page that is no page of playlists names none.</summary>
    private static void Find(SourceExtraction extraction, HeldPages pages, string user)
    {
        var found = new List<(string Id, string? SnapshotId)>();
        foreach (var page in pages.Responses)
        {
            try
            {
                using var document = JsonDocument.Parse(page.Body);
                if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("items", out var items)
                    && items.ValueKind == JsonValueKind.Array)
                {
                    found.AddRange(items.EnumerateArray().Select(playlist => Yours(playlist, user)).OfType<(string, string?)>());
                }
            }
            catch (JsonException)
            {
                // The page that failed the listing, as malformed: it names nothing.
            }
        }
        // A playlist listed twice (its pages shifted while they were read) counts once; with two snapshot_ids, with none, so
        // that the playlist itself is asked which version it is at.
        var distinct = found.GroupBy(playlist => playlist.Id, StringComparer.Ordinal)
            .Select(listed => (listed.Key, listed.Select(p => p.SnapshotId).Distinct(StringComparer.Ordinal).Count() == 1 ? listed.First().SnapshotId : null))
            .ToList();
        extraction.Run.Found(distinct);
        // Its items are the playlists found; one the account only follows is no item of it.
        extraction.Counted(distinct.Count);
    }

    /// <summary>
    /// The playlist's id and <c>snapshot_id</c> where the user owns it; null for another's, or an entry without a usable id.
    /// The snapshot_id spares a later run of the day the playlist's own request when its version has not changed.
    /// </summary>
    private static (string Id, string? SnapshotId)? Yours(JsonElement playlist, string user)
    {
        if (playlist.ValueKind != JsonValueKind.Object
            || !playlist.TryGetProperty("id", out var idValue) || idValue.ValueKind != JsonValueKind.String
            || idValue.GetString() is not { } id || !ExtractionSource.IsPlaylistId(id))
        {
            return null;
        }
        var owned = playlist.TryGetProperty("owner", out var owner) && owner.ValueKind == JsonValueKind.Object
            && owner.TryGetProperty("id", out var ownerId) && ownerId.ValueKind == JsonValueKind.String && ownerId.GetString() == user;
        var snapshot = playlist.TryGetProperty("snapshot_id", out var snapshotValue) && snapshotValue.ValueKind == JsonValueKind.String ? snapshotValue.GetString() : null;
        return owned ? (id, snapshot) : null;
    }
}
