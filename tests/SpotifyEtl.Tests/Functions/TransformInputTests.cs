using System.Text.Json;
using System.Text.Json.Nodes;
using SpotifyEtl.Functions;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Storage;
using Xunit;

namespace SpotifyEtl.Tests.Functions;

/// <summary>
/// What the transform function is invoked with: S3 event notifications, replays and S3's test event are understood;
/// any other payload fails the invocation with one <c>transform_failed</c> line that names its top-level fields (never
/// their values) and says what to send instead, so that Lambda keeps it in the dead-letter queue and the alarm fires
/// instead of a success that did nothing.
/// </summary>
public sealed class TransformInputTests : IDisposable
{
    private const string RawBucket = "spotify-stack-raw";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "spotify-etl-input-" + Guid.NewGuid().ToString("N"));
    private readonly LocalFolderStore _raw;
    private readonly LocalFolderStore _lake;
    private readonly StringWriter _log = new();

    public TransformInputTests()
    {
        _raw = new LocalFolderStore(Path.Combine(_root, "raw-bucket"));
        _lake = new LocalFolderStore(Path.Combine(_root, "transformed-bucket"));
    }

    public static TheoryData<string, string> Unrecognised => new()
    {
        { "{}", "it has no fields" },
        { "null", "it is JSON null" },
        { "[]", "it is a JSON array" },
        // The Lambda console's test event template.
        { """{"key1":"value1","key2":"value2","key3":"value3"}""", "its top-level fields: key1, key2, key3" },
        { """{"replay_date":["2026-11-20"]}""", "'replay_date' is not read: the replay field is spelled replay_dates" },
        { """{"replayDates":["2026-11-20"]}""", "'replayDates' is not read: the replay field is spelled replay_dates" },
        { """{"records":[]}""", "'records' is not read: S3 spells it Records" },
        {
            """
            {"version":"0","id":"17793124-05d4-b198-2fde-7ededc63b103","detail-type":"Object Created","source":"aws.s3",
             "account":"111122223333","time":"2026-11-21T06:00:01Z","region":"eu-west-1","resources":["arn:aws:s3:::spotify-stack-raw"],
             "detail":{"version":"0","bucket":{"name":"spotify-stack-raw"},"object":{"key":"manifests/20261121T060000Z.json","size":512},
             "request-id":"N4N7GDK58NMKJ12R","requester":"123456789012","reason":"PutObject"}}
            """,
            "is an EventBridge event (its top-level fields: version, id, detail-type, source, account, time, region, resources, detail)"
        },
        // The dead-letter queue's messages handed over by an SQS trigger, or a topic's by a subscription: an on-failure record each.
        {
            """
            {"Records":[{"messageId":"059f36b4-87a3-44ab-83d2-661975830a7d","receiptHandle":"AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
             "body":"{\"version\":\"1.0\",\"requestPayload\":{\"Records\":[]}}","attributes":{"ApproximateReceiveCount":"1"},
             "messageAttributes":{},"md5OfBody":"e4e68fb7bd0e697a0ae8f1bb342846b3","eventSource":"aws:sqs",
             "eventSourceARN":"arn:aws:sqs:eu-west-1:111122223333:transform-dlq","awsRegion":"eu-west-1"}]}
            """,
            "is a batch of SQS messages (send each body's requestPayload"
        },
        {
            """
            {"Records":[{"EventVersion":"1.0","EventSubscriptionArn":"arn:aws:sns:eu-west-1:111122223333:failures:21be56ed","EventSource":"aws:sns",
             "Sns":{"Type":"Notification","MessageId":"95df01b4-ee98-5cb9-9903-4c221d41eb5e","Message":"{\"requestPayload\":{\"Records\":[]}}"}}]}
            """,
            "is an SNS notification (send its message's requestPayload"
        },
    };

    [Theory]
    [MemberData(nameof(Unrecognised))]
    public async Task A_payload_with_neither_Records_nor_replay_dates_fails_with_one_line_naming_its_fields_and_what_to_send(string payload, string expected)
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => InvokeAsync(payload));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("""{"replay_dates": ["yyyy-MM-dd"]}""", error.Message, StringComparison.Ordinal);
        var failure = Assert.Single(LogLines());
        Assert.Equal("transform_failed", failure.GetProperty("event").GetString());
        Assert.Equal(error.Message, failure.GetProperty("message").GetString());
        Assert.Empty(await TransformFunctionTests.ListAsync(_lake, ""));
    }

    [Fact]
    public async Task An_invocation_record_from_the_dead_letter_queue_fails_with_send_its_requestPayload_and_its_requestPayload_then_transforms()
    {
        var manifest = await LandRunAsync();
        var evt = TransformFunctionTests.S3Event([(RawBucket, TransformFunctionTests.Encode(manifest))]);
        var record = DestinationRecord(evt, new Random(7), dropOptional: false);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => InvokeAsync(record.ToJsonString()));

        Assert.Contains("on-failure destination record (its top-level fields: version, timestamp, requestContext, requestPayload, responseContext, responsePayload)",
            error.Message, StringComparison.Ordinal);
        Assert.Contains("send its requestPayload", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("RetriesExhausted", error.Message, StringComparison.Ordinal);
        Assert.Equal("transform_failed", Assert.Single(LogLines()).GetProperty("event").GetString());
        Assert.Empty(await TransformFunctionTests.ListAsync(_lake, ""));

        // What the message says to send transforms the run.
        var summary = await InvokeAsync(record["requestPayload"]!.ToJsonString());
        Assert.Equal(1, summary.GetProperty("manifests").GetInt32());
        Assert.True(summary.GetProperty("transformed").GetInt32() > 0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Generated_payloads_that_are_no_event_fail_naming_their_fields_never_their_values(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 40; round++)
        {
            var before = LogLines().Count;
            var (payload, fields, values) = round % 4 == 3
                ? DestinationRecordCase(random)
                : RandomObject(random);

            var error = await Assert.ThrowsAsync<InvalidDataException>(() => InvokeAsync(payload));

            Assert.All(fields.Take(12), field => Assert.Contains(field, error.Message, StringComparison.Ordinal));
            Assert.All(values, value => Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal));
            Assert.Contains(round % 4 == 3 ? "send its requestPayload" : """{"replay_dates": ["yyyy-MM-dd"]}""", error.Message, StringComparison.Ordinal);
            var lines = LogLines().Skip(before).ToList();
            Assert.Equal("transform_failed", Assert.Single(lines).GetProperty("event").GetString());
        }
        Assert.Empty(await TransformFunctionTests.ListAsync(_lake, ""));
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    [InlineData(24)]
    public async Task A_record_that_is_null_or_lacks_its_bucket_or_object_key_fails_with_one_line_naming_the_part_it_lacks(int seed)
    {
        // Each way a record can lack what it is about: the record itself, or one of its nested parts null or missing.
        (string Path, string Field, string Says)[] breaks =
        [
            ("", "", "is null, not a record"),
            ("", "s3", "has no s3 "),
            ("s3", "bucket", "has no s3.bucket,"),
            ("s3.bucket", "name", "has no s3.bucket.name"),
            ("s3", "object", "has no s3.object,"),
            ("s3.object", "key", "has no s3.object.key"),
        ];
        var random = new Random(seed);
        for (var round = 0; round < 24; round++)
        {
            var before = LogLines().Count;
            var count = random.Next(1, 5);
            var keys = Enumerable.Range(0, count).Select(i => $"raw/playlist/snapshot_date=2026-11-2{random.Next(10)}/p{i}/20261120T060000Z-p0001.json");
            var evt = JsonNode.Parse(TransformFunctionTests.S3Event(keys.Select(k => (RawBucket, TransformFunctionTests.Encode(k)))))!;
            var records = evt["Records"]!.AsArray();
            var broken = random.Next(count);
            var (path, field, says) = breaks[random.Next(breaks.Length)];
            if (field.Length == 0)
            {
                records[broken] = null;
            }
            else
            {
                var parent = path.Split('.', StringSplitOptions.RemoveEmptyEntries).Aggregate((JsonNode)records[broken]!, (node, part) => node[part]!).AsObject();
                if (random.Next(2) == 0)
                {
                    parent[field] = null;
                }
                else
                {
                    parent.Remove(field);
                }
            }

            var error = await Assert.ThrowsAsync<InvalidDataException>(() => InvokeAsync(evt.ToJsonString()));

            Assert.Contains($"Records[{broken}] {says}", error.Message, StringComparison.Ordinal);
            Assert.Contains("s3.bucket.name", error.Message, StringComparison.Ordinal);
            Assert.Contains("""{"replay_dates": ["yyyy-MM-dd"]}""", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error.Message);
            var failure = Assert.Single(LogLines().Skip(before));
            Assert.Equal("transform_failed", failure.GetProperty("event").GetString());
            Assert.Equal(nameof(InvalidDataException), failure.GetProperty("error").GetString());
            Assert.Equal(error.Message, failure.GetProperty("message").GetString());
        }
        Assert.Empty(await TransformFunctionTests.ListAsync(_lake, ""));
        Assert.Empty(await TransformFunctionTests.ListAsync(_raw, LakeLayout.Quarantine));
    }

    public static TheoryData<string> Unreadable => new()
    {
        "",
        "not an event",
        """{"Records":{}}""",
        """{"replay_dates":"2026-11-20"}""",
        """{"replay_dates":null}""",
        """{"Records":null}""",
        """{"Records":null,"replay_dates":null}""",
        """{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"spotify-stack-raw"},"object":{"key":5}}}]}""",
    };

    [Theory]
    [MemberData(nameof(Unreadable))]
    public async Task An_input_that_cannot_be_read_fails_with_exactly_one_transform_failed_line(string payload)
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => InvokeAsync(payload));

        Assert.Contains("S3 event notification", error.Message, StringComparison.Ordinal);
        var failure = Assert.Single(LogLines());
        Assert.Equal("transform_failed", failure.GetProperty("event").GetString());
        Assert.Equal("error", failure.GetProperty("level").GetString());
        Assert.Equal(nameof(InvalidDataException), failure.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    public async Task A_payload_with_a_bare_word_fails_without_quoting_the_rest_of_it(int seed)
    {
        // JSON's reader quotes a bare word from where it starts to the end of its input: the payload's values (an event
        // another tool built by hand, keys, tokens) would go into the error and the transform_failed line.
        var random = new Random(seed);
        var evt = TransformFunctionTests.S3Event([(RawBucket, TransformFunctionTests.Encode("manifests/20261121T060000Z.json"))]);
        for (var round = 0; round < 10; round++)
        {
            var before = LogLines().Count;
            const string Tail = "REST-OF-THE-PAYLOAD";
            var payload = TransformFunctionTests.WithUnquotedWord(evt, random, Tail);

            var error = await Assert.ThrowsAsync<InvalidDataException>(() => InvokeAsync(payload));

            Assert.DoesNotContain(Tail, error.Message, StringComparison.Ordinal);
            var line = Assert.Single(LogLines().Skip(before));
            Assert.DoesNotContain(Tail, line.GetRawText(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public async Task An_event_cut_short_anywhere_fails_with_exactly_one_transform_failed_line(int seed)
    {
        var random = new Random(seed);
        var evt = TransformFunctionTests.S3Event([(RawBucket, TransformFunctionTests.Encode("manifests/20261121T060000Z.json"))]);
        for (var round = 0; round < 25; round++)
        {
            var before = LogLines().Count;
            var cut = evt[..random.Next(0, evt.Length - 1)];

            await Assert.ThrowsAsync<InvalidDataException>(() => InvokeAsync(cut));

            var lines = LogLines().Skip(before).ToList();
            Assert.Equal("transform_failed", Assert.Single(lines).GetProperty("event").GetString());
        }
    }

    [Theory]
    [InlineData("""{"Records":[]}""")]
    [InlineData("""{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-21T06:00:00.000Z","Bucket":"spotify-stack-raw","RequestId":"R","HostId":"H"}""")]
    [InlineData("""{"replay_dates":[]}""")]
    [InlineData("""{"Records":null,"replay_dates":[]}""")]
    public async Task An_event_with_nothing_to_do_is_a_successful_no_op(string payload)
    {
        var summary = await InvokeAsync(payload);

        Assert.Equal(0, summary.GetProperty("records").GetInt32());
        Assert.Equal(0, summary.GetProperty("transformed").GetInt32());
        Assert.Equal("transform_completed", Assert.Single(LogLines()).GetProperty("event").GetString());
    }

    private static (string Payload, List<string> Fields, List<string> Values) RandomObject(Random random)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-.:$ 0123456789éÜ文";
        var node = new JsonObject();
        var fields = new List<string>();
        var values = new List<string>();
        var count = random.Next(0, 16);
        while (fields.Count < count)
        {
            var name = new string(Enumerable.Range(0, random.Next(1, 24)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            // Names the function reads, or that name a shape it recognises, are not "no event".
            var folded = new string(name.Where(char.IsLetter).ToArray()).ToLowerInvariant();
            if (node.ContainsKey(name) || folded.StartsWith("replay", StringComparison.Ordinal) || folded is "records" or "record"
                || name is "Event" or "requestPayload" or "requestContext" or "detail-type")
            {
                continue;
            }
            var value = $"value-{Guid.NewGuid():N}";
            values.Add(value);
            node[name] = random.Next(4) switch
            {
                0 => value,
                1 => new JsonArray(value, random.Next()),
                2 => new JsonObject { ["inner"] = value },
                _ => new JsonObject { ["deep"] = new JsonArray(new JsonObject { ["x"] = value }) },
            };
            fields.Add(name);
        }
        return (node.ToJsonString(), fields, values);
    }

    private static (string Payload, List<string> Fields, List<string> Values) DestinationRecordCase(Random random)
    {
        var evt = TransformFunctionTests.S3Event([(RawBucket, TransformFunctionTests.Encode($"manifests/2026112{random.Next(10)}T060000Z.json"))]);
        var record = DestinationRecord(evt, random, dropOptional: true);
        return (record.ToJsonString(), record.Select(p => p.Key).ToList(), ["RetriesExhausted", "arn:aws:lambda", "spotify-stack-raw"]);
    }

    /// <summary>What Lambda sends the on-failure destination: the event under requestPayload, the failure around it; fields shuffled.</summary>
    private static JsonObject DestinationRecord(string evt, Random random, bool dropOptional)
    {
        var fields = new List<KeyValuePair<string, JsonNode?>>
        {
            new("version", "1.0"),
            new("timestamp", "2026-11-21T06:05:17.123Z"),
            new("requestContext", new JsonObject
            {
                ["requestId"] = Guid.NewGuid().ToString(),
                ["functionArn"] = "arn:aws:lambda:eu-west-1:111122223333:function:spotify-stack-transform:$LATEST",
                ["condition"] = "RetriesExhausted",
                ["approximateInvokeCount"] = 3,
            }),
            new("requestPayload", JsonNode.Parse(evt)),
            new("responseContext", new JsonObject { ["statusCode"] = 200, ["executedVersion"] = "$LATEST", ["functionError"] = "Unhandled" }),
            new("responsePayload", new JsonObject { ["errorType"] = "IOException", ["errorMessage"] = "SlowDown" }),
        };
        if (dropOptional)
        {
            fields = fields.Where(f => f.Key == "requestPayload" || random.Next(3) > 0).OrderBy(_ => random.Next()).ToList();
        }
        return new JsonObject(fields);
    }

    private async Task<string> LandRunAsync()
    {
        await new SampleGenerator(_raw).WriteAsync(new SampleOptions(Days: 1, Items: 40, Seed: 5));
        var keys = await TransformFunctionTests.ListAsync(_raw, LakeLayout.Raw);
        var run = RawObjectKey.Parse(keys[0]).RunId;
        var manifest = $"{LakeLayout.Manifests}{run}.json";
        await _raw.PutTextAsync(manifest, TransformFunctionTests.ManifestJson(run, keys), "application/json");
        return manifest;
    }

    private async Task<JsonElement> InvokeAsync(string payload)
    {
        var function = new TransformFunction(_raw, _lake, RawBucket, _log);
        using var output = await function.HandleAsync(TransformFunctionTests.ToStream(payload), CancellationToken.None);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private List<JsonElement> LogLines() =>
        _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();

    public void Dispose()
    {
        _log.Dispose();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
