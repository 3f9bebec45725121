using System.Collections.Concurrent;
using System.Text;
using Amazon.Runtime;
using SpotifyEtl.Functions;
using SpotifyEtl.Spotify;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Spotify;
using Xunit;

namespace SpotifyEtl.Tests.Functions;

/// <summary>
/// The extract function as the stack configures it, over a Spotify double and a Secrets Manager double on real HTTP
/// servers, a local lake (or the raw store a test gives) and an instant clock.
/// </summary>
public abstract class ExtractFunctionHarness : IAsyncLifetime
{
    protected const string SecretId = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:spotify-AbCdEf";
    protected const string Playlist = "3cEYpjA9oz9GiPac4AsH4n";
    private const string ScheduledEvent = """
        {"version":"0","id":"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa","detail-type":"Scheduled Event","source":"aws.events",
         "account":"123456789012","time":"2026-11-21T06:00:00Z","region":"eu-west-1",
         "resources":["arn:aws:events:eu-west-1:123456789012:rule/spotify-extract"],"detail":{}}
        """;

    private static readonly HttpClient Http = new();

    protected SpotifyDouble SpotifyApi { get; private set; } = null!;

    protected SecretsManagerDouble SecretsManager { get; private set; } = null!;

    protected string Lake { get; } = Path.Combine(Path.GetTempPath(), "spotify-etl-tests", Guid.NewGuid().ToString("N"));

    protected ConcurrentQueue<string> Logged { get; } = new();

    protected InstantTimeProvider Clock { get; } = new();

    public async Task InitializeAsync()
    {
        SpotifyApi = await SpotifyDouble.StartAsync();
        SecretsManager = await SecretsManagerDouble.StartAsync();
        SecretsManager.Secrets[SecretId] = $$"""{"client_id":"{{SpotifyDouble.ClientId}}","client_secret":"{{SpotifyDouble.ClientSecret}}","refresh_token":"{{SpotifyDouble.InitialRefreshToken}}"}""";
        SpotifyApi.AddPlaylist(Playlist, items: 70);
        SpotifyApi.Plays.AddRange([1_763_700_000_000, 1_763_700_300_000]);
    }

    public async Task DisposeAsync()
    {
        await SpotifyApi.DisposeAsync();
        await SecretsManager.DisposeAsync();
        if (Directory.Exists(Lake))
        {
            Directory.Delete(Lake, recursive: true);
        }
    }

    protected ExtractFunction Function(Dictionary<string, string>? overrides = null, Func<string, IObjectStore>? rawStore = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["RAW_BUCKET"] = "spotify-raw",
            ["SPOTIFY_SECRET_ID"] = SecretId,
            ["SPOTIFY_SOURCES"] = $$"""[{"type":"playlist","id":"{{Playlist}}"},{"type":"recently_played"},{"type":"top_tracks","time_range":"short_term"},{"type":"saved_tracks"}]""",
            ["SPOTIFY_API_BASE_URL"] = SpotifyApi.Endpoints.ApiBase.ToString(),
            ["SPOTIFY_ACCOUNTS_BASE_URL"] = SpotifyApi.Endpoints.AccountsBase.ToString(),
            ["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = SecretsManager.Endpoint.ToString(),
            ["AWS_REGION"] = SecretsManagerDouble.Region,
            ["AWS_LAMBDA_FUNCTION_NAME"] = "spotify-extract",
        };
        foreach (var (name, value) in overrides ?? [])
        {
            environment[name] = value;
        }
        return new ExtractFunction(name => environment.GetValueOrDefault(name), Logged.Enqueue, rawStore ?? (bucket => new LocalFolderStore(Lake)),
            Http, Clock, new SpotifyClientOptions { MaxRetryAttempts = 2 },
            () => new SessionAWSCredentials(SecretsManagerDouble.AccessKeyId, SecretsManagerDouble.SecretAccessKey, SecretsManagerDouble.SessionToken));
    }

    protected static MemoryStream Event() => new(Encoding.UTF8.GetBytes(ScheduledEvent));
}
