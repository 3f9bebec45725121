using System.Globalization;

namespace SpotifyEtl.Spotify.Extraction;

internal static class SpotifyPaging
{
    /// <summary>The most items Spotify serves in one page of any source the extractor reads.</summary>
    public const int PageSize = 50;

    /// <summary>The most items a playlist holds (Spotify's limit): 200 pages.</summary>
    public const int PlaylistMaxItems = 10_000;

    /// <summary>How many times a list paged by offset (a playlist's items) is read in one run while it keeps changing under the reads.</summary>
    public const int ReadsOfAChangingList = 3;

    /// <summary>The longest a link is shown in an error before it is shortened.</summary>
    private const int ShownLength = 200;

    /// <summary>
    /// The <c>next</c> link to follow, or null when the page is the last (<c>next</c> null or empty). A link that is not
    /// an absolute http(s) URL, or holds control characters, fails the source with <see cref="SpotifyNextLinkException"/>.
    /// </summary>
    public static string? NextLink(string source, string? next)
    {
        if (string.IsNullOrEmpty(next))
        {
            return null;
        }
        if (next.Any(ShownText.IsUnsafe) || !Uri.TryCreate(next, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new SpotifyNextLinkException(source, next);
        }
        return next;
    }

    /// <summary>Pages the list's <c>total</c> needs, counted without overflow (a total may be any int).</summary>
    public static long PagesFor(int? total) => total is > 0 and var items ? ((long)items + PageSize - 1) / PageSize : 0;

    /// <summary>
    /// What identifies the page a request asks for: its path and its query parameters in order, <c>offset</c> 0 and
    /// <c>limit</c> 20 (Spotify's defaults) when absent. Two requests with the same key ask for the same page.
    /// </summary>
    public static string PageKey(string path)
    {
        var (route, query) = Split(path);
        var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["offset"] = "0", ["limit"] = "20" };
        foreach (var (name, value, _) in Parameters(query))
        {
            parameters[name] = value;
        }
        return route + "?" + string.Join('&', parameters.Select(parameter => parameter.Key + "=" + parameter.Value));
    }

    /// <summary>
    /// Why a <c>next</c> link does not follow the page <paramref name="path"/> asked for, or null: its <c>offset</c> is past
    /// the end of that page (the items between were never served) or not after its start. Null for a link of no offset (a
    /// list paged by cursor).
    /// </summary>
    public static string? Unfollowing(string path, string nextPath)
    {
        static long? Number(string path, string name) =>
            Parameters(Split(path).Query).Where(p => p.Name == name && p.Number).Select(p => (long?)long.Parse(p.Value, CultureInfo.InvariantCulture)).LastOrDefault();
        if (Number(nextPath, "offset") is not { } next)
        {
            return null;
        }
        var (offset, limit) = (Number(path, "offset") ?? 0, Number(path, "limit") ?? 20);
        return next > offset + limit ? $"its next page starts at item {next}, past the {offset + limit} this page ended at: the items between were never served"
            : next <= offset ? $"its next page starts at item {next}, not after the {offset} this page started at"
            : null;
    }

    /// <summary>
    /// A query's parameters in order, an <c>offset</c> or <c>limit</c> that is a number written as one (<c>offset=050</c>
    /// asks for the page <c>offset=50</c> does) and so marked.
    /// </summary>
    private static IEnumerable<(string Name, string Value, bool Number)> Parameters(string query)
    {
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var (name, value) = equals < 0 ? (pair, "") : (pair[..equals], pair[(equals + 1)..]);
            yield return name is "offset" or "limit" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                ? (name, number.ToString(CultureInfo.InvariantCulture), true)
                : (name, value, false);
        }
    }

    /// <summary>
    /// The page a <c>next</c> link (<paramref name="link"/>, <paramref name="nextPath"/> relative to the API) asks for, asked on
    /// the list's own path: the route of <paramref name="firstPath"/> with its parameters other than <c>offset</c> and
    /// <c>limit</c>, and the link's <c>offset</c> and <c>limit</c>. The link itself when it names the list's route, or no
    /// offset (a list paged by cursor). A list served on one path may link on to another, which a Development Mode app may
    /// be refused: <c>GET /me/playlists</c>, made as an alias of <c>/users/{id}/playlists</c>, has linked its pages there,
    /// and a playlist's items, served at <c>/items</c> since 2026, could link to the <c>/tracks</c> path they left.
    /// </summary>
    public static string OnListRoute(string firstPath, string nextPath, string link)
    {
        var (route, query) = Split(firstPath);
        var (nextRoute, nextQuery) = Split(nextPath);
        if (string.Equals(route, nextRoute, StringComparison.Ordinal))
        {
            return link;
        }
        string? offset = null;
        var limit = PageSize.ToString(CultureInfo.InvariantCulture);
        foreach (var (name, value, _) in Parameters(nextQuery).Where(parameter => parameter.Number))
        {
            (offset, limit) = name == "offset" ? (value, limit) : (offset, value);
        }
        var kept = Parameters(query).Where(parameter => parameter.Name is not ("offset" or "limit")).Select(parameter => $"{parameter.Name}={parameter.Value}");
        return offset is null ? link : $"{route}?{string.Join('&', kept.Append($"offset={offset}").Append($"limit={limit}"))}";
    }

    private static (string Route, string Query) Split(string path)
    {
        var query = path.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? (path.TrimEnd('/'), "") : (path[..query].TrimEnd('/'), path[(query + 1)..]);
    }

    /// <summary><paramref name="link"/> as an error shows it (<see cref="ShownText"/>): control characters escaped (<c>\u0000</c>), at most 200 characters.</summary>
    public static string Shown(string link) => ShownText.Of(link, ShownLength);
}
