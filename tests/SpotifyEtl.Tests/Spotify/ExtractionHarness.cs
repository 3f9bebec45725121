using System.Collections.Concurrent;
using System.Text.Json;
using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>The double, a temporary local lake, an instant clock and captured log lines, wired the way the CLI and handler wire them.</summary>
public sealed class ExtractionHarness : IAsyncDisposable
{
    private readonly HttpClient _http = SpotifyHttp.Create();

    private ExtractionHarness(SpotifyDouble spotify)
    {
        Spotify = spotify;
        LakeFolder = Path.Combine(Path.GetTempPath(), "spotify-etl-tests", Guid.NewGuid().ToString("N"));
        Store = new LocalFolderStore(LakeFolder);
    }

    public SpotifyDouble Spotify { get; }
    public string LakeFolder { get; }
    public LocalFolderStore Store { get; }
    public InstantTimeProvider Clock { get; } = new();
    public ConcurrentQueue<string> LogLines { get; } = new();
    public RecordingTokenStore RotatedTokens { get; } = new();
    public SpotifyClientOptions ClientOptions { get; set; } = new() { MaxRetryAttempts = 3 };
    /// <summary>The run's time budget; null for none, as <c>spotify-etl extract</c> runs.</summary>
    public TimeSpan? Budget { get; set; } = TimeSpan.FromMinutes(14);
    public int MaxConcurrency { get; set; } = 2;
    public ExtractorOptions Options { get; set; } = new();
    /// <summary>The store the extractor writes to, made from <see cref="Store"/>: a fault double wraps it.</summary>
    public Func<IObjectStore, IObjectStore> StoreSeenByRun { get; set; } = store => store;
    /// <summary>The HTTP client the run sends with, in place of the one the CLI's makes; its test disposes of it.</summary>
    public HttpClient? HttpSeenByRun { get; set; }

    public static async Task<ExtractionHarness> StartAsync() => new(await SpotifyDouble.StartAsync());

    public Task<ExtractionRun> RunAsync(SpotifyCredentials credentials, params ExtractionSource[] sources) => RunAsync(credentials, CancellationToken.None, sources);

    /// <summary>Told of each log line as the run writes it (a source's line follows its report): an order of events to wait for.</summary>
    public Action<string>? OnLog { get; set; }

    /// <summary>A run that <paramref name="cancellationToken"/> may interrupt, as Ctrl+C does <c>spotify-etl extract</c>.</summary>
    public async Task<ExtractionRun> RunAsync(SpotifyCredentials credentials, CancellationToken cancellationToken, params ExtractionSource[] sources)
    {
        using var client = SpotifyApiClient.Create(HttpSeenByRun ?? _http, Spotify.Endpoints, credentials,
            ClientOptions with { TimeProvider = Clock }, RotatedTokens, Budget is { } budget ? RunBudget.Starting(Clock, budget) : RunBudget.Unlimited(Clock));
        var extractor = new SpotifyExtractor(client, StoreSeenByRun(Store), Options with
        {
            TimeProvider = Clock,
            Log = line =>
            {
                LogLines.Enqueue(line);
                OnLog?.Invoke(line);
            },
            MaxConcurrency = MaxConcurrency,
        });
        return await extractor.RunAsync(sources, cancellationToken);
    }

    public Task<ExtractionRun> RunAsync(params ExtractionSource[] sources) => RunAsync(Spotify.Credentials(), sources);

    /// <summary>
    /// A playlist of <paramref name="playlistItems"/> items, 30 plays and 70 saved tracks on the double (more than a page
    /// of each list), and one source of every kind to read them.
    /// </summary>
    public ExtractionSource[] OneSourceOfEveryKind(int playlistItems)
    {
        const string PlaylistId = "3cEYpjA9oz9GiPac4AsH4n";
        Spotify.AddPlaylist(PlaylistId, items: playlistItems);
        Spotify.Plays.AddRange(Enumerable.Range(0, 30).Select(index => 1_763_700_000_000L + index * 200_000L));
        Spotify.SavedTrackCount = 70;
        return
        [
            ExtractionSource.Playlist(PlaylistId), ExtractionSource.RecentlyPlayed(), ExtractionSource.SavedTracks(),
            ExtractionSource.TopTracks("short_term"), ExtractionSource.TopArtists("short_term"),
        ];
    }

    public async Task<List<string>> KeysAsync(string prefix)
    {
        var keys = new List<string>();
        await foreach (var key in Store.ListAsync(prefix))
        {
            keys.Add(key);
        }
        return keys;
    }

    public async Task<JsonDocument> ReadJsonAsync(string key) => JsonDocument.Parse(await Store.ReadAllBytesAsync(key));

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Spotify.DisposeAsync();
        if (Directory.Exists(LakeFolder))
        {
            Directory.Delete(LakeFolder, recursive: true);
        }
    }
}

public sealed class RecordingTokenStore : IRefreshTokenStore
{
    public ConcurrentQueue<string> Saved { get; } = new();

    public Task SaveAsync(string refreshToken, CancellationToken cancellationToken)
    {
        Saved.Enqueue(refreshToken);
        return Task.CompletedTask;
    }
}
