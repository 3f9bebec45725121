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
    public Dictionary<(string SongId, int Position), SongArtistRow> SongArtists { get; } = [];
    public List<PlaylistEntryRow> PlaylistEntries { get; } = [];
    public List<PlayRow> Plays { get; } = [];
    public List<PlaylistRow> Playlists { get; } = [];

    /// <summary>Entries read from the response, whether or not they became rows.</summary>
    public int ItemsRead { get; internal set; }
    public int SkippedLocalFiles { get; internal set; }
    public int SkippedEpisodes { get; internal set; }
    /// <summary>Entries whose track is null: removed from Spotify or unavailable.</summary>
    public int SkippedUnavailable { get; internal set; }

    public IReadOnlyDictionary<string, int> RowCounts => new Dictionary<string, int>
    {
        [TableNames.Songs] = Songs.Count,
        [TableNames.Albums] = Albums.Count,
        [TableNames.Artists] = Artists.Count,
        [TableNames.SongArtists] = SongArtists.Count,
        [TableNames.Playlists] = Playlists.Count,
        [TableNames.PlaylistEntries] = PlaylistEntries.Count,
        [TableNames.Plays] = Plays.Count,
    };
}
