using System.Text.Json;
using SpotifyEtl.Functions;
using SpotifyEtl.Spotify;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Spotify;
using Xunit;

namespace SpotifyEtl.Tests.Functions;

public sealed class ExtractFunctionTests : ExtractFunctionHarness
{
    [Fact]
    public async Task The_success_metric_is_published_in_the_stacks_own_namespace()
    {
        using var output = Function(new Dictionary<string, string> { [StackContract.ExtractEnvironment.MetricsNamespace] = "SpotifyStack/spotify-dev" }).RunHandler(Event());
        using var result = await JsonDocument.ParseAsync(output);

        Assert.Equal("succeeded", result.RootElement.GetProperty("outcome").GetString());
        var metric = Assert.Single(Logged.Select(line => JsonDocument.Parse(line).RootElement), line => line.TryGetProperty("_aws", out _));
        Assert.Equal("SpotifyStack/spotify-dev", metric.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Namespace").GetString());
    }

    [Fact]
    public async Task Handler_extracts_every_configured_source_into_the_raw_store_and_reports_success_with_an_EMF_metric()
    {
        using var output = Function().RunHandler(Event());

        using var result = await JsonDocument.ParseAsync(output);
        Assert.Equal("succeeded", result.RootElement.GetProperty("outcome").GetString());
        var store = new LocalFolderStore(Lake);
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

        var lines = Logged.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(4, lines.Count(line => line.TryGetProperty("event", out var e) && e.GetString() == "source_extracted"));
        var metric = Assert.Single(lines, line => line.TryGetProperty("_aws", out _));
        var definition = metric.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0];
        Assert.Equal("SpotifyStack", definition.GetProperty("Namespace").GetString());
        Assert.Equal("ExtractionSucceeded", definition.GetProperty("Metrics")[0].GetProperty("Name").GetString());
        Assert.Equal("Count", definition.GetProperty("Metrics")[0].GetProperty("Unit").GetString());
        Assert.Equal("FunctionName", definition.GetProperty("Dimensions")[0][0].GetString());
        Assert.Equal("spotify-extract", metric.GetProperty("FunctionName").GetString());
        Assert.Equal(1, metric.GetProperty("ExtractionSucceeded").GetInt32());
        Assert.Equal(1, metric.GetProperty("RecentlyPlayedExtracted").GetInt32());
    }

    [Theory]
    [InlineData(false, false, true)]
    [InlineData(true, false, true)]
    [InlineData(false, true, true)]
    [InlineData(true, true, true)]
    [InlineData(false, false, false)]
    [InlineData(true, false, false)]
    public void Recently_played_is_counted_apart_from_the_run_so_that_a_source_that_keeps_failing_hides_nothing_of_it(
        bool playlistGone, bool recentlyPlayedBroken, bool extractsRecentlyPlayed)
    {
        // A playlist deleted since it was configured fails the run (partial) every hour; recently played, whose plays Spotify
        // forgets after about 50, is counted by a metric of its own, which its own alarm watches.
        if (recentlyPlayedBroken)
        {
            SpotifyApi.RewritePlays = (_, page) => page.Remove("items");
        }
        var configured = new List<string> { $$"""{"type":"playlist","id":"{{(playlistGone ? "37i9dQZEVXbMDoHDwVN2tF" : Playlist)}}"}""", """{"type":"saved_tracks"}""" };
        if (extractsRecentlyPlayed)
        {
            configured.Add("""{"type":"recently_played"}""");
        }
        var sources = "[" + string.Join(",", configured) + "]";

        using var output = Function(new() { ["SPOTIFY_SOURCES"] = sources }).RunHandler(Event());

        using var result = JsonDocument.Parse(output);
        var failed = (playlistGone ? 1 : 0) + (recentlyPlayedBroken && extractsRecentlyPlayed ? 1 : 0);
        Assert.Equal(failed == 0 ? "succeeded" : "partial", result.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(failed, result.RootElement.GetProperty("failed_sources").GetInt32());
        var expected = new List<string>();
        if (failed == 0)
        {
            expected.Add("ExtractionSucceeded");
        }
        if (extractsRecentlyPlayed && !recentlyPlayedBroken)
        {
            expected.Add("RecentlyPlayedExtracted");
        }
        var metrics = Logged.Select(line => JsonDocument.Parse(line).RootElement).Where(line => line.TryGetProperty("_aws", out _)).ToList();
        if (expected.Count == 0)
        {
            Assert.Empty(metrics);
            return;
        }
        var metric = Assert.Single(metrics);
        Assert.Equal(expected, metric.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Metrics").EnumerateArray().Select(m => m.GetProperty("Name").GetString()));
        Assert.All(expected, name => Assert.Equal(1, metric.GetProperty(name).GetInt32()));
        Assert.Equal(failed == 0, metric.TryGetProperty("ExtractionSucceeded", out _));
    }

    /// <summary>
    /// A run the timeout kills leaves its lease to end by itself; Lambda retries that invocation a minute after the timeout
    /// (the stack sets the timeout at most a minute above the budget), and the retry must find the lease held and do nothing,
    /// as the docs promise, rather than run a whole second extraction. The lease outlasted the budget by 90 s: it had ended.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(60)]
    [InlineData(240)]
    [InlineData(900)]
    public void The_lease_a_run_the_timeout_killed_leaves_is_still_held_when_Lambda_retries_the_invocation(int timeoutSeconds)
    {
        // As the stack sets it (infra/index.ts): the timeout less up to a minute, a quarter of a short one.
        var budget = Math.Max(1, timeoutSeconds - Math.Min(60, (int)Math.Ceiling(timeoutSeconds / 4.0)));
        var retry = TimeSpan.FromSeconds(timeoutSeconds + 60);

        var leaseEnds = TimeSpan.FromSeconds(budget) + ExtractFunction.LeaseBeyondBudget;

        // A minute of slack beyond the retry's wait, for its scheduling and the clocks of two hosts.
        Assert.True(leaseEnds >= retry + TimeSpan.FromMinutes(1), $"timeout {timeoutSeconds} s: the lease ends at {leaseEnds.TotalSeconds} s, the retry comes at {retry.TotalSeconds} s");
        // And ends well before an hourly schedule's next run, which goes ahead.
        Assert.True(leaseEnds < TimeSpan.FromMinutes(30));
    }

    [Fact]
    public async Task An_invocation_while_another_extraction_holds_the_lease_reads_no_secret_asks_nothing_of_Spotify_and_says_so()
    {
        var held = await new LocalFolderStore(Lake).TakeLeaseAsync(ExtractionState.LeaseKey, TimeSpan.FromMinutes(15));
        Assert.True(held.Taken);

        using (var output = Function().RunHandler(Event()))
        {
            using var result = await JsonDocument.ParseAsync(output);
            Assert.Equal("skipped", result.RootElement.GetProperty("outcome").GetString());
        }
        Assert.Empty(SpotifyApi.ApiRequests);
        Assert.Empty(SecretsManager.Calls);
        Assert.False(Directory.Exists(Path.Combine(Lake, "manifests")));
        var line = JsonDocument.Parse(Assert.Single(Logged)).RootElement;
        Assert.Equal("extraction_skipped", line.GetProperty("event").GetString());
        Assert.Contains("Another extraction holds the lease state/extraction-lease.json", line.GetProperty("reason").GetString(), StringComparison.Ordinal);

        await held.DisposeAsync();
        using var after = await JsonDocument.ParseAsync(Function().RunHandler(Event()));
        Assert.Equal("succeeded", after.RootElement.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Handler_skips_the_unchanged_playlist_and_resumes_the_recently_played_cursor_on_the_next_run()
    {
        Function().RunHandler(Event()).Dispose();
        SpotifyApi.Plays.Add(1_763_700_600_000);
        Clock.Advance(TimeSpan.FromHours(1));

        Function().RunHandler(Event()).Dispose();

        using var manifest = JsonDocument.Parse(await new LocalFolderStore(Lake).ReadAllBytesAsync("manifests/20261121T070000Z.json"));
        var sources = manifest.RootElement.GetProperty("sources");
        Assert.Equal("unchanged", sources[0].GetProperty("status").GetString());
        // The new play, and the play before it, asked for to show that the page reaches back to the cursor (no gap).
        Assert.Equal(2, sources[1].GetProperty("items").GetInt32());
        Assert.False(sources[1].TryGetProperty("gap", out var gap) && gap.ValueKind != JsonValueKind.Null, $"a gap was reported: {gap}");
        Assert.Contains(SpotifyApi.ApiRequests, request => request.Contains("after=1763700300000", StringComparison.Ordinal));
        Assert.Contains(SpotifyApi.ApiRequests, request => request.Contains("limit=1&before=1763700600000", StringComparison.Ordinal));
    }

    [Fact]
    public void A_secret_put_from_a_file_that_starts_with_a_byte_order_mark_is_read()
    {
        // aws secretsmanager put-secret-value --secret-string file://credentials.json keeps the mark a Windows editor wrote.
        SecretsManager.Secrets[SecretId] = "\uFEFF" + SecretsManager.Secrets[SecretId];

        using var output = Function().RunHandler(Event());

        using var result = JsonDocument.Parse(output);
        Assert.Equal("succeeded", result.RootElement.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Handler_reads_the_secret_from_Secrets_Manager_with_a_signed_request_on_every_invocation()
    {
        var function = Function();

        function.RunHandler(Event()).Dispose();
        Clock.Advance(TimeSpan.FromHours(1));
        function.RunHandler(Event()).Dispose();

        Assert.Equal(["secretsmanager.GetSecretValue", "secretsmanager.GetSecretValue"], SecretsManager.Calls.Select(call => call.Target));
        Assert.All(SecretsManager.Calls, call => Assert.Equal(SecretId, call.SecretId));
        Assert.Empty(SecretsManager.Rejections);
    }

    [Fact]
    public async Task Handler_writes_a_rotated_refresh_token_back_and_the_next_warm_invocation_uses_it()
    {
        SpotifyApi.RotateRefreshTokenTo = "double-refresh-token-ROTATED";
        // Keys of the secret's own besides the four (a note, another tool's settings) stay as they were.
        const string others = """{"note":"rotated by the extract function","owner":{"team":"data","since":2024},"tags":["spotify",null,1.5]}""";
        SecretsManager.Secrets[SecretId] = SecretsManager.Secrets[SecretId].TrimEnd('}') + "," + others[1..];
        var function = Function();

        function.RunHandler(Event()).Dispose();

        using (var secret = JsonDocument.Parse(SecretsManager.Secrets[SecretId]))
        {
            Assert.Equal("double-refresh-token-ROTATED", secret.RootElement.GetProperty("refresh_token").GetString());
            Assert.Equal(SpotifyDouble.ClientSecret, secret.RootElement.GetProperty("client_secret").GetString());
            using var expected = JsonDocument.Parse(others);
            foreach (var key in expected.RootElement.EnumerateObject())
            {
                Assert.Equal(key.Value.GetRawText(), secret.RootElement.GetProperty(key.Name).GetRawText());
            }
        }
        // The secret is read again right before the put, to find it still the version the run read.
        Assert.Equal(["secretsmanager.GetSecretValue", "secretsmanager.GetSecretValue", "secretsmanager.PutSecretValue"], SecretsManager.Calls.Select(call => call.Target));

        // The double revoked the first token when it rotated it: the same instance, two minutes later, succeeds only with the new one.
        Clock.Advance(TimeSpan.FromMinutes(2));
        using var second = await JsonDocument.ParseAsync(function.RunHandler(Event()));

        Assert.Equal("succeeded", second.RootElement.GetProperty("outcome").GetString());
        Assert.Equal("secretsmanager.GetSecretValue", SecretsManager.Calls.Last().Target);
        Assert.DoesNotContain(Logged, line => line.Contains("spotify_reauthorization_required", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("double-refresh-token-FROM-A-NEW-LOGIN", SpotifyDouble.ClientSecret)]
    [InlineData(SpotifyDouble.InitialRefreshToken, "another-client-secret")]
    [InlineData("double-refresh-token-FROM-A-NEW-LOGIN", "another-client-secret")]
    public void A_secret_put_while_the_run_goes_on_stands_and_the_rotated_token_is_not_written_over_it(string refreshToken, string clientSecret)
    {
        var replacement = $$"""{"client_id":"{{SpotifyDouble.ClientId}}","client_secret":"{{clientSecret}}","refresh_token":"{{refreshToken}}","authorized_at":"2026-11-21T05:59:00Z"}""";
        // Someone puts a new value (after an auth login, say) while the run asks Spotify for its access token.
        SpotifyApi.OnTokenRequest = _ => SecretsManager.Secrets[SecretId] = replacement;
        SpotifyApi.RotateRefreshTokenTo = "double-refresh-token-ROTATED";

        using var output = Function().RunHandler(Event());

        Assert.Equal(replacement, SecretsManager.Secrets[SecretId]);
        Assert.DoesNotContain(SecretsManager.Calls, call => call.Target == "secretsmanager.PutSecretValue");
        var replaced = Assert.Single(Logged, line => line.Contains("spotify_secret_replaced_during_run", StringComparison.Ordinal));
        Assert.Contains("that value stands", replaced, StringComparison.Ordinal);
        Assert.All(Logged, SpotifyExtractorTests.AssertNoSecret);
        Assert.DoesNotContain(Logged, line => line.Contains("ROTATED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Handler_lands_the_run_then_fails_loudly_when_a_rotated_token_cannot_be_saved()
    {
        SecretsManager.DenyPuts = true;
        SpotifyApi.RotateRefreshTokenTo = "double-refresh-token-ROTATED";

        var error = Assert.Throws<InvalidOperationException>(() => Function().RunHandler(Event()));

        Assert.Contains("AccessDeniedException", error.Message, StringComparison.Ordinal);
        Assert.True(await new LocalFolderStore(Lake).ExistsAsync("manifests/20261121T060000Z.json"));
        Assert.Contains(Logged, line => line.Contains("spotify_refresh_token_not_saved", StringComparison.Ordinal));
        // Its recently played landed: that alarm hears of it, though the invocation fails.
        var metric = Assert.Single(Logged.Select(line => JsonDocument.Parse(line).RootElement), line => line.TryGetProperty("_aws", out _));
        Assert.Equal(1, metric.GetProperty("RecentlyPlayedExtracted").GetInt32());
        Assert.DoesNotContain(Logged, line => line.Contains("\"SecretsManager\"", StringComparison.Ordinal));
        Assert.All(Logged, SpotifyExtractorTests.AssertNoSecret);
        Assert.DoesNotContain("double-refresh-token", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_rotated_token_Secrets_Manager_failed_to_take_is_saved_at_the_end_of_the_run(bool failedPutWrote)
    {
        // Every attempt of the save Spotify's rotation starts fails (a moment of InternalServiceError); when failedPutWrote,
        // the last of them wrote the value all the same, so the secret holds a version the run never heard of.
        var first = true;
        SpotifyApi.OnTokenRequest = _ =>
        {
            (SecretsManager.FailPutsNext, SecretsManager.WriteFailedPuts) = first ? (3, failedPutWrote) : (0, false);
            first = false;
        };
        SpotifyApi.RotateRefreshTokenTo = "double-refresh-token-ROTATED";
        var function = Function();

        using var output = function.RunHandler(Event());
        using var result = await JsonDocument.ParseAsync(output);

        Assert.Equal("succeeded", result.RootElement.GetProperty("outcome").GetString());
        using (var secret = JsonDocument.Parse(SecretsManager.Secrets[SecretId]))
        {
            Assert.Equal("double-refresh-token-ROTATED", secret.RootElement.GetProperty("refresh_token").GetString());
        }
        Assert.Contains(Logged, line => line.Contains("spotify_refresh_token_saved_late", StringComparison.Ordinal));
        Assert.DoesNotContain(Logged, line => line.Contains("spotify_refresh_token_not_saved", StringComparison.Ordinal)
            || line.Contains("spotify_secret_replaced_during_run", StringComparison.Ordinal));
        using (var manifest = JsonDocument.Parse(await new LocalFolderStore(Lake).ReadAllBytesAsync("manifests/20261121T060000Z.json")))
        {
            Assert.False(manifest.RootElement.TryGetProperty("refresh_token_save_error", out _));
        }
        Assert.All(Logged, SpotifyExtractorTests.AssertNoSecret);

        // The double revoked the first token when it rotated it: the next run succeeds only with the saved one.
        Clock.Advance(TimeSpan.FromMinutes(2));
        using var second = await JsonDocument.ParseAsync(function.RunHandler(Event()));
        Assert.Equal("succeeded", second.RootElement.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task A_token_rotated_again_after_a_failed_put_that_wrote_is_saved_over_the_runs_own_version()
    {
        // The first rotation's put writes its value but answers an error through every attempt; the access token then
        // expires mid-run, and the refresh rotates the token again: the secret holds the first put's value, this run's own.
        var rotatedAgain = RotateTwiceTheFirstPutWritingThroughItsErrors(beforeTheSecondRotation: () => { });
        var function = Function();

        using var result = await JsonDocument.ParseAsync(function.RunHandler(Event()));

        Assert.True(rotatedAgain(), "the token was not rotated a second time");
        using (var secret = JsonDocument.Parse(SecretsManager.Secrets[SecretId]))
        {
            Assert.Equal("double-refresh-token-ROTATED-2", secret.RootElement.GetProperty("refresh_token").GetString());
        }
        Assert.DoesNotContain(Logged, line => line.Contains("spotify_secret_replaced_during_run", StringComparison.Ordinal));
        Assert.All(Logged, SpotifyExtractorTests.AssertNoSecret);

        SpotifyApi.ExpireAccessTokensAfterRequests = null;
        Clock.Advance(TimeSpan.FromMinutes(2));
        using var second = await JsonDocument.ParseAsync(function.RunHandler(Event()));
        Assert.Equal("succeeded", second.RootElement.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task A_value_edited_after_a_failed_put_that_wrote_stands_though_it_holds_the_runs_token()
    {
        // The first rotation's put writes its value but answers an error through every attempt; someone then edits the
        // secret's client secret in the console, keeping the token that put wrote; the token rotates again mid-run.
        var edited = "";
        var rotatedAgain = RotateTwiceTheFirstPutWritingThroughItsErrors(beforeTheSecondRotation: () =>
        {
            edited = SecretsManager.Secrets[SecretId].Replace(SpotifyDouble.ClientSecret, "a-client-secret-put-by-hand", StringComparison.Ordinal);
            SecretsManager.Secrets[SecretId] = edited;
        });

        using var output = Function().RunHandler(Event());

        Assert.True(rotatedAgain(), "the token was not rotated a second time");
        Assert.Contains("double-refresh-token-ROTATED-1", edited, StringComparison.Ordinal);
        Assert.Equal(edited, SecretsManager.Secrets[SecretId]);
        Assert.Single(Logged, line => line.Contains("spotify_secret_replaced_during_run", StringComparison.Ordinal));
        Assert.All(Logged, SpotifyExtractorTests.AssertNoSecret);
    }

    /// <summary>
    /// Spotify rotates the token to ROTATED-1 at the run's first refresh, and every attempt of the put that saves it
    /// answers an error after writing the value; access tokens expire after two requests, and the next refresh rotates it to
    /// ROTATED-2, <paramref name="beforeTheSecondRotation"/> first. Returns whether that second rotation came.
    /// </summary>
    private Func<bool> RotateTwiceTheFirstPutWritingThroughItsErrors(Action beforeTheSecondRotation)
    {
        var grants = 0;
        SpotifyApi.RotateRefreshTokenTo = "double-refresh-token-ROTATED-1";
        SpotifyApi.ExpireAccessTokensAfterRequests = 2;
        SpotifyApi.OnTokenRequest = _ =>
        {
            if (++grants == 1)
            {
                (SecretsManager.FailPutsNext, SecretsManager.WriteFailedPuts) = (3, true);
            }
            else if (grants == 2)
            {
                beforeTheSecondRotation();
                SpotifyApi.RotateRefreshTokenTo = "double-refresh-token-ROTATED-2";
            }
        };
        return () => grants >= 2;
    }

    [Fact]
    public void Handler_logs_the_reauthorization_event_and_fails_the_invocation_on_invalid_grant()
    {
        SpotifyApi.RefuseRefreshTokens = true;

        var error = Assert.Throws<SpotifyReauthorizationRequiredException>(() => Function().RunHandler(Event()));

        Assert.Contains("spotify-etl auth login", error.Message, StringComparison.Ordinal);
        var events = Logged.Select(line => JsonDocument.Parse(line).RootElement)
            .Where(line => line.TryGetProperty("event", out var e) && e.GetString() == "spotify_reauthorization_required").ToList();
        Assert.Single(events);
        Assert.DoesNotContain(Logged, line => line.Contains("\"SecretsManager\"", StringComparison.Ordinal));
    }

    [Fact]
    public void After_invalid_grant_runs_ask_Spotify_nothing_and_keep_raising_the_alarm_until_the_secret_holds_a_new_token()
    {
        SpotifyApi.RefuseRefreshTokens = true;
        Assert.Throws<SpotifyReauthorizationRequiredException>(() => Function().RunHandler(Event()));
        var refusedGrants = SpotifyApi.TokenGrants.Count;

        // Lambda's retry of the failed invocation, then two scheduled runs: no token request, no API request, the event each time.
        for (var run = 0; run < 3; run++)
        {
            Clock.Advance(TimeSpan.FromHours(1));
            var requests = SpotifyApi.ApiRequests.Count;
            using var output = Function().RunHandler(Event());
            using var result = JsonDocument.Parse(output);
            Assert.Equal("reauthorization_required", result.RootElement.GetProperty("outcome").GetString());
            Assert.Contains("asked Spotify nothing", result.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.Contains("spotify-etl auth login", result.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.Equal((refusedGrants, requests), (SpotifyApi.TokenGrants.Count, SpotifyApi.ApiRequests.Count));
        }
        var events = Logged.Select(line => JsonDocument.Parse(line).RootElement)
            .Count(line => line.TryGetProperty("event", out var e) && e.GetString() == "spotify_reauthorization_required");
        Assert.Equal(4, events);
        Assert.All(Logged, SpotifyExtractorTests.AssertNoSecret);

        // The owner re-authorizes and puts the new credentials into the secret: the next run extracts.
        SpotifyApi.RefuseRefreshTokens = false;
        SpotifyApi.ValidRefreshTokens.Add("double-refresh-token-REAUTHORIZED");
        SecretsManager.Secrets[SecretId] = $$"""{"client_id":"{{SpotifyDouble.ClientId}}","client_secret":"{{SpotifyDouble.ClientSecret}}","refresh_token":"double-refresh-token-REAUTHORIZED"}""";
        Clock.Advance(TimeSpan.FromHours(1));
        using var after = Function().RunHandler(Event());
        using var extracted = JsonDocument.Parse(after);
        Assert.Equal("succeeded", extracted.RootElement.GetProperty("outcome").GetString());
    }

    [Fact]
    public void A_token_rotated_earlier_in_the_run_and_then_refused_is_the_version_recorded_so_the_next_run_asks_nothing()
    {
        // The run's first refresh rotates the token (saved as a new version of the secret); after the first API request
        // Spotify revokes it, and the refresh the next 401 asks for is refused.
        SpotifyApi.RotateRefreshTokenTo = "double-refresh-token-ROTATED";
        SpotifyApi.OnApiRequest = _ =>
        {
            SpotifyApi.RefuseRefreshTokens = true;
            SpotifyApi.ExpireAccessTokensAfterRequests = 0;
        };
        Assert.Throws<SpotifyReauthorizationRequiredException>(() => Function().RunHandler(Event()));
        Assert.Contains("double-refresh-token-ROTATED", SecretsManager.Secrets[SecretId], StringComparison.Ordinal);
        SpotifyApi.OnApiRequest = null;
        var grants = SpotifyApi.TokenGrants.Count;

        Clock.Advance(TimeSpan.FromHours(1));
        using var output = Function().RunHandler(Event());

        using var result = JsonDocument.Parse(output);
        Assert.Equal("reauthorization_required", result.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(grants, SpotifyApi.TokenGrants.Count);
    }

    [Fact]
    public void Handler_reports_a_partial_run_without_the_success_metric_when_a_source_fails()
    {
        var function = Function(new() { ["SPOTIFY_SOURCES"] = """[{"type":"playlist","id":"37i9dQZEVXbMDoHDwVN2tF"},{"type":"saved_tracks"}]""" });

        using var output = function.RunHandler(Event());

        using var result = JsonDocument.Parse(output);
        Assert.Equal("partial", result.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(1, result.RootElement.GetProperty("failed_sources").GetInt32());
        Assert.DoesNotContain(Logged, line => line.Contains("\"SecretsManager\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Handler_uses_client_credentials_for_playlists_when_the_secret_has_no_refresh_token()
    {
        // An app in Extended Quota Mode; in Development Mode Spotify refuses playlist items to an app token.
        SpotifyApi.ExtendedQuotaMode = true;
        SecretsManager.Secrets[SecretId] = $$"""{"client_id":"{{SpotifyDouble.ClientId}}","client_secret":"{{SpotifyDouble.ClientSecret}}"}""";

        using var output = Function(new() { ["SPOTIFY_SOURCES"] = $$"""[{"type":"playlist","id":"{{Playlist}}"}]""" }).RunHandler(Event());

        Assert.Equal(["client_credentials"], SpotifyApi.TokenGrants);
    }

    [Theory]
    [InlineData("""{"type":"recently_played"}""", "recently_played")]
    [InlineData("""{"type":"top_artists","time_range":"long_term"}""", "top_artists:long_term")]
    [InlineData("""{"type":"saved_tracks"}""", "saved_tracks")]
    public void Handler_refuses_sources_of_the_account_without_a_refresh_token_before_asking_Spotify_anything(string source, string name)
    {
        SecretsManager.Secrets[SecretId] = $$"""{"client_id":"{{SpotifyDouble.ClientId}}","client_secret":"{{SpotifyDouble.ClientSecret}}","refresh_token":""}""";

        var error = Assert.Throws<SpotifyConfigurationException>(() =>
            Function(new() { ["SPOTIFY_SOURCES"] = $$"""[{"type":"playlist","id":"{{Playlist}}"},{{source}}]""" }).RunHandler(Event()));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.Contains("no refresh_token", error.Message, StringComparison.Ordinal);
        Assert.Contains("auth login", error.Message, StringComparison.Ordinal);
        Assert.Empty(SpotifyApi.TokenGrants);
        Assert.Empty(SpotifyApi.ApiRequests);
    }

    [Fact]
    public async Task Handler_fails_before_any_Spotify_call_naming_the_secret_when_it_does_not_exist()
    {
        SecretsManager.Secrets.Clear();

        var error = Assert.Throws<SpotifyEtl.Functions.Aws.SecretsManagerException>(() => Function().RunHandler(Event()));

        Assert.Equal("ResourceNotFoundException", error.ErrorCode);
        Assert.Contains(SecretId, error.Message, StringComparison.Ordinal);
        Assert.Empty(SpotifyApi.TokenGrants);
        Assert.False(await new LocalFolderStore(Lake).ExistsAsync("manifests/20261121T060000Z.json"));
    }

    [Fact]
    public void Handler_says_which_environment_variable_is_missing()
    {
        var error = Assert.Throws<SpotifyConfigurationException>(() => Function(new() { ["SPOTIFY_SOURCES"] = "" }).RunHandler(Event()));

        Assert.Contains("SPOTIFY_SOURCES", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("fourteen minutes")]
    [InlineData("99999999999")]
    public void Handler_refuses_a_time_budget_that_is_no_whole_number_of_seconds_before_calling_Spotify(string budget)
    {
        var error = Assert.Throws<SpotifyConfigurationException>(() => Function(new() { [ExtractFunction.TimeBudgetVariable] = budget }).RunHandler(Event()));

        Assert.Contains($"{ExtractFunction.TimeBudgetVariable} is '{budget}': it must be a whole number of seconds above 0", error.Message, StringComparison.Ordinal);
        Assert.Empty(SpotifyApi.ApiRequests);
        Assert.Empty(SpotifyApi.TokenGrants);
    }

    [Fact]
    public void Handler_reads_the_top_items_limit_and_refuses_one_out_of_range_before_calling_Spotify()
    {
        SpotifyApi.TopTrackCount = 300;
        Function(new() { ["SPOTIFY_TOP_ITEMS_LIMIT"] = "120" }).RunHandler(Event()).Dispose();

        Assert.Equal(3, Directory.GetFiles(Path.Combine(Lake, "raw", "top_tracks"), "*.json", SearchOption.AllDirectories).Length);
        var requests = SpotifyApi.ApiRequests.Count;
        var error = Assert.Throws<SpotifyConfigurationException>(() => Function(new() { ["SPOTIFY_SAVED_TRACKS_FULL_PASS_DAYS"] = "0" }).RunHandler(Event()));
        Assert.Contains("SPOTIFY_SAVED_TRACKS_FULL_PASS_DAYS", error.Message, StringComparison.Ordinal);
        Assert.Equal(requests, SpotifyApi.ApiRequests.Count);
    }

    [Fact]
    public void No_log_line_of_the_handler_holds_a_secret_or_token()
    {
        SpotifyApi.RotateRefreshTokenTo = "double-refresh-token-ROTATED";
        SpotifyApi.ExpireAccessTokensAfterRequests = 1;
        Function().RunHandler(Event()).Dispose();
        SpotifyApi.RefuseRefreshTokens = true;
        Assert.ThrowsAny<Exception>(() => Function().RunHandler(Event()));

        Assert.NotEmpty(Logged);
        foreach (var line in Logged)
        {
            SpotifyExtractorTests.AssertNoSecret(line);
            Assert.DoesNotContain(SecretsManagerDouble.SessionToken, line, StringComparison.Ordinal);
            Assert.DoesNotContain(SecretsManagerDouble.SecretAccessKey, line, StringComparison.Ordinal);
        }
    }
}
