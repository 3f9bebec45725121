using System.Text.Json;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Functions;
using SpotifyEtl.Tests.Spotify;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Faults;

/// <summary>
/// Three days of the AWS pipeline with faults injected into Spotify and into storage. After each scenario,
/// once the faults clear and the retries a deployment makes have run (Polly's within a run, the next run,
/// Lambda's retry of a failed invocation, a person's replay), the published tables equal the fault-free
/// lake's byte for byte, no raw object is lost, and each failure left a record a person can find.
/// </summary>
public sealed class FaultInjectionTests(FaultSuite suite) : IClassFixture<FaultSuite>
{
    private static readonly TimeSpan AnHourLater = TimeSpan.FromHours(1);

    [Fact]
    public async Task Rate_limit_storms_server_errors_and_timeouts_are_retried_within_the_run_and_the_lake_equals_the_fault_free_lake()
    {
        await using var pipeline = await FaultPipeline.StartAsync(suite.Server);
        // A 1 s limit per attempt turns the double's slow answers (10 s) into timeouts. An ordinary answer of a
        // loaded machine may run out of it too: that costs one more attempt, which the retries left over absorb
        // and the count below expects.
        var timeouts = 0;
        pipeline.ClientOptions = pipeline.ClientOptions with
        {
            RequestTimeout = TimeSpan.FromSeconds(1),
            MaxRetryAttempts = 8,
            OnRetry = retry =>
            {
                if (retry.Failure.StartsWith("GET ", StringComparison.Ordinal) && retry.Failure.Contains("gave no complete answer", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref timeouts);
                }
            },
        };
        var storm = Enumerable.Range(0, 4).Select(i => Fault.TooManyRequests(retryAfterSeconds: 1 + i)).ToArray();
        pipeline.Spotify.Inject($"playlists/{FaultPipeline.LongPlaylist}/items", storm);
        pipeline.Spotify.Inject("me/player/recently-played", Fault.ServerError(500), Fault.ServerError(502), Fault.ServerError(503));
        pipeline.Spotify.Inject("me/top/tracks", Fault.Slow(TimeSpan.FromSeconds(10)), Fault.Slow(TimeSpan.FromSeconds(10)));
        pipeline.Spotify.Inject("me/tracks", Fault.TooManyRequests(retryAfterSeconds: 2), Fault.ServerError(504));

        var sentBefore = pipeline.Spotify.ApiRequests.Count;
        var faultedRun = await pipeline.ExtractAsync(day: 1);
        var sentByTheFaultedRun = pipeline.Spotify.ApiRequests.Count - sentBefore;
        var timeoutsOfTheFaultedRun = Volatile.Read(ref timeouts);
        await pipeline.TransformAsync(pipeline.ManifestEvent(faultedRun));
        await pipeline.RunAllDaysAsync(firstDay: 2);

        await AssertFaultFreeLakeAsync(pipeline);
        await AssertEveryFaultFreeRawObjectKeptAsync(pipeline);
        Assert.Empty(pipeline.FailedInvocations);
        // The record: the faulted run's manifest counts every attempt Spotify received. Each of the 9 faulted
        // answers (4 of 429, 3 of 5xx, 2 on saved tracks) and each of the 2 slow ones cost one attempt more than
        // the fault-free run needed. An ordinary answer that ran out of time on a loaded machine costs one more;
        // a faulted answer that ran out of time is one attempt for both, so timeouts bound the count from above.
        var faulted = await pipeline.ManifestAsync(faultedRun);
        Assert.Equal("succeeded", faulted.GetProperty("outcome").GetString());
        Assert.InRange(timeoutsOfTheFaultedRun, 2, int.MaxValue);
        Assert.Equal(sentByTheFaultedRun, Requests(faulted));
        Assert.InRange(Requests(faulted) - Requests(suite.Manifests[faultedRun]), 4 + 3 + 2 + 2, 4 + 3 + 2 + timeoutsOfTheFaultedRun);
    }

    [Fact]
    public async Task A_truncated_body_fails_its_source_in_the_manifest_and_a_rerun_the_same_day_restores_the_fault_free_lake()
    {
        await using var pipeline = await FaultPipeline.StartAsync(suite.Server);
        pipeline.Spotify.Inject($"playlists/{FaultPipeline.LongPlaylist}/items", Fault.Malformed());

        var failed = await pipeline.ExtractAsync(day: 1);
        var first = await pipeline.TransformAsync(pipeline.ManifestEvent(failed));
        var rerun = await pipeline.ExtractAsync(day: 1, later: AnHourLater);
        await pipeline.TransformAsync(pipeline.ManifestEvent(rerun));
        await pipeline.RunAllDaysAsync(firstDay: 2);

        await AssertFaultFreeLakeAsync(pipeline);
        await AssertEveryListedRawObjectExistsAsync(pipeline);
        var manifest = await pipeline.ManifestAsync(failed);
        Assert.Equal("partial", manifest.GetProperty("outcome").GetString());
        var source = Source(manifest, FaultPipeline.LongPlaylist);
        Assert.Equal("failed", source.GetProperty("status").GetString());
        Assert.False(string.IsNullOrWhiteSpace(source.GetProperty("error").GetString()));
        Assert.Contains(pipeline.ExtractLog, line => line.Contains("\"level\":\"error\"", StringComparison.Ordinal) && line.Contains(FaultPipeline.LongPlaylist, StringComparison.Ordinal));
        // The truncated body was landed as Spotify sent it; the transform quarantined it with its reason.
        Assert.Equal(1, first.GetProperty("quarantined").GetInt32());
        var quarantined = (await TransformFunctionTests.ListAsync(pipeline.Raw, LakeLayout.Quarantine)).ToList();
        var reason = Assert.Single(quarantined, key => key.EndsWith(LakeLayout.ReasonSuffix, StringComparison.Ordinal));
        using (Storage.LambdaRole.TestLooking()) Assert.Contains("not valid JSON", await pipeline.Raw.ReadAllTextAsync(reason), StringComparison.Ordinal);
        Assert.Contains(pipeline.TransformLogLines, line => line.GetProperty("event").GetString() == "transform_object"
            && line.GetProperty("status").GetString() == "quarantined");
    }

    [Fact]
    public async Task An_access_token_expiring_mid_run_is_refreshed_and_the_lake_equals_the_fault_free_lake()
    {
        await using var pipeline = await FaultPipeline.StartAsync(suite.Server);
        pipeline.Spotify.ExpireAccessTokensAfterRequests = 3;

        var manifests = await pipeline.RunAllDaysAsync();

        // Each run refreshed its token and went on, as the fault-free runs did.
        foreach (var manifest in manifests)
        {
            Assert.Equal("succeeded", (await pipeline.ManifestAsync(manifest)).GetProperty("outcome").GetString());
        }
        await AssertFaultFreeLakeAsync(pipeline);
        await AssertEveryFaultFreeRawObjectKeptAsync(pipeline);
        Assert.True(pipeline.Spotify.TokenGrants.Count(grant => grant == "refresh_token") > FaultPipeline.Days, "each expired access token was replaced by a refresh");
    }

    [Fact]
    public async Task A_refresh_token_revoked_mid_run_ends_the_run_with_its_manifest_and_after_reauthorization_the_lake_equals_the_fault_free_lake()
    {
        await using var pipeline = await FaultPipeline.StartAsync(suite.Server);
        await pipeline.TransformAsync(pipeline.ManifestEvent(await pipeline.ExtractAsync(day: 1)));
        var requests = 0;
        pipeline.Spotify.OnApiRequest = _ =>
        {
            if (Interlocked.Increment(ref requests) == 3)
            {
                // Spotify revokes the refresh token, and the access token in hand expires with the next request.
                pipeline.Spotify.RefuseRefreshTokens = true;
                pipeline.Spotify.ExpireAccessTokensAfterRequests = 0;
            }
        };

        var failed = await pipeline.ExtractAsync(day: 2);
        await pipeline.TransformAsync(pipeline.ManifestEvent(failed));
        // The person re-authorizes (spotify-etl auth login, then the secret): runs continue the same day.
        pipeline.Spotify.OnApiRequest = null;
        pipeline.Spotify.RefuseRefreshTokens = false;
        pipeline.Spotify.ExpireAccessTokensAfterRequests = null;
        pipeline.Spotify.ValidRefreshTokens.Add("refresh-token-after-login");
        pipeline.RefreshToken = "refresh-token-after-login";
        await pipeline.TransformAsync(pipeline.ManifestEvent(await pipeline.ExtractAsync(day: 2, later: AnHourLater)));
        await pipeline.TransformAsync(pipeline.ManifestEvent(await pipeline.ExtractAsync(day: 3)));

        await AssertFaultFreeLakeAsync(pipeline);
        await AssertEveryListedRawObjectExistsAsync(pipeline);
        var manifest = await pipeline.ManifestAsync(failed);
        Assert.Equal("failed", manifest.GetProperty("outcome").GetString());
        Assert.Contains("invalid_grant", manifest.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_playlist_deleted_between_runs_keeps_the_days_it_landed_and_the_manifest_names_the_404()
    {
        await using var pipeline = await FaultPipeline.StartAsync(suite.Server);
        var first = await pipeline.ExtractAsync(day: 1);
        await pipeline.TransformAsync(pipeline.ManifestEvent(first));
        Assert.True(pipeline.Spotify.Playlists.TryRemove(FaultPipeline.ShortPlaylist, out _));
        var second = await pipeline.ExtractAsync(day: 2);
        await pipeline.TransformAsync(pipeline.ManifestEvent(second));
        using var looking = Storage.LambdaRole.TestLooking();

        var dayOne = $"snapshot_date={FaultPipeline.Day(1):yyyy-MM-dd}/";
        var tables = await pipeline.TablesAsync();
        Assert.Equal(suite.Tables.Where(t => t.Key.Contains(dayOne, StringComparison.Ordinal)), tables.Where(t => t.Key.Contains(dayOne, StringComparison.Ordinal)));
        Assert.False(await pipeline.Lake.ExistsAsync(TableFormat.Parquet.PartitionKey(TableNames.PlaylistEntries, FaultPipeline.Day(2))),
            "no playlist changed on day 2 once the short one was gone");
        foreach (var key in suite.RawObjects.Keys.Where(key => RawObjectKey.Parse(key).SnapshotDate == FaultPipeline.Day(1)))
        {
            Assert.Equal(suite.RawObjects[key], Convert.ToHexString(await pipeline.Raw.ReadAllBytesAsync(key)));
        }
        var manifest = await pipeline.ManifestAsync(second);
        Assert.Equal("partial", manifest.GetProperty("outcome").GetString());
        var source = Source(manifest, FaultPipeline.ShortPlaylist);
        Assert.Equal("failed", source.GetProperty("status").GetString());
        Assert.Equal(404, source.GetProperty("http_status").GetInt32());
        Assert.Contains(Source(manifest, FaultPipeline.LongPlaylist).GetProperty("status").GetString(), new[] { "landed", "unchanged" });
    }

    [Fact]
    public async Task The_emulator_stopped_mid_transformation_fails_the_invocation_and_its_retry_publishes_the_fault_free_lake()
    {
        await using var pipeline = await FaultPipeline.StartAsync(suite.Server);
        var manifests = await pipeline.ExtractAllDaysAsync();
        await pipeline.TransformAsync(pipeline.ManifestEvent(manifests[0]));
        var outage = new OutageAfterReads(pipeline.Raw, reads: 3, pipeline.StartOutageAsync);

        await Assert.ThrowsAnyAsync<Exception>(() => pipeline.TransformAsync(pipeline.ManifestEvent(manifests[1]), outage));
        await pipeline.EndOutageAsync(await outage.Kept.Task);
        // Lambda retries the failed asynchronous invocation with the same event.
        await pipeline.TransformAsync(pipeline.ManifestEvent(manifests[1]));
        await pipeline.TransformAsync(pipeline.ManifestEvent(manifests[2]));

        await AssertFaultFreeLakeAsync(pipeline);
        await AssertEveryFaultFreeRawObjectKeptAsync(pipeline);
        Assert.Single(pipeline.FailedInvocations);
        var failure = Assert.Single(pipeline.TransformLogLines, line => line.GetProperty("event").GetString() == "transform_failed");
        Assert.Equal("error", failure.GetProperty("level").GetString());
        Assert.False(string.IsNullOrWhiteSpace(failure.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Duplicate_out_of_order_and_concurrent_manifest_events_publish_the_fault_free_lake()
    {
        await using var pipeline = await FaultPipeline.StartAsync(suite.Server);
        var manifests = await pipeline.ExtractAllDaysAsync();

        await pipeline.TransformAsync(pipeline.ManifestEvent(manifests[2]));
        await Task.WhenAll(pipeline.TransformAsync(pipeline.ManifestEvent(manifests[0])), pipeline.TransformAsync(pipeline.ManifestEvent(manifests[0])));
        await pipeline.TransformAsync(pipeline.ManifestEvent(manifests[1], manifests[0], manifests[2]));
        await Task.WhenAll(pipeline.TransformAsync(pipeline.ManifestEvent(manifests[2])), pipeline.TransformAsync(pipeline.ManifestEvent(manifests[1])),
            pipeline.TransformAsync(pipeline.ManifestEvent(manifests[1])));

        await AssertFaultFreeLakeAsync(pipeline);
        await AssertEveryFaultFreeRawObjectKeptAsync(pipeline);
        Assert.Empty(pipeline.FailedInvocations);
        // One fragment per run, however often its event came.
        Assert.Equal(manifests.Count, (await TransformFunctionTests.ListAsync(pipeline.Lake, LakeLayout.Staging))
            .Count(key => key.EndsWith(".json.gz", StringComparison.Ordinal) && !key.StartsWith(SpotifyEtl.Transformation.Current.CurrentLayout.Prefix, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Concurrent_replays_of_the_same_day_publish_the_fault_free_lake()
    {
        await using var pipeline = await FaultPipeline.StartAsync(suite.Server);
        await pipeline.RunAllDaysAsync();
        // A day's tables lost (deleted by hand): replays rebuild them from the raw objects.
        var dayTwo = $"snapshot_date={FaultPipeline.Day(2):yyyy-MM-dd}/";
        foreach (var key in (await pipeline.TablesAsync()).Keys.Where(key => key.Contains(dayTwo, StringComparison.Ordinal)))
        {
            await pipeline.Lake.DeleteAsync(key);
        }

        await Task.WhenAll(
            pipeline.TransformAsync(FaultPipeline.ReplayEvent(2)),
            pipeline.TransformAsync(FaultPipeline.ReplayEvent(2)),
            pipeline.TransformAsync(FaultPipeline.ReplayEvent(2, 1)),
            pipeline.TransformAsync(FaultPipeline.ReplayEvent(3, 2)));

        await AssertFaultFreeLakeAsync(pipeline);
        await AssertEveryFaultFreeRawObjectKeptAsync(pipeline);
        Assert.Empty(pipeline.FailedInvocations);
    }

    private async Task AssertFaultFreeLakeAsync(FaultPipeline pipeline)
    {
        var tables = await pipeline.TablesAsync();
        var missing = suite.Tables.Keys.Except(tables.Keys).ToList();
        var extra = tables.Keys.Except(suite.Tables.Keys).ToList();
        var differing = suite.Tables.Keys.Intersect(tables.Keys).Where(key => suite.Tables[key] != tables[key]).ToList();
        Assert.True(missing.Count + extra.Count + differing.Count == 0,
            $"The lake differs from the fault-free lake. Missing: {string.Join(", ", missing)}. Extra: {string.Join(", ", extra)}. Different bytes: {string.Join(", ", differing)}.");
    }

    /// <summary>Every raw object of the fault-free run is in this lake with the same bytes (a fault may add a rerun's).</summary>
    private async Task AssertEveryFaultFreeRawObjectKeptAsync(FaultPipeline pipeline)
    {
        var raw = await pipeline.RawObjectsAsync();
        foreach (var (key, bytes) in suite.RawObjects)
        {
            Assert.True(raw.TryGetValue(key, out var kept) && kept == bytes, $"raw object {key} was lost or changed");
        }
    }

    /// <summary>Every object a run's manifest lists is in the raw bucket.</summary>
    private static async Task AssertEveryListedRawObjectExistsAsync(FaultPipeline pipeline)
    {
        foreach (var key in await TransformFunctionTests.ListAsync(pipeline.Raw, LakeLayout.Manifests))
        {
            var manifest = await pipeline.ManifestAsync(key);
            foreach (var listed in manifest.GetProperty("sources").EnumerateArray().SelectMany(s => s.GetProperty("objects").EnumerateArray()))
            {
                Assert.True(await pipeline.Raw.ExistsAsync(listed.GetString()!), $"{key} lists {listed.GetString()}, which is gone");
            }
        }
    }

    private static int Requests(JsonElement manifest) => manifest.GetProperty("requests").GetInt32();

    private static JsonElement Source(JsonElement manifest, string subject) =>
        manifest.GetProperty("sources").EnumerateArray().Single(s => s.GetProperty("subject").GetString() == subject);

    [Theory]
    [InlineData("first")]
    [InlineData("middle")]
    [InlineData("last")]
    public async Task The_emulator_stopped_between_the_writes_of_a_transformation_fails_it_and_its_retry_publishes_the_fault_free_lake(string write)
    {
        // How many writes the day's invocation makes on the lake (tables, digests, current-state tables, reports).
        int writes;
        await using (var calm = await FaultPipeline.StartAsync(suite.Server))
        {
            var calmRuns = await calm.ExtractAllDaysAsync();
            await calm.TransformAsync(calm.ManifestEvent(calmRuns[0]));
            var counting = new OutageAtWrite(calm.Lake, int.MaxValue, () => throw new InvalidOperationException("no outage in the count"));
            await calm.TransformAsync(calm.ManifestEvent(calmRuns[1]), lake: counting);
            writes = counting.Writes;
        }
        Assert.True(writes > 3, $"the transformation writes ({writes} writes)");
        await using var pipeline = await FaultPipeline.StartAsync(suite.Server);
        var manifests = await pipeline.ExtractAllDaysAsync();
        await pipeline.TransformAsync(pipeline.ManifestEvent(manifests[0]));
        // S3 stops as the invocation starts this write, its writes before it made: the lake holds part of its publication.
        var outage = new OutageAtWrite(pipeline.Lake, write switch { "first" => 1, "middle" => writes / 2, _ => writes }, pipeline.StartOutageAsync);

        await Assert.ThrowsAnyAsync<Exception>(() => pipeline.TransformAsync(pipeline.ManifestEvent(manifests[1]), lake: outage));
        await pipeline.EndOutageAsync(await outage.Kept.Task.WaitAsync(TimeSpan.FromSeconds(60)));
        // Lambda retries the failed asynchronous invocation with the same event.
        await pipeline.TransformAsync(pipeline.ManifestEvent(manifests[1]));
        await pipeline.TransformAsync(pipeline.ManifestEvent(manifests[2]));

        await AssertFaultFreeLakeAsync(pipeline);
        await AssertEveryFaultFreeRawObjectKeptAsync(pipeline);
        Assert.Single(pipeline.FailedInvocations);
    }

    /// <summary>Stops S3 (keeping what it held) as the <paramref name="write"/>th write on the lake begins; counts the writes.</summary>
    private sealed class OutageAtWrite(IObjectStore inner, int write, Func<Task<IReadOnlyList<(string Bucket, string Key, byte[] Bytes)>>> stop)
        : ForwardingStore(inner)
    {
        private int _writes;

        public int Writes => _writes;

        public TaskCompletionSource<IReadOnlyList<(string Bucket, string Key, byte[] Bytes)>> Kept { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
        {
            var at = Interlocked.Increment(ref _writes);
            if (at == write)
            {
                Kept.SetResult(await stop());
            }
            else if (at > write)
            {
                await Kept.Task;
            }
            await base.PutAsync(key, content, contentType, cancellationToken);
        }
    }

    /// <summary>The raw bucket, until the emulator goes down on the given read, as an outage mid-transformation.</summary>
    private sealed class OutageAfterReads(IObjectStore inner, int reads, Func<Task<IReadOnlyList<(string Bucket, string Key, byte[] Bytes)>>> stop)
        : ForwardingStore(inner)
    {
        private int _reads;

        public TaskCompletionSource<IReadOnlyList<(string Bucket, string Key, byte[] Bytes)>> Kept { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
        {
            var read = Interlocked.Increment(ref _reads);
            if (read == reads)
            {
                Kept.SetResult(await stop());
            }
            else if (read > reads)
            {
                await Kept.Task;
            }
            return await base.OpenReadAsync(key, cancellationToken);
        }
    }
}
