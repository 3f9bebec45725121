namespace SpotifyEtl.Transformation;

/// <summary>
/// The rows one raw object yields. Dimensions are deduplicated by id within the object; facts keep
/// their order. Bounded by the size of one response page.
/// </summary>
public sealed class TransformedObject
{
    public Dictionary<string, SongRow> Songs { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, AlbumRow> Albums { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, ArtistRow> Artists { get; } = new(StringComparer.Ordinal);
    /// <summary>Every artist of each song, in credit order.</summary>
    public Dictionary<string, SongArtistRow[]> SongArtists { get; } = new(StringComparer.Ordinal);
    public List<PlaylistEntryRow> PlaylistEntries { get; } = [];
    public List<PlayRow> Plays { get; } = [];
    public List<PlaylistRow> Playlists { get; } = [];
    public List<SavedTrackRow> SavedTracks { get; } = [];
    public List<TopItemRow> TopItems { get; } = [];

    /// <summary>What items are read into before they become rows: reused for every item of every object.</summary>
    internal SpotifyReading Reading { get; } = new();

    /// <summary>Entries read from the response, whether or not they became rows.</summary>
    public int ItemsRead { get; internal set; }

    /// <summary>Of a list page: how many items the whole list holds, as the page says ("total"); null where it does not.</summary>
    public int? ListTotal { get; internal set; }

    /// <summary>Of a list page: where it starts in the list ("offset", 0 where it says none); null for an object that is no page.</summary>
    public int? ListOffset { get; internal set; }

    /// <summary>Of a list page: whether "next" links to a further page; false where it is null or missing, as on a list's last page.</summary>
    public bool ListHasNext { get; internal set; }

    public int SkippedLocalFiles { get; internal set; }
    public int SkippedEpisodes { get; internal set; }
    /// <summary>Entries whose track is null: removed from Spotify or unavailable in the market.</summary>
    public int SkippedUnavailable { get; internal set; }
    /// <summary>Entries with no track field at all, or a track without an id: a shape this version does not know.</summary>
    public int Unreadable { get; private set; }

    /// <summary>Why items were unreadable: the first few distinct reasons, each naming its item.</summary>
    public List<string> UnreadableReasons { get; } = [];

    /// <summary>Counts an item that cannot become a row, with its reason.</summary>
    internal void Unread(string reason)
    {
        Unreadable++;
        if (UnreadableReasons.Count < MaxReasons)
        {
            UnreadableReasons.Add(reason);
        }
    }

    private const int MaxReasons = 5;

    /// <summary>Empties it for the next object, keeping the collections' capacity: one per worker, not one per object.</summary>
    internal void Clear()
    {
        Songs.Clear();
        Albums.Clear();
        Artists.Clear();
        SongArtists.Clear();
        PlaylistEntries.Clear();
        Plays.Clear();
        Playlists.Clear();
        SavedTracks.Clear();
        TopItems.Clear();
        UnreadableReasons.Clear();
        ItemsRead = SkippedLocalFiles = SkippedEpisodes = SkippedUnavailable = Unreadable = 0;
        ListTotal = ListOffset = null;
        ListHasNext = false;
    }

    public int RowCount => Songs.Count + Albums.Count + Artists.Count + PlaylistEntries.Count + Plays.Count + Playlists.Count
        + SavedTracks.Count + TopItems.Count;
}
