using SpotifyEtl.Lake;
using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>
/// A run killed partway (no manifest, no state saved at its end) has saved its name before landing anything: a run started
/// again within the same second names itself a second later, and lands nothing over the killed run's objects.
/// </summary>
public sealed class KilledRunNameTests : IAsyncLifetime
{
    private ExtractionHarness _h = null!;

    public async Task InitializeAsync() => _h = await ExtractionHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_run_started_again_in_the_second_of_a_killed_run_lands_under_a_name_of_its_own(int pagesBeforeTheKill)
    {
        _h.Spotify.SavedTrackCount = 200;
        _h.StoreSeenByRun = store => new DiesAfterRawWrites(store, pagesBeforeTheKill);
        await Assert.ThrowsAsync<Killed>(() => _h.RunAsync(ExtractionSource.SavedTracks()));
        var killed = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var key in await _h.KeysAsync(LakeLayout.Raw))
        {
            killed[key] = await _h.Store.ReadAllBytesAsync(key);
        }
        Assert.Equal(pagesBeforeTheKill, killed.Count);
        Assert.Empty(await _h.KeysAsync("manifests/"));

        // Started again at once (the same second of the harness's clock), with one more saved song: each page differs.
        _h.StoreSeenByRun = store => store;
        _h.Spotify.SavedTrackCount = 201;
        var run = await _h.RunAsync(ExtractionSource.SavedTracks());

        Assert.Equal(ExtractionOutcome.Succeeded, run.Manifest.Outcome);
        Assert.All(killed.Keys, key => Assert.DoesNotContain($"/{run.Manifest.RunId}-", key, StringComparison.Ordinal));
        foreach (var (key, bytes) in killed)
        {
            Assert.Equal(bytes, await _h.Store.ReadAllBytesAsync(key));
        }
    }

    private sealed class Killed() : Exception("the process was killed");

    /// <summary>The process dies once it has landed so many raw objects: every later write fails, and the run ends there.</summary>
    private sealed class DiesAfterRawWrites(IObjectStore inner, int rawWrites) : ForwardingStore(inner)
    {
        private int _landed;

        public override Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
        {
            if (Volatile.Read(ref _landed) >= rawWrites)
            {
                throw new Killed();
            }
            if (key.StartsWith(LakeLayout.Raw, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _landed);
            }
            return base.PutAsync(key, content, contentType, cancellationToken);
        }
    }
}
