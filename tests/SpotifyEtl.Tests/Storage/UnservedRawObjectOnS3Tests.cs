using System.Collections.Concurrent;
using System.Net;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;
using Xunit;
using static SpotifyEtl.Tests.Transformation.SpotifyJson;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// A raw object S3 lists but serves to no GET of the function, whatever the retry: one an operator uploaded into an archive
/// storage class (403 InvalidObjectState until restored) or with a key of their own (SSE-C: 400 without the key). It is
/// reported unread with what makes it readable, and the day is transformed without it, where every invocation of the day
/// failed on it and went to the dead-letter queue.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class UnservedRawObjectOnS3Tests(FauxqsServer server)
{
    private static readonly DateOnly Day = new(2026, 11, 20);

    [Theory]
    [InlineData(HttpStatusCode.Forbidden, "InvalidObjectState", "The operation is not valid for the object's storage class", "archive storage class")]
    [InlineData(HttpStatusCode.BadRequest, "InvalidRequest",
        "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.", "(SSE-C)")]
    public async Task A_raw_object_S3_will_not_serve_is_reported_unread_with_its_remedy_and_the_day_is_transformed(
        HttpStatusCode status, string code, string message, string named)
    {
        using var admin = server.CreateClient();
        // GETs of the refused keys (path style, /bucket/key), each counted, answered with S3's error.
        var refused = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        HttpResponseMessage? Refuse(HttpRequestMessage request)
        {
            var path = Uri.UnescapeDataString(request.RequestUri!.AbsolutePath);
            if (request.Method != HttpMethod.Get || !refused.ContainsKey(path))
            {
                return null;
            }
            refused.AddOrUpdate(path, 1, (_, n) => n + 1);
            return InterceptingHttp.S3Error(request, status, code, message);
        }
        using var refusing = new InterceptingHttp(Refuse);
        using var client = server.CreateClient(refusing);
        var bucket = await server.CreateBucketAsync("raw");
        var landing = new S3ObjectStore(admin, bucket);
        var raw = new S3ObjectStore(client, bucket);
        var lake = new S3ObjectStore(client, await server.CreateBucketAsync("transformed"));
        var album = Album("alb1", "Album", "2020", "year");
        var served = new RawObjectKey(RawSource.RecentlyPlayed, Day, "me", "20261120T060000Z", 1).ToString();
        var archived = new RawObjectKey(RawSource.RecentlyPlayed, Day, "me", "20261120T070000Z", 1).ToString();
        await landing.PutTextAsync(served, Page(0, Play(Track("t1", "A page S3 serves", album, Artist("a1", "A")), "2026-11-20T05:30:00.000Z")), "application/json");
        await landing.PutTextAsync(archived, Page(0, Play(Track("t2", "A page S3 keeps", album, Artist("a1", "A")), "2026-11-20T06:30:00.000Z")), "application/json");
        refused.TryAdd($"/{bucket}/{archived}", 0);
        var options = new TransformOptions { Format = TableFormat.Csv, StageRuns = true, Time = TimeProvider.System };

        var report = await new TransformPipeline(raw, lake, options).TransformAsync([served, archived]);

        var unread = Assert.Single(report.Objects, o => o.Status == TransformStatus.Unreadable);
        Assert.Equal(archived, unread.RawKey);
        Assert.Contains(named, unread.Reason, StringComparison.Ordinal);
        Assert.Contains(code == "InvalidObjectState" ? "aws s3api restore-object" : "upload it again without one", unread.Reason, StringComparison.Ordinal);
        var songs = await lake.ReadAllTextAsync(TableFormat.Csv.PartitionKey(TableNames.Songs, Day));
        Assert.Contains("A page S3 serves", songs, StringComparison.Ordinal);
        // Asked once: the object's state is no passing failure a second GET would get past.
        Assert.Equal(1, refused[$"/{bucket}/{archived}"]);
        Assert.True(await landing.ExistsAsync(archived));
    }

    /// <summary>
    /// A run's manifest S3 will not serve (uploaded by hand into an archive storage class, or with a key of its uploader's):
    /// the invocation succeeds, reporting the manifest unread with what makes it readable and how to replay its day, where
    /// every retry failed on it into the dead-letter queue; the replay of its day then transforms the run's objects.
    /// </summary>
    [Theory]
    [InlineData(HttpStatusCode.Forbidden, "InvalidObjectState", "The operation is not valid for the object's storage class", "archive storage class")]
    [InlineData(HttpStatusCode.BadRequest, "InvalidRequest",
        "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.", "(SSE-C)")]
    public async Task A_manifest_S3_will_not_serve_is_reported_unread_with_its_remedy_and_the_invocation_succeeds(
        HttpStatusCode status, string code, string message, string named)
    {
        using var admin = server.CreateClient();
        var settings = await server.CreateTransformBucketsAsync() with { Format = TableFormat.Csv };
        var manifest = "manifests/20261120T060000Z.json";
        var refusedPath = $"/{settings.RawBucket}/{manifest}";
        var refusals = 0;
        HttpResponseMessage? Refuse(HttpRequestMessage request)
        {
            if (request.Method != HttpMethod.Get || Uri.UnescapeDataString(request.RequestUri!.AbsolutePath) != refusedPath)
            {
                return null;
            }
            Interlocked.Increment(ref refusals);
            return InterceptingHttp.S3Error(request, status, code, message);
        }
        using var refusing = new InterceptingHttp(Refuse);
        using var client = server.CreateClient(refusing);
        var landing = new S3ObjectStore(admin, settings.RawBucket);
        var album = Album("alb1", "Album", "2020", "year");
        var page = new RawObjectKey(RawSource.RecentlyPlayed, Day, "me", "20261120T060000Z", 1).ToString();
        await landing.PutTextAsync(page, Page(0, Play(Track("t1", "A page of the run", album, Artist("a1", "A")), "2026-11-20T05:30:00.000Z")), "application/json");
        await landing.PutTextAsync(manifest, Functions.TransformFunctionTests.ManifestJson("20261120T060000Z", [page]), "application/json");
        using var log = new StringWriter();
        var function = new SpotifyEtl.Functions.TransformFunction(settings, client, log);
        var evt = Functions.TransformFunctionTests.S3Event([(settings.RawBucket, Functions.TransformFunctionTests.Encode(manifest))]);

        using var output = await function.Handler(Functions.TransformFunctionTests.ToStream(evt));

        var summary = System.Text.Json.JsonDocument.Parse(output).RootElement;
        Assert.Equal(1, summary.GetProperty("unread").GetInt32());
        Assert.Equal(1, refusals);
        var line = Assert.Single(log.ToString().Split('\n'), l => l.Contains("\"transform_object\"", StringComparison.Ordinal) && l.Contains(manifest, StringComparison.Ordinal));
        Assert.Contains(named, line, StringComparison.Ordinal);
        Assert.Contains("replay_dates", line, StringComparison.Ordinal);
        Assert.DoesNotContain("\"transform_failed\"", log.ToString(), StringComparison.Ordinal);

        using var replayed = await function.Handler(Functions.TransformFunctionTests.ToStream("{\"replay_dates\": [\"2026-11-20\"]}"));
        var lake = new S3ObjectStore(admin, settings.TransformedBucket);
        Assert.Contains("A page of the run", await lake.ReadAllTextAsync(TableFormat.Csv.PartitionKey(TableNames.Songs, Day)), StringComparison.Ordinal);
    }
}
