using SpotifyEtl.Lake;
using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>
/// The lake refusing a write mid-run fails that source alone. The run still writes its manifest, naming what
/// the other sources landed, so the transformation (which starts from manifests on AWS) takes it in; and the
/// cursor of the failed source stays where it was, so the next run fetches again what was not landed.
/// </summary>
public sealed class ExtractionStoreFailureTests : IAsyncLifetime
{
    private ExtractionHarness _h = null!;

    public async Task InitializeAsync() => _h = await ExtractionHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_playlist_told_QUOTA_EXCEEDED_partway_stops_the_run_even_when_the_lake_refuses_what_it_read(int refusedPage)
    {
        const string PlaylistId = "3cEYpjA9oz9GiPac4AsH4n";
        _h.Spotify.AddPlaylist(PlaylistId, items: 200);
        _h.Spotify.Inject($"playlists/{PlaylistId}/items?offset={refusedPage * 50}&", Fault.QuotaExceeded());
        _h.StoreSeenByRun = store => new RefusesWritesUnder(store, $"{LakeLayout.Raw}playlist_items/", "the disk is full");

        var run = await _h.RunAsync(ExtractionSource.Playlist(PlaylistId));

        // The quota's answer, not the lake's refusal of the pages read before it, is what the run says and keeps.
        Assert.Equal(ExtractionOutcome.Stopped, run.Manifest.Outcome);
        Assert.True(run.Manifest.QuotaExceeded);
        var source = run.Manifest.Sources.Single();
        Assert.Equal(SourceStatus.Stopped, source.Status);
        Assert.Contains("the disk is full", Assert.Single(source.Warnings ?? []), StringComparison.Ordinal);
    }

    /// <summary>Every source kind, each with a failure of the lake on its first page's write.</summary>
    public static TheoryData<string> FailingSources() => new() { "playlist_items", "recently_played", "saved_tracks", "top_tracks", "top_artists" };

    [Theory]
    [MemberData(nameof(FailingSources))]
    public async Task A_write_the_lake_refuses_fails_its_source_and_the_manifest_still_names_what_the_others_landed(string failing)
    {
        var sources = EverySourceRefusingWritesUnder(failing, "the disk is full");

        var run = await _h.RunAsync(sources);

        var manifest = await _h.ReadJsonAsync(run.ManifestKey);
        Assert.Equal("partial", manifest.RootElement.GetProperty("outcome").GetString());
        var failed = Assert.Single(run.Manifest.Sources, source => source.Status == SourceStatus.Failed);
        Assert.Contains("the disk is full", failed.Error, StringComparison.Ordinal);
        var landed = await _h.KeysAsync(LakeLayout.Raw);
        Assert.DoesNotContain(landed, key => key.StartsWith($"{LakeLayout.Raw}{failing}/", StringComparison.Ordinal));
        // Every object that landed is named by the manifest, and every other source landed something.
        Assert.Equal(landed.Order(StringComparer.Ordinal), run.Manifest.Sources.SelectMany(source => source.Objects).Order(StringComparer.Ordinal));
        Assert.All(run.Manifest.Sources.Where(source => source != failed), source => Assert.NotEmpty(source.Objects));

        // Once the lake takes writes again, the next run lands what the failed source could not.
        _h.StoreSeenByRun = store => store;
        _h.Clock.Advance(TimeSpan.FromHours(1));
        var next = await _h.RunAsync(sources);
        Assert.Contains(await _h.KeysAsync(LakeLayout.Raw), key => key.StartsWith($"{LakeLayout.Raw}{failing}/", StringComparison.Ordinal));
        Assert.DoesNotContain(next.Manifest.Sources, source => source.Status == SourceStatus.Failed);
    }

    /// <summary>
    /// The process's open-file limit refusing a raw page's write is no source's failure: the next source would meet it too.
    /// The run stops and says the limit, for the command to tell (exit 74), and its manifest still names what landed.
    /// </summary>
    [Theory]
    [MemberData(nameof(FailingSources))]
    public async Task The_open_file_limit_refusing_a_write_stops_the_run_with_the_limit_and_the_manifest_names_what_landed(string failing)
    {
        var sources = EverySourceRefusingWritesUnder(failing, LocalEntry.TooManyOpenFiles);

        var refused = await Assert.ThrowsAsync<IOException>(() => _h.RunAsync(sources));

        Assert.True(LocalEntry.OutOfFiles(refused), refused.Message);
        var manifest = await _h.ReadJsonAsync(Assert.Single(await _h.KeysAsync(LakeLayout.Manifests)));
        Assert.Equal("failed", manifest.RootElement.GetProperty("outcome").GetString());
        var named = manifest.RootElement.GetProperty("sources").EnumerateArray()
            .SelectMany(source => source.GetProperty("objects").EnumerateArray().Select(key => key.GetString()!));
        Assert.Equal((await _h.KeysAsync(LakeLayout.Raw)).Order(StringComparer.Ordinal), named.Order(StringComparer.Ordinal));
    }

    /// <summary>One source of every kind, with the lake refusing, for the reason given, every write under the failing source's raw prefix.</summary>
    private ExtractionSource[] EverySourceRefusingWritesUnder(string failing, string why)
    {
        _h.StoreSeenByRun = store => new RefusesWritesUnder(store, $"{LakeLayout.Raw}{failing}/", why);
        return _h.OneSourceOfEveryKind(playlistItems: 120);
    }

    private sealed class RefusesWritesUnder(IObjectStore inner, string prefix, string why) : ForwardingStore(inner)
    {
        public override Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default) =>
            key.StartsWith(prefix, StringComparison.Ordinal)
                ? throw new IOException($"Could not write {key}: {why}.")
                : base.PutAsync(key, content, contentType, cancellationToken);
    }
}
