using SpotifyEtl.Lake;
using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>
/// A playlist nobody edits keeps its snapshot, and its items are not read while it stands; where raw snapshots expire
/// (the stack's rawExpirationDays), its items land again once their last landing is <see cref="ExtractorOptions.PlaylistRelandDays"/>
/// old, so the lake always holds a raw copy of every playlist's current items.
/// </summary>
public sealed class PlaylistRelandTests : IAsyncLifetime
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
        _h.Options = new ExtractorOptions { PlaylistRelandDays = relandDays };
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

    [Fact]
    public async Task Items_due_again_whose_reading_failed_are_read_by_the_days_next_run()
    {
        // Landed on day 0; on day 1 they are due, and that day's first run fails on their pages (Spotify's 500s through
        // every retry) after landing the metadata: the day's next run must not settle for a 304 of the metadata.
        _h.Options = new ExtractorOptions { PlaylistRelandDays = 1 };
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
        _h.Options = new ExtractorOptions { PlaylistRelandDays = 30 };
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
            ExtractorOptions.FromEnvironment(name => name == ExtractorOptions.PlaylistRelandDaysVariable ? value : null));

        Assert.Contains(ExtractorOptions.PlaylistRelandDaysVariable, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
