namespace SpotifyEtl.Transformation.Current;

/// <summary>
/// Dated rows of the five dimension tables as objects: the rows of the current-state tables as they
/// are written, or a day's rows read from its partitions. Digests hold them in binary
/// (<see cref="Digest"/>), sorted and one row per key.
/// </summary>
public sealed record DimensionState(
    List<CurrentRow<SongRow>> Songs,
    List<CurrentRow<AlbumRow>> Albums,
    List<CurrentRow<ArtistRow>> Artists,
    List<CurrentRow<SongArtistRow>> SongArtists,
    List<CurrentRow<PlaylistRow>> Playlists)
{
    public static DimensionState Empty => new([], [], [], [], []);
}
