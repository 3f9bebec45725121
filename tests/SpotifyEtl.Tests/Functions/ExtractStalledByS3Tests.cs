using System.Text.Json;
using SpotifyEtl.Functions;
using SpotifyEtl.Lake;
using SpotifyEtl.Spotify;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Storage;
using Xunit;

namespace SpotifyEtl.Tests.Functions;

/// <summary>
/// The extract function on S3 through <see cref="S3FaultProxy"/>, with its own S3 settings (an attempt's timeout shortened
/// for the test), S3 leaving the writes of one source's pages unanswered, their connections open. Each write is given up
/// after its bounded attempts: that source fails, naming the request, the other sources land, and the run's manifest and
/// state are written, where before the run waited on S3 past its time budget and the function's timeout, and ended with
/// neither. The next run lands that source.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class ExtractStalledByS3Tests(FauxqsServer s3) : ExtractFunctionHarness
{
    /// <summary>Well beyond three attempts of 3 s: the SDK's own settings wait 100 s for one attempt.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [Theory]
    [InlineData(RawSource.PlaylistItems, "playlist")]
    [InlineData(RawSource.RecentlyPlayed, "recently_played")]
    [InlineData(RawSource.SavedTracks, "saved_tracks")]
    public async Task Pages_S3_never_answers_fail_their_source_after_bounded_attempts_and_the_run_writes_its_manifest(RawSource stalled, string failedType)
    {
        await using var proxy = await S3FaultProxy.StartAsync(s3.ServiceUrl);
        using var client = BrokenBodiesOnS3Tests.ThroughProxy(ExtractFunction.RawStoreConfig(BrokenBodiesOnS3Tests.ProxyConfig(proxy), TimeSpan.FromSeconds(3)));
        var bucket = await s3.CreateBucketAsync("extract");
        var pages = $"/{bucket}/{LakeLayout.Raw}{stalled.ToKeySegment()}/";
        proxy.Unanswered = (method, path) => method == "PUT" && path.StartsWith(pages, StringComparison.Ordinal);
        var store = new S3ObjectStore(client, bucket) { Time = Clock };

        using var result = await JsonDocument.ParseAsync(await Function(rawStore: _ => store).HandleAsync(Event(), CancellationToken.None).WaitAsync(Patience));

        // One page's write, asked three times, then given up: the source stops at its first page. (At times an attempt
        // reaches the proxy twice, more often on a loaded machine: up to six requests, never more.)
        var held = proxy.Held.ToList();
        Assert.InRange(held.Count, 3, 6);
        Assert.Single(held.Distinct());
        Assert.Equal("partial", result.RootElement.GetProperty("outcome").GetString());
        using var manifest = JsonDocument.Parse(await store.ReadAllTextAsync(result.RootElement.GetProperty("manifest_key").GetString()!));
        var sources = manifest.RootElement.GetProperty("sources").EnumerateArray().ToList();
        var failed = Assert.Single(sources, source => source.GetProperty("status").GetString() == "failed");
        Assert.Equal(failedType, failed.GetProperty("type").GetString());
        Assert.Contains($"PUT s3://{bucket}/{held[0][(bucket.Length + 2)..]}", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.All(sources.Where(source => source.GetProperty("type").GetString() != failedType),
            source => Assert.Equal("landed", source.GetProperty("status").GetString()));
        Assert.True(await store.ExistsAsync(ExtractionState.Key), "the run's state was written");

        // S3 answers again: the next run lands the source that failed, nothing of it skipped as already read.
        proxy.Unanswered = (_, _) => false;
        Clock.Advance(TimeSpan.FromHours(1));
        using var next = await JsonDocument.ParseAsync(await Function(rawStore: _ => store).HandleAsync(Event(), CancellationToken.None).WaitAsync(Patience));
        using var nextManifest = JsonDocument.Parse(await store.ReadAllTextAsync(next.RootElement.GetProperty("manifest_key").GetString()!));
        var again = Assert.Single(nextManifest.RootElement.GetProperty("sources").EnumerateArray(), source => source.GetProperty("type").GetString() == failedType);
        Assert.Equal("landed", again.GetProperty("status").GetString());
    }
}
