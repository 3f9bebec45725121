namespace SpotifyEtl.Lake;

/// <summary>What a raw object holds: one kind of Spotify response. The name is the key segment.</summary>
public enum RawSource
{
    /// <summary><c>GET /v1/playlists/{id}</c>: name, owner and <c>snapshot_id</c>.</summary>
    Playlist,
    /// <summary>One page of <c>GET /v1/playlists/{id}/items</c>.</summary>
    PlaylistItems,
    /// <summary>One page of <c>GET /v1/me/player/recently-played</c>.</summary>
    RecentlyPlayed,
    /// <summary>One page of <c>GET /v1/me/top/tracks</c>; the subject is the time range.</summary>
    TopTracks,
    /// <summary>One page of <c>GET /v1/me/top/artists</c>; the subject is the time range.</summary>
    TopArtists,
    /// <summary>One page of <c>GET /v1/me/tracks</c>.</summary>
    SavedTracks,
}

public static class RawSourceNames
{
    private static readonly (RawSource Source, string Name)[] Names =
    [
        // The segments are the stack's (infra/contract.json): its lifecycle rules expire raw objects by these prefixes.
        (RawSource.Playlist, StackContract.RawSources.Playlist),
        (RawSource.PlaylistItems, StackContract.RawSources.PlaylistItems),
        (RawSource.RecentlyPlayed, StackContract.RawSources.RecentlyPlayed),
        (RawSource.TopTracks, StackContract.RawSources.TopTracks),
        (RawSource.TopArtists, StackContract.RawSources.TopArtists),
        (RawSource.SavedTracks, StackContract.RawSources.SavedTracks),
    ];

    public static string ToKeySegment(this RawSource source) =>
        Names.First(entry => entry.Source == source).Name;

    public static bool TryParse(string segment, out RawSource source)
    {
        foreach (var (candidate, name) in Names)
        {
            if (string.Equals(name, segment, StringComparison.Ordinal))
            {
                source = candidate;
                return true;
            }
        }
        source = default;
        return false;
    }

    public static IEnumerable<string> All => Names.Select(entry => entry.Name);
}

/// <summary>The raw subjects of saved-tracks pages: which kind of pass over the library landed them.</summary>
public static class SavedTracksSubjects
{
    /// <summary>A full pass over the library: every saved song.</summary>
    public const string Full = "me";
    /// <summary>An incremental pass: only the songs saved since the last run.</summary>
    public const string Incremental = "recent";

    /// <summary>Whether pages under <paramref name="subject"/> belong to a full pass (every subject but the incremental one).</summary>
    public static bool IsFullPass(string subject) => !string.Equals(subject, Incremental, StringComparison.Ordinal);
}
