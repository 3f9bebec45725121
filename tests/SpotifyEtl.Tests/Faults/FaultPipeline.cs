using System.Collections.Concurrent;
using System.Text.Json;
using Amazon.S3;
using SpotifyEtl.Functions;
using SpotifyEtl.Lake;
using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Functions;
using SpotifyEtl.Tests.Spotify;
using SpotifyEtl.Tests.Storage;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Tests.Faults;

/// <summary>
/// The AWS pipeline over several days, with its real parts where they can run here: the extractor as the
/// extract Lambda runs it, against the Spotify double (a real HTTP server); a raw and a transformed bucket
/// on the S3 emulator; the transform handler invoked with the S3 event of each run's manifest. Every
/// pipeline sees the same listening history day by day, so a fault-free one is the reference any other
/// must equal once its faults clear.
/// </summary>
public sealed class FaultPipeline : IAsyncDisposable
{
    public const int Days = 3;
    public static readonly DateOnly FirstDay = new(2026, 11, 20);
    public const string LongPlaylist = "3cEYpjA9oz9GiPac4AsH4n";
    public const string ShortPlaylist = "37xYzWvUtSrQpOnMlKjIhG";
    private static readonly TimeSpan RunTime = TimeSpan.FromHours(6);

    private readonly FauxqsServer _server;
    private readonly AmazonS3Client _client;
    private readonly AmazonS3Client _extractClient;
    private readonly AmazonS3Client _admin;
    private readonly HttpClient _http = new();
    private readonly ConcurrentQueue<string> _transformLog = new();
    private readonly HashSet<int> _lived = [];

    private FaultPipeline(FauxqsServer server, SpotifyDouble spotify, string rawBucket, string transformedBucket)
    {
        _server = server;
        _client = server.CreateLambdaRoleClient();
        _extractClient = server.CreateLambdaRoleClient("extract");
        _admin = server.CreateClient();
        Spotify = spotify;
        RawBucket = rawBucket;
        Raw = new S3ObjectStore(_client, rawBucket);
        Lake = new S3ObjectStore(_client, transformedBucket);
    }

    public SpotifyDouble Spotify { get; }
    public string RawBucket { get; }
    public IObjectStore Raw { get; }
    public IObjectStore Lake { get; }

    /// <summary>The refresh token runs use; a person changes it by authorizing again.</summary>
    public string RefreshToken { get; set; } = SpotifyDouble.InitialRefreshToken;

    public SpotifyClientOptions ClientOptions { get; set; } = new() { MaxRetryAttempts = 4 };

    /// <summary>The extractor's JSON lines (one per source and run), as the extract function logs them.</summary>
    public ConcurrentQueue<string> ExtractLog { get; } = new();

    /// <summary>Invocations of the transform handler that threw: what Lambda retries and finally sends to the on-failure destination.</summary>
    public ConcurrentQueue<Exception> FailedInvocations { get; } = new();

    public IReadOnlyList<JsonElement> TransformLogLines =>
        _transformLog.SelectMany(text => text.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();

    public static async Task<FaultPipeline> StartAsync(FauxqsServer server)
    {
        var spotify = await SpotifyDouble.StartAsync();
        // Links in bodies name Spotify's host, as real responses do, so every pipeline lands the same bytes.
        spotify.NextLinkBase = new Uri("https://api.spotify.com/v1/");
        spotify.AddPlaylist(LongPlaylist, items: 120);
        spotify.AddPlaylist(ShortPlaylist, items: 7);
        return new FaultPipeline(server, spotify, await server.CreateBucketAsync("raw"), await server.CreateBucketAsync("transformed"));
    }

    public static DateOnly Day(int day) => FirstDay.AddDays(day - 1);

    /// <summary>
    /// What happened on Spotify before day <paramref name="day"/>'s run: new plays each day, a new
    /// version of the short playlist on day 2, new saved tracks on day 3.
    /// </summary>
    private void LiveUntil(int day)
    {
        if (!_lived.Add(day))
        {
            return;
        }
        var morning = new DateTimeOffset(Day(day).ToDateTime(new TimeOnly(5, 0)), TimeSpan.Zero);
        lock (Spotify.Plays)
        {
            Spotify.Plays.AddRange(Enumerable.Range(0, 4).Select(minute => morning.AddMinutes(minute * 7 + day).ToUnixTimeMilliseconds()));
        }
        if (day == 2 && Spotify.Playlists.TryGetValue(ShortPlaylist, out var playlist))
        {
            Spotify.AddPlaylist(ShortPlaylist, items: playlist.ItemCount + 5, snapshotId: "snapshot-2");
        }
        if (day == 3)
        {
            Spotify.SaveTracks(2, morning);
        }
    }

    public static IReadOnlyList<ExtractionSource> Sources { get; } =
    [
        ExtractionSource.Playlist(LongPlaylist),
        ExtractionSource.Playlist(ShortPlaylist),
        ExtractionSource.RecentlyPlayed(),
        ExtractionSource.SavedTracks(),
        ExtractionSource.TopTracks("short_term"),
        ExtractionSource.TopArtists("short_term"),
    ];

    /// <summary>
    /// Day <paramref name="day"/>'s extraction run, at 06:00 UTC plus <paramref name="later"/> (a rerun of
    /// the same day). Returns its manifest key; a run that fails still writes its manifest first.
    /// </summary>
    public async Task<string> ExtractAsync(int day, TimeSpan later = default)
    {
        LiveUntil(day);
        var clock = new InstantTimeProvider(new DateTimeOffset(Day(day).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) + RunTime + later);
        using var spotify = SpotifyApiClient.Create(_http, Spotify.Endpoints, Spotify.Credentials(RefreshToken),
            ClientOptions with { TimeProvider = clock }, new RecordingTokenStore(), RunBudget.Starting(clock, TimeSpan.FromMinutes(14)));
        var extractor = new SpotifyExtractor(spotify, new S3ObjectStore(_extractClient, RawBucket), new ExtractorOptions { TimeProvider = clock, Log = ExtractLog.Enqueue, MaxConcurrency = 2 });
        var runId = RawObjectKey.FormatRunId(clock.GetUtcNow());
        try
        {
            await extractor.RunAsync(Sources, CancellationToken.None);
        }
        catch (SpotifyReauthorizationRequiredException)
        {
            // The extract Lambda logs it (the re-authorization alarm) and fails; the manifest is written.
        }
        return ExtractionManifest.KeyFor(runId);
    }

    /// <summary>The S3 event the raw bucket sends for these manifests, as one notification.</summary>
    public string ManifestEvent(params string[] manifestKeys) =>
        TransformFunctionTests.S3Event(manifestKeys.Select(key => (RawBucket, TransformFunctionTests.Encode(key))));

    /// <summary>The direct invocation a person makes to rebuild whole days.</summary>
    public static string ReplayEvent(params int[] days) =>
        new System.Text.Json.Nodes.JsonObject
        {
            ["replay_dates"] = new System.Text.Json.Nodes.JsonArray(days.Select(day => (System.Text.Json.Nodes.JsonNode)Day(day).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).ToArray()),
        }.ToJsonString();

    /// <summary>One invocation of the transform handler; a failed one is recorded and rethrown.</summary>
    public Task<JsonElement> TransformAsync(string notification, IObjectStore? raw = null, IObjectStore? lake = null) => Task.Run(async () =>
    {
        using var log = new StringWriter();
        var function = new TransformFunction(raw ?? Raw, lake ?? Lake, RawBucket, log);
        try
        {
            await using var output = await function.HandleAsync(TransformFunctionTests.ToStream(notification), CancellationToken.None);
            return (await JsonDocument.ParseAsync(output)).RootElement.Clone();
        }
        catch (Exception exception)
        {
            FailedInvocations.Enqueue(exception);
            throw;
        }
        finally
        {
            _transformLog.Enqueue(log.ToString());
        }
    });

    /// <summary>Every day's extraction, no transform yet (its events are still to be delivered); returns the manifest keys.</summary>
    public async Task<List<string>> ExtractAllDaysAsync()
    {
        var manifests = new List<string>();
        for (var day = 1; day <= Days; day++)
        {
            manifests.Add(await ExtractAsync(day));
        }
        return manifests;
    }

    /// <summary>
    /// Every day from <paramref name="firstDay"/> on, each extraction followed by the transform of its manifest
    /// event: the pipeline without faults.
    /// </summary>
    public async Task<List<string>> RunAllDaysAsync(int firstDay = 1)
    {
        var manifests = new List<string>();
        for (var day = firstDay; day <= Days; day++)
        {
            manifests.Add(await ExtractAsync(day));
            await TransformAsync(ManifestEvent(manifests[^1]));
        }
        return manifests;
    }

    /// <summary>The published tables: every object under transformed/, with its bytes.</summary>
    public Task<SortedDictionary<string, string>> TablesAsync() => TransformFunctionTests.SnapshotAsync(Lake, LakeLayout.Transformed);

    /// <summary>Every raw Spotify response landed, with its bytes.</summary>
    public Task<SortedDictionary<string, string>> RawObjectsAsync() => TransformFunctionTests.SnapshotAsync(Raw, LakeLayout.Raw);

    public async Task<JsonElement> ManifestAsync(string key) => JsonDocument.Parse(await Raw.ReadAllBytesAsync(key)).RootElement.Clone();

    /// <summary>
    /// Takes the S3 emulator down: its objects are copied first, as S3 keeps every write it acknowledged
    /// through an outage, and put back by <see cref="EndOutageAsync"/>.
    /// </summary>
    public async Task<IReadOnlyList<(string Bucket, string Key, byte[] Bytes)>> StartOutageAsync()
    {
        var kept = new List<(string, string, byte[])>();
        foreach (var bucket in (await _admin.ListBucketsAsync()).Buckets ?? [])
        {
            var store = new S3ObjectStore(_admin, bucket.BucketName);
            foreach (var key in await TransformFunctionTests.ListAsync(store, ""))
            {
                kept.Add((bucket.BucketName, key, await store.ReadAllBytesAsync(key)));
            }
        }
        await _server.StopAsync();
        return kept;
    }

    public async Task EndOutageAsync(IReadOnlyList<(string Bucket, string Key, byte[] Bytes)> kept)
    {
        await _server.RestartAsync();
        foreach (var bucket in kept.Select(o => o.Bucket).Distinct())
        {
            await _admin.PutBucketAsync(bucket);
        }
        foreach (var (bucket, key, bytes) in kept)
        {
            await new S3ObjectStore(_admin, bucket).PutBytesAsync(key, bytes, "application/octet-stream");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        _client.Dispose();
        _extractClient.Dispose();
        _admin.Dispose();
        await Spotify.DisposeAsync();
    }
}
