namespace SpotifyEtl.Spotify.Extraction;

/// <summary>
/// How one kind of source is read: which requests, which of them conditional, what lands and what the
/// state remembers. Errors propagate (<see cref="SpotifyApiException"/>, <see cref="SpotifyRunStoppedException"/>, ...);
/// the extractor turns them into the source's status.
/// </summary>
internal interface IExtractionStrategy
{
    Task<SourceStatus> ExtractAsync(SourceExtraction extraction, CancellationToken cancellationToken);
}
