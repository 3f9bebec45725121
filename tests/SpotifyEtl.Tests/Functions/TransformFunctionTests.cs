using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpotifyEtl.Functions;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Spotify;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Storage;
using SpotifyEtl.Transformation;
using SpotifyEtl.Transformation.Current;
using Xunit;

namespace SpotifyEtl.Tests.Functions;

public sealed class TransformFunctionTests : IDisposable
{
    private const string RawBucket = "spotify-stack-raw";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "spotify-etl-function-" + Guid.NewGuid().ToString("N"));
    private readonly LocalFolderStore _raw;
    private readonly LocalFolderStore _lake;
    private readonly StringWriter _log = new();

    public TransformFunctionTests()
    {
        _raw = new LocalFolderStore(Path.Combine(_root, "raw-bucket"));
        _lake = new LocalFolderStore(Path.Combine(_root, "transformed-bucket"));
    }

    [Fact]
    public async Task Handler_transforms_every_record_with_url_encoded_keys()
    {
        var keys = await LandSampleAsync();

        var summary = Invoke(S3Event(keys.Select(key => (RawBucket, Encode(key)))));

        Assert.Equal(keys.Count, summary.GetProperty("records").GetInt32());
        Assert.Equal(keys.Count, summary.GetProperty("transformed").GetInt32());
        Assert.Equal(0, summary.GetProperty("quarantined").GetInt32());
        foreach (var table in TableNames.Published.Except([TableNames.SavedTracks, TableNames.TopItems]))
        {
            Assert.True(await _lake.ExistsAsync(TableFormat.Parquet.PartitionKey(table, SampleOptions.DefaultLastDay)), $"no {table} table");
        }
        foreach (var run in keys.Select(key => RawObjectKey.Parse(key)).Select(key => (key.SnapshotDate, key.RunId)).Distinct())
        {
            Assert.True(await _lake.ExistsAsync(LakeLayout.ReportKey(run.SnapshotDate, run.RunId)), $"no report for run {run.RunId}");
        }
    }

    [Fact]
    public async Task A_manifest_event_transforms_the_runs_raw_objects_once_and_publishes_each_table_once()
    {
        var keys = await LandSampleAsync();
        var run = RawObjectKey.Parse(keys[0]).RunId;
        var manifest = await LandManifestAsync(run, keys);

        var summary = Invoke(S3Event([(RawBucket, Encode(manifest))]));

        Assert.Equal(1, summary.GetProperty("manifests").GetInt32());
        Assert.Equal(keys.Count, summary.GetProperty("transformed").GetInt32());
        var partitions = summary.GetProperty("partitions").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains($"songs/snapshot_date={SampleOptions.DefaultLastDay:yyyy-MM-dd}", partitions);
        Assert.True(await _lake.ExistsAsync(LakeLayout.FragmentKey(SampleOptions.DefaultLastDay, run)), "the run's tables are kept as one fragment");
        // One run fragment; the current-state tables' digests (staging/current/) are counted apart.
        Assert.Single(await ListAsync(_lake, LakeLayout.Staging), key => !key.StartsWith(CurrentLayout.Prefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_manifest_event_transforms_its_own_run_and_day_only_whatever_else_the_bucket_holds()
    {
        await new SampleGenerator(_raw).WriteAsync(new SampleOptions(Days: 3, Items: 40, Seed: 5));
        var runs = (await ListAsync(_raw, LakeLayout.Raw)).GroupBy(key => (RawObjectKey.Parse(key).SnapshotDate, RawObjectKey.Parse(key).RunId)).ToList();
        Assert.True(runs.Select(r => r.Key.SnapshotDate).Distinct().Count() >= 3);
        foreach (var run in runs)
        {
            await LandManifestAsync(run.Key.RunId, run);
        }
        var chosen = runs[runs.Count / 2];

        var summary = Invoke(S3Event([(RawBucket, Encode($"manifests/{chosen.Key.RunId}.json"))]));

        Assert.Equal(chosen.Count(), summary.GetProperty("transformed").GetInt32());
        var day = $"snapshot_date={chosen.Key.SnapshotDate:yyyy-MM-dd}/";
        var written = await ListAsync(_lake, LakeLayout.Transformed);
        Assert.NotEmpty(written);
        Assert.All(written.Where(key => key.Contains("snapshot_date=", StringComparison.Ordinal)), key => Assert.Contains(day, key, StringComparison.Ordinal));
        Assert.All(summary.GetProperty("partitions").EnumerateObject(), partition => Assert.EndsWith(day.TrimEnd('/'), partition.Name, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_replay_invocation_rebuilds_whole_days_from_their_raw_objects()
    {
        var keys = await LandSampleAsync();
        var day = SampleOptions.DefaultLastDay;

        var summary = Invoke($$"""{"replay_dates": ["{{day:yyyy-MM-dd}}"]}""");

        Assert.Equal(keys.Count, summary.GetProperty("transformed").GetInt32());
        Assert.True(await _lake.ExistsAsync(TableFormat.Parquet.PartitionKey(TableNames.Songs, day)));
        var error = Assert.Throws<InvalidDataException>(() => Invoke("""{"replay_dates": ["yesterday"]}"""));
        Assert.Contains("'yesterday', which is not a yyyy-MM-dd date", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replay_of_a_day_whose_raw_objects_were_all_removed_by_hand_leaves_its_rows_out_of_the_tables()
    {
        var keys = await LandSampleAsync();
        var day = SampleOptions.DefaultLastDay;
        Invoke($$"""{"replay_dates": ["{{day:yyyy-MM-dd}}"]}""");
        Assert.True(await _lake.ExistsAsync(TableFormat.Parquet.PartitionKey(TableNames.Songs, day)));
        // Every run of the day removed by hand, manifests too: nothing says its objects were ever there.
        foreach (var key in keys)
        {
            await _raw.DeleteAsync(key);
        }
        foreach (var manifest in await ListAsync(_raw, "manifests/"))
        {
            await _raw.DeleteAsync(manifest);
        }

        // With a date no run ever landed on, typed by mistake beside it.
        var summary = Invoke($$"""{"replay_dates": ["{{day:yyyy-MM-dd}}", "2020-01-01"]}""");

        Assert.Equal(0, summary.GetProperty("transformed").GetInt32());
        var partitions = (await ListAsync(_lake, LakeLayout.Transformed)).Where(key => key.Contains("snapshot_date=", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(partitions, key => key.Contains($"snapshot_date={day:yyyy-MM-dd}/", StringComparison.Ordinal));
        Assert.DoesNotContain(partitions, key => key.Contains("snapshot_date=2020-01-01/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreadable_manifest_is_quarantined_with_its_reason_instead_of_failing_forever()
    {
        await _raw.PutTextAsync("manifests/20261120T060000Z.json", "{\"run_id\": ", "application/json");

        var summary = Invoke(S3Event([(RawBucket, "manifests/20261120T060000Z.json")]));

        Assert.Equal(0, summary.GetProperty("transformed").GetInt32());
        // Counted where the quarantined-objects alarm looks: the summary's metric.
        Assert.Equal(1, summary.GetProperty("quarantined").GetInt32());
        var reason = await _raw.ReadAllTextAsync("quarantine/manifests/20261120T060000Z.json.reason.txt");
        Assert.Contains("replay their day", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Manifests_broken_in_any_way_are_each_set_aside_with_their_reason_and_counted()
    {
        var keys = await LandSampleAsync();
        var valid = Encoding.UTF8.GetBytes(ManifestJson("20261120T060000Z", keys.Take(3)));
        var random = new Random(26);
        var broken = new List<(string Key, byte[] Body)>();
        // Cut short anywhere (a write that stopped half-way), and whole JSON of the wrong shape.
        foreach (var length in Enumerable.Range(0, 24).Select(_ => random.Next(0, valid.Length - 1)).Distinct())
        {
            broken.Add(($"manifests/20261120T06{broken.Count:00}00Z.json", valid[..length]));
        }
        foreach (var body in new[] { "null", "[]", "{\"sources\": 5}", "{\"sources\": [{\"objects\": \"raw/x.json\"}]}", "\"manifest\"" })
        {
            broken.Add(($"manifests/20261120T07{broken.Count:00}00Z.json", Encoding.UTF8.GetBytes(body)));
        }
        // A null where a source or a key belongs (a manifest another tool wrote, or edited by hand).
        foreach (var seed in Enumerable.Range(0, 8))
        {
            broken.Add(($"manifests/20261120T08{broken.Count:00}00Z.json", Encoding.UTF8.GetBytes(ManifestWithNull("20261120T060000Z", keys, seed))));
        }
        foreach (var (key, body) in broken)
        {
            await _raw.PutAsync(key, new MemoryStream(body), "application/json");
        }

        var summary = Invoke(S3Event(broken.Select(b => (RawBucket, Encode(b.Key)))));

        Assert.Equal(broken.Count, summary.GetProperty("manifests").GetInt32());
        Assert.Equal(broken.Count, summary.GetProperty("quarantined").GetInt32());
        foreach (var (key, body) in broken)
        {
            Assert.Equal(body, await _raw.ReadAllBytesAsync(key));
            Assert.Equal(body, await _raw.ReadAllBytesAsync(LakeLayout.QuarantineKey(key)));
            var reason = await _raw.ReadAllTextAsync(LakeLayout.QuarantineKey(key) + LakeLayout.ReasonSuffix);
            Assert.StartsWith($"Manifest '{key}' cannot be read (", reason, StringComparison.Ordinal);
        }
        Assert.Equal(broken.Count, LogLines().Count(line => line.GetProperty("event").GetString() == "transform_object"
            && line.GetProperty("status").GetString() == "quarantined"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task A_manifest_with_a_bare_word_is_set_aside_with_a_reason_that_does_not_quote_the_rest_of_it(int seed)
    {
        // JSON's reader quotes a bare word from where it starts to the end of its input: a manifest broken so (a word left
        // unquoted, true or null misspelt) would put the rest of itself into the reason file and the log line, which
        // CloudWatch cuts at 256 KB, breaking its JSON. The reason names the place instead.
        var keys = await LandSampleAsync();
        var random = new Random(seed);
        const string Tail = "THE-REST-OF-THE-MANIFEST";
        var body = WithUnquotedWord(ManifestJson("20261120T060000Z", keys), random, string.Concat(Enumerable.Repeat(Tail, 2000)));
        const string Key = "manifests/20261120T090000Z.json";
        await _raw.PutTextAsync(Key, body, "application/json");

        var summary = Invoke(S3Event([(RawBucket, Encode(Key))]));

        Assert.Equal(1, summary.GetProperty("quarantined").GetInt32());
        var reason = await _raw.ReadAllTextAsync(LakeLayout.QuarantineKey(Key) + LakeLayout.ReasonSuffix);
        Assert.StartsWith($"Manifest '{Key}' cannot be read (", reason, StringComparison.Ordinal);
        Assert.DoesNotContain(Tail, reason, StringComparison.Ordinal);
        var line = LogLines().Single(l => l.GetProperty("event").GetString() == "transform_object");
        Assert.DoesNotContain(Tail, line.GetRawText(), StringComparison.Ordinal);
        Assert.True(line.GetRawText().Length < 2048, $"a log line of {line.GetRawText().Length} characters");
        Assert.Equal(body, await _raw.ReadAllTextAsync(LakeLayout.QuarantineKey(Key)));
    }

    /// <summary>
    /// The JSON with an unquoted word that starts as true, false or null would, then <paramref name="tail"/>, where one of
    /// its values begins (after a colon or an opening bracket outside a string). JSON's reader takes such a word for a
    /// misspelt literal and quotes it from where it starts to the end of its input; of another word
    /// (<see cref="Spotify.GarbledTokenResponseTests.UnquotedWord"/> makes those too) it quotes the first character alone.
    /// </summary>
    internal static string WithUnquotedWord(string json, Random random, string tail)
    {
        var starts = Enumerable.Range(0, json.Length).Where(i => json[i] is ':' or '[' && json[..i].Count(c => c == '"') % 2 == 0).ToList();
        var at = starts[random.Next(starts.Count)] + 1;
        var word = "tfn"[random.Next(3)] + new string((char)random.Next('a', 'z' + 1), random.Next(0, 5));
        return json[..at] + " " + word + tail + json[at..];
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_replay_of_a_day_whose_manifest_holds_a_null_rebuilds_the_day_from_what_it_holds(int seed)
    {
        var keys = await LandSampleAsync();
        var day = SampleOptions.DefaultLastDay;
        foreach (var run in keys.Select(key => RawObjectKey.Parse(key).RunId).Distinct())
        {
            await _raw.PutTextAsync(ExtractionManifest.KeyFor(run), ManifestWithNull(run, keys, seed), "application/json");
        }

        var summary = Invoke($$"""{"replay_dates": ["{{day:yyyy-MM-dd}}"]}""");

        Assert.Equal(keys.Count, summary.GetProperty("transformed").GetInt32());
        Assert.True(await _lake.ExistsAsync(TableFormat.Parquet.PartitionKey(TableNames.Songs, day)));
    }

    /// <summary>A manifest of three sources naming <paramref name="keys"/>, one source or one key of which is null.</summary>
    private static string ManifestWithNull(string run, IReadOnlyList<string> keys, int seed)
    {
        var random = new Random(seed);
        var sources = new JsonArray(Enumerable.Range(0, 3).Select(part => (JsonNode)new JsonObject
        {
            ["source"] = $"source-{part}",
            ["objects"] = new JsonArray(keys.Where((_, i) => i % 3 == part).Select(key => (JsonNode)JsonValue.Create(key)!).ToArray()),
        }).ToArray());
        var at = random.Next(3);
        if (seed % 2 == 0)
        {
            sources[at] = null;
        }
        else
        {
            var objects = sources[at]!["objects"]!.AsArray();
            objects[random.Next(objects.Count)] = null;
        }
        return new JsonObject { ["run_id"] = run, ["outcome"] = "succeeded", ["sources"] = sources }.ToJsonString();
    }

    [Fact]
    public async Task A_manifest_whose_quarantine_copy_fails_leaves_no_reason_alone_and_is_set_aside_on_the_retry()
    {
        const string key = "manifests/20261120T060000Z.json";
        await _raw.PutTextAsync(key, "{\"run_id\": ", "application/json");
        var failing = new FailingCopyStore(_raw);
        var notification = S3Event([(RawBucket, key)]);

        Assert.Throws<IOException>(() => new TransformFunction(failing, _lake, RawBucket, _log).RunHandler(ToStream(notification)));

        // The store takes the reason back, so quarantine/ holds no reason without its copy.
        Assert.Empty(await ListAsync(_raw, LakeLayout.Quarantine));
        failing.Broken = false;
        var summary = JsonDocument.Parse(new TransformFunction(failing, _lake, RawBucket, _log).RunHandler(ToStream(notification))).RootElement;
        Assert.Equal(1, summary.GetProperty("quarantined").GetInt32());
        Assert.Equal([LakeLayout.QuarantineKey(key), LakeLayout.QuarantineKey(key) + LakeLayout.ReasonSuffix],
            await ListAsync(_raw, LakeLayout.Quarantine));
    }

    /// <summary>A run's manifest as the extractor writes it last: every raw key it landed, per source.</summary>
    private async Task<string> LandManifestAsync(string run, IEnumerable<string> keys)
    {
        var key = $"manifests/{run}.json";
        await _raw.PutTextAsync(key, ManifestJson(run, keys), "application/json");
        return key;
    }

    internal static string ManifestJson(string run, IEnumerable<string> keys)
    {
        var objects = new JsonArray(keys.Select(key => (JsonNode)JsonValue.Create(key)!).ToArray());
        return new JsonObject
        {
            ["run_id"] = run,
            ["outcome"] = "succeeded",
            ["sources"] = new JsonArray(new JsonObject { ["source"] = "sample", ["objects"] = objects }),
        }.ToJsonString();
    }

    [Fact]
    public void Event_keys_are_decoded_as_S3_encodes_them()
    {
        Assert.Equal("raw/playlist/snapshot_date=2026-11-20/a b+c/ü.json",
            S3EventKeys.Decode("raw/playlist/snapshot_date%3D2026-11-20/a+b%2Bc/%C3%BC.json"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Every_key_S3_can_hold_is_decoded_from_its_event_form_back_to_itself(int seed)
    {
        string[] pieces = [" ", "+", ":", "%", "%2B", "=", "&", "?", "#", "~", "'", "\"", ",", "(", ")", "ü", "é", "夜", "🎵", "a", "Z", "0", "-", "_", ".", "*", "/"];
        var random = new Random(seed);
        for (var i = 0; i < 1_000; i++)
        {
            var key = "raw/" + string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => pieces[random.Next(pieces.Length)])) + ".json";

            Assert.Equal(key, S3EventKeys.Decode(AsS3Encodes(key)));
        }
    }

    /// <summary>
    /// A key as S3 puts it in an event notification: form-style URL encoding of its UTF-8 bytes, a space as '+', letters,
    /// digits, '/' and "-_.*" as they are.
    /// </summary>
    private static string AsS3Encodes(string key)
    {
        var encoded = new System.Text.StringBuilder();
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(key))
        {
            var c = (char)b;
            encoded.Append(char.IsAsciiLetterOrDigit(c) || "/-_.*".Contains(c) ? c.ToString() : c == ' ' ? "+" : $"%{b:X2}");
        }
        return encoded.ToString();
    }

    [Fact]
    public async Task A_plus_sign_in_an_event_key_is_a_space_in_the_object_key()
    {
        // Not the raw layout (a subject never has a space), so the object is quarantined; reading it
        // under its decoded name proves the '+' was decoded, or the copy would find nothing.
        const string key = "raw/playlist/snapshot_date=2026-11-20/My Playlist/20261120T060000Z-p0001.json";
        await _raw.PutTextAsync(key, "{}", "application/json");

        var summary = Invoke(S3Event([(RawBucket, "raw/playlist/snapshot_date%3D2026-11-20/My+Playlist/20261120T060000Z-p0001.json")]));

        Assert.Equal(1, summary.GetProperty("quarantined").GetInt32());
        Assert.True(await _raw.ExistsAsync(LakeLayout.QuarantineKey(key)));
        Assert.Contains("does not follow the raw layout", await _raw.ReadAllTextAsync(LakeLayout.QuarantineKey(key) + ".reason.txt"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Records_outside_raw_of_other_buckets_or_not_creations_are_ignored_and_logged()
    {
        var keys = await LandSampleAsync();
        await _raw.PutTextAsync("state/recently_played.json", "{}", "application/json");
        var record = keys[0];

        var summary = Invoke(S3Event(
        [
            (RawBucket, Encode(record)),
            (RawBucket, "state/recently_played.json"),
            (RawBucket, "quarantine/" + Encode(record["raw/".Length..])),
            ("someone-elses-bucket", Encode(record)),
        ], extra: new JsonObject
        {
            ["eventName"] = "ObjectRemoved:Delete",
            ["s3"] = new JsonObject { ["bucket"] = new JsonObject { ["name"] = RawBucket }, ["object"] = new JsonObject { ["key"] = Encode(keys[1]) } },
        }));

        Assert.Equal(5, summary.GetProperty("records").GetInt32());
        // A raw object's event (a manual upload) transforms its whole run, so the run's fragment stays complete.
        var run = RawObjectKey.Parse(record).RunId;
        Assert.Equal(keys.Count(key => RawObjectKey.Parse(key).RunId == run), summary.GetProperty("transformed").GetInt32());
        Assert.Equal(4, summary.GetProperty("ignored").GetInt32());
        var ignored = LogLines().Where(line => line.GetProperty("event").GetString() == "transform_record_ignored").ToList();
        Assert.Equal(4, ignored.Count);
        Assert.Contains(ignored, line => line.GetProperty("reason").GetString()!.Contains("outside 'manifests/', 'raw/' and 'import/'", StringComparison.Ordinal)
                                         && line.GetProperty("key").GetString() == "state/recently_played.json");
        Assert.Contains(ignored, line => line.GetProperty("reason").GetString()!.Contains("someone-elses-bucket", StringComparison.Ordinal));
        Assert.Contains(ignored, line => line.GetProperty("reason").GetString()!.Contains("ObjectRemoved:Delete", StringComparison.Ordinal));
        Assert.Empty(await ListAsync(_raw, LakeLayout.Quarantine));
    }

    [Fact]
    public async Task A_bad_object_is_quarantined_the_others_are_transformed_and_nothing_raw_is_deleted()
    {
        var keys = await LandSampleAsync();
        var bad = new RawObjectKey(RawSource.PlaylistItems, SampleOptions.DefaultLastDay, "truncated1", "20261120T060000Z", 1).ToString();
        await _raw.PutTextAsync(bad, "{\"items\":[{\"track\":{\"id\":\"abc\"", "application/json");
        var before = await SnapshotAsync(_raw, LakeLayout.Raw);

        var summary = Invoke(S3Event(keys.Append(bad).Select(key => (RawBucket, Encode(key)))));

        Assert.Equal(keys.Count, summary.GetProperty("transformed").GetInt32());
        Assert.Equal(1, summary.GetProperty("quarantined").GetInt32());
        Assert.Equal(before, await SnapshotAsync(_raw, LakeLayout.Raw));
        Assert.Equal(await _raw.ReadAllBytesAsync(bad), await _raw.ReadAllBytesAsync(LakeLayout.QuarantineKey(bad)));
        Assert.Contains("not valid JSON", await _raw.ReadAllTextAsync(LakeLayout.QuarantineKey(bad) + ".reason.txt"), StringComparison.Ordinal);
        var line = Assert.Single(LogLines(), line => line.TryGetProperty("key", out var key) && key.GetString() == bad);
        Assert.Equal("quarantined", line.GetProperty("status").GetString());
        Assert.Equal(LakeLayout.QuarantineKey(bad), line.GetProperty("quarantine_key").GetString());
    }

    [Fact]
    public async Task Handling_the_same_event_twice_writes_byte_identical_files()
    {
        var keys = await LandSampleAsync();
        var bad = new RawObjectKey(RawSource.RecentlyPlayed, SampleOptions.DefaultLastDay, "me", "20261120T070000Z", 1).ToString();
        await _raw.PutTextAsync(bad, "", "application/json");
        var notification = S3Event(keys.Append(bad).Select(key => (RawBucket, Encode(key))));

        var first = WithoutMetricTimestamp(Invoke(notification));
        var lakeAfterFirst = await SnapshotAsync(_lake, "");
        var quarantineAfterFirst = await SnapshotAsync(_raw, LakeLayout.Quarantine);
        var second = WithoutMetricTimestamp(Invoke(notification));

        Assert.Equal(first, second);
        Assert.Equal(lakeAfterFirst, await SnapshotAsync(_lake, ""));
        Assert.Equal(quarantineAfterFirst, await SnapshotAsync(_raw, LakeLayout.Quarantine));
        Assert.Contains(lakeAfterFirst.Keys, key => key.StartsWith(LakeLayout.Transformed, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_quarantined_object_gets_a_json_log_line_with_its_reason_and_transformed_ones_only_the_summary()
    {
        var keys = await LandSampleAsync();
        var bad = new RawObjectKey(RawSource.RecentlyPlayed, SampleOptions.DefaultLastDay, "me", "20261120T070000Z", 1).ToString();
        await _raw.PutTextAsync(bad, "{\"items\": 42}", "application/json");

        Invoke(S3Event(keys.Append(bad).Select(key => (RawBucket, Encode(key)))));

        var objectLines = LogLines().Where(line => line.GetProperty("event").GetString() == "transform_object").ToList();
        var line = Assert.Single(objectLines);
        Assert.Equal(bad, line.GetProperty("key").GetString());
        Assert.Equal("quarantined", line.GetProperty("status").GetString());
        Assert.Contains("unexpected shape", line.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var summary = LogLines().Last();
        Assert.Equal("transform_completed", summary.GetProperty("event").GetString());
        Assert.Equal(1, summary.GetProperty("quarantined").GetInt32());
        // The summary is an Embedded Metric Format record: CloudWatch makes the counts metrics an alarm can watch.
        var metrics = summary.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0];
        Assert.Equal("SpotifyStack", metrics.GetProperty("Namespace").GetString());
        Assert.Contains(metrics.GetProperty("Metrics").EnumerateArray(), m => m.GetProperty("Name").GetString() == "quarantined");
    }

    [Fact]
    public void The_S3_test_event_without_records_is_a_successful_no_op()
    {
        var summary = Invoke("""{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-21T06:00:00.000Z","Bucket":"spotify-stack-raw","RequestId":"R","HostId":"H"}""");

        Assert.Equal(0, summary.GetProperty("records").GetInt32());
        Assert.Equal(0, summary.GetProperty("transformed").GetInt32());
    }

    [Fact]
    public void An_input_that_is_not_json_fails_the_invocation_with_a_clear_message()
    {
        var error = Assert.Throws<InvalidDataException>(() => Invoke("not an event"));

        Assert.Contains("not an S3 event notification", error.Message, StringComparison.Ordinal);
        // Logged like any other failure, so that a query for transform_failed finds it.
        var failure = Assert.Single(LogLines());
        Assert.Equal("transform_failed", failure.GetProperty("event").GetString());
        Assert.Equal(error.Message, failure.GetProperty("message").GetString());
    }

    [Fact]
    public async Task An_infrastructure_error_fails_the_invocation_so_that_Lambda_retries_it()
    {
        var keys = await LandSampleAsync();
        var function = new TransformFunction(new UnavailableStore(_raw), _lake, RawBucket, _log);

        var error = Assert.Throws<IOException>(() => function.RunHandler(ToStream(S3Event([(RawBucket, Encode(keys[0]))]))));

        Assert.Contains("SlowDown", error.Message, StringComparison.Ordinal);
        var failure = LogLines().Single(line => line.GetProperty("event").GetString() == "transform_failed");
        Assert.Equal("error", failure.GetProperty("level").GetString());
        Assert.Empty(await ListAsync(_raw, LakeLayout.Quarantine));
    }

#pragma warning disable CA2201 // The runtime's own exceptions, thrown as the runtime throws them.
    public static TheoryData<Exception, string> MemoryRunOut() => new()
    {
        // Met reading the run's pages, or its manifest (read first, to tell whether the run is whole).
        { new OutOfMemoryException(), "raw/" },
        { new OutOfMemoryException(), "manifests/" },
        { new TaskSchedulerException(new OutOfMemoryException()), "raw/" },
        { new AggregateException(new FormatException("bad number"), new OutOfMemoryException()), "raw/" },
        { new AggregateException(new FormatException("bad number"), new OutOfMemoryException()), "manifests/" },
    };
#pragma warning restore CA2201

    [Theory]
    [MemberData(nameof(MemoryRunOut))]
    public async Task Memory_run_out_while_reading_another_run_of_the_day_fails_the_invocation_and_publishes_nothing(Exception failure, string prefix)
    {
        // Another run of the day, ended and never staged (its extraction stopped before its manifest): the event's day
        // folds it too. A failure of that run's own (a page refused) is its alone, and the day is published without it;
        // memory that ran out is the invocation's, and a day published without a run for it would look whole.
        var keys = await LandSampleAsync();
        var run = RawObjectKey.Parse(keys[0]).RunId;
        var other = run[..9] + "05" + run[11..];
        foreach (var key in keys)
        {
            await _raw.PutAsync(key.Replace(run, other, StringComparison.Ordinal), new MemoryStream(await _raw.ReadAllBytesAsync(key)), "application/json");
        }
        var manifest = await LandManifestAsync(run, keys);
        var function = new TransformFunction(new RunOutOfMemory(_raw, prefix, other, failure), _lake, RawBucket, _log);

        var thrown = Assert.ThrowsAny<Exception>(() => function.RunHandler(ToStream(S3Event([(RawBucket, Encode(manifest))]))));

        Assert.True(ExceptionChain.RanOutOfMemory(thrown), $"failed with {thrown.GetType().Name}: {thrown.Message}");
        Assert.False(await _lake.ExistsAsync(TableFormat.Parquet.PartitionKey(TableNames.Songs, SampleOptions.DefaultLastDay)), "the day was published");
    }

    [Fact]
    public void Settings_name_the_missing_variable()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            TransformSettings.FromEnvironment(name => name == TransformSettings.RawBucketVariable ? "raw" : null));

        Assert.Contains("TRANSFORMED_BUCKET", error.Message, StringComparison.Ordinal);
        var variables = new Dictionary<string, string?>
        {
            [TransformSettings.RawBucketVariable] = "raw",
            [TransformSettings.TransformedBucketVariable] = "out",
        };
        Assert.Equal(new TransformSettings("raw", "out", TableFormat.Parquet), TransformSettings.FromEnvironment(variables.GetValueOrDefault));
        variables[TransformSettings.TableFormatVariable] = "CSV";
        Assert.Equal(TableFormat.Csv, TransformSettings.FromEnvironment(variables.GetValueOrDefault).Format);
        variables[TransformSettings.TableFormatVariable] = "orc";
        var format = Assert.Throws<InvalidOperationException>(() => TransformSettings.FromEnvironment(variables.GetValueOrDefault));
        Assert.Contains("TABLE_FORMAT is 'orc': it must be parquet or csv", format.Message, StringComparison.Ordinal);
        variables[TransformSettings.TableFormatVariable] = null;
        Assert.Null(TransformSettings.FromEnvironment(variables.GetValueOrDefault).TimeBudget);
        variables[TransformSettings.TimeBudgetVariable] = "105";
        Assert.Equal(TimeSpan.FromSeconds(105), TransformSettings.FromEnvironment(variables.GetValueOrDefault).TimeBudget);
        foreach (var wrong in new[] { "0", "-5", "1.5", "two minutes" })
        {
            variables[TransformSettings.TimeBudgetVariable] = wrong;
            var budget = Assert.Throws<InvalidOperationException>(() => TransformSettings.FromEnvironment(variables.GetValueOrDefault));
            Assert.Contains($"TRANSFORM_TIME_BUDGET_SECONDS is '{wrong}': it must be a whole number of seconds above 0", budget.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Each_stack_publishes_its_counts_in_the_metric_namespace_its_environment_names()
    {
        var variables = new Dictionary<string, string?>
        {
            [TransformSettings.RawBucketVariable] = "raw",
            [TransformSettings.TransformedBucketVariable] = "out",
        };
        Assert.Equal(StackContract.Metrics.Namespace, TransformSettings.FromEnvironment(variables.GetValueOrDefault).MetricsNamespace);
        foreach (var stack in new[] { "SpotifyStack/spotify-dev", "SpotifyStack/spotify-production" })
        {
            variables[StackContract.TransformEnvironment.MetricsNamespace] = stack;
            var settings = TransformSettings.FromEnvironment(variables.GetValueOrDefault);
            var function = new TransformFunction(_raw, _lake, RawBucket, _log, settings.Format, settings.MetricsNamespace);
            using var output = function.RunHandler(ToStream("""{"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"raw"}"""));

            var summary = JsonDocument.Parse(output).RootElement;
            Assert.Equal(stack, summary.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Namespace").GetString());
        }
    }

    private static string WithoutMetricTimestamp(JsonElement summary)
    {
        var node = JsonNode.Parse(summary.GetRawText())!.AsObject();
        node.Remove("_aws");
        return node.ToJsonString();
    }

    /// <summary>The raw objects of a small sample, as the extractor lands them: keys hold '='.</summary>
    /// <summary>
    /// A day whose only extraction of a playlist stopped partway (a page of its items never landed, drawn from the seed) is
    /// logged as a warning naming the day, the playlist and how much of it landed: the tables cannot say it, and the
    /// playlist questions in Athena read the rest as dropped out.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_day_holding_part_of_a_playlist_is_logged_as_a_warning_naming_it(int seed)
    {
        var random = new Random(seed);
        await new SampleGenerator(_raw).WriteAsync(new SampleOptions(Days: 1, Items: random.Next(101, 240), Seed: seed));
        var keys = await ListAsync(_raw, LakeLayout.Raw);
        var pages = keys.Where(key => key.StartsWith(LakeLayout.Raw + "playlist_items/", StringComparison.Ordinal)).ToList();
        var gone = pages[random.Next(pages.Count)];
        await _raw.DeleteAsync(gone);
        var playlist = gone.Split('/')[^2];
        var landed = keys.Where(key => key != gone).ToList();

        Invoke(S3Event(landed.Select(key => (RawBucket, Encode(key)))));

        var line = Assert.Single(LogLines(), l => l.GetProperty("event").GetString() == "transform_playlist_partial");
        Assert.Equal("warn", line.GetProperty("level").GetString());
        Assert.Equal($"{SampleOptions.DefaultLastDay:yyyy-MM-dd}", line.GetProperty("snapshot_date").GetString());
        Assert.Equal(playlist, line.GetProperty("playlist_id").GetString());
        Assert.InRange(line.GetProperty("entries").GetInt32(), 1, line.GetProperty("total").GetInt32() - 1);
        Assert.Contains("read the missing items as dropped out", line.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private async Task<List<string>> LandSampleAsync()
    {
        await new SampleGenerator(_raw).WriteAsync(new SampleOptions(Days: 1, Items: 60, Seed: 3));
        return await ListAsync(_raw, LakeLayout.Raw);
    }

    private JsonElement Invoke(string notification)
    {
        var function = new TransformFunction(_raw, _lake, RawBucket, _log);
        using var output = function.RunHandler(ToStream(notification));
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private List<JsonElement> LogLines() =>
        _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();

    internal static Stream ToStream(string text) => new MemoryStream(Encoding.UTF8.GetBytes(text));

    /// <summary>A key as S3 puts it into an event: form-URL-encoded ('=' as %3D, space as '+').</summary>
    internal static string Encode(string key) => string.Join('/', key.Split('/').Select(System.Net.WebUtility.UrlEncode));

    internal static string S3Event(IEnumerable<(string Bucket, string EncodedKey)> records, JsonObject? extra = null)
    {
        var array = new JsonArray();
        foreach (var (bucket, key) in records)
        {
            array.Add(new JsonObject
            {
                ["eventVersion"] = "2.1",
                ["eventSource"] = "aws:s3",
                ["awsRegion"] = "eu-west-1",
                ["eventTime"] = "2026-11-21T06:00:01.000Z",
                ["eventName"] = "ObjectCreated:Put",
                ["s3"] = new JsonObject
                {
                    ["s3SchemaVersion"] = "1.0",
                    ["bucket"] = new JsonObject { ["name"] = bucket, ["arn"] = $"arn:aws:s3:::{bucket}" },
                    ["object"] = new JsonObject { ["key"] = key, ["size"] = 1234, ["sequencer"] = "0055AED6DCD90281E5" },
                },
            });
        }
        if (extra is not null)
        {
            array.Add(extra);
        }
        return new JsonObject { ["Records"] = array }.ToJsonString();
    }

    /// <summary>
    /// Lands a manifest for each run of the raw objects in <paramref name="raw"/>, then hands the function each one's
    /// notification, oldest first: a stack's runs as its extraction ends them.
    /// </summary>
    /// <returns>The manifests' keys, oldest first.</returns>
    internal static async Task<List<string>> TransformEveryRunAsync(IObjectStore raw, TransformFunction function, string rawBucket)
    {
        var manifests = new List<string>();
        foreach (var run in (await ListAsync(raw, LakeLayout.Raw)).GroupBy(key => RawObjectKey.Parse(key).RunId).OrderBy(run => run.Key, StringComparer.Ordinal))
        {
            var manifest = ExtractionManifest.KeyFor(run.Key);
            await raw.PutTextAsync(manifest, ManifestJson(run.Key, run), "application/json");
            manifests.Add(manifest);
        }
        foreach (var manifest in manifests)
        {
            function.RunHandler(ToStream(S3Event([(rawBucket, manifest)]))).Dispose();
        }
        return manifests;
    }

    internal static async Task<List<string>> ListAsync(IObjectStore store, string prefix)
    {
        using var looking = Storage.LambdaRole.TestLooking();
        var keys = new List<string>();
        await foreach (var key in store.ListAsync(prefix))
        {
            keys.Add(key);
        }
        return keys;
    }

    internal static async Task<SortedDictionary<string, string>> SnapshotAsync(IObjectStore store, string prefix)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in await ListAsync(store, prefix))
        {
            files[key] = Convert.ToHexString(await store.ReadAllBytesAsync(key));
        }
        return files;
    }

    public void Dispose()
    {
        _log.Dispose();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    /// <summary>A raw bucket that throttles every read, as S3 does under load.</summary>
    /// <summary>A store whose copies fail while <see cref="Broken"/>; it deletes, as the local lake does.</summary>
    private sealed class FailingCopyStore(IObjectStore inner) : Support.ForwardingStore(inner)
    {
        public volatile bool Broken = true;

        public override Task CopyAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken = default) =>
            Broken ? throw new IOException("the copy failed (injected)") : base.CopyAsync(sourceKey, destinationKey, cancellationToken);
    }

    /// <summary>A raw bucket whose reads of one run's keys under a prefix meet memory run out.</summary>
    private sealed class RunOutOfMemory(IObjectStore inner, string prefix, string run, Exception failure) : Support.ForwardingStore(inner)
    {
        public override Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) =>
            key.StartsWith(prefix, StringComparison.Ordinal) && key.Contains(run, StringComparison.Ordinal) ? throw failure : base.OpenReadAsync(key, cancellationToken);
    }

    private sealed class UnavailableStore(IObjectStore inner) : Support.ForwardingStore(inner)
    {
        public override Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) =>
            throw new IOException($"SlowDown: please reduce your request rate ({key}).");
    }
}
