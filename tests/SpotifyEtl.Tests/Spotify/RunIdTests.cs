using SpotifyEtl.Lake;
using SpotifyEtl.Spotify;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>
/// Run ids name a second; runs started within one second (a run that found nothing to do, then another), or after
/// the clock stepped back, still land under ids of their own, so neither's manifest or pages replace the other's.
/// </summary>
public sealed class RunIdTests : IAsyncLifetime
{
    private ExtractionHarness _h = null!;

    public async Task InitializeAsync() => _h = await ExtractionHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>Generated steps of the clock between runs: none, within the second, and back by up to a minute.</summary>
    public static TheoryData<int[]> ClockSteps()
    {
        var random = new Random(75);
        var steps = new TheoryData<int[]> { new[] { 0, 0, 0 }, new[] { 400, 400, 400 } };
        for (var i = 0; i < 6; i++)
        {
            steps.Add(Enumerable.Range(0, 4).Select(_ => random.Next(-60_000, 1_000)).ToArray());
        }
        return steps;
    }

    [Theory]
    [MemberData(nameof(ClockSteps))]
    public async Task Every_run_gets_an_id_of_its_own_and_ids_grow_with_each_run(int[] millisecondsBetweenRuns)
    {
        _h.Spotify.Plays.AddRange(Enumerable.Range(0, 5).Select(index => 1_763_700_000_000L + index * 200_000L));
        var ids = new List<string>();
        ids.Add((await _h.RunAsync(ExtractionSource.RecentlyPlayed())).Manifest.RunId);
        foreach (var step in millisecondsBetweenRuns)
        {
            _h.Clock.Advance(TimeSpan.FromMilliseconds(step));
            _h.Spotify.Plays.Add(_h.Spotify.Plays.Max() + 1_000);
            ids.Add((await _h.RunAsync(ExtractionSource.RecentlyPlayed())).Manifest.RunId);
        }

        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(ids.Count, (await _h.KeysAsync(LakeLayout.Manifests)).Count);
        Assert.All(ids, id => Assert.NotNull(RawObjectKey.ParseRunId(id)));
        // Every play landed once: no run's page replaced another's.
        var pages = (await _h.KeysAsync(LakeLayout.Raw + "recently_played/")).Count;
        Assert.Equal(ids.Count, pages);
    }
}
