using SpotifyEtl.Lake;
using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>
/// A playlist nobody edits keeps its snapshot, and its items are not read while it stands; a top list nobody's listening
/// moves answers 304. Where raw snapshots expire (the stack's rawExpirationDays), each lands again once its last landing is
/// <see cref="ExtractorOptions.SnapshotRelandDays"/> days old by the calendar, so the lake always holds a raw copy of them.
/// </summary>
public sealed class SnapshotRelandTests : IAsyncLifetime
{
    private const string Id = "3cEYpjA9oz9GiPac4AsH4n";
    private ExtractionHarness _h = null!;

    public async Task InitializeAsync() => _h = await ExtractionHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 10)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task An_unchanged_playlists_items_land_again_once_their_last_landing_is_the_setting_old(int seed)
    {
        var random = new Random(seed);
        // 0 (never) in some runs; a stack's setting otherwise.
        var relandDays = seed % 4 == 0 ? 0 : random.Next(1, 12);
        _h.Options = new ExtractorOptions { SnapshotRelandDays = relandDays };
        var playlist = _h.Spotify.AddPlaylist(Id, items: random.Next(1, 120));
        DateTimeOffset? landedAt = null;
        for (var run = 0; run < 30; run++)
        {
            // Runs hours to days apart; now and then the owner edits the playlist.
            _h.Clock.Advance(TimeSpan.FromHours(random.Next(1, 80)));
            var edited = random.Next(8) == 0;
            if (edited)
            {
                playlist.SnapshotId = $"edited-at-run-{run}";
            }
            var now = _h.Clock.GetUtcNow();
            // Days by the calendar (UTC), as S3's lifecycle counts an object's age.
            var due = landedAt is null || edited || (relandDays > 0 && (now.UtcDateTime.Date - landedAt.Value.UtcDateTime.Date).Days >= relandDays);

            var report = (await _h.RunAsync(ExtractionSource.Playlist(Id))).Manifest.Sources.Single();

            var items = report.Objects.Count(key => RawObjectKey.Parse(key).Source == RawSource.PlaylistItems);
            Assert.True(due ? report.Status == SourceStatus.Landed && items == (playlist.ItemCount + 49) / 50
                : report.Status == SourceStatus.Unchanged && items == 0,
                $"run {run} at {now:u}, items last landed {landedAt:u}, relanding after {relandDays} days: {report.Status}, {items} pages");
            if (due)
            {
                landedAt = now;
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task An_unchanged_top_list_lands_again_once_its_last_landing_is_the_setting_old(int seed)
    {
        var random = new Random(seed);
        var relandDays = seed % 4 == 0 ? 0 : random.Next(1, 12);
        var limit = 50 * random.Next(1, 4);
        _h.Options = new ExtractorOptions { SnapshotRelandDays = relandDays, TopItemsLimit = limit };
        _h.Spotify.TopTrackCount = limit;
        DateOnly? landedOn = null;
        for (var run = 0; run < 30; run++)
        {
            // A day's first run reads the top lists; runs a day or more apart, the list now and then changed.
            _h.Clock.Advance(TimeSpan.FromDays(random.Next(1, 6)));
            // A song of the list replaced by another (one replaced before changes nothing).
            var changed = random.Next(8) == 0 && _h.Spotify.ReplacedTopTracks.Add(random.Next(limit));
            var today = DateOnly.FromDateTime(_h.Clock.GetUtcNow().UtcDateTime);
            var due = landedOn is null || changed || (relandDays > 0 && today.DayNumber - landedOn.Value.DayNumber >= relandDays);

            var report = (await _h.RunAsync(ExtractionSource.TopTracks("short_term"))).Manifest.Sources.Single();

            Assert.True(due ? report.Status == SourceStatus.Landed && report.Objects.Count == limit / 50
                : report.Status == SourceStatus.Unchanged && report.Objects.Count == 0,
                $"run {run} on {today}, last landed on {landedOn}, relanding after {relandDays} days: {report.Status}, {report.Objects.Count} pages");
            if (due)
            {
                landedOn = today;
            }
        }
    }

    [Fact]
    public async Task A_top_list_lands_again_when_any_of_its_pages_is_due_not_only_its_first()
    {
        // A page a shorter limit once left out keeps the ETag an older run remembered, older than the first page's.
        _h.Options = new ExtractorOptions { SnapshotRelandDays = 30, TopItemsLimit = 100 };
        _h.Spotify.TopTrackCount = 100;
        await _h.RunAsync(ExtractionSource.TopTracks("short_term"));
        var state = await ExtractionState.LoadAsync(_h.Store, CancellationToken.None);
        var second = state.ETags.Keys.Single(path => path.Contains("offset=50", StringComparison.Ordinal));
        state.ETags[second] = state.ETags[second] with { RunId = "20261001T060000Z" };
        await state.SaveAsync(_h.Store, CancellationToken.None);
        _h.Clock.Advance(TimeSpan.FromDays(1));

        var report = (await _h.RunAsync(ExtractionSource.TopTracks("short_term"))).Manifest.Sources.Single();

        Assert.Equal((SourceStatus.Landed, 2), (report.Status, report.Objects.Count));
    }

    [Fact]
    public async Task Items_due_again_whose_reading_failed_are_read_by_the_days_next_run()
    {
        // Landed on day 0; on day 1 they are due, and that day's first run fails on their pages (Spotify's 500s through
        // every retry) after landing the metadata: the day's next run must not settle for a 304 of the metadata.
        _h.Options = new ExtractorOptions { SnapshotRelandDays = 1 };
        _h.Spotify.AddPlaylist(Id, items: 70);
        var statuses = new List<SourceStatus> { (await _h.RunAsync(ExtractionSource.Playlist(Id))).Manifest.Sources.Single().Status };
        _h.Clock.Advance(TimeSpan.FromDays(1));
        _h.Spotify.Inject($"playlists/{Id}/items", Enumerable.Repeat(Fault.ServerError(), _h.ClientOptions.MaxRetryAttempts + 1).ToArray());
        statuses.Add((await _h.RunAsync(ExtractionSource.Playlist(Id))).Manifest.Sources.Single().Status);
        _h.Clock.Advance(TimeSpan.FromHours(1));
        statuses.Add((await _h.RunAsync(ExtractionSource.Playlist(Id))).Manifest.Sources.Single().Status);

        Assert.Equal([SourceStatus.Landed, SourceStatus.Failed, SourceStatus.Landed], statuses);
    }

    [Theory]
    [InlineData("20991231T235959Z")]
    [InlineData("not a run id")]
    public async Task Items_whose_landing_names_a_time_after_this_run_or_none_are_due(string landedBy)
    {
        // A clock that ran fast named the landing run after today (or the state was edited by hand): its age is unknown,
        // and waiting for it could let the lifecycle expire the items first.
        _h.Options = new ExtractorOptions { SnapshotRelandDays = 30 };
        _h.Spotify.AddPlaylist(Id, items: 70);
        await _h.RunAsync(ExtractionSource.Playlist(Id));
        var state = await ExtractionState.LoadAsync(_h.Store, CancellationToken.None);
        state.Playlists[Id] = state.Playlists[Id] with { RunId = landedBy };
        await state.SaveAsync(_h.Store, CancellationToken.None);
        _h.Clock.Advance(TimeSpan.FromDays(1));

        var report = (await _h.RunAsync(ExtractionSource.Playlist(Id))).Manifest.Sources.Single();

        Assert.Equal(SourceStatus.Landed, report.Status);
        Assert.Equal(2, report.Objects.Count(key => RawObjectKey.Parse(key).Source == RawSource.PlaylistItems));
    }

    [Theory]
    [InlineData("-1", "between 0 and 36500")]
    [InlineData("a month", "is not a whole number")]
    public void A_bad_setting_is_refused_naming_the_variable(string value, string expected)
    {
        var error = Assert.Throws<SpotifyConfigurationException>(() =>
            ExtractorOptions.FromEnvironment(name => name == ExtractorOptions.SnapshotRelandDaysVariable ? value : null));

        Assert.Contains(ExtractorOptions.SnapshotRelandDaysVariable, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
