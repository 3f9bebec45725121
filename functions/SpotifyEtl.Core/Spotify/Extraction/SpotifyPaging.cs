namespace SpotifyEtl.Spotify.Extraction;

internal static class SpotifyPaging
{
    /// <summary>The most items Spotify serves in one page of any source the extractor reads.</summary>
    public const int PageSize = 50;
}
