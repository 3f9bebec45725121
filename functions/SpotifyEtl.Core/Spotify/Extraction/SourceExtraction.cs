using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Spotify.Extraction;

/// <summary>
/// One source's extraction within a run: the requests it sends (counted, conditional where asked), the
/// pages it lands unchanged under their <see cref="RawObjectKey"/>, and the report it ends with.
/// </summary>
internal sealed partial class SourceExtraction(ExtractionSource source, ExtractionRunContext run, SpotifyApiClient client, IObjectStore store, int maxPages)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<string> _objects = [];
    private readonly List<string> _warnings = [];
    private readonly Dictionary<(RawSource, string), int> _pages = [];
    private int _items;
    private int _requests;
    private int _notModified;

    public ExtractionSource Source { get; } = source;

    public ExtractionRunContext Run { get; } = run;

    /// <summary>The scopes the user's token carries, as Spotify said when it issued it; null where it did not say.</summary>
    public IReadOnlySet<string>? GrantedScopes => client.Tokens.GrantedScopes;

    /// <summary>Saved tracks say which pass they made; other sources leave it unset.</summary>
    public ExtractionPass? Pass { get; set; }

    /// <summary>Recently played: the plays Spotify no longer had when this run asked; other sources leave it unset.</summary>
    public RecentlyPlayedGap? Gap { get; set; }

    private int Pages => _pages.Values.Sum();

    /// <summary>Set by a source that landed what it read but did not settle (a list that kept changing under its reads): the next run reads it again, even a once-a-day source.</summary>
    public bool ReadAgainNextRun { get; set; }

    /// <summary>Something a person should know that did not fail the source: it goes into the report's warnings and the log line's level.</summary>
    public void Warn(string warning) => _warnings.Add(warning);

    /// <summary>
    /// GETs <paramref name="pathOrUrl"/>. When <paramref name="conditional"/> and an ETag is remembered for
    /// this path, sends it as <c>If-None-Match</c>; a 304 comes back as <see cref="SpotifyResponse.NotModified"/>.
    /// </summary>
    public Task<SpotifyResponse> GetAsync(string pathOrUrl, bool conditional, CancellationToken cancellationToken) =>
        GetAsync(pathOrUrl, conditional ? Run.ETagFor(pathOrUrl)?.ETag : null, cancellationToken);

    /// <summary>GETs <paramref name="path"/> again, asking for a 304 when it still answers what <paramref name="earlier"/> did (its ETag).</summary>
    public Task<SpotifyResponse> GetAgainAsync(string path, SpotifyResponse earlier, CancellationToken cancellationToken) =>
        GetAsync(path, earlier.ETag, cancellationToken);

    private async Task<SpotifyResponse> GetAsync(string pathOrUrl, string? etag, CancellationToken cancellationToken)
    {
        ThrowIfRunStopped();
        SpotifyResponse response;
        try
        {
            // Every request sent counts, however it ends: retries, a 401 asked again, and the one that failed or stopped the source.
            response = await client.GetAsync(pathOrUrl, etag, () => _requests++, cancellationToken, Run.Stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Run.Stopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Another source stopped the run while this one waited to retry: it stops too, with the run's reason.
            ThrowIfRunStopped();
            throw;
        }
        if (response.NotModified)
        {
            _notModified++;
        }
        return response;
    }

    /// <summary>
    /// A run that another source stopped (QUOTA_EXCEEDED, a Retry-After it could not sit out) stops this one before its next
    /// request too: Spotify would only answer it the same, and every request spends the app's quota.
    /// </summary>
    private void ThrowIfRunStopped()
    {
        if (Run.Stop is { } stop)
        {
            throw new SpotifyRunStoppedException("The run stopped while this source was under way: " + stop.Message, stop.QuotaExceeded, stop.RetryAfter);
        }
    }

    /// <summary>Remembers the ETag of a response that landed, so the next conditional request for <paramref name="path"/> may answer 304.</summary>
    public void RememberETag(string path, SpotifyResponse response, bool hasNext)
    {
        if (response.ETag is { Length: > 0 } etag)
        {
            Run.RememberETag(path, etag, hasNext);
        }
    }

    /// <summary>
    /// Lands <paramref name="first"/> and the pages its <c>next</c> links lead to, while <paramref name="goOn"/> (given
    /// each landed page) says so. Fails with <see cref="SpotifyPagingLoopException"/> when a link asks again for a page
    /// already requested, when a page without items links on (no progress), or past the page limit; with
    /// <see cref="SpotifyNextLinkException"/> when a link is not an http(s) URL. An empty <c>next</c> ends the list.
    /// </summary>
    /// <param name="maxItems">The most items the source can hold, which bounds what its <c>total</c> may unlock; null for none.</param>
    public Task LandPagesAsync(SpotifyResponse first, string subject, Func<PageHeader, bool> goOn, int? maxItems, CancellationToken cancellationToken) =>
        PagesAsync(first, goOn, maxItems, response => LandPageAsync(response, subject, cancellationToken), () => Pages, cancellationToken);

    /// <summary>
    /// Reads <paramref name="first"/> and the pages its <c>next</c> links lead to, as <see cref="LandPagesAsync"/> does, into
    /// <paramref name="into"/> without landing them: for a list that must be seen to hold still while it is read before it
    /// lands. A page that fails paging is in <paramref name="into"/> when the exception comes.
    /// </summary>
    public Task ReadPagesAsync(SpotifyResponse first, HeldPages into, int? maxItems, CancellationToken cancellationToken) =>
        PagesAsync(first, _ => true, maxItems, response =>
        {
            into.Responses.Add(response);
            var header = PageOf(response);
            into.Items += ItemCount(header);
            return Task.FromResult(header);
        }, () => Pages + into.Responses.Count, cancellationToken);

    /// <summary>
    /// Reads a list whole from <paramref name="firstPath"/> into <paramref name="read"/>, then asks <paramref name="heldStill"/>
    /// whether it held still while it was read: a list paged by offset and changed meanwhile gives one item twice and misses
    /// another. One that changed is read again, <paramref name="reads"/> times in all; <see cref="StillRead.Held"/> says
    /// whether the last read held still. When a read fails, <paramref name="read"/> holds the last whole read before it
    /// (<see cref="StillRead.Whole"/>: every page, though the list changed meanwhile and may show an entry twice where it
    /// shifted, and miss another), else the failed read's pages so far.
    /// </summary>
    public async Task ReadStillAsync(StillRead read, string firstPath, Func<CancellationToken, Task<bool>> heldStill, int reads, int? maxItems,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var pages = new HeldPages();
            if (attempt == 1)
            {
                read.Pages = pages;
            }
            var first = await GetAsync(firstPath, conditional: false, cancellationToken).ConfigureAwait(false);
            await ReadPagesAsync(first, pages, maxItems, cancellationToken).ConfigureAwait(false);
            (read.Pages, read.Whole, read.Changed) = (pages, true, false);
            read.Held = await heldStill(cancellationToken).ConfigureAwait(false);
            if (read.Held || attempt == reads)
            {
                return;
            }
            read.Changed = true;
        }
    }

    private async Task PagesAsync(SpotifyResponse first, Func<PageHeader, bool> goOn, int? maxItems, Func<SpotifyResponse, Task<PageHeader>> keep,
        Func<int> pagesOfSource, CancellationToken cancellationToken)
    {
        var requested = new HashSet<string>(StringComparer.Ordinal) { SpotifyPaging.PageKey(first.Path) };
        var response = first;
        var landed = 0;
        int? total = null;
        byte[]? previous = null;
        while (true)
        {
            var header = await keep(response).ConfigureAwait(false);
            landed++;
            // A page that repeats the one before it, its offset too: a server that serves its last page for every link on. Compared
            // as the bytes they came as: a page whose items hold bytes that are no UTF-8 has no text, and is the transformation's to refuse.
            var page = header.Items is { ValueKind: JsonValueKind.Array } array && array.GetArrayLength() > 0
                ? [.. header.Offset is { } offset ? JsonMarshal.GetRawUtf8Value(offset) : [], .. JsonMarshal.GetRawUtf8Value(array)]
                : (byte[]?)null;
            if (page is not null && previous is not null && page.AsSpan().SequenceEqual(previous))
            {
                throw new SpotifyPagingLoopException(Source.Name, response.Path, landed, total, $"and page {landed} repeated page {landed - 1}");
            }
            previous = page;
            total = header.Total is > 0 and var said ? Math.Max(total ?? 0, said) : total;
            if (!goOn(header) || SpotifyPaging.NextLink(Source.Name, header.Next) is not { } link)
            {
                return;
            }
            // Every page asked on the list's own path, whatever path its link names (SpotifyPaging.OnListRoute).
            var next = SpotifyPaging.OnListRoute(first.Path, client.PathOf(link), link);
            if (ItemCount(header) == 0)
            {
                throw new SpotifyPagingLoopException(Source.Name, next, landed, total, $"and page {landed} held no items yet linked to a next page");
            }
            if (!requested.Add(SpotifyPaging.PageKey(client.PathOf(next))))
            {
                throw new SpotifyPagingLoopException(Source.Name, next, landed, total, $"and page {landed} linked back to a page already requested");
            }
            if (SpotifyPaging.Unfollowing(response.Path, client.PathOf(next)) is { } why)
            {
                throw new SpotifyPagingLoopException(Source.Name, next, landed, total, $"and page {landed} does not link to the page after it: {why}");
            }
            // The limit guards against a `next` that never ends, not against a large list: a list may take the pages its
            // own total needs, and one more for items added while it is paged (a library of 60,000 saved songs is 1,200
            // pages), but never more than the source can hold (a playlist: 10,000 items, 201 pages).
            if (maxItems is { } most && landed >= SpotifyPaging.PagesFor(most) + 1)
            {
                throw new SpotifyPagingLoopException(Source.Name, next, landed, total,
                    $"more than the {most} items it can hold need" + (total is { } items ? $" (its list says it holds {items})" : ""));
            }
            if (pagesOfSource() >= maxPages && landed >= SpotifyPaging.PagesFor(total) + 1)
            {
                throw new SpotifyPagingLoopException(Source.Name, next, Math.Max(pagesOfSource(), landed), total);
            }
            response = await GetAsync(next, conditional: false, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Counts items this source read without landing them (the playlists <c>my_playlists</c> found).</summary>
    public void Counted(int items) => _items += items;

    public SourceReport Report(SourceStatus status, int? httpStatus = null, string? error = null) =>
        new(Source.Name, Source.Type, Source.Subject, status, Pages, _items, _requests, _notModified, Pass,
            _clock.ElapsedMilliseconds, httpStatus, error, _objects.ToArray())
        {
            Gap = Gap,
            Warnings = _warnings.Count == 0 ? null : _warnings.ToArray(),
        };

    public static T? Parse<T>(SpotifyResponse response, JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(response.Body, type);
        }
        catch (JsonException exception)
        {
            throw new SpotifyMalformedResponseException(response, JsonErrorText.Of(exception));
        }
    }

    public static int ItemCount(PageHeader header) =>
        header.Items is { ValueKind: JsonValueKind.Array } items ? items.GetArrayLength() : 0;
}

/// <summary>Pages read and held, not landed yet (<see cref="SourceExtraction.ReadPagesAsync"/>), and the items they hold.</summary>
internal sealed class HeldPages
{
    public List<SpotifyResponse> Responses { get; } = [];

    public int Items { get; set; }
}

/// <summary>A list read by <see cref="SourceExtraction.ReadStillAsync"/>: the pages of its last read, and whether it held still.</summary>
internal sealed class StillRead
{
    public HeldPages Pages { get; set; } = new();

    /// <summary>Whether <see cref="Pages"/> are a whole read, every page to the last: false for a first read that failed partway.</summary>
    public bool Whole { get; set; }

    /// <summary>Whether the list is known to have changed while <see cref="Pages"/> were read (they are then read again).</summary>
    public bool Changed { get; set; }

    public bool Held { get; set; }
}
