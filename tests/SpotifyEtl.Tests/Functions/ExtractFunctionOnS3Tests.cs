using System.Text.Json;
using SpotifyEtl.Spotify;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Storage;
using Xunit;

namespace SpotifyEtl.Tests.Functions;

/// <summary>The extract function on the S3 emulator, with S3's conditional writes (<see cref="ConditionalWrites"/>): its lease.</summary>
[Collection(FauxqsTests.Name)]
public sealed class ExtractFunctionOnS3Tests(FauxqsServer s3) : ExtractFunctionHarness
{
    [Fact]
    public async Task Of_two_invocations_at_once_on_S3_one_lands_the_run_and_the_other_does_nothing_then_the_next_runs()
    {
        using var writes = new ConditionalWrites();
        using var client = s3.CreateClient(writes);
        var bucket = await s3.CreateBucketAsync("extract");
        Func<string, IObjectStore> onS3 = _ => new S3ObjectStore(client, bucket) { Time = Clock };
        // One source, so the first run's requests come one at a time and all wait at the first.
        var onePlaylist = new Dictionary<string, string> { ["SPOTIFY_SOURCES"] = $$"""[{"type":"playlist","id":"{{Playlist}}"}]""" };
        using var firstAsked = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        SpotifyApi.OnApiRequest = _ =>
        {
            firstAsked.Set();
            release.Wait(TimeSpan.FromSeconds(60)); // the first run holds the lease, mid-run, until the second has come and gone
        };

        var first = Task.Run(() => Function(onePlaylist, onS3).HandleAsync(Event(), CancellationToken.None));
        Assert.True(firstAsked.Wait(TimeSpan.FromSeconds(60)), "the first invocation never reached Spotify");
        var asked = SpotifyApi.ApiRequests.Count;
        var secretReads = SecretsManager.Calls.Count;
        using var second = await JsonDocument.ParseAsync(await Function(onePlaylist, onS3).HandleAsync(Event(), CancellationToken.None));
        var (askedAfter, secretReadsAfter) = (SpotifyApi.ApiRequests.Count, SecretsManager.Calls.Count);
        release.Set();
        SpotifyApi.OnApiRequest = null;
        using var landed = await JsonDocument.ParseAsync(await first);

        Assert.Equal("skipped", second.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(asked, askedAfter);
        Assert.Equal(secretReads, secretReadsAfter);
        Assert.Equal("succeeded", landed.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(["manifests/20261121T060000Z.json"], await KeysAsync(onS3(bucket), "manifests/"));

        // The first run gave the lease back: a run a second later goes ahead, well before the lease would have ended.
        Clock.Advance(TimeSpan.FromSeconds(1));
        using var next = await JsonDocument.ParseAsync(await Function(onePlaylist, onS3).HandleAsync(Event(), CancellationToken.None));
        Assert.Equal("succeeded", next.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(2, (await KeysAsync(onS3(bucket), "manifests/")).Count);
    }

    private static async Task<List<string>> KeysAsync(IObjectStore store, string prefix)
    {
        var keys = new List<string>();
        await foreach (var key in store.ListAsync(prefix))
        {
            keys.Add(key);
        }
        return keys;
    }
}
