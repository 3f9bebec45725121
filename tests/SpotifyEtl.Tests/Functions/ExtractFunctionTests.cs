using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using SpotifyEtl.Functions;
using SpotifyEtl.Spotify;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Spotify;
using SpotifyEtl.Tests.Storage;
using Xunit;

namespace SpotifyEtl.Tests.Functions;

[Collection(FauxqsTests.Name)]
public sealed class ExtractFunctionTests(FauxqsServer s3) : IAsyncLifetime
{
    private const string SecretId = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:spotify-AbCdEf";
    private const string Playlist = "3cEYpjA9oz9GiPac4AsH4n";
    private const string ScheduledEvent = """
        {"version":"0","id":"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa","detail-type":"Scheduled Event","source":"aws.events",
         "account":"123456789012","time":"2026-11-21T06:00:00Z","region":"eu-west-1",
         "resources":["arn:aws:events:eu-west-1:123456789012:rule/spotify-extract"],"detail":{}}
        """;

    private SpotifyDouble _spotify = null!;
    private SecretsManagerDouble _aws = null!;
    private readonly string _lake = Path.Combine(Path.GetTempPath(), "spotify-etl-tests", Guid.NewGuid().ToString("N"));
    private readonly ConcurrentQueue<string> _log = new();
    private static readonly HttpClient Http = new();
    private readonly InstantTimeProvider _clock = new();

    public async Task InitializeAsync()
    {
        _spotify = await SpotifyDouble.StartAsync();
        _aws = await SecretsManagerDouble.StartAsync();
        _aws.Secrets[SecretId] = $$"""{"client_id":"{{SpotifyDouble.ClientId}}","client_secret":"{{SpotifyDouble.ClientSecret}}","refresh_token":"{{SpotifyDouble.InitialRefreshToken}}"}""";
        _spotify.AddPlaylist(Playlist, items: 70);
        _spotify.Plays.AddRange([1_763_700_000_000, 1_763_700_300_000]);
    }

    public async Task DisposeAsync()
    {
        await _spotify.DisposeAsync();
        await _aws.DisposeAsync();
        if (Directory.Exists(_lake))
        {
            Directory.Delete(_lake, recursive: true);
        }
    }

    private ExtractFunction Function(Dictionary<string, string>? overrides = null, Func<string, IObjectStore>? rawStore = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["RAW_BUCKET"] = "spotify-raw",
            ["SPOTIFY_SECRET_ID"] = SecretId,
            ["SPOTIFY_SOURCES"] = $$"""[{"type":"playlist","id":"{{Playlist}}"},{"type":"recently_played"},{"type":"top_tracks","time_range":"short_term"},{"type":"saved_tracks"}]""",
            ["SPOTIFY_API_BASE_URL"] = _spotify.Endpoints.ApiBase.ToString(),
            ["SPOTIFY_ACCOUNTS_BASE_URL"] = _spotify.Endpoints.AccountsBase.ToString(),
            ["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = _aws.Endpoint.ToString(),
            ["AWS_REGION"] = SecretsManagerDouble.Region,
            ["AWS_LAMBDA_FUNCTION_NAME"] = "spotify-extract",
        };
        foreach (var (name, value) in overrides ?? [])
        {
            environment[name] = value;
        }
        return new ExtractFunction(name => environment.GetValueOrDefault(name), _log.Enqueue, rawStore ?? (bucket => new LocalFolderStore(_lake)),
            Http, _clock, new SpotifyClientOptions { MaxRetryAttempts = 2 },
            () => new SessionAWSCredentials(SecretsManagerDouble.AccessKeyId, SecretsManagerDouble.SecretAccessKey, SecretsManagerDouble.SessionToken));
    }

    private static MemoryStream Event() => new MemoryStream(Encoding.UTF8.GetBytes(ScheduledEvent));

    [Fact]
    public async Task Handler_extracts_every_configured_source_into_the_raw_store_and_reports_success_with_an_EMF_metric()
    {
        using var output = Function().Handler(Event());

        using var result = await JsonDocument.ParseAsync(output);
        Assert.Equal("succeeded", result.RootElement.GetProperty("outcome").GetString());
        var store = new LocalFolderStore(_lake);
        var keys = new List<string>();
        await foreach (var key in store.ListAsync("raw/"))
        {
            keys.Add(key);
        }
        Assert.Contains($"raw/playlist_items/snapshot_date=2026-11-21/{Playlist}/20261121T060000Z-p0001.json", keys);
        Assert.Contains("raw/recently_played/snapshot_date=2026-11-21/me/20261121T060000Z-p0000.json", keys);
        Assert.Contains("raw/top_tracks/snapshot_date=2026-11-21/short_term/20261121T060000Z-p0000.json", keys);
        Assert.Contains("raw/saved_tracks/snapshot_date=2026-11-21/me/20261121T060000Z-p0000.json", keys);
        Assert.True(await store.ExistsAsync("manifests/20261121T060000Z.json"));

        var lines = _log.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(4, lines.Count(line => line.TryGetProperty("event", out var e) && e.GetString() == "source_extracted"));
        var metric = Assert.Single(lines, line => line.TryGetProperty("_aws", out _));
        var definition = metric.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0];
        Assert.Equal("SpotifyStack", definition.GetProperty("Namespace").GetString());
        Assert.Equal("ExtractionSucceeded", definition.GetProperty("Metrics")[0].GetProperty("Name").GetString());
        Assert.Equal("Count", definition.GetProperty("Metrics")[0].GetProperty("Unit").GetString());
        Assert.Equal("FunctionName", definition.GetProperty("Dimensions")[0][0].GetString());
        Assert.Equal("spotify-extract", metric.GetProperty("FunctionName").GetString());
        Assert.Equal(1, metric.GetProperty("ExtractionSucceeded").GetInt32());
    }

    [Fact]
    public async Task An_invocation_while_another_extraction_holds_the_lease_reads_no_secret_asks_nothing_of_Spotify_and_says_so()
    {
        var held = await new LocalFolderStore(_lake).TakeLeaseAsync(ExtractionState.LeaseKey, TimeSpan.FromMinutes(15));
        Assert.True(held.Taken);

        using (var output = Function().Handler(Event()))
        {
            using var result = await JsonDocument.ParseAsync(output);
            Assert.Equal("skipped", result.RootElement.GetProperty("outcome").GetString());
        }
        Assert.Empty(_spotify.ApiRequests);
        Assert.Empty(_aws.Calls);
        Assert.False(Directory.Exists(Path.Combine(_lake, "manifests")));
        var line = JsonDocument.Parse(Assert.Single(_log)).RootElement;
        Assert.Equal("extraction_skipped", line.GetProperty("event").GetString());
        Assert.Contains("Another extraction holds the lease state/extraction-lease.json", line.GetProperty("reason").GetString(), StringComparison.Ordinal);

        await held.DisposeAsync();
        using var after = await JsonDocument.ParseAsync(Function().Handler(Event()));
        Assert.Equal("succeeded", after.RootElement.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Of_two_invocations_at_once_on_S3_one_lands_the_run_and_the_other_does_nothing_then_the_next_runs()
    {
        using var writes = new ConditionalWrites();
        using var client = s3.CreateClient(writes);
        var bucket = await s3.CreateBucketAsync("extract");
        Func<string, IObjectStore> onS3 = _ => new S3ObjectStore(client, bucket) { Time = _clock };
        _spotify.Inject("playlists/", Fault.Slow(TimeSpan.FromSeconds(3))); // the first run holds the lease while the second comes

        var first = Task.Run(() => Function(rawStore: onS3).HandleAsync(Event(), CancellationToken.None));
        while (_spotify.ApiRequests.IsEmpty && !first.IsCompleted)
        {
            await Task.Delay(10);
        }
        using var second = await JsonDocument.ParseAsync(await Function(rawStore: onS3).HandleAsync(Event(), CancellationToken.None));
        Assert.False(first.IsCompleted);
        using var landed = await JsonDocument.ParseAsync(await first);

        Assert.Equal("skipped", second.RootElement.GetProperty("outcome").GetString());
        Assert.Equal("succeeded", landed.RootElement.GetProperty("outcome").GetString());
        var manifests = new List<string>();
        await foreach (var key in onS3("").ListAsync("manifests/"))
        {
            manifests.Add(key);
        }
        Assert.Equal(["manifests/20261121T060000Z.json"], manifests);

        _clock.Advance(TimeSpan.FromHours(1));
        using var next = await JsonDocument.ParseAsync(await Function(rawStore: onS3).HandleAsync(Event(), CancellationToken.None));
        Assert.Equal("succeeded", next.RootElement.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Handler_skips_the_unchanged_playlist_and_resumes_the_recently_played_cursor_on_the_next_run()
    {
        Function().Handler(Event()).Dispose();
        _spotify.Plays.Add(1_763_700_600_000);
        _clock.Advance(TimeSpan.FromHours(1));

        Function().Handler(Event()).Dispose();

        using var manifest = JsonDocument.Parse(await new LocalFolderStore(_lake).ReadAllBytesAsync("manifests/20261121T070000Z.json"));
        var sources = manifest.RootElement.GetProperty("sources");
        Assert.Equal("unchanged", sources[0].GetProperty("status").GetString());
        Assert.Equal(1, sources[1].GetProperty("items").GetInt32());
        Assert.Contains(_spotify.ApiRequests, request => request.Contains("after=1763700300000", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Handler_reads_the_secret_from_Secrets_Manager_with_a_signed_request_on_every_invocation()
    {
        var function = Function();

        function.Handler(Event()).Dispose();
        _clock.Advance(TimeSpan.FromHours(1));
        function.Handler(Event()).Dispose();

        Assert.Equal(["secretsmanager.GetSecretValue", "secretsmanager.GetSecretValue"], _aws.Calls.Select(call => call.Target));
        Assert.All(_aws.Calls, call => Assert.Equal(SecretId, call.SecretId));
        Assert.Empty(_aws.Rejections);
    }

    [Fact]
    public async Task Handler_writes_a_rotated_refresh_token_back_and_the_next_warm_invocation_uses_it()
    {
        _spotify.RotateRefreshTokenTo = "double-refresh-token-ROTATED";
        var function = Function();

        function.Handler(Event()).Dispose();

        using (var secret = JsonDocument.Parse(_aws.Secrets[SecretId]))
        {
            Assert.Equal("double-refresh-token-ROTATED", secret.RootElement.GetProperty("refresh_token").GetString());
            Assert.Equal(SpotifyDouble.ClientSecret, secret.RootElement.GetProperty("client_secret").GetString());
        }
        Assert.Equal(["secretsmanager.GetSecretValue", "secretsmanager.PutSecretValue"], _aws.Calls.Select(call => call.Target));

        // The double revoked the first token when it rotated it: the same instance, two minutes later, succeeds only with the new one.
        _clock.Advance(TimeSpan.FromMinutes(2));
        using var second = await JsonDocument.ParseAsync(function.Handler(Event()));

        Assert.Equal("succeeded", second.RootElement.GetProperty("outcome").GetString());
        Assert.Equal("secretsmanager.GetSecretValue", _aws.Calls.Last().Target);
        Assert.DoesNotContain(_log, line => line.Contains("spotify_reauthorization_required", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Handler_lands_the_run_then_fails_loudly_when_a_rotated_token_cannot_be_saved()
    {
        _aws.DenyPuts = true;
        _spotify.RotateRefreshTokenTo = "double-refresh-token-ROTATED";

        var error = Assert.Throws<InvalidOperationException>(() => Function().Handler(Event()));

        Assert.Contains("AccessDeniedException", error.Message, StringComparison.Ordinal);
        Assert.True(await new LocalFolderStore(_lake).ExistsAsync("manifests/20261121T060000Z.json"));
        Assert.Contains(_log, line => line.Contains("spotify_refresh_token_not_saved", StringComparison.Ordinal));
        Assert.DoesNotContain(_log, line => line.Contains("\"_aws\"", StringComparison.Ordinal));
        Assert.All(_log, SpotifyExtractorTests.AssertNoSecret);
        Assert.DoesNotContain("double-refresh-token", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Handler_logs_the_reauthorization_event_and_fails_the_invocation_on_invalid_grant()
    {
        _spotify.RefuseRefreshTokens = true;

        var error = Assert.Throws<SpotifyReauthorizationRequiredException>(() => Function().Handler(Event()));

        Assert.Contains("spotify-etl auth login", error.Message, StringComparison.Ordinal);
        var events = _log.Select(line => JsonDocument.Parse(line).RootElement)
            .Where(line => line.TryGetProperty("event", out var e) && e.GetString() == "spotify_reauthorization_required").ToList();
        Assert.Single(events);
        Assert.DoesNotContain(_log, line => line.Contains("\"_aws\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Handler_reports_a_partial_run_without_the_success_metric_when_a_source_fails()
    {
        var function = Function(new() { ["SPOTIFY_SOURCES"] = """[{"type":"playlist","id":"37i9dQZEVXbMDoHDwVN2tF"},{"type":"saved_tracks"}]""" });

        using var output = function.Handler(Event());

        using var result = JsonDocument.Parse(output);
        Assert.Equal("partial", result.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(1, result.RootElement.GetProperty("failed_sources").GetInt32());
        Assert.DoesNotContain(_log, line => line.Contains("\"_aws\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Handler_uses_client_credentials_for_playlists_when_the_secret_has_no_refresh_token()
    {
        _aws.Secrets[SecretId] = $$"""{"client_id":"{{SpotifyDouble.ClientId}}","client_secret":"{{SpotifyDouble.ClientSecret}}"}""";

        using var output = Function(new() { ["SPOTIFY_SOURCES"] = $$"""[{"type":"playlist","id":"{{Playlist}}"}]""" }).Handler(Event());

        Assert.Equal(["client_credentials"], _spotify.TokenGrants);
    }

    [Theory]
    [InlineData("""{"type":"recently_played"}""", "recently_played")]
    [InlineData("""{"type":"top_artists","time_range":"long_term"}""", "top_artists:long_term")]
    [InlineData("""{"type":"saved_tracks"}""", "saved_tracks")]
    public void Handler_refuses_sources_of_the_account_without_a_refresh_token_before_asking_Spotify_anything(string source, string name)
    {
        _aws.Secrets[SecretId] = $$"""{"client_id":"{{SpotifyDouble.ClientId}}","client_secret":"{{SpotifyDouble.ClientSecret}}","refresh_token":""}""";

        var error = Assert.Throws<SpotifyConfigurationException>(() =>
            Function(new() { ["SPOTIFY_SOURCES"] = $$"""[{"type":"playlist","id":"{{Playlist}}"},{{source}}]""" }).Handler(Event()));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.Contains("no refresh_token", error.Message, StringComparison.Ordinal);
        Assert.Contains("auth login", error.Message, StringComparison.Ordinal);
        Assert.Empty(_spotify.TokenGrants);
        Assert.Empty(_spotify.ApiRequests);
    }

    [Fact]
    public async Task Handler_fails_before_any_Spotify_call_naming_the_secret_when_it_does_not_exist()
    {
        _aws.Secrets.Clear();

        var error = Assert.Throws<SpotifyEtl.Functions.Aws.SecretsManagerException>(() => Function().Handler(Event()));

        Assert.Equal("ResourceNotFoundException", error.ErrorCode);
        Assert.Contains(SecretId, error.Message, StringComparison.Ordinal);
        Assert.Empty(_spotify.TokenGrants);
        Assert.False(await new LocalFolderStore(_lake).ExistsAsync("manifests/20261121T060000Z.json"));
    }

    [Fact]
    public void Handler_says_which_environment_variable_is_missing()
    {
        var error = Assert.Throws<SpotifyConfigurationException>(() => Function(new() { ["SPOTIFY_SOURCES"] = "" }).Handler(Event()));

        Assert.Contains("SPOTIFY_SOURCES", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Handler_reads_the_top_items_limit_and_refuses_one_out_of_range_before_calling_Spotify()
    {
        _spotify.TopTrackCount = 300;
        Function(new() { ["SPOTIFY_TOP_ITEMS_LIMIT"] = "120" }).Handler(Event()).Dispose();

        Assert.Equal(3, Directory.GetFiles(Path.Combine(_lake, "raw", "top_tracks"), "*.json", SearchOption.AllDirectories).Length);
        var requests = _spotify.ApiRequests.Count;
        var error = Assert.Throws<SpotifyConfigurationException>(() => Function(new() { ["SPOTIFY_SAVED_TRACKS_FULL_PASS_DAYS"] = "0" }).Handler(Event()));
        Assert.Contains("SPOTIFY_SAVED_TRACKS_FULL_PASS_DAYS", error.Message, StringComparison.Ordinal);
        Assert.Equal(requests, _spotify.ApiRequests.Count);
    }

    [Fact]
    public void No_log_line_of_the_handler_holds_a_secret_or_token()
    {
        _spotify.RotateRefreshTokenTo = "double-refresh-token-ROTATED";
        _spotify.ExpireAccessTokensAfterRequests = 1;
        Function().Handler(Event()).Dispose();
        _spotify.RefuseRefreshTokens = true;
        Assert.ThrowsAny<Exception>(() => Function().Handler(Event()));

        Assert.NotEmpty(_log);
        foreach (var line in _log)
        {
            SpotifyExtractorTests.AssertNoSecret(line);
            Assert.DoesNotContain(SecretsManagerDouble.SessionToken, line, StringComparison.Ordinal);
            Assert.DoesNotContain(SecretsManagerDouble.SecretAccessKey, line, StringComparison.Ordinal);
        }
    }
}
