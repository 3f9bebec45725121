using System.Text.Json;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.S3;
using SpotifyEtl.Functions;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Spotify;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Functions;
using Xunit;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// The transform function reading through <see cref="S3FaultProxy"/>, a real proxy that breaks one raw object's body:
/// cut short by a reset, or stalled with the connection open, on every read. The invocation fails (Lambda retries it) within the
/// client's timeout, its one <c>transform_failed</c> line names the object's GET, nothing is quarantined (the object is
/// good; the network was not), and the retry transforms every object.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class BrokenBodiesOnS3Tests(FauxqsServer server)
{
    [Theory]
    [InlineData(BodyFault.CutShort, 1)]
    [InlineData(BodyFault.CutShort, 2)]
    [InlineData(BodyFault.Stall, 3)]
    [InlineData(BodyFault.Stall, 4)]
    public async Task A_raw_object_whose_body_breaks_fails_the_invocation_naming_it_and_is_never_quarantined(BodyFault fault, int seed)
    {
        await using var proxy = await S3FaultProxy.StartAsync(server.ServiceUrl);
        using var client = ThroughProxy(proxy);
        var settings = await server.CreateTransformBucketsAsync();
        var raw = new S3ObjectStore(client, settings.RawBucket);
        await new SampleGenerator(raw).WriteAsync(new SampleOptions(Days: 1, Items: 30, Seed: seed));
        var keys = await TransformFunctionTests.ListAsync(raw, LakeLayout.Raw);
        var broken = keys[new Random(seed).Next(keys.Count)];
        // Every read of it breaks, the SDK's retry included, until the network heals.
        proxy.Choose = path => path == $"/{settings.RawBucket}/{broken}" ? fault : BodyFault.None;
        using var log = new StringWriter();
        var function = new TransformFunction(settings, client, log);
        var evt = TransformFunctionTests.S3Event(keys.Select(key => (settings.RawBucket, TransformFunctionTests.Encode(key))));

        // A stall that held the reader for good would hang here: the wait turns that into this test's failure.
        var failed = await Record.ExceptionAsync(() => Task.Run(() => function.RunHandler(TransformFunctionTests.ToStream(evt)).Dispose())
            .WaitAsync(TimeSpan.FromSeconds(90)));

        Assert.NotNull(failed);
        Assert.IsNotType<TimeoutException>(failed);
        Assert.NotEmpty(proxy.Broken);
        var failure = Assert.Single(log.ToString().Split('\n'), line => line.Contains("\"transform_failed\"", StringComparison.Ordinal));
        using (var line = JsonDocument.Parse(failure))
        {
            Assert.Equal($"GET s3://{settings.RawBucket}/{broken}", line.RootElement.GetProperty("request").GetString());
        }
        Assert.Empty(await TransformFunctionTests.ListAsync(raw, LakeLayout.Quarantine));

        // Lambda's retry, once the network heals: the object comes whole, and every object is transformed.
        proxy.Choose = _ => BodyFault.None;
        using var output = function.RunHandler(TransformFunctionTests.ToStream(evt));
        Assert.Equal(keys.Count, JsonDocument.Parse(output).RootElement.GetProperty("transformed").GetInt32());
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    public async Task An_invocation_still_waiting_on_S3_at_its_time_budget_gives_up_naming_the_request_and_the_retry_transforms_everything(int seed)
    {
        await using var proxy = await S3FaultProxy.StartAsync(server.ServiceUrl);
        // As the functions build their client: no timeout of its own, so a stalled body is given up only after 30 s.
        using var client = new AmazonS3Client(new BasicAWSCredentials("test", "test"), new AmazonS3Config
        {
            ServiceURL = proxy.Address.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = FauxqsServer.Region,
        });
        var settings = await server.CreateTransformBucketsAsync();
        var raw = new S3ObjectStore(client, settings.RawBucket);
        await new SampleGenerator(raw).WriteAsync(new SampleOptions(Days: 1, Items: 30, Seed: seed));
        var keys = await TransformFunctionTests.ListAsync(raw, LakeLayout.Raw);
        var stalled = keys[new Random(seed).Next(keys.Count)];
        proxy.Choose = path => path == $"/{settings.RawBucket}/{stalled}" ? BodyFault.Stall : BodyFault.None;
        using var log = new StringWriter();
        var function = new TransformFunction(settings with { TimeBudget = TimeSpan.FromSeconds(3) }, client, log);
        var evt = TransformFunctionTests.S3Event(keys.Select(key => (settings.RawBucket, TransformFunctionTests.Encode(key))));

        var failed = await Record.ExceptionAsync(() => Task.Run(() => function.RunHandler(TransformFunctionTests.ToStream(evt)).Dispose())
            .WaitAsync(TimeSpan.FromSeconds(90)));

        // Given up when the invocation's time budget ran out (the line below names it), not by the client's own 30 s.
        Assert.IsType<TimeoutException>(failed);
        var failure = Assert.Single(log.ToString().Split('\n'), line => line.Contains("\"transform_failed\"", StringComparison.Ordinal));
        using (var line = JsonDocument.Parse(failure))
        {
            Assert.Equal(TransformFunction.TimeBudgetSpent, line.RootElement.GetProperty("error").GetString());
            Assert.Equal($"GET s3://{settings.RawBucket}/{stalled}", line.RootElement.GetProperty("request").GetString());
            Assert.Contains("time budget of 3 s", line.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
        Assert.Empty(await TransformFunctionTests.ListAsync(raw, LakeLayout.Quarantine));

        // Lambda's retry is an invocation of its own, with the function's whole budget: the 3 s above only make the
        // stall quick to reach, and on a machine busy with other tests a whole transform can take longer than that.
        proxy.Choose = _ => BodyFault.None;
        var retry = new TransformFunction(settings with { TimeBudget = TimeSpan.FromSeconds(60) }, client, log);
        using var output = retry.RunHandler(TransformFunctionTests.ToStream(evt));
        Assert.Equal(keys.Count, JsonDocument.Parse(output).RootElement.GetProperty("transformed").GetInt32());
    }

    [Fact]
    public async Task A_listing_that_says_it_goes_on_but_gives_no_continuation_token_fails_naming_the_prefix()
    {
        await using var proxy = await S3FaultProxy.StartAsync(server.ServiceUrl);
        using var client = ThroughProxy(proxy);
        var bucket = await server.CreateBucketAsync("list");
        var store = new S3ObjectStore(client, bucket);
        foreach (var page in new[] { "p0000", "p0001", "p0002" })
        {
            await store.PutTextAsync($"raw/plays/{page}.json", "{}", "application/json");
        }
        Assert.Equal(3, (await TransformFunctionTests.ListAsync(store, "raw/")).Count);
        proxy.RewriteListing = xml => Regex.Replace(
            xml.Replace("<IsTruncated>false</IsTruncated>", "<IsTruncated>true</IsTruncated>", StringComparison.Ordinal),
            "<NextContinuationToken>.*?</NextContinuationToken>", "");

        // Taken as all the keys, the listing would leave the rest of a day untransformed without a word.
        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => TransformFunctionTests.ListAsync(store, "raw/"));
        Assert.Contains($"LIST s3://{bucket}/raw/", refused.Message, StringComparison.Ordinal);
        Assert.Contains("no continuation token", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>A client as the functions build one, through the proxy, with a short timeout (which bounds a stalled body too).</summary>
    /// <param name="timeout">Each request's limit: two seconds unless given, so that a stalled body fails the request soon.</param>
    internal static AmazonS3Client ThroughProxy(S3FaultProxy proxy, TimeSpan? timeout = null)
    {
        var config = ProxyConfig(proxy);
        (config.Timeout, config.MaxErrorRetry) = (timeout ?? TimeSpan.FromSeconds(2), 1);
        return ThroughProxy(config);
    }

    /// <summary>A client with <paramref name="config"/>, made by <see cref="ProxyConfig"/> and then set as a test needs.</summary>
    internal static AmazonS3Client ThroughProxy(AmazonS3Config config) => new(new BasicAWSCredentials("test", "test"), config);

    /// <summary>The settings that reach the emulator through the proxy, and no others.</summary>
    internal static AmazonS3Config ProxyConfig(S3FaultProxy proxy) => new()
    {
        ServiceURL = proxy.Address.ToString(),
        ForcePathStyle = true,
        AuthenticationRegion = FauxqsServer.Region,
    };
}

/// <summary>
/// The extract function on S3 through <see cref="S3FaultProxy"/>, S3 answering 503 SlowDown to some writes: a failure
/// names the request S3 refused, in the function's <c>extract_failed</c> line or in the source's error in the manifest,
/// never as a bare "Please reduce your request rate" that reads as Spotify's.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class ExtractRefusedByS3Tests(FauxqsServer s3) : ExtractFunctionHarness
{
    [Fact]
    public async Task A_lease_S3_refuses_fails_the_invocation_with_one_extract_failed_line_naming_the_request()
    {
        await using var proxy = await S3FaultProxy.StartAsync(s3.ServiceUrl);
        using var client = BrokenBodiesOnS3Tests.ThroughProxy(proxy);
        var bucket = await s3.CreateBucketAsync("extract");
        proxy.Unavailable = (method, path) => method == "PUT" && path == $"/{bucket}/{ExtractionState.LeaseKey}";

        var failed = await Record.ExceptionAsync(() => Function(rawStore: _ => new S3ObjectStore(client, bucket) { Time = Clock })
            .HandleAsync(Event(), CancellationToken.None));

        Assert.IsType<AmazonS3Exception>(failed);
        var failure = Assert.Single(Logged, line => line.Contains("\"extract_failed\"", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(failure);
        Assert.Equal($"PUT s3://{bucket}/{ExtractionState.LeaseKey}", json.RootElement.GetProperty("request").GetString());
        Assert.Equal("AmazonS3Exception", json.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Raw_pages_S3_refuses_fail_their_sources_with_errors_naming_the_lake_and_the_key()
    {
        await using var proxy = await S3FaultProxy.StartAsync(s3.ServiceUrl);
        using var client = BrokenBodiesOnS3Tests.ThroughProxy(proxy);
        var bucket = await s3.CreateBucketAsync("extract");
        proxy.Unavailable = (method, path) => method == "PUT" && path.StartsWith($"/{bucket}/{LakeLayout.Raw}", StringComparison.Ordinal);
        var store = new S3ObjectStore(client, bucket) { Time = Clock };

        using var result = await JsonDocument.ParseAsync(await Function(rawStore: _ => store).HandleAsync(Event(), CancellationToken.None));

        var manifest = await store.ReadAllTextAsync(result.RootElement.GetProperty("manifest_key").GetString()!);
        using var sources = JsonDocument.Parse(manifest);
        var errors = sources.RootElement.GetProperty("sources").EnumerateArray()
            .Select(source => source.TryGetProperty("error", out var error) ? error.GetString() : null).ToList();
        Assert.NotEmpty(errors);
        Assert.All(errors, error => Assert.Matches($"^The lake refused PUT s3://{bucket}/{LakeLayout.Raw}\\S+: Please reduce your request rate", error));
    }
}
