using System.Collections.Concurrent;
using System.Text;
using SpotifyEtl.Cli.Spotify;
using SpotifyEtl.Spotify;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// The files nothing rebuilds (the local lake's extraction state, run manifests and recently-played pages, the credentials
/// file) are flushed to the disk before they are moved into place, through <see cref="DurableFile"/>; the other objects
/// of the lake (other raw responses, table files, reports) are not, which would cost the transform its speed, unless the
/// store is the extraction's, which flushes every raw response it lands (<c>ExtractCommandTests</c>). A power cut cannot be staged in
/// a test: what is checked is that each write goes through the flush, or does not. A state left empty or cut short (by a
/// version that did not flush) is named as such, with what to do.
/// </summary>
public sealed class DurableLakeFilesTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static readonly string[] NotFlushed =
    [
        "raw/top_tracks/snapshot_date=2026-11-20/short_term/20261120T100000Z-p0000.json",
        "raw/playlist_items/snapshot_date=2026-11-20/pl1/20261120T100000Z-p0001.json",
        "transformed/plays/snapshot_date=2026-11-20/plays.parquet",
        "transformed/songs_current/songs_current.csv",
        "staging/plays/snapshot_date=2026-11-20/x.json",
        "reports/snapshot_date=2026-11-20/run.json",
        "quarantine/raw/top_tracks/snapshot_date=2026-11-20/run=20261120T100000Z/page-0001.json.reason.txt",
        "import/my_spotify_data.zip",
        "statements/state.json",
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task The_state_manifests_and_recently_played_pages_are_flushed_before_their_move_and_no_other_object_is(int seed)
    {
        var random = new Random(seed);
        var lake = _folder["lake"];
        var store = new LocalFolderStore(lake);
        var flushed = new ConcurrentBag<string>();
        // What each destination held when its new bytes were flushed: never those bytes yet, since the move comes after.
        var heldAtFlush = new ConcurrentDictionary<string, byte[]?>(StringComparer.Ordinal);
        void Seen(string destination)
        {
            if (destination.StartsWith(_folder.Path, StringComparison.Ordinal))
            {
                flushed.Add(destination);
                heldAtFlush[destination] = File.Exists(destination) ? File.ReadAllBytes(destination) : null;
            }
        }
        var expected = new List<string>();
        DurableFile.Flushed += Seen;
        try
        {
            for (var i = 0; i < 12; i++)
            {
                var key = random.Next(4) switch
                {
                    0 => ExtractionState.Key,
                    1 => ExtractionManifest.KeyFor($"2026111{random.Next(10)}T{random.Next(24):00}0000Z"),
                    // Spotify serves the last 50 plays once: a page of them is the only copy there will be.
                    2 => $"raw/recently_played/snapshot_date=2026-11-1{random.Next(10)}/me/2026111{random.Next(10)}T{random.Next(24):00}0000Z-p0000.json",
                    _ => NotFlushed[random.Next(NotFlushed.Length)],
                };
                var bytes = Encoding.UTF8.GetBytes($"{{\"n\":{random.Next()},\"i\":{i}}}");
                heldAtFlush.TryRemove(Path.Combine(lake, key), out _);
                if (random.Next(2) == 0)
                {
                    await store.PutBytesAsync(key, bytes, "application/json");
                }
                else
                {
                    await ((IObjectStore)store).WriteAsync(key, stream => stream.Write(bytes), bytes.Length, "application/json");
                }
                if (!NotFlushed.Contains(key))
                {
                    expected.Add(Path.Combine(lake, key));
                    Assert.True(heldAtFlush.TryGetValue(Path.Combine(lake, key), out var held), $"{key} was not flushed");
                    Assert.False(held is not null && held.AsSpan().SequenceEqual(bytes), $"{key} held its new bytes before they were flushed: moved first");
                }
                Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(lake, key)));
            }
            // The extraction's own saves, and the credentials file, go the same way.
            await new ExtractionState { LastRunId = $"run-{seed}" }.SaveAsync(store, CancellationToken.None);
            expected.Add(Path.Combine(lake, ExtractionState.Key));
            var credentials = _folder["config/credentials.json"];
            CredentialsFile.Save(credentials, new SpotifyCredentials("id", "secret", $"token-{seed}"));
            expected.Add(credentials);
        }
        finally
        {
            DurableFile.Flushed -= Seen;
        }

        Assert.Equal(expected.Order(StringComparer.Ordinal), flushed.Order(StringComparer.Ordinal));
    }

    /// <summary>How a state may be left by a save that never reached the disk: empty, white space, or its start only.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public async Task An_empty_or_cut_short_state_is_named_as_such_with_what_to_do(int seed)
    {
        var random = new Random(seed);
        var lake = _folder["lake"];
        var store = new LocalFolderStore(lake);
        var state = new ExtractionState { LastRunId = "20261120T100000Z", RecentlyPlayed = new RecentlyPlayedState("1763632800000", "20261120T100000Z") };
        for (var i = 0; i < random.Next(1, 20); i++)
        {
            state.Playlists[$"playlist{i}"] = new PlaylistState($"snapshot{random.Next()}", $"Name {i}", "20261120T100000Z");
        }
        await state.SaveAsync(store, CancellationToken.None);
        var path = Path.Combine(lake, ExtractionState.Key);
        var whole = File.ReadAllBytes(path);
        var (left, said) = (seed % 4) switch
        {
            0 => (Array.Empty<byte>(), "is empty"),
            1 => (Encoding.ASCII.GetBytes(new string(' ', random.Next(1, 5)) + "\n"), "holds nothing but white space"),
            _ => (whole[..random.Next(1, whole.Length - 1)], "is cut short"),
        };
        File.WriteAllBytes(path, left);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ExtractionState.LoadAsync(store, CancellationToken.None));

        Assert.Contains($"The extraction state {lake}/{ExtractionState.Key} {said}", error.Message, StringComparison.Ordinal);
        Assert.Contains("delete it and run again", error.Message, StringComparison.Ordinal);

        // The command says it with exit 65, before it asks Spotify anything.
        var run = DemoCommandTests.RunCli(new Dictionary<string, string>(SpotifyEtl.Tests.Cli.CliTestContext.ProcessWithCredentials(Path.GetDirectoryName(lake)!))
        {
            ["SPOTIFY_ACCOUNTS_BASE_URL"] = "http://127.0.0.1:1",
            ["SPOTIFY_API_BASE_URL"] = "http://127.0.0.1:1",
        }, "extract", "--lake", lake, "--playlist", "3cEYpjA9oz9GiPac4AsH4n", "--time-limit", "5");
        Assert.True(run.ExitCode == 65, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains(said, run.Errors, StringComparison.Ordinal);
        Assert.Equal(left, File.ReadAllBytes(path));
    }
}
