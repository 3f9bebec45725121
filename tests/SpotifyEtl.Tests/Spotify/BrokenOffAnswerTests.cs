using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using SpotifyEtl.Storage;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>
/// An answer whose connection closes after its headers, part of its body sent (a proxy, a NAT or Spotify's edge dropping it), is
/// the network failing: retried like a refused connection, and, when it outlasts the retries, the source (or, at the token
/// endpoint, the run) ends as Spotify not answering, never as an unexpected error.
/// </summary>
public sealed class BrokenOffAnswerTests : IAsyncLifetime
{
    private const string Mine = "3cEYpjA9oz9GiPac4AsH4n";
    private const string TokenAnswer = "{\"access_token\":\"BQDxBrokenOffTokenAnswerForTheTests\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"scope\":\"user-read-recently-played playlist-read-private\"}";
    private ExtractionHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await ExtractionHarness.StartAsync();
        _h.Spotify.Plays.Add(1_763_700_000_000L);
        _h.Spotify.AddPlaylist(Mine, items: 120);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>Where the answer breaks off (token endpoint, a playlist's items, recently played) and after how many of its bytes: 0, 1, the last but one, and generated points between.</summary>
    public static TheoryData<string, int> Breaks()
    {
        var data = new TheoryData<string, int>();
        var random = new Random(26);
        foreach (var target in new[] { "token", "items", "recently-played" })
        {
            var length = target == "token" ? TokenAnswer.Length : ApiAnswer.Length;
            foreach (var cut in new[] { 0, 1, length - 1, random.Next(2, length - 1), random.Next(2, length - 1) })
            {
                data.Add(target, cut);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Breaks))]
    public async Task An_answer_broken_off_once_is_retried_and_the_run_lands_everything(string target, int bytesSent)
    {
        _h.Spotify.Inject(PathOf(target), new Fault.BrokenOffFault(target == "token" ? TokenAnswer : ApiAnswer, bytesSent));

        var run = await _h.RunAsync(ExtractionSource.Playlist(Mine), ExtractionSource.RecentlyPlayed());

        Assert.Equal(ExtractionOutcome.Succeeded, run.Manifest.Outcome);
        Assert.All(run.Manifest.Sources, source => Assert.Equal(SourceStatus.Landed, source.Status));
        Assert.Equal(120, run.Manifest.Sources[0].Items);
        Assert.Equal(3, (await _h.KeysAsync($"raw/playlist_items/")).Count);
    }

    [Theory]
    [MemberData(nameof(Breaks))]
    public async Task An_answer_broken_off_through_every_retry_ends_as_Spotify_not_answering_with_the_state_saved(string target, int bytesSent)
    {
        var body = target == "token" ? TokenAnswer : ApiAnswer;
        _h.Spotify.Inject(PathOf(target), Enumerable.Range(0, _h.ClientOptions.MaxRetryAttempts + 1).Select(_ => (Fault)new Fault.BrokenOffFault(body, bytesSent)).ToArray());

        var run = await _h.RunAsync(ExtractionSource.Playlist(Mine), ExtractionSource.RecentlyPlayed());

        if (target == "token")
        {
            Assert.Equal(ExtractionOutcome.Stopped, run.Manifest.Outcome);
            Assert.Equal(_h.ClientOptions.MaxRetryAttempts + 1, _h.Spotify.TokenGrants.Count);
            Assert.Contains("could not be reached after retries", run.Manifest.StopReason, StringComparison.Ordinal);
            Assert.Contains("broke off", run.Manifest.StopReason, StringComparison.Ordinal);
            Assert.DoesNotContain("client id", run.Manifest.StopReason, StringComparison.OrdinalIgnoreCase);
        }
        else
        {
            Assert.Equal(ExtractionOutcome.Partial, run.Manifest.Outcome);
            var (broken, other) = target == "items" ? (run.Manifest.Sources[0], run.Manifest.Sources[1]) : (run.Manifest.Sources[1], run.Manifest.Sources[0]);
            Assert.Equal(SourceStatus.Failed, broken.Status);
            Assert.Contains("got no answer from Spotify", broken.Error, StringComparison.Ordinal);
            Assert.Contains("broke off", broken.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("unexpected", broken.Error, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(SourceStatus.Landed, other.Status);
            Assert.Equal(_h.ClientOptions.MaxRetryAttempts + 1, _h.Spotify.ApiRequestsTo(PathOf(target)));
        }
        Assert.True(await _h.Store.ExistsAsync(ExtractionState.Key));
    }

    private static string PathOf(string target) => target switch
    {
        "token" => "token",
        "items" => $"playlists/{Mine}/items",
        _ => "me/player/recently-played",
    };

    /// <summary>What the broken answers would have been: a page of some kilobytes.</summary>
    private static readonly string ApiAnswer =
        "{\"href\":\"https://api.spotify.com/v1/me/player/recently-played\",\"items\":[" +
        string.Join(',', Enumerable.Range(0, 20).Select(i => $"{{\"track\":{{\"id\":\"track{i:D4}\",\"name\":\"Song {i}\"}},\"played_at\":\"2026-11-21T05:{i:D2}:00.000Z\"}}")) +
        "],\"next\":null,\"limit\":50}";
}
