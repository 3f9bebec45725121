using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using SpotifyEtl.Functions;
using SpotifyEtl.Import;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Functions;
using Xunit;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// On S3, a dropped export is read as the version its event names. The emulator keeps no versions, so this client's HTTP
/// handler answers a read of a version as S3 does: with the bytes of a version the test kept (an export overwritten
/// since), 404 NoSuchVersion for one deleted since, or, for a bucket without versioning, 400 InvalidArgument; a read
/// without a version goes to the emulator, which holds what the key holds now.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class ExportVersionOnS3Tests(FauxqsServer server)
{
    private const string Key = LakeLayout.Import + "exports/my_spotify_data.zip";

    [Fact]
    public async Task On_S3_an_export_overwritten_before_its_event_is_handled_is_read_as_the_version_its_event_names()
    {
        using var versions = new OldVersions();
        using var client = server.CreateClient(versions);
        var settings = await server.CreateTransformBucketsAsync();
        var raw = new S3ObjectStore(client, settings.RawBucket);
        var first = SampleExport.Write(new SampleExportOptions(60, 31)).Zips[0].Zip;
        var second = SampleExport.Write(new SampleExportOptions(60, 32)).Zips[0].Zip;
        versions.Keep(settings.RawBucket, Key, "3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY", first);
        await raw.PutBytesAsync(Key, second, "application/zip");

        var lines = Invoke(settings, client, settings.RawBucket, "3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY");

        Assert.Contains($"{settings.RawBucket}/{Key}?versionId=3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY", versions.Reads);
        Assert.Equal(await LandedAloneAsync(first), await TransformFunctionTests.ListAsync(raw, ExportRawKey.Prefix));
        Assert.DoesNotContain(lines, l => l.GetProperty("event").GetString() == ImportLog.FileEvent && l.GetProperty("level").GetString() == "warn");
    }

    [Fact]
    public async Task On_S3_an_export_version_deleted_since_is_skipped_and_one_the_bucket_does_not_know_is_read_as_it_is_now_each_with_a_warning()
    {
        using var versions = new OldVersions();
        using var client = server.CreateClient(versions);
        var settings = await server.CreateTransformBucketsAsync();
        var raw = new S3ObjectStore(client, settings.RawBucket);
        var now = SampleExport.Write(new SampleExportOptions(60, 33)).Zips[0].Zip;
        await raw.PutBytesAsync(Key, now, "application/zip");

        var gone = Invoke(settings, client, settings.RawBucket, "deleted-version");

        var skipped = Assert.Single(gone, l => l.GetProperty("event").GetString() == ImportLog.FileEvent && l.GetProperty("input").GetString() == Key);
        Assert.Equal("warn", skipped.GetProperty("level").GetString());
        Assert.Contains("the version its event names (deleted-version) was deleted", skipped.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(await TransformFunctionTests.ListAsync(raw, ExportRawKey.Prefix));

        versions.Unversioned = true;
        var unknown = Invoke(settings, client, settings.RawBucket, "not-a-version");

        var note = Assert.Single(unknown, l => l.GetProperty("event").GetString() == ImportLog.FileEvent && l.GetProperty("input").GetString() == Key);
        Assert.Equal("warn", note.GetProperty("level").GetString());
        Assert.Contains("the bucket knows no version not-a-version", note.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("what the key holds now was read instead", note.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(await LandedAloneAsync(now), await TransformFunctionTests.ListAsync(raw, ExportRawKey.Prefix));
    }

    [Fact]
    public async Task On_S3_an_export_removed_before_its_event_is_handled_is_skipped_though_the_bucket_keeps_the_version_its_event_names()
    {
        using var versions = new OldVersions();
        using var client = server.CreateClient(versions);
        var settings = await server.CreateTransformBucketsAsync();
        var raw = new S3ObjectStore(client, settings.RawBucket);
        // Removed by its user: the key is gone (a delete marker on a versioned bucket), its version kept.
        versions.Keep(settings.RawBucket, Key, "kept-after-delete", SampleExport.Write(new SampleExportOptions(40, 34)).Zips[0].Zip);

        var lines = Invoke(settings, client, settings.RawBucket, "kept-after-delete");

        var skipped = Assert.Single(lines, l => l.GetProperty("event").GetString() == ImportLog.FileEvent && l.GetProperty("input").GetString() == Key);
        Assert.Contains("removed from the bucket", skipped.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(await TransformFunctionTests.ListAsync(raw, ExportRawKey.Prefix));
    }

    /// <summary>The export files an import of <paramref name="zip"/> alone lands.</summary>
    private static async Task<List<string>> LandedAloneAsync(byte[] zip)
    {
        var raw = new Support.VersionedStore();
        await raw.PutBytesAsync(Key, zip, "application/zip");
        using var log = new StringWriter();
        using var output = new TransformFunction(raw, new Support.VersionedStore(), "raw", log)
            .RunHandler(TransformFunctionTests.ToStream(TransformFunctionTests.S3Event([("raw", TransformFunctionTests.Encode(Key))])));
        return await TransformFunctionTests.ListAsync(raw, ExportRawKey.Prefix);
    }

    private static List<JsonElement> Invoke(TransformSettings settings, Amazon.S3.IAmazonS3 client, string bucket, string version)
    {
        using var log = new StringWriter();
        var evt = System.Text.Json.Nodes.JsonNode.Parse(TransformFunctionTests.S3Event([(bucket, TransformFunctionTests.Encode(Key))]))!;
        evt["Records"]![0]!["s3"]!["object"]!["versionId"] = version;
        using var output = new TransformFunction(settings, client, log).RunHandler(TransformFunctionTests.ToStream(evt.ToJsonString()));
        return log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }

    private sealed class OldVersions : HttpClientFactory, IDisposable
    {
        private readonly HttpClient _http;
        private readonly ConcurrentDictionary<string, byte[]> _kept = new(StringComparer.Ordinal);

        public OldVersions() => _http = new HttpClient(new Handler(this));

        /// <summary>Whether the bucket keeps no versions: S3 then refuses any version id but "null" as invalid.</summary>
        public bool Unversioned { get; set; }

        /// <summary>"bucket/key?versionId=..." of each read of a version.</summary>
        public ConcurrentQueue<string> Reads { get; } = new();

        /// <summary>Keeps <paramref name="bytes"/> as a version of the key that is no longer its current one.</summary>
        public void Keep(string bucket, string key, string version, byte[] bytes) => _kept[$"{bucket}/{key}?versionId={version}"] = bytes;

        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => _http;

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

        public void Dispose() => _http.Dispose();

        private sealed class Handler(OldVersions versions) : DelegatingHandler(new SocketsHttpHandler())
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri!.Query);
                if (request.Method != HttpMethod.Get || query["versionId"] is not { } version)
                {
                    return base.SendAsync(request, cancellationToken);
                }
                // Path style: /bucket/key.
                var read = $"{Uri.UnescapeDataString(request.RequestUri.AbsolutePath.TrimStart('/'))}?versionId={version}";
                versions.Reads.Enqueue(read);
                if (versions.Unversioned)
                {
                    return Task.FromResult(Error(request, HttpStatusCode.BadRequest, "InvalidArgument", "Invalid version id specified"));
                }
                if (!versions._kept.TryGetValue(read, out var bytes))
                {
                    return Task.FromResult(Error(request, HttpStatusCode.NotFound, "NoSuchVersion", "The specified version does not exist."));
                }
                var response = new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Content = new ByteArrayContent(bytes) };
                response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
                response.Content.Headers.ContentLength = bytes.Length;
                response.Headers.ETag = new EntityTagHeaderValue($"\"kept-{version}\"");
                response.Headers.Add("x-amz-version-id", version);
                return Task.FromResult(response);
            }

            private static HttpResponseMessage Error(HttpRequestMessage request, HttpStatusCode status, string code, string message) => new(status)
            {
                RequestMessage = request,
                Content = new StringContent($"""<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code><Message>{message}</Message></Error>""",
                    Encoding.UTF8, "application/xml"),
            };
        }
    }
}
