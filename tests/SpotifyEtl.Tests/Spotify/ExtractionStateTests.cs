using SpotifyEtl.Spotify;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

public sealed class ExtractionStateTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_first_run_starts_from_empty_state_even_where_reading_a_missing_key_is_denied()
    {
        var store = new DeniesMissingKeys(new LocalFolderStore(_folder.Path));

        var state = await ExtractionState.LoadAsync(store, CancellationToken.None);

        Assert.Empty(state.Playlists);
        Assert.Null(state.RecentlyPlayed);
    }

    [Fact]
    public async Task Saved_state_is_read_back_by_the_next_run()
    {
        var store = new DeniesMissingKeys(new LocalFolderStore(_folder.Path));
        var saved = new ExtractionState { RecentlyPlayed = new RecentlyPlayedState("1763700600000", "20261121T060000Z") };
        saved.Playlists["pl1"] = new PlaylistState("snap-1", "Road Trip", "20261121T060000Z");

        await saved.SaveAsync(store, CancellationToken.None);
        var loaded = await ExtractionState.LoadAsync(store, CancellationToken.None);

        Assert.Equal("snap-1", loaded.Playlists["pl1"].SnapshotId);
        Assert.Equal("1763700600000", loaded.RecentlyPlayed!.After);
    }

    /// <summary>
    /// S3 answers a read of a missing key with 403 Access Denied, not 404, when the role may not list the
    /// whole bucket, as the extract role may list state/ only.
    /// </summary>
    private sealed class DeniesMissingKeys(IObjectStore inner) : ForwardingStore(inner)
    {
        public override async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) =>
            await base.ExistsAsync(key, cancellationToken) ? await base.OpenReadAsync(key, cancellationToken) : throw new UnauthorizedAccessException("Access Denied");

        public override Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => throw new UnauthorizedAccessException("Access Denied");
    }
}
