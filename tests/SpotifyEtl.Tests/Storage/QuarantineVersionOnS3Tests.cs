using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// On S3 the quarantine copy is of the version the transformation read. The emulator keeps no versions, so its answers
/// to reads are given a version id here, as a versioned bucket's are, and each copy's source is recorded (and sent on
/// without the version, which the emulator would not find).
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed partial class QuarantineVersionOnS3Tests(FauxqsServer server)
{
    [Fact]
    public async Task On_S3_a_bad_raw_object_is_copied_to_quarantine_as_the_version_that_was_read()
    {
        using var versioning = new StampedVersions();
        using var client = server.CreateClient(versioning);
        var raw = new S3ObjectStore(client, await server.CreateBucketAsync("raw"));
        var lake = new S3ObjectStore(client, await server.CreateBucketAsync("transformed"));
        var key = new RawObjectKey(RawSource.RecentlyPlayed, new DateOnly(2026, 11, 20), "me", "20261120T060000Z", 1).ToString();
        await raw.PutTextAsync(key, "[1,2,3]", "application/json");

        await new TransformPipeline(raw, lake, new TransformOptions { StageRuns = true }).TransformAsync([key]);

        Assert.True(await raw.ExistsAsync(LakeLayout.QuarantineKey(key)));
        var copied = Assert.Single(versioning.CopySources);
        Assert.Equal(versioning.Read[key], VersionIdOf(copied));
    }

    private static string? VersionIdOf(string copySource) => VersionId().Match(copySource) is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex(@"\?versionId=([^&]+)$")]
    private static partial Regex VersionId();

    private sealed class StampedVersions : HttpClientFactory, IDisposable
    {
        private readonly HttpClient _http;

        public StampedVersions() => _http = new HttpClient(new Handler(this));

        /// <summary>The version id each key's last read was answered with.</summary>
        public ConcurrentDictionary<string, string> Read { get; } = new(StringComparer.Ordinal);

        public ConcurrentQueue<string> CopySources { get; } = new();

        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => _http;

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

        public void Dispose() => _http.Dispose();

        private sealed class Handler(StampedVersions versions) : DelegatingHandler(new SocketsHttpHandler())
        {
            private int _stamps;

            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                // Path style: /bucket/key.
                var path = Uri.UnescapeDataString(request.RequestUri!.AbsolutePath.TrimStart('/'));
                var slash = path.IndexOf('/', StringComparison.Ordinal);
                var isObject = slash > 0 && !request.RequestUri.Query.Contains("list-type", StringComparison.Ordinal);
                if (request.Method == HttpMethod.Put && request.Headers.TryGetValues("x-amz-copy-source", out var sources))
                {
                    var source = sources.Single();
                    versions.CopySources.Enqueue(Uri.UnescapeDataString(source));
                    request.Headers.Remove("x-amz-copy-source");
                    request.Headers.Add("x-amz-copy-source", source.Split('?')[0]);
                }
                var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                if (isObject && request.Method == HttpMethod.Get && response.IsSuccessStatusCode)
                {
                    var version = $"version-{Interlocked.Increment(ref _stamps)}";
                    versions.Read[path[(slash + 1)..]] = version;
                    response.Headers.Add("x-amz-version-id", version);
                }
                return response;
            }
        }
    }
}
