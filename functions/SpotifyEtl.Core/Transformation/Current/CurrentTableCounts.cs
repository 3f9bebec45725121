namespace SpotifyEtl.Transformation.Current;

/// <summary>How many rows each current-state table was last written with.</summary>
public sealed record CurrentTableCounts(int Songs, int Albums, int Artists, int SongArtists, int Playlists)
{
    public static CurrentTableCounts None { get; } = new(0, 0, 0, 0, 0);

    internal static CurrentTableCounts Of(Digest digest) =>
        new(digest.RowCount(0), digest.RowCount(1), digest.RowCount(2), digest.RowCount(3), digest.RowCount(4));
}
