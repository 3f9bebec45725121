namespace SpotifyEtl.Spotify.Extraction;

/// <summary>
/// Top lists and saved tracks change slowly and have no cursor: with an hourly schedule they would be
/// read 24 times a day. They are read on the day's first run only; later runs report them unchanged
/// without a request.
/// </summary>
internal sealed class OncePerDay(IExtractionStrategy inner) : IExtractionStrategy
{
    public async Task<SourceStatus> ExtractAsync(SourceExtraction extraction, CancellationToken cancellationToken)
    {
        var name = extraction.Source.Name;
        if (extraction.Run.LandedToday(name))
        {
            return SourceStatus.Unchanged;
        }
        var status = await inner.ExtractAsync(extraction, cancellationToken).ConfigureAwait(false);
        if (!extraction.ReadAgainNextRun)
        {
            extraction.Run.RecordLandedToday(name);
        }
        return status;
    }
}
