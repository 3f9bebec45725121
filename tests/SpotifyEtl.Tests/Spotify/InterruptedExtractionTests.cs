using SpotifyEtl.Spotify;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>
/// A run interrupted (Ctrl+C) part way still writes its manifest, saying it was interrupted and naming every object that
/// landed, then its state: the interruption reaches the caller, and nothing landed goes unnamed.
/// </summary>
public sealed class InterruptedExtractionTests : IAsyncLifetime
{
    private const string Playlist = "3cEYpjA9oz9GiPac4AsH4n";
    private ExtractionHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await ExtractionHarness.StartAsync();
        _h.Spotify.AddPlaylist(Playlist, items: 160);
        _h.Spotify.SavedTrackCount = 120;
        _h.Spotify.Plays.AddRange(Enumerable.Range(0, 20).Select(index => 1_763_700_000_000L + index * 200_000L));
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static readonly ExtractionSource[] Sources =
        [ExtractionSource.Playlist(Playlist), ExtractionSource.SavedTracks(), ExtractionSource.RecentlyPlayed(), ExtractionSource.TopTracks("short_term")];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task An_interrupted_run_writes_a_manifest_saying_so_that_names_every_object_it_landed(int seed)
    {
        var random = new Random(seed);
        // An uninterrupted run asks 10 times: the playlist 5, saved tracks 3, recently played and top tracks 1 each.
        var interruptAt = random.Next(1, 11);
        _h.MaxConcurrency = 1 + random.Next(2);
        using var interrupt = new CancellationTokenSource();
        var asked = 0;
        _h.Spotify.OnApiRequest = _ =>
        {
            if (Interlocked.Increment(ref asked) == interruptAt)
            {
                interrupt.Cancel();
            }
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _h.RunAsync(_h.Spotify.Credentials(), interrupt.Token, Sources));

        var manifestKey = Assert.Single(await _h.KeysAsync("manifests/"));
        var manifest = System.Text.Json.JsonSerializer.Deserialize(await SpotifyEtl.Storage.ObjectStoreExtensions.ReadAllBytesAsync(_h.Store, manifestKey),
            ExtractionJsonContext.Default.ExtractionManifest)!;
        Assert.Equal(ExtractionOutcome.Stopped, manifest.Outcome);
        Assert.StartsWith("Interrupted", manifest.StopReason, StringComparison.Ordinal);
        Assert.Equal(Sources.Select(source => source.Name), manifest.Sources.Select(source => source.Source));
        Assert.Equal((await _h.KeysAsync("raw/")).Order(StringComparer.Ordinal), manifest.Sources.SelectMany(source => source.Objects).Order(StringComparer.Ordinal));
        Assert.True(await _h.Store.ExistsAsync(ExtractionState.Key));

        // The next run goes on; between the two manifests every object landed is named.
        _h.Spotify.OnApiRequest = null;
        _h.Clock.Advance(TimeSpan.FromMinutes(5));
        var next = await _h.RunAsync(Sources);
        Assert.Equal(ExtractionOutcome.Succeeded, next.Manifest.Outcome);
        Assert.Equal((await _h.KeysAsync("raw/")).Order(StringComparer.Ordinal),
            manifest.Sources.Concat(next.Manifest.Sources).SelectMany(source => source.Objects).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Interrupted once my_playlists has listed the account's playlists and before they are read (they come after the
    /// configured sources): the manifest names each playlist it found as not run, and the next run reads every one.
    /// </summary>
    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    public async Task An_interrupted_run_names_each_playlist_my_playlists_found_and_did_not_read_as_not_run(int seed)
    {
        var random = new Random(seed);
        var owned = Enumerable.Range(0, random.Next(1, 120))
            .Select(_ => _h.Spotify.AddPlaylist(new string([.. Enumerable.Range(0, 22).Select(_ => (char)('a' + random.Next(26)))]), items: random.Next(0, 5)).Id)
            .Append(Playlist).Distinct().Order(StringComparer.Ordinal).ToList();
        // One source at a time, in order: the listing has ended when saved tracks (three pages) or recently played is asked.
        _h.MaxConcurrency = 1;
        var interruptAt = random.Next(1, 5);
        using var interrupt = new CancellationTokenSource();
        var asked = 0;
        _h.Spotify.OnApiRequest = path =>
        {
            if (!path.StartsWith("me/playlists", StringComparison.Ordinal) && Interlocked.Increment(ref asked) == interruptAt)
            {
                interrupt.Cancel();
            }
        };
        ExtractionSource[] sources = [ExtractionSource.MyPlaylists(), ExtractionSource.SavedTracks(), ExtractionSource.RecentlyPlayed()];

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _h.RunAsync(_h.Spotify.Credentials(), interrupt.Token, sources));

        var manifest = System.Text.Json.JsonSerializer.Deserialize(
            await SpotifyEtl.Storage.ObjectStoreExtensions.ReadAllBytesAsync(_h.Store, Assert.Single(await _h.KeysAsync("manifests/"))),
            ExtractionJsonContext.Default.ExtractionManifest)!;
        var found = manifest.Sources.Where(source => source.Type == "playlist").ToList();
        Assert.Equal(owned, found.Select(source => source.Subject).Order(StringComparer.Ordinal));
        Assert.All(found, source => Assert.Equal(SourceStatus.NotRun, source.Status));
        Assert.Equal(0, owned.Sum(id => _h.Spotify.ApiRequestsTo($"playlists/{id}")));

        _h.Spotify.OnApiRequest = null;
        _h.Clock.Advance(TimeSpan.FromMinutes(5));
        var next = await _h.RunAsync(sources);
        Assert.Equal(ExtractionOutcome.Succeeded, next.Manifest.Outcome);
        Assert.Equal(owned, next.Manifest.Sources.Where(source => source.Type == "playlist").Select(source => source.Subject).Order(StringComparer.Ordinal));
    }
}
