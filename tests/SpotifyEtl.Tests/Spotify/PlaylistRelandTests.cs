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
            // Run ids are whole seconds: the age is that of the run that landed the items, as the extractor reads it.
            var due = landedAt is null || edited || (relandDays > 0 && now - landedAt >= TimeSpan.FromDays(relandDays));

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
    public async Task Items_due_again_in_a_day_whose_first_run_found_the_playlist_unchanged_land_that_day()
    {
        // Landed at 20:00; the next day's first run, at 10:00, is 14 hours on and lands only the metadata; its run at 21:00
        // is 25 hours on, past the day the setting allows, though the metadata it asks for has not changed since 10:00.
        _h.Options = new ExtractorOptions { PlaylistRelandDays = 1 };
        _h.Spotify.AddPlaylist(Id, items: 70);
        var statuses = new List<SourceStatus>();
        // The harness's clock starts at 06:00 UTC: runs at 20:00, the next day's 10:00 and 21:00.
        foreach (var hours in new[] { 14, 14, 11 })
        {
            _h.Clock.Advance(TimeSpan.FromHours(hours));
            statuses.Add((await _h.RunAsync(ExtractionSource.Playlist(Id))).Manifest.Sources.Single().Status);
        }

        Assert.Equal([SourceStatus.Landed, SourceStatus.Unchanged, SourceStatus.Landed], statuses);
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
