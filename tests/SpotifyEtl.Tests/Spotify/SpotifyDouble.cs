using SpotifyEtl.Tests.Support;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SpotifyEtl.Spotify;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>
/// A stand-in for Spotify's accounts service and Web API: a real Kestrel server on 127.0.0.1 with a
/// random port. It pages, serves both playlist item shapes, tags every answer with an ETag and answers
/// 304 Not Modified to an <c>If-None-Match</c> that still matches, rotates refresh tokens, refuses dead
/// ones with invalid_grant, expires access tokens mid-run, and injects 403/404/429/5xx, slow and malformed
/// answers on request.
/// </summary>
public sealed partial class SpotifyDouble : IAsyncDisposable
{
    public const string ClientId = "double-client-id";
    public const string ClientSecret = "double-client-secret-XYZ";
    public const string InitialRefreshToken = "double-refresh-token-AAA";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, TokenInfo> _accessTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Fault>> _faults = new(StringComparer.Ordinal);
    private int _tokenCounter;
    private int _inFlight;
    private int _maxInFlight;

    private static readonly DateTimeOffset LibraryStart = new(2026, 11, 1, 10, 0, 0, TimeSpan.Zero);
    private int _notModified;
    private int _savedCounter;

    private SpotifyDouble(WebApplication app)
    {
        _app = app;
        SavedTrackCount = 3;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public SpotifyEndpoints Endpoints => new(new Uri(BaseAddress, "v1/"), BaseAddress);

    /// <summary>When set, `next` links name this base instead of the double (as Spotify's name api.spotify.com).</summary>
    public Uri? NextLinkBase { get; set; }

    public HashSet<string> ValidRefreshTokens { get; } = new(StringComparer.Ordinal) { InitialRefreshToken };

    /// <summary>The refresh token the next refresh grant hands out (the old one stops working).</summary>
    public string? RotateRefreshTokenTo { get; set; }

    /// <summary>
    /// The Redirect URI the authorization code was issued for (the one the authorize page was asked with): as Spotify does,
    /// the code exchange answers invalid_grant when it names another. Null: the code was issued for any.
    /// </summary>
    public string? RedirectUriOfCode { get; set; }

    /// <summary>The signed-in account is not on the app's user list: every API request of a user token answers 403, as Spotify's does.</summary>
    public bool UnregisteredUser { get; set; }

    /// <summary>The account <c>GET /v1/me</c> names.</summary>
    public (string Id, string DisplayName) Account { get; set; } = ("double-user", "Double User");

    /// <summary>Every refresh grant answers invalid_grant (the token expired six months after authorization).</summary>
    public bool RefuseRefreshTokens { get; set; }

    /// <summary>Each access token answers 401 after this many API requests (the token expired mid-run).</summary>
    public int? ExpireAccessTokensAfterRequests { get; set; }

    /// <summary>The authorization code the loopback flow exchanges, and the refresh token it yields.</summary>
    public string AuthorizationCode { get; set; } = "double-authorization-code";

    public string AuthorizedRefreshToken { get; set; } = "double-refresh-token-from-login";

    public ConcurrentQueue<string> TokenGrants { get; } = new();

    /// <summary>The <c>expires_in</c> tokens are issued with, as raw JSON (any JSON value).</summary>
    public string ExpiresInJson { get; set; } = "3600";

    public ConcurrentQueue<string> ApiRequests { get; } = new();

    /// <summary>Called with each Web API path and query as it arrives (for example to move a test clock).</summary>
    public Action<string>? OnApiRequest { get; set; }

    /// <summary>Called with the grant type of each token request before it is answered.</summary>
    public Action<string>? OnTokenRequest { get; set; }

    public ConcurrentDictionary<string, DoublePlaylist> Playlists { get; } = new(StringComparer.Ordinal);

    /// <summary>Plays as Unix milliseconds with a track number; the newest are served first.</summary>
    public List<long> Plays { get; } = [];

    /// <summary>An app in Extended Quota Mode: an app token (client credentials) reads playlist items too. Development Mode, the default, refuses it.</summary>
    public bool ExtendedQuotaMode { get; set; }

    /// <summary>
    /// The scopes the user authorized, given as the token's <c>scope</c>, as Spotify gives it; without <c>playlist-read-private</c>
    /// GET /me/playlists lists only public playlists, as Spotify's does. Null: no <c>scope</c> given, and every playlist listed.
    /// </summary>
    public IReadOnlySet<string>? GrantedScopes { get; set; }

    /// <summary>The token's <c>scope</c> as given, in place of <see cref="GrantedScopes"/> joined: "" as Spotify has been seen to answer.</summary>
    public string? ScopeAnswered { get; set; }

    /// <summary>Plays whose <c>played_at</c> is served as text that is no time (an item a reader cannot place).</summary>
    public HashSet<long> GarbledPlays { get; } = [];

    /// <summary>How many of the newest plays recently-played can still reach (about 50 on Spotify); older ones are gone.</summary>
    public int ReachablePlays { get; set; } = 50;

    /// <summary>
    /// Which plays a recently-played page asked with <c>after</c> holds when more than a page of reachable plays follow the
    /// cursor: the newest (false) or the oldest, with a <c>next</c> link after them (true). Spotify does not document it,
    /// and the extractor must land every reachable play either way.
    /// </summary>
    public bool AfterServesOldest { get; set; }

    /// <summary>Answers a recently-played page asked with <c>after</c> with the newest plays, as if unasked: a Spotify that ignores the cursor.</summary>
    public bool AfterIgnored { get; set; }

    /// <summary>Changes a recently-played page (the query it was asked with, its body) before it is served: a misbehaving Spotify.</summary>
    public Action<string, JsonObject>? RewritePlays { get; set; }

    /// <summary>Changes a page (its route, the offset asked for, its body) before it is served: a misbehaving Spotify.</summary>
    public Action<string, int, JsonObject>? RewritePage { get; set; }

    /// <summary>Rewrites the bytes of an answer of the Web API (given its path and query) as a proxy or a broken server might: bytes that are no UTF-8.</summary>
    public Func<string, byte[], byte[]>? RewriteBytes { get; set; }

    public int TopTrackCount { get; set; } = 3;

    public int TopArtistCount { get; set; } = 2;

    /// <summary>Ranks (0-based) of the top tracks whose song changed since the list was last read.</summary>
    public HashSet<int> ReplacedTopTracks { get; } = [];

    /// <summary>The saved tracks, newest first as Spotify serves them.</summary>
    public List<DoubleSavedTrack> SavedTracks { get; } = [];

    /// <summary>The <c>total</c> saved-track pages report, when it should not be the library's size (a list that misstates itself).</summary>
    public int? SavedTracksTotalSaid { get; set; }

    /// <summary>Replaces the library with this many tracks, saved a minute apart before 2026-11-01T10:00Z.</summary>
    public int SavedTrackCount
    {
        get => SavedTracks.Count;
        set
        {
            SavedTracks.Clear();
            SavedTracks.AddRange(Enumerable.Range(0, value).Select(index => new DoubleSavedTrack($"saved{index}", LibraryStart.AddMinutes(-index))));
        }
    }

    /// <summary>Saves <paramref name="count"/> new tracks at <paramref name="at"/> (they come first).</summary>
    public IReadOnlyList<DoubleSavedTrack> SaveTracks(int count, DateTimeOffset at)
    {
        var saved = Enumerable.Range(0, count).Select(_ => new DoubleSavedTrack($"new{Interlocked.Increment(ref _savedCounter)}", at)).ToList();
        SavedTracks.InsertRange(0, saved);
        return saved;
    }

    /// <summary>Conditional requests answered 304 Not Modified.</summary>
    public int NotModifiedAnswers => Volatile.Read(ref _notModified);

    /// <summary>When false, answers carry no ETag (as some endpoints, or a proxy, may do).</summary>
    public bool ServeETags { get; set; } = true;

    /// <summary>How the double compresses a page it answers: not at all, with gzip when the request accepts it, or always (a proxy's choice).</summary>
    public PageCompression CompressPages { get; set; }

    /// <summary>Each Web API request's <c>Accept-Encoding</c>, as sent.</summary>
    public ConcurrentQueue<string> AcceptEncodings { get; } = new();

    private int _compressed;

    /// <summary>Pages the double answered compressed.</summary>
    public int CompressedAnswers => Volatile.Read(ref _compressed);

    /// <summary>The double on a port of its own; over HTTPS with <paramref name="tls"/> (<see cref="LoopbackServer.SelfSigned"/>).</summary>
    public static async Task<SpotifyDouble> StartAsync(System.Security.Cryptography.X509Certificates.X509Certificate2? tls = null)
    {
        var (spotify, address) = await LoopbackServer.StartAsync(app => new SpotifyDouble(app), spotify => spotify.HandleAsync, tls);
        spotify.BaseAddress = address;
        return spotify;
    }

#pragma warning disable CA1822 // An instance member reads naturally in tests: spotify.Credentials().
    public SpotifyCredentials Credentials(string? refreshToken = InitialRefreshToken) => new(ClientId, ClientSecret, refreshToken);

#pragma warning restore CA1822
    /// <summary>The next requests whose path (after /v1/) starts with <paramref name="pathPrefix"/> get these faults, one each.</summary>
    public void Inject(string pathPrefix, params Fault[] faults)
    {
        var queue = _faults.GetOrAdd(pathPrefix, _ => new ConcurrentQueue<Fault>());
        foreach (var fault in faults)
        {
            queue.Enqueue(fault);
        }
    }

    public DoublePlaylist AddPlaylist(string id, int items, string snapshotId = "snapshot-1", bool deprecatedTrackShape = false, bool ownedByUser = true)
    {
        var playlist = new DoublePlaylist(id, $"Playlist {id[..4]}", snapshotId, items, deprecatedTrackShape, ownedByUser);
        Playlists[id] = playlist;
        return playlist;
    }

    /// <summary>The most Web API requests the double was answering at the same time.</summary>
    public int MaxApiRequestsInFlight => Volatile.Read(ref _maxInFlight);

    public int ApiRequestsTo(string pathPrefix) => ApiRequests.Count(path => path.StartsWith(pathPrefix, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (path == "/api/token" && HttpMethods.IsPost(context.Request.Method))
        {
            await TokenAsync(context);
            return;
        }
        if (path.StartsWith("/v1/", StringComparison.Ordinal))
        {
            var inFlight = Interlocked.Increment(ref _inFlight);
            for (var max = Volatile.Read(ref _maxInFlight); inFlight > max; max = Volatile.Read(ref _maxInFlight))
            {
                Interlocked.CompareExchange(ref _maxInFlight, inFlight, max);
            }
            try
            {
                await ApiAsync(context, path["/v1/".Length..]);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
            return;
        }
        context.Response.StatusCode = 404;
    }

    private async Task TokenAsync(HttpContext context)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ClientId}:{ClientSecret}"));
        if (!string.Equals(context.Request.Headers.Authorization.ToString(), expected, StringComparison.Ordinal))
        {
            await Json(context, 400, new JsonObject { ["error"] = "invalid_client", ["error_description"] = "Invalid client" });
            return;
        }
        var form = await context.Request.ReadFormAsync();
        var grant = form["grant_type"].ToString();
        TokenGrants.Enqueue(grant);
        OnTokenRequest?.Invoke(grant);
        if (TakeFault("token") is { } fault && await ApplyFaultAsync(context, fault))
        {
            return;
        }
        switch (grant)
        {
            case "client_credentials":
                await Json(context, 200, IssueToken(user: false, refreshToken: null));
                return;
            case "refresh_token":
                var presented = form["refresh_token"].ToString();
                if (RefuseRefreshTokens || !ValidRefreshTokens.Contains(presented))
                {
                    await Json(context, 400, new JsonObject { ["error"] = "invalid_grant", ["error_description"] = "Refresh token revoked" });
                    return;
                }
                string? rotated = null;
                if (RotateRefreshTokenTo is { } next)
                {
                    ValidRefreshTokens.Remove(presented);
                    ValidRefreshTokens.Add(next);
                    rotated = next;
                    RotateRefreshTokenTo = null;
                }
                await Json(context, 200, IssueToken(user: true, rotated));
                return;
            case "authorization_code" when form["code"] == AuthorizationCode && RedirectUriOfCode is { } issuedFor && form["redirect_uri"] != issuedFor:
                await Json(context, 400, new JsonObject { ["error"] = "invalid_grant", ["error_description"] = "Invalid redirect URI" });
                return;
            case "authorization_code" when form["code"] == AuthorizationCode:
                ValidRefreshTokens.Add(AuthorizedRefreshToken);
                await Json(context, 200, IssueToken(user: true, AuthorizedRefreshToken));
                return;
            default:
                await Json(context, 400, new JsonObject { ["error"] = "invalid_grant", ["error_description"] = "Invalid authorization code" });
                return;
        }
    }

    private JsonObject IssueToken(bool user, string? refreshToken)
    {
        var token = $"access-{Interlocked.Increment(ref _tokenCounter)}-{Guid.NewGuid():N}";
        _accessTokens[token] = new TokenInfo(user);
        var body = new JsonObject { ["access_token"] = token, ["token_type"] = "Bearer", ["expires_in"] = JsonNode.Parse(ExpiresInJson) };
        if (refreshToken is not null)
        {
            body["refresh_token"] = refreshToken;
        }
        if (user && (ScopeAnswered ?? (GrantedScopes is { } scopes ? string.Join(' ', scopes) : null)) is { } scope)
        {
            body["scope"] = scope;
        }
        return body;
    }

    private async Task ApiAsync(HttpContext context, string path)
    {
        var query = context.Request.QueryString.Value ?? "";
        ApiRequests.Enqueue(path + query);
        AcceptEncodings.Enqueue(context.Request.Headers.AcceptEncoding.ToString());
        OnApiRequest?.Invoke(path + query);
        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal)
            || !_accessTokens.TryGetValue(authorization["Bearer ".Length..], out var token)
            || (ExpireAccessTokensAfterRequests is { } limit && Interlocked.Increment(ref token.Requests) > limit))
        {
            await ApiError(context, 401, "The access token expired");
            return;
        }
        if (TakeFault(path + query) is { } fault && await ApplyFaultAsync(context, fault))
        {
            return;
        }
        // As Spotify does: a page size out of its range, or both cursors at once, is refused, not quietly mended.
        if (context.Request.Query.TryGetValue("limit", out var limitValue)
            && !(int.TryParse(limitValue.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var pageSize) && pageSize is >= 1 and <= 50))
        {
            await ApiError(context, 400, "Invalid limit");
            return;
        }
        if (context.Request.Query.ContainsKey("after") && context.Request.Query.ContainsKey("before"))
        {
            await ApiError(context, 400, "Only one of after and before may be given");
            return;
        }
        if (UnregisteredUser && token.User)
        {
            await ApiError(context, 403, "User not registered in the Developer Dashboard");
            return;
        }
        var segments = path.Split('/');
        switch (segments)
        {
            case ["me"] when token.User:
                await Json(context, 200, new JsonObject { ["id"] = Account.Id, ["display_name"] = Account.DisplayName, ["type"] = "user" });
                return;
            case ["playlists", var id]:
                await PlaylistAsync(context, id);
                return;
            case ["playlists", _, "tracks"]:
            case ["users", ..]:
                // Removed in Development Mode: the old playlist items path, and every /users/{id} path.
                await ApiError(context, 403, "Forbidden");
                return;
            case ["playlists", var id, "items"]:
                await PlaylistItemsAsync(context, id, token.User);
                return;
            case ["me", ..] when !token.User:
                await ApiError(context, 403, "Forbidden: this endpoint needs a user");
                return;
            case ["me", "player", "recently-played"]:
                await RecentlyPlayedAsync(context);
                return;
            case ["me", "top", "tracks"]:
                await Page(context, $"me/top/tracks", TopTrackCount, index => Track($"top{context.Request.Query["time_range"]}{(ReplacedTopTracks.Contains(index) ? "replaced" : "")}{index}"));
                return;
            case ["me", "top", "artists"]:
                await Page(context, $"me/top/artists", TopArtistCount, index => FullArtist($"topartist{index}"));
                return;
            case ["me", "playlists"]:
                // The account's playlists, its own, those it collaborates on and those it follows, as GET /me/playlists lists them.
                var listed = Playlists.Values.Where(playlist => playlist.Listed && (!playlist.Private || GrantedScopes?.Contains("playlist-read-private") != false))
                    .OrderBy(playlist => playlist.Id, StringComparer.Ordinal).ToArray();
                await Page(context, "me/playlists", listed.Length, index => new JsonObject
                {
                    ["id"] = listed[index].Id,
                    ["name"] = listed[index].Name,
                    ["collaborative"] = listed[index].Collaborative,
                    ["owner"] = new JsonObject { ["id"] = listed[index].OwnedByUser ? Account.Id : "someone-else", ["type"] = "user" },
                    ["snapshot_id"] = listed[index].SnapshotId,
                });
                return;
            case ["me", "tracks"]:
                var library = SavedTracks.ToArray();
                await Page(context, "me/tracks", library.Length, said: SavedTracksTotalSaid, item: index => new JsonObject
                {
                    ["added_at"] = library[index].AddedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    ["track"] = Track(library[index].Id),
                });
                return;
            default:
                await ApiError(context, 404, "Service not found");
                return;
        }
    }

    private async Task PlaylistAsync(HttpContext context, string id)
    {
        if (id.StartsWith("37i9dQZ", StringComparison.Ordinal) || !Playlists.TryGetValue(id, out var playlist))
        {
            await ApiError(context, 404, "Resource not found");
            return;
        }
        var metadata = new JsonObject
        {
            ["id"] = playlist.Id,
            ["name"] = playlist.Name,
            ["snapshot_id"] = playlist.SnapshotId,
            ["owner"] = new JsonObject { ["id"] = playlist.OwnedByUser ? "owner" : "someone-else", ["type"] = "user" },
        };
        // Development Mode gives the items of the user's own playlists only: another's comes as metadata alone.
        if (playlist.OwnedByUser || playlist.Collaborative)
        {
            metadata["items"] = new JsonObject { ["href"] = Link($"playlists/{id}/items"), ["total"] = playlist.Tracks?.Count ?? playlist.ItemCount };
        }
        await Answer(context, metadata);
    }

    private async Task PlaylistItemsAsync(HttpContext context, string id, bool userToken)
    {
        if (!Playlists.TryGetValue(id, out var playlist))
        {
            await ApiError(context, 404, "Resource not found");
            return;
        }
        // Development Mode reads the items of the user's own playlists (and those they collaborate on), with the user's token only.
        if (!(playlist.OwnedByUser || playlist.Collaborative) || (!userToken && !ExtendedQuotaMode))
        {
            await ApiError(context, 403, "Forbidden");
            return;
        }
        // One version's list for the whole page: a test may give the playlist another between two pages.
        var tracks = playlist.Tracks;
        await Page(context, $"playlists/{id}/items", tracks?.Count ?? playlist.ItemCount, index =>
        {
            var entry = new JsonObject
            {
                ["added_at"] = "2026-11-02T08:00:00Z",
                ["added_by"] = new JsonObject { ["id"] = "owner", ["type"] = "user" },
                ["is_local"] = false,
            };
            entry[playlist.DeprecatedTrackShape ? "track" : "item"] = Track(tracks?[index] ?? $"{id[..4]}{index}");
            return entry;
        });
    }

    private async Task RecentlyPlayedAsync(HttpContext context)
    {
        var limit = int.Parse(context.Request.Query["limit"].FirstOrDefault() ?? "20", CultureInfo.InvariantCulture);
        long[] plays;
        string? next;
        lock (Plays)
        {
            // Newest first, as Spotify answers; only the newest ReachablePlays exist any more.
            var reachable = Plays.OrderDescending().Take(ReachablePlays).ToArray();
            if (context.Request.Query.TryGetValue("after", out var afterValue) && !AfterIgnored)
            {
                var after = long.Parse(afterValue.ToString(), CultureInfo.InvariantCulture);
                var newer = reachable.Where(play => play > after).ToArray();
                if (AfterServesOldest)
                {
                    plays = newer.Order().Take(limit).OrderDescending().ToArray();
                    next = newer.Length > limit ? Link($"me/player/recently-played?limit={limit}&after={plays.Max()}") : null;
                }
                else
                {
                    (plays, next) = Newest(newer);
                }
            }
            else if (context.Request.Query.TryGetValue("before", out var beforeValue))
            {
                var before = long.Parse(beforeValue.ToString(), CultureInfo.InvariantCulture);
                (plays, next) = Newest(reachable.Where(play => play < before).ToArray());
            }
            else
            {
                (plays, next) = Newest(reachable);
            }
        }
        var items = new JsonArray(plays.Select(play => (JsonNode)new JsonObject
        {
            ["track"] = Track($"play{play}"),
            ["played_at"] = GarbledPlays.Contains(play) ? "not a time" : DateTimeOffset.FromUnixTimeMilliseconds(play).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["context"] = null,
        }).ToArray());
        var answer = new JsonObject
        {
            ["href"] = Link("me/player/recently-played" + context.Request.QueryString.Value),
            ["limit"] = limit,
            ["next"] = next,
            ["cursors"] = plays.Length == 0 ? null : new JsonObject
            {
                ["after"] = plays.Max().ToString(CultureInfo.InvariantCulture),
                ["before"] = plays.Min().ToString(CultureInfo.InvariantCulture),
            },
            ["items"] = items,
        };
        RewritePlays?.Invoke(context.Request.QueryString.Value ?? "", answer);
        await Answer(context, answer);

        // The newest page of the candidates, with Spotify's next link (by the before cursor) when older ones remain.
        (long[] Plays, string? Next) Newest(long[] candidates)
        {
            var page = candidates.Take(limit).ToArray();
            return (page, candidates.Length > limit ? Link($"me/player/recently-played?limit={limit}&before={page.Min()}") : null);
        }
    }

    private async Task Page(HttpContext context, string path, int total, Func<int, JsonNode> item, int? said = null)
    {
        var offset = int.Parse(context.Request.Query["offset"].FirstOrDefault() ?? "0", CultureInfo.InvariantCulture);
        var limit = int.Parse(context.Request.Query["limit"].FirstOrDefault() ?? "20", CultureInfo.InvariantCulture);
        var extra = string.Concat(context.Request.Query
            .Where(parameter => parameter.Key is not ("offset" or "limit"))
            .Select(parameter => $"&{parameter.Key}={parameter.Value}"));
        var end = Math.Min(total, offset + limit);
        var page = new JsonObject
        {
            ["href"] = Link($"{path}?offset={offset}&limit={limit}{extra}"),
            ["limit"] = limit,
            ["offset"] = offset,
            ["total"] = said ?? total,
            ["previous"] = offset == 0 ? null : Link($"{path}?offset={Math.Max(0, offset - limit)}&limit={limit}{extra}"),
            ["next"] = end < total ? Link($"{path}?offset={end}&limit={limit}{extra}") : null,
            ["items"] = new JsonArray(Enumerable.Range(offset, Math.Max(0, end - offset)).Select(item).ToArray()),
        };
        RewritePage?.Invoke(path, offset, page);
        await Answer(context, page);
    }

    /// <summary>A 200 with a strong ETag over the body, or a bodiless 304 when the request's If-None-Match names it.</summary>
    private async Task Answer(HttpContext context, JsonNode body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        bytes = RewriteBytes?.Invoke(context.Request.Path.Value + context.Request.QueryString.Value, bytes) ?? bytes;
        if (ServeETags)
        {
            var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..20]}\"";
            context.Response.Headers.ETag = etag;
            if (context.Request.Headers.IfNoneMatch.Any(value => value is not null && value.Split(',').Any(tag => tag.Trim() == etag)))
            {
                Interlocked.Increment(ref _notModified);
                context.Response.StatusCode = 304;
                return;
            }
        }
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json; charset=utf-8";
        if (CompressPages == PageCompression.Always
            || (CompressPages == PageCompression.WhenAccepted && context.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.Ordinal)))
        {
            Interlocked.Increment(ref _compressed);
            context.Response.Headers.ContentEncoding = "gzip";
            bytes = Compressed("gzip", bytes);
        }
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    /// <summary><paramref name="bytes"/> compressed as a <c>Content-Encoding</c> names it: gzip, deflate (zlib's format) or br.</summary>
    public static byte[] Compressed(string encoding, byte[] bytes)
    {
        using var buffer = new MemoryStream();
        using (Stream compressor = encoding switch
        {
            "gzip" => new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true),
            "deflate" => new System.IO.Compression.ZLibStream(buffer, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true),
            "br" => new System.IO.Compression.BrotliStream(buffer, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true),
            _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "gzip, deflate or br"),
        })
        {
            compressor.Write(bytes);
        }
        return buffer.ToArray();
    }

    public string Link(string pathAndQuery) => new Uri(NextLinkBase ?? new Uri(BaseAddress, "v1/"), pathAndQuery).ToString();

    private static JsonObject Track(string id) => new()
    {
        ["id"] = id,
        ["name"] = $"Song {id}",
        ["uri"] = $"spotify:track:{id}",
        ["duration_ms"] = 180000,
        ["explicit"] = false,
        ["track_number"] = 1,
        ["disc_number"] = 1,
        ["is_local"] = false,
        ["external_ids"] = new JsonObject { ["isrc"] = "USABC2600001" },
        ["external_urls"] = new JsonObject { ["spotify"] = $"https://open.spotify.com/track/{id}" },
        ["album"] = new JsonObject
        {
            ["id"] = "album1", ["name"] = "Album, Vol. 1", ["album_type"] = "album", ["total_tracks"] = 10,
            ["release_date"] = "2004", ["release_date_precision"] = "year",
            ["external_urls"] = new JsonObject { ["spotify"] = "https://open.spotify.com/album/album1" },
            ["artists"] = new JsonArray(Artist("artist1")),
        },
        ["artists"] = new JsonArray(Artist("artist1"), Artist("artist2")),
    };

    private static JsonObject Artist(string id) => new()
    {
        ["id"] = id,
        ["name"] = $"Artist {id}",
        ["uri"] = $"spotify:artist:{id}",
        ["external_urls"] = new JsonObject { ["spotify"] = $"https://open.spotify.com/artist/{id}" },
    };

    /// <summary>An artist as the top list gives it: genres and images besides, no followers or popularity in Development Mode.</summary>
    private static JsonObject FullArtist(string id)
    {
        var artist = Artist(id);
        artist["genres"] = new JsonArray();
        artist["images"] = new JsonArray();
        return artist;
    }

    private Fault? TakeFault(string path)
    {
        foreach (var (prefix, queue) in _faults)
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal) && queue.TryDequeue(out var fault))
            {
                return fault;
            }
        }
        return null;
    }

    /// <summary>Returns true when the fault answered the request; a slow fault delays and lets it proceed.</summary>
    private static async Task<bool> ApplyFaultAsync(HttpContext context, Fault fault)
    {
        switch (fault)
        {
            case Fault.SlowFault slow:
                await Task.Delay(slow.Delay, context.RequestAborted);
                return false;
            case Fault.AfterFault after:
                await after.Gate.WaitAsync(context.RequestAborted);
                return await ApplyFaultAsync(context, after.Then);
            case Fault.MalformedFault:
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"items\": [ {\"track\": ", context.RequestAborted);
                return true;
            case Fault.RawFault raw:
                context.Response.StatusCode = raw.Status;
                context.Response.ContentType = raw.ContentType;
                if (raw.RetryAfter is not null)
                {
                    context.Response.Headers.RetryAfter = raw.RetryAfter;
                }
                if (raw.WithLength)
                {
                    context.Response.ContentLength = Encoding.UTF8.GetByteCount(raw.Body);
                }
                await context.Response.WriteAsync(raw.Body, context.RequestAborted);
                return true;
            case Fault.EncodedFault encoded:
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json; charset=utf-8";
                context.Response.Headers.ContentEncoding = encoded.Encoding;
                await context.Response.Body.WriteAsync(encoded.Body, context.RequestAborted);
                return true;
            case Fault.BrokenOffFault broken:
                // The whole answer's length promised, a part of it sent, then the connection closed or reset.
                var whole = Encoding.UTF8.GetBytes(broken.Body);
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json; charset=utf-8";
                context.Response.ContentLength = whole.Length;
                await context.Response.Body.WriteAsync(whole.AsMemory(0, Math.Min(broken.BytesSent, whole.Length - 1)), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                // An abort discards what the server has not yet put on the wire: the headers and the part are let out first.
                await Task.Delay(50, context.RequestAborted);
                context.Abort();
                return true;
            case Fault.EndlessFault:
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json";
                var chunk = Encoding.UTF8.GetBytes("{\"items\": [" + new string(' ', 64 * 1024));
                try
                {
                    // Chunked, never ending, at most about 64 MiB/s: a client must stop reading on its own.
                    while (!context.RequestAborted.IsCancellationRequested)
                    {
                        await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                        await Task.Delay(1, context.RequestAborted);
                    }
                }
                catch (Exception exception) when (exception is OperationCanceledException or IOException)
                {
                }
                return true;
            case Fault.StatusFault status:
                if (status.RetryAfterSeconds is { } seconds)
                {
                    context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                }
                await ApiError(context, status.Status, status.Message, status.Reason);
                return true;
            default:
                return false;
        }
    }

    private static Task ApiError(HttpContext context, int status, string message, string? reason = null)
    {
        var error = new JsonObject { ["status"] = status, ["message"] = message };
        if (reason is not null)
        {
            error["reason"] = reason;
        }
        return Json(context, status, new JsonObject { ["error"] = error });
    }

    private static async Task Json(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private sealed class TokenInfo(bool user)
    {
        public bool User { get; } = user;
        public int Requests;
    }
}

public sealed record DoubleSavedTrack(string Id, DateTimeOffset AddedAt);

public sealed record DoublePlaylist(string Id, string Name, string SnapshotId, int ItemCount, bool DeprecatedTrackShape, bool OwnedByUser)
{
    public string SnapshotId { get; set; } = SnapshotId;

    /// <summary>The track ids of the playlist's items in order, replacing the <see cref="ItemCount"/> generated ones when set.</summary>
    public IReadOnlyList<string>? Tracks { get; set; }

    /// <summary>Whether the user collaborates on it (its items are readable, as the user's own are).</summary>
    public bool Collaborative { get; set; }

    /// <summary>Whether the account's playlists (GET /me/playlists) list it: one it owns, collaborates on or follows.</summary>
    public bool Listed { get; set; } = true;

    /// <summary>A private playlist: GET /me/playlists lists it only to a token with <c>playlist-read-private</c>.</summary>
    public bool Private { get; set; }
}

/// <summary>A misbehaviour the double shows once, on the next matching request.</summary>
public abstract record Fault
{
    public static Fault ServerError(int status = 500) => new StatusFault(status, "Server error", null, null);
    public static Fault TooManyRequests(int retryAfterSeconds) => new StatusFault(429, "API rate limit exceeded", null, retryAfterSeconds);
    public static Fault QuotaExceeded() => new StatusFault(429, "Quota exceeded", "QUOTA_EXCEEDED", 86400);
    public static Fault Forbidden() => new StatusFault(403, "Forbidden", null, null);
    public static Fault Slow(TimeSpan delay) => new SlowFault(delay);
    /// <summary>Holds the request until <paramref name="gate"/> completes, then answers it with <paramref name="then"/>: an order of events forced, not timed.</summary>
    public static Fault After(Task gate, Fault then) => new AfterFault(gate, then);
    public static Fault Malformed() => new MalformedFault();

    public sealed record StatusFault(int Status, string Message, string? Reason, int? RetryAfterSeconds) : Fault;
    public sealed record SlowFault(TimeSpan Delay) : Fault;
    public sealed record AfterFault(Task Gate, Fault Then) : Fault;
    public sealed record MalformedFault : Fault;
    /// <summary>Any status, content type, body and Retry-After header value, as given.</summary>
    public sealed record RawFault(int Status, string ContentType, string Body, string? RetryAfter = null, bool WithLength = false) : Fault;
    /// <summary>A 200 whose body is <paramref name="Body"/>'s bytes as given, its <c>Content-Encoding</c> <paramref name="Encoding"/>.</summary>
    public sealed record EncodedFault(string Encoding, byte[] Body) : Fault;
    /// <summary>A 200 promising <paramref name="Body"/>'s length that sends only its first bytes (at most all but one), then aborts the connection.</summary>
    public sealed record BrokenOffFault(string Body, int BytesSent) : Fault;
    /// <summary>A 200 whose chunked body never ends.</summary>
    public sealed record EndlessFault : Fault;
}

/// <summary>How <see cref="SpotifyDouble"/> compresses the pages it answers.</summary>
public enum PageCompression
{
    None,
    WhenAccepted,
    Always,
}
