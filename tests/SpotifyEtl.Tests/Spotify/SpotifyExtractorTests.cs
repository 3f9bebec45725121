using System.Net.Http.Headers;
using System.Text.Json;
using SpotifyEtl.Lake;
using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using SpotifyEtl.Storage;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

public sealed class SpotifyExtractorTests : IAsyncLifetime
{
    private const string Mine = "3cEYpjA9oz9GiPac4AsH4n";
    private const string Other = "1aBcDeFgHiJkLmNoPqRsTu";
    private const string TopFiftyGlobal = "37i9dQZEVXbMDoHDwVN2tF";
    private ExtractionHarness _h = null!;

    public async Task InitializeAsync() => _h = await ExtractionHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Extract_lands_every_page_of_a_playlist_byte_for_byte_under_raw_keys()
    {
        _h.Spotify.AddPlaylist(Mine, items: 120);

        var run = await _h.RunAsync(ExtractionSource.Playlist(Mine));

        Assert.Equal(ExtractionOutcome.Succeeded, run.Manifest.Outcome);
        var keys = await _h.KeysAsync("raw/");
        Assert.Equal(
        [
            $"raw/playlist/snapshot_date=2026-11-21/{Mine}/20261121T060000Z-p0000.json",
            $"raw/playlist_items/snapshot_date=2026-11-21/{Mine}/20261121T060000Z-p0000.json",
            $"raw/playlist_items/snapshot_date=2026-11-21/{Mine}/20261121T060000Z-p0001.json",
            $"raw/playlist_items/snapshot_date=2026-11-21/{Mine}/20261121T060000Z-p0002.json",
        ], keys);
        Assert.All(keys, key => RawObjectKey.Parse(key));
        Assert.Equal(120, run.Manifest.Sources.Single().Items);

        // The landed bytes are exactly what the API answered for the same request.
        using var http = new HttpClient();
        var token = await TokenAsync(http);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_h.Spotify.Endpoints.ApiBase, $"playlists/{Mine}/items?offset=50&limit=50&additional_types=track,episode"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var direct = await (await http.SendAsync(request)).Content.ReadAsByteArrayAsync();
        Assert.Equal(direct, await _h.Store.ReadAllBytesAsync(keys[2]));
    }

    [Fact]
    public async Task Extract_lands_playlist_items_in_the_deprecated_track_shape_unchanged()
    {
        _h.Spotify.AddPlaylist(Mine, items: 3, deprecatedTrackShape: true);

        var run = await _h.RunAsync(ExtractionSource.Playlist(Mine));

        Assert.Equal(3, run.Manifest.Sources.Single().Items);
        using var page = await _h.ReadJsonAsync($"raw/playlist_items/snapshot_date=2026-11-21/{Mine}/20261121T060000Z-p0000.json");
        var first = page.RootElement.GetProperty("items")[0];
        Assert.True(first.TryGetProperty("track", out _));
        Assert.False(first.TryGetProperty("item", out _));
    }

    [Fact]
    public async Task Extract_skips_the_items_of_a_playlist_whose_snapshot_id_is_unchanged_and_lands_its_metadata_once_a_day()
    {
        var playlist = _h.Spotify.AddPlaylist(Mine, items: 60);
        await _h.RunAsync(ExtractionSource.Playlist(Mine));
        var itemRequestsAfterFirstRun = _h.Spotify.ApiRequestsTo($"playlists/{Mine}/items");
        _h.Clock.Advance(TimeSpan.FromHours(1));

        var second = await _h.RunAsync(ExtractionSource.Playlist(Mine));

        Assert.Equal(SourceStatus.Unchanged, second.Manifest.Sources.Single().Status);
        Assert.Equal(ExtractionOutcome.Succeeded, second.Manifest.Outcome);
        Assert.Equal(itemRequestsAfterFirstRun, _h.Spotify.ApiRequestsTo($"playlists/{Mine}/items"));
        Assert.Empty(await _h.KeysAsync($"raw/playlist_items/snapshot_date=2026-11-21/{Mine}/20261121T070000Z"));
        Assert.Empty(await _h.KeysAsync($"raw/playlist/snapshot_date=2026-11-21/{Mine}/20261121T070000Z"));

        // The next day, still unchanged: the version lands again (the playlists table records each day), the items do not.
        _h.Clock.Advance(TimeSpan.FromDays(1));
        var nextDay = await _h.RunAsync(ExtractionSource.Playlist(Mine));
        Assert.Equal(SourceStatus.Unchanged, nextDay.Manifest.Sources.Single().Status);
        Assert.Single(await _h.KeysAsync($"raw/playlist/snapshot_date=2026-11-22/{Mine}/20261122T070000Z"));
        Assert.Empty(await _h.KeysAsync($"raw/playlist_items/snapshot_date=2026-11-22/{Mine}"));

        playlist.SnapshotId = "snapshot-2";
        _h.Clock.Advance(TimeSpan.FromHours(1));
        var changed = await _h.RunAsync(ExtractionSource.Playlist(Mine));
        Assert.Equal(SourceStatus.Landed, changed.Manifest.Sources.Single().Status);
        Assert.Equal(2, (await _h.KeysAsync($"raw/playlist_items/snapshot_date=2026-11-22/{Mine}/20261122T080000Z")).Count);
    }

    [Fact]
    public async Task Every_key_an_extraction_lands_is_a_raw_object_key_without_spaces_or_colons()
    {
        _h.Spotify.AddPlaylist(Mine, items: 120);
        _h.Spotify.Plays.Add(1_763_700_600_000);

        await _h.RunAsync(ExtractionSource.Playlist(Mine), ExtractionSource.RecentlyPlayed(), ExtractionSource.TopTracks("long_term"),
            ExtractionSource.TopArtists("short_term"), ExtractionSource.SavedTracks());

        var keys = await _h.KeysAsync("raw/");
        Assert.Equal(8, keys.Count); // playlist metadata + 3 item pages, plays, top tracks, top artists, saved tracks
        Assert.All(keys, key =>
        {
            Assert.DoesNotMatch("[ :]", key);
            Assert.True(SpotifyEtl.Lake.RawObjectKey.TryParse(key, out _, out var reason), $"{key}: {reason}");
        });
    }

    [Fact]
    public async Task Extract_reads_top_lists_and_saved_tracks_on_the_first_run_of_a_day_only()
    {
        ExtractionSource[] sources = [ExtractionSource.TopTracks("short_term"), ExtractionSource.SavedTracks()];
        await _h.RunAsync(sources);
        var requests = _h.Spotify.ApiRequests.Count;
        _h.Clock.Advance(TimeSpan.FromHours(1));

        var laterThatDay = await _h.RunAsync(sources);

        Assert.All(laterThatDay.Manifest.Sources, source => Assert.Equal(SourceStatus.Unchanged, source.Status));
        Assert.Equal(requests, _h.Spotify.ApiRequests.Count);
        Assert.Equal(0, laterThatDay.Manifest.Requests);

        // The next day both are asked again, conditionally: nothing changed, so two bodiless 304s and nothing lands.
        _h.Clock.Advance(TimeSpan.FromDays(1));
        var nextDay = await _h.RunAsync(sources);
        Assert.All(nextDay.Manifest.Sources, source => Assert.Equal(SourceStatus.Unchanged, source.Status));
        Assert.Equal(2, nextDay.Manifest.Requests);
        Assert.Equal(2, nextDay.Manifest.NotModified);
        Assert.Empty(await _h.KeysAsync("raw/top_tracks/snapshot_date=2026-11-22/"));

        // The day after, both changed: both land.
        _h.Spotify.ReplacedTopTracks.Add(0);
        _h.Spotify.SaveTracks(1, new DateTimeOffset(2026, 11, 22, 20, 0, 0, TimeSpan.Zero));
        _h.Clock.Advance(TimeSpan.FromDays(1));
        var changed = await _h.RunAsync(sources);
        Assert.All(changed.Manifest.Sources, source => Assert.Equal(SourceStatus.Landed, source.Status));
        Assert.Equal(0, changed.Manifest.NotModified);
    }

    [Fact]
    public async Task Extract_lands_top_tracks_and_artists_per_time_range_and_saved_tracks()
    {
        _h.Spotify.SavedTrackCount = 75;

        var run = await _h.RunAsync(ExtractionSource.TopTracks("short_term"), ExtractionSource.TopArtists("long_term"), ExtractionSource.SavedTracks());

        Assert.Equal(ExtractionOutcome.Succeeded, run.Manifest.Outcome);
        Assert.Single(await _h.KeysAsync("raw/top_tracks/snapshot_date=2026-11-21/short_term/"));
        Assert.Single(await _h.KeysAsync("raw/top_artists/snapshot_date=2026-11-21/long_term/"));
        Assert.Equal(2, (await _h.KeysAsync("raw/saved_tracks/snapshot_date=2026-11-21/me/")).Count);
        Assert.Equal([3, 2, 75], run.Manifest.Sources.Select(source => source.Items));
    }

    [Fact]
    public async Task Extract_explains_that_spotify_owned_editorial_playlists_are_closed_and_still_runs_the_other_sources()
    {
        _h.Spotify.AddPlaylist(Mine, items: 2);

        var run = await _h.RunAsync(ExtractionSource.Playlist(TopFiftyGlobal), ExtractionSource.Playlist(Mine));

        Assert.Equal(ExtractionOutcome.Partial, run.Manifest.Outcome);
        var editorial = run.Manifest.Sources[0];
        Assert.Equal(SourceStatus.Failed, editorial.Status);
        Assert.Equal(404, editorial.HttpStatus);
        Assert.Contains("Spotify-owned editorial", editorial.Error, StringComparison.Ordinal);
        Assert.Contains("Development Mode", editorial.Error, StringComparison.Ordinal);
        Assert.Equal(SourceStatus.Landed, run.Manifest.Sources[1].Status);
    }

    [Fact]
    public async Task Extract_explains_a_403_on_the_items_of_a_playlist_the_user_does_not_own()
    {
        _h.Spotify.AddPlaylist(Other, items: 2, ownedByUser: false);

        var run = await _h.RunAsync(ExtractionSource.Playlist(Other));

        var report = run.Manifest.Sources.Single();
        Assert.Equal(403, report.HttpStatus);
        Assert.Contains("owns or collaborates on", report.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// Spotify refuses every call of an app whose owner's Premium lapsed, in JSON or, as it does today, in a sentence of plain
    /// text; a proxy in between may wrap it in an HTML page. Each says Premium, not the playlist or the login.
    /// </summary>
    [Theory]
    [InlineData("json")]
    [InlineData("text/plain")]
    [InlineData("text/html")]
    public async Task Extract_says_the_owners_Premium_lapsed_when_Spotify_refuses_every_source_for_it(string shape)
    {
        const string lapsed = "Active premium subscription required for the owner of the app. When the subscription status changes, it can take a few hours before requests are allowed again.";
        Fault Refusal() => shape switch
        {
            "json" => new Fault.StatusFault(403, lapsed, null, null),
            "text/plain" => new Fault.RawFault(403, shape, lapsed),
            _ => new Fault.RawFault(403, shape, $"<!DOCTYPE html><html><head><style>body {{ color: red }}</style></head><body><h1>403</h1><p>{lapsed}</p></body></html>"),
        };
        _h.Spotify.AddPlaylist(Mine, items: 2);
        _h.Spotify.Inject($"playlists/{Mine}", Refusal());
        _h.Spotify.Inject("me/player/recently-played", Refusal());

        var run = await _h.RunAsync(ExtractionSource.Playlist(Mine), ExtractionSource.RecentlyPlayed());

        Assert.Equal(2, run.Manifest.Sources.Count);
        Assert.All(run.Manifest.Sources, source =>
        {
            Assert.Equal(403, source.HttpStatus);
            Assert.Contains("no active Premium subscription", source.Error, StringComparison.Ordinal);
            Assert.Contains("it can take a few hours", source.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("<", source.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("color", source.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("someone else", source.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("auth login", source.Error, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Extract_waits_as_long_as_Retry_After_says_on_429_and_then_lands_the_page()
    {
        _h.Spotify.AddPlaylist(Mine, items: 2);
        _h.Spotify.Inject($"playlists/{Mine}/items", Fault.TooManyRequests(7));

        var run = await _h.RunAsync(ExtractionSource.Playlist(Mine));

        Assert.Equal(ExtractionOutcome.Succeeded, run.Manifest.Outcome);
        Assert.Contains(TimeSpan.FromSeconds(7), _h.Clock.Waits);
        // The metadata, the refused page and the page again, then the metadata again to see the version held.
        Assert.Equal(4, run.Manifest.Sources.Single().Requests);
    }

    /// <summary>
    /// Polly's exponential backoff with jitter (decorrelated jitter): the time waited in all before retry k lies between
    /// b(k - 1) and b(k) times the first delay, b(n) = 2^n tanh(sqrt(4n)) / 1.4 (0, 1.38, 2.84, 5.70, 11.42, ...): it doubles
    /// retry by retry, each retry's share drawn at random within one doubling.
    /// </summary>
    private static double Doubling(int n) => Math.Pow(2, n) * Math.Tanh(Math.Sqrt(4.0 * n)) / 1.4;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task Extract_retries_server_errors_with_growing_jittered_backoff(int seed)
    {
        _h.ClientOptions = _h.ClientOptions with { MaxRetryAttempts = 4, Jitter = new Random(seed).NextDouble };
        _h.Spotify.AddPlaylist(Mine, items: 2);
        _h.Spotify.Inject($"playlists/{Mine}/items", Fault.ServerError(500), Fault.ServerError(502), Fault.ServerError(503), Fault.ServerError(504));

        var run = await _h.RunAsync(ExtractionSource.Playlist(Mine));

        Assert.Equal(ExtractionOutcome.Succeeded, run.Manifest.Outcome);
        var waits = _h.Clock.Waits.Select(wait => wait.TotalSeconds).ToArray();
        Assert.Equal(4, waits.Length);
        Assert.All(waits, wait => Assert.InRange(wait, 0.000_001, 60));
        var waited = 0.0;
        for (var k = 1; k <= waits.Length; k++)
        {
            waited += waits[k - 1];
            // A millisecond of slack for the ticks each wait is rounded down to.
            Assert.InRange(waited, Doubling(k - 1) - 0.001, Doubling(k) + 0.001);
        }
        Assert.True(waits.Distinct().Count() > 1, $"every wait was {waits[0]} s: no jitter");
    }

    public static TheoryData<int> ServerErrors() => [.. Enumerable.Range(500, 100)];

    [Theory]
    [MemberData(nameof(ServerErrors))]
    public async Task Extract_retries_a_passing_server_error_and_fails_the_source_at_once_on_one_that_says_the_request_cannot_be_served(int status)
    {
        _h.Spotify.AddPlaylist(Mine, items: 2);
        _h.Spotify.Inject($"playlists/{Mine}/items", Fault.ServerError(status));

        var source = (await _h.RunAsync(ExtractionSource.Playlist(Mine))).Manifest.Sources.Single();

        // Spotify's 500, 502 and 503, and a gateway's 504, pass: asked again, the page comes. 501, 505, 511 and the rest would not.
        var passing = status is 500 or 502 or 503 or 504;
        Assert.Equal(passing ? SourceStatus.Landed : SourceStatus.Failed, source.Status);
        Assert.Equal(passing ? 2 : 1, _h.Spotify.ApiRequestsTo($"playlists/{Mine}/items"));
        if (!passing)
        {
            Assert.Equal(status, source.HttpStatus);
            Assert.Empty(_h.Clock.Waits);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Extract_waits_at_most_60_seconds_between_retries_however_long_the_backoff_grows(int seed)
    {
        // From 30 s the backoff's six waits add up to over 685 s: more than six waits of 60 s, so at least one would be longer.
        _h.ClientOptions = _h.ClientOptions with { MaxRetryAttempts = 6, BackoffDelay = TimeSpan.FromSeconds(30), Jitter = new Random(seed).NextDouble };
        _h.Budget = null;
        _h.Spotify.AddPlaylist(Mine, items: 2);
        _h.Spotify.Inject($"playlists/{Mine}/items", Enumerable.Repeat(Fault.ServerError(), 6).ToArray());

        var run = await _h.RunAsync(ExtractionSource.Playlist(Mine));

        Assert.Equal(ExtractionOutcome.Succeeded, run.Manifest.Outcome);
        Assert.Equal(6, _h.Clock.Waits.Count);
        Assert.All(_h.Clock.Waits, wait => Assert.InRange(wait, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task Extract_fails_only_that_source_when_server_errors_outlast_the_retries()
    {
        _h.Spotify.AddPlaylist(Mine, items: 2);
        _h.Spotify.Inject($"playlists/{Mine}", Enumerable.Repeat(Fault.ServerError(), 10).ToArray());

        var run = await _h.RunAsync(ExtractionSource.Playlist(Mine), ExtractionSource.SavedTracks());

        Assert.Equal(500, run.Manifest.Sources[0].HttpStatus);
        Assert.Equal(SourceStatus.Landed, run.Manifest.Sources[1].Status);
        Assert.Equal(ExtractionOutcome.Partial, run.Manifest.Outcome);
    }

    [Fact]
    public async Task Extract_retries_a_response_slower_than_the_request_timeout()
    {
        // Retries to spare: an ordinary answer of a loaded machine may run out of the 1 s limit too.
        _h.ClientOptions = _h.ClientOptions with { RequestTimeout = TimeSpan.FromSeconds(1), MaxRetryAttempts = 6 };
        _h.Spotify.AddPlaylist(Mine, items: 2);
        _h.Spotify.Inject($"playlists/{Mine}/items", Fault.Slow(TimeSpan.FromSeconds(60)));

        var run = await _h.RunAsync(ExtractionSource.Playlist(Mine));

        Assert.Equal(ExtractionOutcome.Succeeded, run.Manifest.Outcome);
        // At least: metadata, the slow attempt, its retry (a loaded machine may time out more).
        Assert.True(run.Manifest.Sources.Single().Requests >= 3);
        Assert.True(_h.Spotify.ApiRequestsTo($"playlists/{Mine}/items") >= 2);
    }

    [Fact]
    public async Task Extract_ends_the_run_cleanly_with_state_saved_when_Retry_After_exceeds_the_remaining_time()
    {
        _h.Budget = TimeSpan.FromMinutes(5);
        _h.MaxConcurrency = 1; // one source after the other, so which ones ran before the stop is certain
        _h.Spotify.AddPlaylist(Mine, items: 2);
        _h.Spotify.Plays.Add(1_763_700_000_000);
        _h.Spotify.Inject("me/tracks", Fault.TooManyRequests(3600));

        var run = await _h.RunAsync(ExtractionSource.Playlist(Mine), ExtractionSource.SavedTracks(), ExtractionSource.RecentlyPlayed());

        Assert.Equal(ExtractionOutcome.Stopped, run.Manifest.Outcome);
        Assert.False(run.Manifest.QuotaExceeded);
        Assert.Contains("3600 s", run.Manifest.StopReason, StringComparison.Ordinal);
        Assert.DoesNotContain(TimeSpan.FromSeconds(3600), _h.Clock.Waits);
        Assert.Equal(SourceStatus.Stopped, run.Manifest.Sources[1].Status);
        Assert.Equal(SourceStatus.NotRun, run.Manifest.Sources[2].Status);
        using var state = await _h.ReadJsonAsync(ExtractionState.Key);
        Assert.Equal("snapshot-1", state.RootElement.GetProperty("playlists").GetProperty(Mine).GetProperty("snapshot_id").GetString());
        Assert.True(await _h.Store.ExistsAsync(run.ManifestKey));
    }

    [Fact]
    public async Task Extract_ends_the_run_cleanly_when_its_time_budget_is_used_up()
    {
        _h.Budget = TimeSpan.FromSeconds(60);
        _h.MaxConcurrency = 1;
        _h.Spotify.SavedTrackCount = 120;
        // Spotify is slow today: the second page takes the rest of the run's time.
        _h.Spotify.OnApiRequest = path =>
        {
            if (path.StartsWith("me/tracks?offset=50", StringComparison.Ordinal))
            {
                _h.Clock.Advance(TimeSpan.FromSeconds(61));
            }
        };

        var run = await _h.RunAsync(ExtractionSource.SavedTracks(), ExtractionSource.RecentlyPlayed());

        Assert.Equal(ExtractionOutcome.Stopped, run.Manifest.Outcome);
        Assert.Contains("time budget is used up", run.Manifest.StopReason, StringComparison.Ordinal);
        Assert.Equal(2, run.Manifest.Sources[0].Pages);
        Assert.Equal(SourceStatus.NotRun, run.Manifest.Sources[1].Status);
        Assert.True(await _h.Store.ExistsAsync(ExtractionState.Key));
    }

    [Theory]
    [InlineData(601)]
    [InlineData(3600)]
    [InlineData(86400)]
    public async Task Without_a_budget_a_Retry_After_past_the_longest_wait_ends_the_run_instead_of_sleeping(int seconds)
    {
        _h.Budget = null;
        _h.MaxConcurrency = 1;
        _h.Spotify.Plays.Add(1_763_700_000_000);
        _h.Spotify.Inject("me/tracks", Fault.TooManyRequests(seconds));

        var run = await _h.RunAsync(ExtractionSource.SavedTracks(), ExtractionSource.RecentlyPlayed());

        Assert.Equal(ExtractionOutcome.Stopped, run.Manifest.Outcome);
        Assert.False(run.Manifest.QuotaExceeded);
        Assert.Contains($"{seconds} s", run.Manifest.StopReason, StringComparison.Ordinal);
        Assert.Contains("longest wait the client takes (600 s)", run.Manifest.StopReason, StringComparison.Ordinal);
        Assert.DoesNotContain(_h.Clock.Waits, wait => wait >= TimeSpan.FromSeconds(seconds));
        Assert.True(await _h.Store.ExistsAsync(ExtractionState.Key));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(60)]
    [InlineData(600)]
    public async Task Without_a_budget_a_Retry_After_within_the_longest_wait_is_waited_out(int seconds)
    {
        _h.Budget = null;
        _h.Spotify.Inject("me/tracks", Fault.TooManyRequests(seconds));

        var run = await _h.RunAsync(ExtractionSource.SavedTracks());

        Assert.Equal(ExtractionOutcome.Succeeded, run.Manifest.Outcome);
        Assert.Contains(TimeSpan.FromSeconds(seconds), _h.Clock.Waits);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task An_accounts_service_outage_ends_the_run_with_state_saved_instead_of_blaming_the_credentials(int status)
    {
        _h.Spotify.Inject("token", Enumerable.Range(0, 100).Select(_ => Fault.ServerError(status)).ToArray());

        var run = await _h.RunAsync(ExtractionSource.SavedTracks(), ExtractionSource.RecentlyPlayed());

        Assert.Equal(ExtractionOutcome.Stopped, run.Manifest.Outcome);
        Assert.Contains($"token endpoint answered {status}", run.Manifest.StopReason, StringComparison.Ordinal);
        Assert.DoesNotContain("client id", run.Manifest.StopReason, StringComparison.OrdinalIgnoreCase);
        Assert.True(await _h.Store.ExistsAsync(ExtractionState.Key));
        Assert.True(await _h.Store.ExistsAsync(run.ManifestKey));
    }

    [Fact]
    public async Task Extract_reports_QUOTA_EXCEEDED_as_such_and_does_not_wait_for_it()
    {
        _h.Spotify.Inject("me/top/tracks", Fault.QuotaExceeded());

        var run = await _h.RunAsync(ExtractionSource.TopTracks("medium_term"));

        Assert.Equal(ExtractionOutcome.Stopped, run.Manifest.Outcome);
        Assert.True(run.Manifest.QuotaExceeded);
        Assert.StartsWith("QUOTA_EXCEEDED", run.Manifest.StopReason, StringComparison.Ordinal);
        Assert.Empty(_h.Clock.Waits);
    }

    [Theory]
    [InlineData(true, 86_400)]
    [InlineData(false, 7_200)]
    [InlineData(false, 40_000)]
    public async Task Runs_within_the_wait_Spotify_asked_for_ask_it_nothing_and_the_first_run_after_goes_on(bool quota, int retryAfterSeconds)
    {
        var sources = await StoppedByAWaitAsync(quota, retryAfterSeconds);

        // Hourly runs within the wait: no request at all, neither to the API nor for a token.
        for (var hour = 1; hour * 3600 < retryAfterSeconds - 60; hour++)
        {
            _h.Clock.Advance(TimeSpan.FromHours(1));
            var (api, tokens) = (_h.Spotify.ApiRequests.Count, _h.Spotify.TokenGrants.Count);

            var waiting = await _h.RunAsync(sources);

            Assert.Equal((api, tokens), (_h.Spotify.ApiRequests.Count, _h.Spotify.TokenGrants.Count));
            Assert.Equal(ExtractionOutcome.Stopped, waiting.Manifest.Outcome);
            Assert.Equal(quota, waiting.Manifest.QuotaExceeded);
            Assert.Contains("Spotify asked this app to wait until", waiting.Manifest.StopReason, StringComparison.Ordinal);
            Assert.Contains("remove \"wait\" from state/extraction-state.json", waiting.Manifest.StopReason, StringComparison.Ordinal);
            Assert.All(waiting.Manifest.Sources, source => Assert.Equal(SourceStatus.NotRun, source.Status));
        }

        _h.Clock.Advance(TimeSpan.FromSeconds(retryAfterSeconds));
        var after = await _h.RunAsync(sources);

        Assert.Equal(ExtractionOutcome.Succeeded, after.Manifest.Outcome);
        Assert.Null((await ExtractionState.LoadAsync(_h.Store, default)).Wait);
    }

    [Theory]
    [InlineData(true, 86_400)]
    [InlineData(false, 7_200)]
    public async Task A_wait_removed_from_the_state_by_hand_lets_the_next_run_ask_again(bool quota, int retryAfterSeconds)
    {
        var sources = await StoppedByAWaitAsync(quota, retryAfterSeconds);

        // What the stop reason and docs/extraction.md tell a user to do: the "wait" key out, nothing else touched.
        var state = System.Text.Json.Nodes.JsonNode.Parse(await _h.Store.ReadAllBytesAsync(ExtractionState.Key))!.AsObject();
        Assert.True(state.Remove("wait"));
        await _h.Store.PutBytesAsync(ExtractionState.Key, System.Text.Encoding.UTF8.GetBytes(state.ToJsonString()), "application/json", default);
        _h.Clock.Advance(TimeSpan.FromHours(1));
        var requests = _h.Spotify.ApiRequests.Count;

        var next = await _h.RunAsync(sources);

        Assert.True(_h.Spotify.ApiRequests.Count > requests);
        Assert.Equal(ExtractionOutcome.Succeeded, next.Manifest.Outcome);
    }

    /// <summary>A run stopped by a 429 on its first source, with a Retry-After past its budget (or QUOTA_EXCEEDED); returns its sources.</summary>
    private async Task<ExtractionSource[]> StoppedByAWaitAsync(bool quota, int retryAfterSeconds)
    {
        _h.Spotify.AddPlaylist(Mine, items: 2);
        _h.Spotify.Inject("me/top/tracks", quota ? new Fault.StatusFault(429, "Quota exceeded", "QUOTA_EXCEEDED", retryAfterSeconds) : Fault.TooManyRequests(retryAfterSeconds));
        var sources = new[] { ExtractionSource.TopTracks("medium_term"), ExtractionSource.Playlist(Mine) };
        _h.MaxConcurrency = 1;
        Assert.Equal(ExtractionOutcome.Stopped, (await _h.RunAsync(sources)).Manifest.Outcome);
        return sources;
    }

    [Fact]
    public async Task Extract_gets_a_new_access_token_when_the_current_one_expires_mid_run()
    {
        _h.Spotify.AddPlaylist(Mine, items: 120);
        _h.Spotify.ExpireAccessTokensAfterRequests = 2;

        var run = await _h.RunAsync(ExtractionSource.Playlist(Mine));

        Assert.Equal(ExtractionOutcome.Succeeded, run.Manifest.Outcome);
        Assert.Equal(4, run.Manifest.Sources.Single().Pages);
        // Five requests (the metadata, three pages, the metadata again to see the version held) on tokens good for two each.
        Assert.Equal(3, _h.Spotify.TokenGrants.Count);
    }

    [Fact]
    public async Task Extract_reuses_one_access_token_across_sources_until_it_expires()
    {
        _h.Spotify.AddPlaylist(Mine, items: 2);

        await _h.RunAsync(ExtractionSource.Playlist(Mine), ExtractionSource.SavedTracks(), ExtractionSource.TopTracks("short_term"));

        Assert.Equal(["refresh_token"], _h.Spotify.TokenGrants);
    }

    [Fact]
    public async Task Extract_hands_a_rotated_refresh_token_to_the_token_store_and_reports_it_without_the_token()
    {
        _h.Spotify.RotateRefreshTokenTo = "double-refresh-token-BBB";

        var run = await _h.RunAsync(ExtractionSource.SavedTracks());

        Assert.Equal(["double-refresh-token-BBB"], _h.RotatedTokens.Saved);
        Assert.Equal("double-refresh-token-BBB", run.RotatedRefreshToken);
        Assert.True(run.Manifest.RefreshTokenRotated);
        Assert.DoesNotContain("double-refresh-token-BBB", await _h.Store.ReadAllTextAsync(run.ManifestKey), StringComparison.Ordinal);

        // The old token no longer works; the next run uses the rotated one.
        _h.Clock.Advance(TimeSpan.FromHours(1));
        var next = await _h.RunAsync(_h.Spotify.Credentials("double-refresh-token-BBB"), ExtractionSource.SavedTracks());
        Assert.Equal(ExtractionOutcome.Succeeded, next.Manifest.Outcome);
    }

    [Fact]
    public async Task Extract_fails_with_a_reauthorization_message_on_invalid_grant_after_writing_its_manifest()
    {
        _h.Spotify.RefuseRefreshTokens = true;

        var error = await Assert.ThrowsAsync<SpotifyReauthorizationRequiredException>(() =>
            _h.RunAsync(ExtractionSource.SavedTracks(), ExtractionSource.RecentlyPlayed(), ExtractionSource.TopArtists("short_term")));

        Assert.Contains("spotify-etl auth login", error.Message, StringComparison.Ordinal);
        Assert.Single(_h.Spotify.TokenGrants);
        var manifestKey = Assert.Single(await _h.KeysAsync("manifests/"));
        using var manifest = await _h.ReadJsonAsync(manifestKey);
        Assert.Equal("failed", manifest.RootElement.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Extract_fails_with_an_authentication_error_naming_the_dashboard_when_the_client_secret_is_wrong()
    {
        var error = await Assert.ThrowsAsync<SpotifyAuthenticationException>(() =>
            _h.RunAsync(new SpotifyCredentials(SpotifyDouble.ClientId, "wrong-secret", SpotifyDouble.InitialRefreshToken), ExtractionSource.SavedTracks()));

        Assert.Contains("invalid_client", error.Message, StringComparison.Ordinal);
        Assert.Contains("developer.spotify.com/dashboard", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Extract_lands_a_malformed_body_for_quarantine_and_fails_only_that_source()
    {
        _h.Spotify.AddPlaylist(Mine, items: 2);
        _h.Spotify.Inject("me/tracks", Fault.Malformed());

        var run = await _h.RunAsync(ExtractionSource.SavedTracks(), ExtractionSource.Playlist(Mine));

        var saved = run.Manifest.Sources[0];
        Assert.Equal(SourceStatus.Failed, saved.Status);
        Assert.Contains("not the expected JSON", saved.Error, StringComparison.Ordinal);
        Assert.Single(saved.Objects);
        Assert.Equal(SourceStatus.Landed, run.Manifest.Sources[1].Status);
    }

    [Fact]
    public async Task A_day_whose_first_playlist_metadata_was_unreadable_lands_the_readable_metadata_of_a_later_run_that_day()
    {
        // The version is known from an earlier day, so later runs find it unchanged.
        _h.Spotify.AddPlaylist(Mine, items: 2);
        await _h.RunAsync(ExtractionSource.Playlist(Mine));
        _h.Clock.Advance(TimeSpan.FromDays(1));
        _h.Spotify.Inject($"playlists/{Mine}", Fault.Malformed());
        var unreadable = (await _h.RunAsync(ExtractionSource.Playlist(Mine))).Manifest.Sources.Single();
        Assert.Equal(SourceStatus.Failed, unreadable.Status);

        _h.Clock.Advance(TimeSpan.FromHours(1));
        var later = (await _h.RunAsync(ExtractionSource.Playlist(Mine))).Manifest.Sources.Single();

        // The day's playlists row needs metadata it can read: the unreadable one landed, but it was not the day's landing.
        Assert.Equal(SourceStatus.Unchanged, later.Status);
        var metadata = Assert.Single(later.Objects);
        using var landed = await _h.ReadJsonAsync(metadata);
        Assert.Equal("snapshot-1", landed.RootElement.GetProperty("snapshot_id").GetString());
    }

    [Theory]
    [InlineData("<html><body>Service maintenance</body></html>")]
    [InlineData("")]
    [InlineData("{\"id\": \"3cEYpjA9oz9GiPac4AsH4n\", \"snapshot_id\": ")]
    [InlineData("[1, 2, 3]")]
    [InlineData("null")]
    [InlineData("{\"snapshot_id\": 42}")]
    public async Task Playlist_metadata_that_is_not_a_playlist_lands_unchanged_and_fails_only_that_source_without_recording_a_version(string body)
    {
        _h.Spotify.AddPlaylist(Mine, items: 2);
        _h.Spotify.Inject($"playlists/{Mine}", new Fault.RawFault(200, "application/json", body));

        var run = await _h.RunAsync(ExtractionSource.Playlist(Mine), ExtractionSource.SavedTracks());

        var playlist = run.Manifest.Sources[0];
        Assert.Equal(SourceStatus.Failed, playlist.Status);
        var landed = Assert.Single(playlist.Objects);
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(body), await _h.Store.ReadAllBytesAsync(landed));
        Assert.Equal(SourceStatus.Landed, run.Manifest.Sources[1].Status);
        Assert.Empty((await ExtractionState.LoadAsync(_h.Store, CancellationToken.None)).Playlists);
    }

    [Fact]
    public async Task Extract_uses_client_credentials_without_a_refresh_token_and_explains_that_me_endpoints_need_a_user()
    {
        var run = await _h.RunAsync(_h.Spotify.Credentials(refreshToken: null), ExtractionSource.SavedTracks());

        Assert.Equal(["client_credentials"], _h.Spotify.TokenGrants);
        Assert.Equal("client_credentials", run.Manifest.GrantType);
        Assert.Contains("need a user token", run.Manifest.Sources.Single().Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Extract_with_client_credentials_explains_that_playlist_items_need_the_owners_token_in_Development_Mode_and_lands_them_in_Extended_Quota_Mode()
    {
        const string Owned = "3cEYpjA9oz9GiPac4AsH4n";
        _h.Spotify.AddPlaylist(Owned, items: 60);

        var refused = await _h.RunAsync(_h.Spotify.Credentials(refreshToken: null), ExtractionSource.Playlist(Owned));

        Assert.Equal(ExtractionOutcome.Partial, refused.Manifest.Outcome);
        var source = refused.Manifest.Sources.Single();
        Assert.Equal((SourceStatus.Failed, 403), (source.Status, source.HttpStatus));
        Assert.Contains("Playlist items need a user token in Development Mode", source.Error, StringComparison.Ordinal);
        Assert.Contains("spotify-etl auth login", source.Error, StringComparison.Ordinal);

        // The same playlist version: the refused run landed no items of it, so the next run asks again.
        _h.Spotify.ExtendedQuotaMode = true;
        _h.Clock.Advance(TimeSpan.FromHours(1));
        var landed = await _h.RunAsync(_h.Spotify.Credentials(refreshToken: null), ExtractionSource.Playlist(Owned));

        Assert.Equal((ExtractionOutcome.Succeeded, 60), (landed.Manifest.Outcome, landed.Manifest.Sources.Single().Items));
        Assert.All(_h.Spotify.TokenGrants, grant => Assert.Equal("client_credentials", grant));
    }

    [Fact]
    public async Task Extract_follows_next_links_that_name_spotifys_host_on_the_configured_base()
    {
        _h.Spotify.NextLinkBase = new Uri("https://api.spotify.com/v1/");
        _h.Spotify.SavedTrackCount = 120;

        var run = await _h.RunAsync(ExtractionSource.SavedTracks());

        Assert.Equal(120, run.Manifest.Sources.Single().Items);
        Assert.Equal(3, run.Manifest.Sources.Single().Pages);
    }

    [Fact]
    public async Task Extract_writes_a_manifest_with_sources_pages_items_errors_and_durations()
    {
        _h.Spotify.AddPlaylist(Mine, items: 51);

        var run = await _h.RunAsync(ExtractionSource.Playlist(Mine), ExtractionSource.Playlist(TopFiftyGlobal));

        Assert.Equal("manifests/20261121T060000Z.json", run.ManifestKey);
        using var manifest = await _h.ReadJsonAsync(run.ManifestKey);
        var root = manifest.RootElement;
        Assert.Equal("20261121T060000Z", root.GetProperty("run_id").GetString());
        Assert.True(root.TryGetProperty("duration_ms", out _));
        var sources = root.GetProperty("sources");
        Assert.Equal($"playlist:{Mine}", sources[0].GetProperty("source").GetString());
        Assert.Equal(3, sources[0].GetProperty("pages").GetInt32());
        Assert.Equal(51, sources[0].GetProperty("items").GetInt32());
        Assert.Equal(3, sources[0].GetProperty("objects").GetArrayLength());
        Assert.True(sources[1].TryGetProperty("error", out _));
        Assert.True(sources[1].TryGetProperty("duration_ms", out _));
    }

    [Fact]
    public async Task Extract_writes_one_json_log_line_per_source_and_no_secret_in_any()
    {
        _h.Spotify.AddPlaylist(Mine, items: 2);
        _h.Spotify.RotateRefreshTokenTo = "double-refresh-token-ROTATED";
        _h.Spotify.ExpireAccessTokensAfterRequests = 1;
        _h.Spotify.Inject("me/tracks", Fault.Forbidden());

        await _h.RunAsync(ExtractionSource.Playlist(Mine), ExtractionSource.SavedTracks(), ExtractionSource.Playlist(TopFiftyGlobal));

        Assert.Equal(3, _h.LogLines.Count);
        foreach (var line in _h.LogLines)
        {
            using var parsed = JsonDocument.Parse(line);
            Assert.Equal("source_extracted", parsed.RootElement.GetProperty("event").GetString());
            AssertNoSecret(line);
        }
    }

    [Fact]
    public async Task Extract_never_has_more_sources_in_flight_than_the_concurrency_bound()
    {
        foreach (var range in ExtractionSource.TimeRanges)
        {
            _h.Spotify.Inject($"me/top/tracks?time_range={range}", Fault.Slow(TimeSpan.FromMilliseconds(30)));
            _h.Spotify.Inject($"me/top/artists?time_range={range}", Fault.Slow(TimeSpan.FromMilliseconds(30)));
        }

        var run = await _h.RunAsync(ExtractionSource.TimeRanges.SelectMany(range => new[] { ExtractionSource.TopTracks(range), ExtractionSource.TopArtists(range) }).ToArray());

        Assert.Equal(ExtractionOutcome.Succeeded, run.Manifest.Outcome);
        Assert.InRange(_h.Spotify.MaxApiRequestsInFlight, 1, 2);
    }

    internal static void AssertNoSecret(string text)
    {
        Assert.DoesNotContain(SpotifyDouble.ClientSecret, text, StringComparison.Ordinal);
        Assert.DoesNotContain("double-refresh-token", text, StringComparison.Ordinal);
        Assert.DoesNotContain("access-", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Basic ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Bearer ", text, StringComparison.Ordinal);
    }

    /// <summary>A user's access token, as the extractor holds one (Development Mode reads playlist items with no other).</summary>
    private async Task<string> TokenAsync(HttpClient http)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _h.Spotify.Endpoints.TokenUri)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = SpotifyDouble.InitialRefreshToken }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{SpotifyDouble.ClientId}:{SpotifyDouble.ClientSecret}")));
        using var response = await http.SendAsync(request);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("access_token").GetString()!;
    }
}
