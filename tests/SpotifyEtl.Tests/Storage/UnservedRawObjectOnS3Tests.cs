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
}
