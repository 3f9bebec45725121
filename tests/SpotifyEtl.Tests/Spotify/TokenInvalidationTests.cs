using SpotifyEtl.Spotify;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>
/// Sources refused with 401 forget the token they used while another source is refreshing it, which may take minutes (the
/// accounts service slow, or asking for a wait): they do not wait, each holding a thread, for that refresh to end. A refusal
/// of an old token never makes the client forget a newer one.
/// </summary>
public sealed class TokenInvalidationTests : IAsyncLifetime
{
    private SpotifyDouble _spotify = null!;

    public async Task InitializeAsync() => _spotify = await SpotifyDouble.StartAsync();

    public async Task DisposeAsync() => await _spotify.DisposeAsync();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Refused_sources_forget_the_token_without_waiting_for_a_refresh_in_flight(int seed)
    {
        var random = new Random(seed);
        using var http = new HttpClient();
        using var client = SpotifyApiClient.Create(http, _spotify.Endpoints, _spotify.Credentials());
        var old = await client.Tokens.GetAccessTokenAsync(CancellationToken.None);
        client.Tokens.Invalidate(old);
        _spotify.Inject("token", Fault.Slow(TimeSpan.FromMinutes(5)));
        using var stop = new CancellationTokenSource();
        var refresh = client.Tokens.GetAccessTokenAsync(stop.Token);
        await WaitUntil(() => _spotify.TokenGrants.Count == 2 || refresh.IsCompleted);

        var refused = Enumerable.Range(0, random.Next(1, 9)).Select(_ => Task.Run(() => client.Tokens.Invalidate(old))).ToArray();
        var all = Task.WhenAll(refused);

        Assert.True(await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(20))) == all,
            $"{refused.Count(task => !task.IsCompleted)} of {refused.Length} refused sources still wait for the refresh in flight");
        Assert.False(refresh.IsCompleted);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => refresh);

        // The next token is a new one, and a late refusal of the old one does not make the client forget it.
        var fresh = await client.Tokens.GetAccessTokenAsync(CancellationToken.None);
        Assert.NotEqual(old, fresh);
        var grants = _spotify.TokenGrants.Count;
        await Task.WhenAll(Enumerable.Range(0, random.Next(1, 9)).Select(_ => Task.Run(() => client.Tokens.Invalidate(old))));
        Assert.Equal(fresh, await client.Tokens.GetAccessTokenAsync(CancellationToken.None));
        Assert.Equal(grants, _spotify.TokenGrants.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_request_whose_new_token_another_source_used_up_before_it_arrived_asks_with_a_newer_one(int requestsPerToken)
    {
        // Spotify's tokens here serve a few requests each. Source A is refused with the first token and fetches a second;
        // before A's request arrives with it, source B uses the second token up (B's requests are sent from within
        // the double while it holds A's request). A's request is refused again, through no fault of its token.
        _spotify.ExpireAccessTokensAfterRequests = requestsPerToken;
        _spotify.AddPlaylist("sourcea", items: 2);
        _spotify.AddPlaylist("sourceb", items: 2);
        using var http = new HttpClient();
        using var client = SpotifyApiClient.Create(http, _spotify.Endpoints, _spotify.Credentials());
        for (var i = 0; i < requestsPerToken; i++)
        {
            await client.GetAsync("playlists/sourcea", CancellationToken.None);
        }
        var arrivalsOfA = 0;
        _spotify.OnApiRequest = path =>
        {
            if (path.StartsWith("playlists/sourcea", StringComparison.Ordinal) && Interlocked.Increment(ref arrivalsOfA) == 2)
            {
                for (var i = 0; i < requestsPerToken; i++)
                {
                    client.GetAsync("playlists/sourceb", CancellationToken.None).GetAwaiter().GetResult();
                }
            }
        };

        var answer = await client.GetAsync("playlists/sourcea", CancellationToken.None);

        Assert.Equal(3, arrivalsOfA);
        Assert.Equal(3, answer.Attempts);
        Assert.Equal(3, _spotify.TokenGrants.Count);
    }

    [Fact]
    public async Task A_request_refused_with_every_token_ends_after_three_without_asking_for_more()
    {
        _spotify.ExpireAccessTokensAfterRequests = 0;
        _spotify.AddPlaylist("refused", items: 2);
        using var http = new HttpClient();
        using var client = SpotifyApiClient.Create(http, _spotify.Endpoints, _spotify.Credentials());

        var refused = await Assert.ThrowsAsync<SpotifyApiException>(() => client.GetAsync("playlists/refused", CancellationToken.None));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.Status);
        Assert.Equal(3, _spotify.TokenGrants.Count);
        Assert.Equal(3, _spotify.ApiRequests.Count);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var waited = 0; !condition() && waited < 200; waited++)
        {
            await Task.Delay(50);
        }
        Assert.True(condition(), "the double never received the second token request");
    }
}
