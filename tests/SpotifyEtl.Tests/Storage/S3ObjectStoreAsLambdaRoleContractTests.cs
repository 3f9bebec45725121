using SpotifyEtl.Storage;
using Xunit;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// The contract as the Lambda roles see S3: a read of a missing key answers 403, not 404 (<see cref="LambdaRole"/>),
/// and the store still tells a missing object from a refused one.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class S3ObjectStoreAsLambdaRoleContractTests : ObjectStoreContract, IDisposable
{
    private readonly FauxqsServer _server;
    private readonly LambdaRole _role = new();
    private readonly Amazon.S3.AmazonS3Client _client;

    public S3ObjectStoreAsLambdaRoleContractTests(FauxqsServer server)
    {
        _server = server;
        _client = server.CreateClient(_role);
    }

    protected override async Task<IObjectStore> CreateStoreAsync() =>
        new S3ObjectStore(_client, await _server.CreateBucketAsync("role"));

    // The role's 403 for a missing key is told from a refusal by a listing, and a key listed meanwhile is read once more:
    // an object removed, put back and removed again within those four requests is a refusal to this role. The race keeps
    // each put for a tenth of a second, far longer than the four take.
    protected override TimeSpan RacingPause => TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task A_missing_key_is_missing_even_beside_keys_that_begin_with_it()
    {
        var store = await CreateStoreAsync();
        var random = new Random(403);
        var missing = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var key = $"raw/playlist_items/snapshot_date=2026-11-{random.Next(10, 29)}/{Guid.NewGuid():N}-p{i:0000}.json";
            missing.Add(key);
            // Keys the missing one is a prefix of, and one it sorts just after: a listing of its prefix shows them.
            await store.PutTextAsync(key + ".bak", "{}", "application/json");
            await store.PutTextAsync(key + "/part", "{}", "application/json");
            await store.PutTextAsync(key[..^1], "{}", "application/json");
        }

        foreach (var key in missing)
        {
            Assert.False(await store.ExistsAsync(key), key);
            await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.OpenReadAsync(key));
            await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.CopyAsync(key, "quarantine/" + key));
            Assert.True(await store.ExistsAsync(key + ".bak"));
        }
    }

    /// <summary>
    /// Another invocation writes the key between this one's read (403: missing, as the role sees it) and its listing of
    /// the key, which shows it: the object is there, and is read, not reported refused. Parallel invocations of the
    /// transform met this on the current-state marker.
    /// </summary>
    [Theory]
    [InlineData("exists")]
    [InlineData("read")]
    [InlineData("copy")]
    public async Task A_key_written_between_its_refused_read_and_its_listing_is_found_not_refused(string request)
    {
        var bucket = await _server.CreateBucketAsync("meanwhile");
        var store = new S3ObjectStore(_client, bucket);
        using var admin = _server.CreateClient();
        var other = new S3ObjectStore(admin, bucket);
        const string key = "staging/current/digests-complete.txt";
        // A copy is a PUT of its destination that names the source: its refusal comes on the destination's path.
        var refused = request == "copy" ? $"{bucket}/quarantine/{key}" : $"{bucket}/{key}";
        _role.WrittenBeforeRefusing[refused] = () => other.PutTextAsync(key, "complete", "text/plain");

        switch (request)
        {
            case "exists":
                Assert.True(await store.ExistsAsync(key));
                break;
            case "read":
                await using (var stream = await store.OpenReadAsync(key))
                {
                    Assert.Equal("complete", await new StreamReader(stream).ReadToEndAsync());
                }
                break;
            default:
                await store.CopyAsync(key, "quarantine/" + key);
                Assert.True(await other.ExistsAsync("quarantine/" + key));
                break;
        }
        Assert.Empty(_role.WrittenBeforeRefusing);
    }

    [Fact]
    public async Task A_key_that_is_there_but_refused_is_an_access_error_not_a_missing_object()
    {
        var bucket = await _server.CreateBucketAsync("denied");
        var store = new S3ObjectStore(_client, bucket);
        await store.PutTextAsync("state/secret.json", "{}", "application/json");
        _role.Denied[$"{bucket}/state/secret.json"] = true;

        var read = await Assert.ThrowsAsync<Amazon.S3.AmazonS3Exception>(() => store.OpenReadAsync("state/secret.json"));
        var head = await Assert.ThrowsAsync<Amazon.S3.AmazonS3Exception>(() => store.ExistsAsync("state/secret.json"));

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, head.StatusCode);
    }

    public void Dispose()
    {
        _client.Dispose();
        _role.Dispose();
    }
}
