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
        // No run's page replaced another's: the first run's page, and each later run's page after the cursor with the one-play
        // page before it that shows it reaches back to the cursor.
        var pages = (await _h.KeysAsync(LakeLayout.Raw + "recently_played/")).Count;
        Assert.Equal(2 * ids.Count - 1, pages);
    }

    /// <summary>Generated names of a last run ahead of this machine's clock: by hours, days, years, with odd seconds.</summary>
    public static TheoryData<long> SecondsAhead()
    {
        var random = new Random(51);
        var ahead = new TheoryData<long> { 3_601, 86_400 * 366 };
        for (var i = 0; i < 5; i++)
        {
            ahead.Add(random.NextInt64(3_602, 86_400L * 365 * 6));
        }
        return ahead;
    }

    [Theory]
    [MemberData(nameof(SecondsAhead))]
    public async Task A_last_run_named_far_ahead_of_the_clock_is_not_followed_the_run_lands_under_its_own_day_and_says_so(long secondsAhead)
    {
        // A run on a machine whose clock ran fast once, or a state copied from one: every later run was named a second
        // after it, so all of them landed under that future day and the once-a-day sources waited for it.
        _h.Spotify.Plays.Add(1_763_700_000_000L);
        var first = await _h.RunAsync(ExtractionSource.RecentlyPlayed(), ExtractionSource.TopTracks("short_term"));
        var now = _h.Clock.GetUtcNow();
        var state = await ExtractionState.LoadAsync(_h.Store, CancellationToken.None);
        var future = RawObjectKey.ParseRunId(first.Manifest.RunId)!.Value.AddSeconds(secondsAhead);
        state.LastRunId = RawObjectKey.FormatRunId(future);
        state.LandedOn["top_tracks:short_term"] = DateOnly.FromDateTime(future.UtcDateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await state.SaveAsync(_h.Store, CancellationToken.None);
        _h.Spotify.Plays.Add(1_763_700_100_000L);

        var run = await _h.RunAsync(ExtractionSource.RecentlyPlayed(), ExtractionSource.TopTracks("short_term"));

        var runStart = RawObjectKey.ParseRunId(run.Manifest.RunId)!.Value;
        Assert.Equal(DateOnly.FromDateTime(now.UtcDateTime), DateOnly.FromDateTime(runStart.UtcDateTime));
        // Named by the clock, and never over the first run, which left a manifest in the same second.
        Assert.NotEqual(first.Manifest.RunId, run.Manifest.RunId);
        Assert.True(runStart - now < TimeSpan.FromSeconds(5), $"{run.Manifest.RunId} against a clock at {now:O}");
        Assert.Equal(2, (await _h.KeysAsync(LakeLayout.Manifests)).Count);
        var warning = Assert.Single(_h.LogLines, line => line.Contains("\"run_clock_behind\"", StringComparison.Ordinal));
        Assert.Contains(state.LastRunId, warning, StringComparison.Ordinal);
        if (DateOnly.FromDateTime(future.UtcDateTime) == DateOnly.FromDateTime(now.UtcDateTime))
        {
            return; // the future run's day is today's: the top list did land today
        }
        // The day's top list is read today: the state's "landed on" of that future day does not hold it back.
        Assert.Contains(run.Manifest.Sources, source => source.Source.StartsWith("top_tracks", StringComparison.Ordinal) && source.Requests > 0);
        var after = await ExtractionState.LoadAsync(_h.Store, CancellationToken.None);
        Assert.Equal(DateOnly.FromDateTime(now.UtcDateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), after.LandedOn["top_tracks:short_term"]);
    }

    /// <summary>
    /// Hourly runs on a clock that ran hours fast, then was corrected, and hourly runs again: the corrected clock's runs catch
    /// up with the names the fast one gave, at the same second of the hour. No run is named as another was, and no run's
    /// page or manifest is landed over another's.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    public async Task Runs_after_a_fast_clock_was_corrected_never_land_over_the_runs_it_named(int hoursFast)
    {
        var random = new Random(hoursFast);
        _h.Spotify.Plays.Add(1_763_700_000_000L);
        _h.Clock.Advance(TimeSpan.FromHours(hoursFast));
        var runs = new List<ExtractionManifest>();
        async Task HourlyAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                _h.Spotify.Plays.Add(_h.Spotify.Plays.Max() + 60_000);
                runs.Add((await _h.RunAsync(ExtractionSource.RecentlyPlayed())).Manifest);
                _h.Clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromMilliseconds(random.Next(0, 900)) + TimeSpan.FromMilliseconds(random.Next(0, 900)));
            }
        }
        await HourlyAsync(hoursFast + 1);
        _h.Clock.Advance(TimeSpan.FromHours(-hoursFast));
        await HourlyAsync(2 * hoursFast + 2);

        var ids = runs.Select(r => r.RunId).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(ids.Count, (await _h.KeysAsync(LakeLayout.Manifests)).Count);
        var named = runs.SelectMany(r => r.Sources).SelectMany(s => s.Objects).ToList();
        Assert.Equal(named.Count, named.Distinct().Count());
        Assert.Equal(named.Order(StringComparer.Ordinal), (await _h.KeysAsync(LakeLayout.Raw + "recently_played/")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_last_run_named_within_the_hour_ahead_is_followed_a_second_later_as_a_stepped_back_clock_is()
    {
        _h.Spotify.Plays.Add(1_763_700_000_000L);
        var first = await _h.RunAsync(ExtractionSource.RecentlyPlayed());
        _h.Clock.Advance(TimeSpan.FromMinutes(-59));

        var run = await _h.RunAsync(ExtractionSource.RecentlyPlayed());

        Assert.Equal(RawObjectKey.ParseRunId(first.Manifest.RunId)!.Value.AddSeconds(1), RawObjectKey.ParseRunId(run.Manifest.RunId));
        Assert.DoesNotContain(_h.LogLines, line => line.Contains("run_clock_behind", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_run_whose_role_may_not_read_manifests_is_still_named_by_its_clock_when_the_last_run_is_far_ahead()
    {
        // The extract function's role writes manifests and never reads them: S3 answers its look 403.
        _h.Spotify.Plays.Add(1_763_700_000_000L);
        await _h.RunAsync(ExtractionSource.RecentlyPlayed());
        var state = await ExtractionState.LoadAsync(_h.Store, CancellationToken.None);
        state.LastRunId = RawObjectKey.FormatRunId(_h.Clock.GetUtcNow().AddDays(400));
        await state.SaveAsync(_h.Store, CancellationToken.None);
        _h.Clock.Advance(TimeSpan.FromMinutes(5));
        _h.StoreSeenByRun = store => new DeniesManifestReads(store);

        var run = await _h.RunAsync(ExtractionSource.RecentlyPlayed());

        Assert.Equal(DateOnly.FromDateTime(_h.Clock.GetUtcNow().UtcDateTime), DateOnly.FromDateTime(RawObjectKey.ParseRunId(run.Manifest.RunId)!.Value.UtcDateTime));
    }

    /// <summary>
    /// Where the run may not read manifests (the extract function's role), it never asks: no refused request each run. The
    /// function's settings say so.
    /// </summary>
    [Fact]
    public async Task A_run_told_it_may_not_read_manifests_never_asks_for_one()
    {
        _h.Spotify.Plays.Add(1_763_700_000_000L);
        await _h.RunAsync(ExtractionSource.RecentlyPlayed());
        _h.Options = _h.Options with { ManifestsReadable = false };
        var asked = 0;
        _h.StoreSeenByRun = store => new CountsManifestLooks(store, () => asked++);

        foreach (var step in new[] { 0, -3_600_000 * 5, 400 })
        {
            _h.Clock.Advance(TimeSpan.FromMilliseconds(step));
            _h.Spotify.Plays.Add(_h.Spotify.Plays.Max() + 1_000);
            await _h.RunAsync(ExtractionSource.RecentlyPlayed());
        }

        Assert.Equal(0, asked);
        var settings = SpotifyEtl.Functions.ExtractSettings.FromEnvironment(name =>
            name == StackContract.ExtractEnvironment.Sources ? """[{"type":"recently_played"}]"""
            : name == StackContract.ExtractEnvironment.RawBucket ? "raw-bucket"
            : name == StackContract.ExtractEnvironment.SecretId ? "arn:aws:secretsmanager:eu-north-1:123456789012:secret:spotify"
            : null);
        Assert.False(settings.Extractor.ManifestsReadable, "the extract function's role may not read manifests");
    }

    private sealed class CountsManifestLooks(SpotifyEtl.Storage.IObjectStore inner, Action looked) : SpotifyEtl.Tests.Support.ForwardingStore(inner)
    {
        public override Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default)
        {
            if (key.StartsWith(LakeLayout.Manifests, StringComparison.Ordinal))
            {
                looked();
            }
            return base.ExistsAsync(key, cancellationToken);
        }
    }

    private sealed class DeniesManifestReads(SpotifyEtl.Storage.IObjectStore inner) : SpotifyEtl.Tests.Support.ForwardingStore(inner)
    {
        public override Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) =>
            key.StartsWith(LakeLayout.Manifests, StringComparison.Ordinal)
                ? throw new Amazon.S3.AmazonS3Exception("Access Denied") { StatusCode = System.Net.HttpStatusCode.Forbidden, ErrorCode = "AccessDenied" }
                : base.ExistsAsync(key, cancellationToken);
    }
}
