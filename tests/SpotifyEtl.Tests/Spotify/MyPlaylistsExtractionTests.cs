using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>
/// my_playlists: every playlist the account owns, found each run from its playlists' listing and read as a playlist source
/// is, once each; another's, collaborative or not, is left out (the listing does not say whether the account collaborates,
/// and items of one it only follows answer 403), and a listing that fails fails that source alone.
/// </summary>
public sealed class MyPlaylistsExtractionTests : IAsyncLifetime
{
    private ExtractionHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await ExtractionHarness.StartAsync();
        _h.Spotify.Plays.Add(1_763_700_000_000L);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static string Id(Random random) => new(Enumerable.Range(0, 22).Select(_ => "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[random.Next(62)]).ToArray());

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Every_playlist_the_account_owns_is_read_once_and_anothers_collaborative_or_not_is_left_out(int seed)
    {
        var random = new Random(seed);
        var yours = new List<string>();
        var followed = new List<string>();
        var count = new[] { 0, random.Next(1, 50), random.Next(51, 130) }[seed % 3];
        for (var i = 0; i < count; i++)
        {
            var id = Id(random);
            var kind = random.Next(3);
            var playlist = _h.Spotify.AddPlaylist(id, items: random.Next(0, 8), ownedByUser: kind == 0);
            playlist.Collaborative = kind == 1;
            (kind == 0 ? yours : followed).Add(id);
        }
        // One of them named as a source as well: it is read once.
        var named = yours.Count > 0 && random.Next(2) == 0 ? [ExtractionSource.Playlist(yours[random.Next(yours.Count)])] : Array.Empty<ExtractionSource>();

        var run = await _h.RunAsync([ExtractionSource.RecentlyPlayed(), .. named, ExtractionSource.MyPlaylists()]);

        var sources = run.Manifest.Sources;
        var finder = Assert.Single(sources, source => source.Source == "my_playlists");
        Assert.Equal((SourceStatus.Unchanged, yours.Count), (finder.Status, finder.Items));
        Assert.Empty(finder.Objects);
        var read = sources.Where(source => source.Type == "playlist").Select(source => source.Subject).ToList();
        Assert.Equal(yours.Order(StringComparer.Ordinal), read.Order(StringComparer.Ordinal));
        Assert.All(sources.Where(source => source.Type == "playlist"), source => Assert.Equal(SourceStatus.Landed, source.Status));
        Assert.All(followed, id => Assert.Equal(0, _h.Spotify.ApiRequestsTo($"playlists/{id}")));
        Assert.Single(sources, source => source.Source == "recently_played" && source.Status == SourceStatus.Landed);
        Assert.Equal(Math.Max(1, (count + 49) / 50), _h.Spotify.ApiRequestsTo("me/playlists"));
        Assert.Equal(ExtractionOutcome.Succeeded, run.Manifest.Outcome);
    }

    /// <summary>
    /// A refresh token authorized without playlist-read-private (`auth login` naming other sources only): Spotify lists the
    /// public playlists alone, so my_playlists fails, saying how to authorize again, rather than leave the private ones out;
    /// the other sources land. With the scope, the private ones are read as the public ones are.
    /// </summary>
    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    public async Task Without_playlist_read_private_my_playlists_fails_naming_the_scope_instead_of_leaving_private_playlists_out(int seed)
    {
        var random = new Random(seed);
        var owned = Enumerable.Range(0, random.Next(1, 70)).Select(_ =>
        {
            var playlist = _h.Spotify.AddPlaylist(Id(random), items: random.Next(1, 5));
            playlist.Private = random.Next(2) == 0;
            return playlist;
        }).ToList();
        owned[random.Next(owned.Count)].Private = true;
        string[] others = [SpotifyScopes.PlaylistReadCollaborative, SpotifyScopes.RecentlyPlayed, SpotifyScopes.Top, SpotifyScopes.Library];
        var granted = others.Where(_ => random.Next(2) == 0).Append(SpotifyScopes.RecentlyPlayed).ToHashSet(StringComparer.Ordinal);
        var withPrivate = seed % 2 == 0;
        if (withPrivate)
        {
            granted.Add(SpotifyScopes.PlaylistReadPrivate);
        }
        _h.Spotify.GrantedScopes = granted;

        var run = await _h.RunAsync([ExtractionSource.RecentlyPlayed(), ExtractionSource.MyPlaylists()]);

        var finder = Assert.Single(run.Manifest.Sources, source => source.Source == "my_playlists");
        var read = run.Manifest.Sources.Where(source => source.Type == "playlist").Select(source => source.Subject).Order(StringComparer.Ordinal).ToList();
        Assert.Single(run.Manifest.Sources, source => source.Source == "recently_played" && source.Status == SourceStatus.Landed);
        if (withPrivate)
        {
            Assert.Equal((SourceStatus.Unchanged, owned.Count), (finder.Status, finder.Items));
            Assert.Equal(owned.Select(p => p.Id).Order(StringComparer.Ordinal), read);
            Assert.Equal(ExtractionOutcome.Succeeded, run.Manifest.Outcome);
            return;
        }
        Assert.Equal(SourceStatus.Failed, finder.Status);
        Assert.Contains("without playlist-read-private", finder.Error, StringComparison.Ordinal);
        Assert.Contains("spotify-etl auth login --my-playlists", finder.Error, StringComparison.Ordinal);
        Assert.Empty(read);
        Assert.Equal(0, _h.Spotify.ApiRequestsTo("me/playlists"));
        Assert.Equal(ExtractionOutcome.Partial, run.Manifest.Outcome);
    }

    /// <summary>A token answered with an empty or blank <c>scope</c> says nothing of its scopes: my_playlists reads every playlist listed.</summary>
    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public async Task A_token_whose_scope_is_empty_is_not_taken_for_one_without_scopes(string scope)
    {
        var random = new Random(scope.Length);
        var owned = Enumerable.Range(0, 5).Select(i =>
        {
            var playlist = _h.Spotify.AddPlaylist(Id(random), items: 2);
            playlist.Private = i % 2 == 0;
            return playlist.Id;
        }).ToList();
        _h.Spotify.ScopeAnswered = scope;

        var run = await _h.RunAsync(ExtractionSource.MyPlaylists());

        var finder = Assert.Single(run.Manifest.Sources, source => source.Source == "my_playlists");
        Assert.Equal((SourceStatus.Unchanged, owned.Count), (finder.Status, finder.Items));
        Assert.Equal(ExtractionOutcome.Succeeded, run.Manifest.Outcome);
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    [InlineData(24)]
    public async Task A_listing_whose_pages_link_on_to_the_users_playlists_path_Development_Mode_refuses_is_still_read_whole(int seed)
    {
        // GET /me/playlists, an alias of /users/{id}/playlists, may link its next page there; that path answers 403 here.
        var random = new Random(seed);
        var yours = Enumerable.Range(0, random.Next(51, 260)).Select(_ => _h.Spotify.AddPlaylist(Id(random), items: 1).Id).ToList();
        var shape = seed % 3;
        _h.Spotify.RewritePage = (route, offset, page) =>
        {
            if (route == "me/playlists" && page["next"] is not null)
            {
                var next = offset + (int)page["limit"]!;
                page["next"] = _h.Spotify.Link(shape switch
                {
                    0 => $"users/{_h.Spotify.Account.Id}/playlists?offset={next}&limit=50",
                    1 => $"users/{_h.Spotify.Account.Id}/playlists?limit=50&offset={next:D3}&locale=en",
                    _ => $"users/{_h.Spotify.Account.Id}/playlists/?offset={next}",
                });
            }
        };

        var run = await _h.RunAsync(ExtractionSource.MyPlaylists());

        var finder = run.Manifest.Sources.Single(source => source.Source == "my_playlists");
        Assert.Equal((SourceStatus.Unchanged, yours.Count), (finder.Status, finder.Items));
        var read = run.Manifest.Sources.Where(source => source.Type == "playlist").Select(source => source.Subject);
        Assert.Equal(yours.Order(StringComparer.Ordinal), read.Order(StringComparer.Ordinal));
        Assert.Equal(0, _h.Spotify.ApiRequestsTo("users/"));
        Assert.Equal((yours.Count + 49) / 50, _h.Spotify.ApiRequestsTo("me/playlists"));
        Assert.Equal(ExtractionOutcome.Succeeded, run.Manifest.Outcome);
    }

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(34)]
    [InlineData(35)]
    [InlineData(36)]
    public async Task A_listing_that_fails_at_a_page_still_reads_the_playlists_of_the_pages_before_it(int seed)
    {
        var random = new Random(seed);
        var yours = Enumerable.Range(0, random.Next(101, 260)).Select(_ => _h.Spotify.AddPlaylist(Id(random), items: 1).Id).Order(StringComparer.Ordinal).ToList();
        // The page that fails, never the first: Spotify's 500s through every retry, a body cut short, or a link back to the first page.
        var failing = random.Next(1, (yours.Count + 49) / 50);
        var how = seed % 3;
        var page = $"me/playlists?offset={failing * 50}&";
        switch (how)
        {
            case 0:
                _h.Spotify.Inject(page, Enumerable.Repeat(Fault.ServerError(), _h.ClientOptions.MaxRetryAttempts + 1).ToArray());
                break;
            case 1:
                _h.Spotify.Inject(page, Fault.Malformed());
                break;
            default:
                _h.Spotify.RewritePage = (route, offset, listed) =>
                {
                    if (route == "me/playlists" && offset == failing * 50)
                    {
                        listed["next"] = _h.Spotify.Link("me/playlists?offset=0&limit=50");
                    }
                };
                break;
        }

        var run = await _h.RunAsync(ExtractionSource.MyPlaylists());

        var finder = run.Manifest.Sources.Single(source => source.Source == "my_playlists");
        Assert.Equal(SourceStatus.Failed, finder.Status);
        // The pages before the failing one, and the failing page itself when it was read whole (it linked back).
        var readPages = how == 2 ? failing + 1 : failing;
        var read = run.Manifest.Sources.Where(source => source.Type == "playlist").ToList();
        Assert.Equal(yours.Take(readPages * 50), read.Select(source => source.Subject).Order(StringComparer.Ordinal));
        Assert.All(read, source => Assert.Equal(SourceStatus.Landed, source.Status));
        Assert.Equal(ExtractionOutcome.Partial, run.Manifest.Outcome);
    }

    [Fact]
    public async Task A_playlist_made_since_the_last_run_is_read_and_the_unchanged_ones_are_skipped()
    {
        var random = new Random(7);
        var first = Id(random);
        _h.Spotify.AddPlaylist(first, items: 5);
        await _h.RunAsync(ExtractionSource.MyPlaylists());
        var made = Id(random);
        _h.Spotify.AddPlaylist(made, items: 3);
        _h.Clock.Advance(TimeSpan.FromHours(1));

        var run = await _h.RunAsync(ExtractionSource.MyPlaylists());

        Assert.Equal(SourceStatus.Unchanged, run.Manifest.Sources.Single(source => source.Subject == first).Status);
        var landed = run.Manifest.Sources.Single(source => source.Subject == made);
        Assert.Equal((SourceStatus.Landed, 3), (landed.Status, landed.Items));
    }

    [Fact]
    public async Task Recently_played_does_not_wait_for_the_listing_and_lands_when_a_rate_limit_stops_the_run_there()
    {
        _h.Spotify.AddPlaylist(Id(new Random(11)), items: 4);
        // The listing waits for recently played to land, then Spotify asks for a wait past the run's: the run stops there.
        var landed = new TaskCompletionSource();
        _h.OnLog = line =>
        {
            if (line.Contains("\"recently_played\"", StringComparison.Ordinal))
            {
                landed.TrySetResult();
            }
        };
        // Bounded: a listing that recently played waited for would otherwise wait for ever.
        _h.Spotify.Inject("me/playlists", Fault.After(Task.WhenAny(landed.Task, Task.Delay(TimeSpan.FromSeconds(5))), Fault.TooManyRequests(retryAfterSeconds: 7200)));

        var run = await _h.RunAsync(ExtractionSource.MyPlaylists(), ExtractionSource.RecentlyPlayed());

        Assert.Equal(SourceStatus.Landed, run.Manifest.Sources.Single(source => source.Source == "recently_played").Status);
        Assert.Equal(SourceStatus.Stopped, run.Manifest.Sources.Single(source => source.Source == "my_playlists").Status);
        Assert.DoesNotContain(run.Manifest.Sources, source => source.Type == "playlist");
        Assert.Equal(ExtractionOutcome.Stopped, run.Manifest.Outcome);
    }

    /// <summary>
    /// The listing gives each playlist's snapshot_id: on a later run of the day, a playlist whose version is the one whose
    /// items last landed costs no request at all (a conditional one would answer 304), so the hourly schedule spends the
    /// account and the listing, not one request per playlist; a changed one lands, and the day's first run lands each
    /// playlist's metadata as ever.
    /// </summary>
    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    public async Task A_later_run_of_the_day_asks_nothing_of_a_playlist_the_listing_shows_unchanged(int seed)
    {
        var random = new Random(seed);
        var playlists = Enumerable.Range(0, random.Next(2, 60)).Select(_ => _h.Spotify.AddPlaylist(Id(random), items: random.Next(0, 120))).ToList();
        await _h.RunAsync(ExtractionSource.MyPlaylists());

        for (var hour = 1; hour <= 3; hour++)
        {
            _h.Clock.Advance(TimeSpan.FromHours(1));
            var changed = playlists.Where(_ => random.Next(4) == 0).ToList();
            changed.ForEach(playlist => playlist.SnapshotId = $"snapshot-{hour}-{random.Next(1000)}");
            var before = _h.Spotify.ApiRequests.Count;

            var run = await _h.RunAsync(ExtractionSource.MyPlaylists());

            foreach (var playlist in playlists)
            {
                var report = run.Manifest.Sources.Single(source => source.Subject == playlist.Id);
                var isChanged = changed.Contains(playlist);
                Assert.Equal(isChanged ? SourceStatus.Landed : SourceStatus.Unchanged, report.Status);
                Assert.True(isChanged ? report.Requests > 0 : report.Requests == 0, $"{playlist.Id}: {report.Requests} requests");
            }
            var pages = (playlists.Count + 49) / 50;
            Assert.Equal(1 + pages + changed.Sum(p => run.Manifest.Sources.Single(s => s.Subject == p.Id).Requests), _h.Spotify.ApiRequests.Count - before);
        }

        // The next day's first run lands every playlist's metadata again, changed or not.
        _h.Clock.Advance(TimeSpan.FromHours(24));
        var nextDay = await _h.RunAsync(ExtractionSource.MyPlaylists());
        Assert.All(playlists, playlist => Assert.True(nextDay.Manifest.Sources.Single(s => s.Subject == playlist.Id).Requests >= 1));
    }

    [Fact]
    public async Task A_listing_that_fails_fails_my_playlists_alone_and_the_sources_named_still_run()
    {
        var named = _h.Spotify.AddPlaylist(Id(new Random(9)), items: 4);
        _h.Spotify.Inject("me/playlists", Fault.Forbidden());

        var run = await _h.RunAsync(ExtractionSource.MyPlaylists(), ExtractionSource.Playlist(named.Id), ExtractionSource.RecentlyPlayed());

        var finder = run.Manifest.Sources.Single(source => source.Source == "my_playlists");
        Assert.Equal((SourceStatus.Failed, (int?)403), (finder.Status, finder.HttpStatus));
        Assert.Equal(SourceStatus.Landed, run.Manifest.Sources.Single(source => source.Subject == named.Id).Status);
        Assert.Equal(ExtractionOutcome.Partial, run.Manifest.Outcome);
    }

    [Fact]
    public void My_playlists_is_configured_by_its_type_and_asks_for_the_playlist_scopes()
    {
        var source = Assert.Single(ExtractionSource.ParseList("""[{"type":"my_playlists"}]""", "SPOTIFY_SOURCES"));

        Assert.Equal(ExtractionSource.MyPlaylists(), source);
        Assert.Equal("my_playlists", source.Name);
        Assert.True(source.ReadsTheUsersAccount);
        Assert.Equal([SpotifyScopes.PlaylistReadPrivate, SpotifyScopes.PlaylistReadCollaborative], source.Scopes);
    }
}
