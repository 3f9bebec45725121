using System.Text.Json;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Spotify.Extraction;

/// <summary>A source's landing: each response unchanged under its key, then read as the transformation will read it.</summary>
internal sealed partial class SourceExtraction
{
    /// <summary>
    /// Lands one response unchanged as the next page of <paramref name="rawSource"/> under <paramref name="subject"/>, then reads
    /// it as the transformation will: one it would set aside (bytes that are no UTF-8, an item that is no object) fails the
    /// source here, before the source records it as read (a playlist's version, the recently-played cursor, a saved-tracks
    /// pass), so that the next run asks Spotify for it again rather than take the day's rows as whole.
    /// </summary>
    public async Task LandAsync(RawSource rawSource, string subject, SpotifyResponse response, CancellationToken cancellationToken)
    {
        var page = _pages.GetValueOrDefault((rawSource, subject));
        var key = new RawObjectKey(rawSource, Run.SnapshotDate, subject, Run.RunId, page);
        var name = key.ToString();
        await store.PutBytesAsync(name, response.Body, "application/json", cancellationToken).ConfigureAwait(false);
        _pages[(rawSource, subject)] = page + 1;
        _objects.Add(name);
        ReadAsTheTransformationWill(key, response);
    }

    private void ReadAsTheTransformationWill(RawObjectKey key, SpotifyResponse response)
    {
        TransformedObject read;
        try
        {
            read = RawObjectTransformer.Transform(key, response.Body);
        }
        catch (InvalidRawObjectException refused)
        {
            throw new SpotifyMalformedResponseException(response, refused.Reason);
        }
        if (read.Unreadable > 0)
        {
            Warn($"GET {SpotifyPaging.Shown(response.Path)} answered {read.Unreadable} of its {read.ItemsRead} items in a shape the transformation " +
                $"cannot read and leaves out (the first: {read.UnreadableReasons[0]}); the page landed, and its other items are read.");
        }
    }

    /// <summary>Lands one page unchanged, then reads what paging needs; a body that is not a page still lands, then fails the source.</summary>
    public async Task<PageHeader> LandPageAsync(SpotifyResponse response, string subject, CancellationToken cancellationToken)
    {
        await LandAsync(Source.PageSource, subject, response, cancellationToken).ConfigureAwait(false);
        var header = PageOf(response);
        _items += ItemCount(header);
        return header;
    }

    /// <summary>Lands pages read by <see cref="ReadPagesAsync"/>, in the order they were read.</summary>
    public async Task LandAsync(HeldPages pages, string subject, CancellationToken cancellationToken)
    {
        // Every page lands before one the transformation would set aside fails the source: what was read is kept.
        SpotifyMalformedResponseException? refused = null;
        foreach (var response in pages.Responses)
        {
            try
            {
                await LandAsync(Source.PageSource, subject, response, cancellationToken).ConfigureAwait(false);
            }
            catch (SpotifyMalformedResponseException exception)
            {
                refused ??= exception;
            }
        }
        _items += pages.Items;
        if (refused is not null)
        {
            throw refused;
        }
    }

    private static PageHeader PageOf(SpotifyResponse response)
    {
        var header = Parse(response, SpotifyWireJsonContext.Default.PageHeader);
        if (header?.Items is not { ValueKind: JsonValueKind.Array })
        {
            throw new SpotifyMalformedResponseException(response, "no \"items\" array");
        }
        return header;
    }
}
