using System.Text;
using SpotifyEtl.Lake;
using SpotifyEtl.Transformation;
using Xunit;
using static SpotifyEtl.Tests.Transformation.SpotifyJson;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>
/// Items whose id is missing in one of its forms (no "id", a null one, an empty one) are told apart from local files and
/// never dropped without a word: a local file (<c>is_local</c> true, its id null) is skipped as one, a track that says it
/// is no local file and whose id is null is one Spotify no longer serves (counted unavailable), a track with an empty id
/// or none is counted unreadable (the count an alarm watches), and so is a ranked artist without an id. A repeated
/// field's last value counts, a play's <c>context</c> too.
/// </summary>
public sealed class ItemIdShapesTests
{
    private static readonly string AlbumA = Album("alb1", "Album", "2023-01-11", "day");
    private static readonly string[] NoId = ["", "\"id\":null,", "\"id\":\"\","];

    private static TransformedObject Transform(RawSource source, string json, string subject) =>
        RawObjectTransformer.Transform(new RawObjectKey(source, new DateOnly(2026, 11, 20), subject, "20261120T060000Z", 1), Encoding.UTF8.GetBytes(json));

    private static string TrackWithout(string id, string isLocal) =>
        $$"""{{{id}}"name":"Gone","type":"track","duration_ms":1000{{isLocal}},"album":{{AlbumA}},"artists":[{{Artist("art1", "A")}}]}""";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_track_without_an_id_is_a_local_file_only_where_it_says_so_in_every_source(int seed)
    {
        var random = new Random(seed);
        foreach (var source in new[] { RawSource.PlaylistItems, RawSource.RecentlyPlayed, RawSource.SavedTracks, RawSource.TopTracks })
        {
            var items = new List<string>();
            var (local, unavailable, unreadable, songs) = (0, 0, 0, 0);
            for (var i = 0; i < random.Next(4, 30); i++)
            {
                string track;
                // A playlist entry's own is_local: true for a local file, else false; it stands for a track's that has none.
                var entryIsLocal = false;
                switch (random.Next(4))
                {
                    case 0:
                        track = Track($"t{i}", $"Song {i}", AlbumA, Artist("art1", "A"));
                        songs++;
                        break;
                    case 1:
                        // A local file: is_local true (on the track, or on its playlist entry; or, in an older shape,
                        // nowhere) with a null id.
                        track = TrackWithout("\"id\":null,", random.Next(2) == 0 ? ",\"is_local\":true" : "");
                        entryIsLocal = true;
                        local++;
                        break;
                    default:
                        // Says it is no local file (itself, or its playlist entry): with a null id, a track Spotify
                        // no longer serves; with an empty one, or with no id at all, not a shape this version knows.
                        var noId = NoId[random.Next(NoId.Length)];
                        track = TrackWithout(noId, (noId.Length == 0 || source == RawSource.PlaylistItems) && random.Next(2) == 0 ? "" : ",\"is_local\":false");
                        if (noId == "\"id\":null,")
                        {
                            unavailable++;
                        }
                        else
                        {
                            unreadable++;
                        }
                        break;
                }
                items.Add(source switch
                {
                    RawSource.PlaylistItems => $$"""{"added_at":"2026-11-20T08:00:00Z","is_local":{{(entryIsLocal ? "true" : "false")}},"item":{{track}}}""",
                    RawSource.RecentlyPlayed => Play(track, $"2026-11-20T05:{i:00}:00Z"),
                    RawSource.SavedTracks => Saved(track, "2026-01-01T00:00:00Z"),
                    _ => track,
                });
            }
            var json = Page(0, [.. items]);
            var subject = source == RawSource.TopTracks ? "short_term" : "me";
            if (songs == 0 && unreadable > 0)
            {
                // Nothing readable beside them: the page is set aside with its reason, as a renamed field would be.
                var setAside = Assert.Throws<InvalidRawObjectException>(() => Transform(source, json, subject));
                Assert.Contains($"none of its {items.Count} items holds a track or artist with an \"id\"", setAside.Message, StringComparison.Ordinal);
                continue;
            }
            var rows = Transform(source, json, subject);

            Assert.Equal((items.Count, local, unavailable, unreadable), (rows.ItemsRead, rows.SkippedLocalFiles, rows.SkippedUnavailable, rows.Unreadable));
            Assert.Equal(songs, rows.Songs.Count);
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void A_page_of_tracks_Spotify_no_longer_serves_is_kept_and_counts_them_unavailable_not_unreadable(int seed)
    {
        // A playlist whose tracks were all removed from Spotify (greyed out in the app) serves a page of such tracks:
        // their ids null, each saying it is no local file. The page is read whole, not set aside as of an unknown shape.
        var random = new Random(seed);
        var count = random.Next(1, 50);
        var entries = Enumerable.Range(0, count).Select(_ =>
            Entry(TrackWithout("\"id\":null,", random.Next(2) == 0 ? ",\"is_local\":false" : ""))).ToArray();

        var rows = Transform(RawSource.PlaylistItems, Page(0, entries), "p1");

        Assert.Equal((count, count, 0, 0), (rows.ItemsRead, rows.SkippedUnavailable, rows.Unreadable, rows.Songs.Count));
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    public void An_episode_served_in_a_tracks_shape_is_skipped_as_an_episode_in_every_source(int seed)
    {
        var random = new Random(seed);
        foreach (var source in new[] { RawSource.PlaylistItems, RawSource.RecentlyPlayed, RawSource.SavedTracks, RawSource.TopTracks })
        {
            var items = new List<string>();
            var (episodes, songs) = (0, 0);
            for (var i = 0; i < random.Next(2, 30); i++)
            {
                var track = Track($"t{i}", $"Song {i}", AlbumA, Artist("art1", "A"));
                switch (random.Next(3))
                {
                    case 0:
                        // Spotify's track-shaped episode: its type says track, its episode flag says otherwise.
                        track = track.Insert(1, "\"episode\":true,\"track\":false,");
                        episodes++;
                        break;
                    case 1:
                        track = track.Insert(1, "\"episode\":false,\"track\":true,");
                        songs++;
                        break;
                    default:
                        songs++;
                        break;
                }
                items.Add(source switch
                {
                    RawSource.PlaylistItems => Entry(track),
                    RawSource.RecentlyPlayed => Play(track, $"2026-11-20T05:{i:00}:00Z"),
                    RawSource.SavedTracks => Saved(track, "2026-01-01T00:00:00Z"),
                    _ => track,
                });
            }

            var rows = Transform(source, Page(0, [.. items]), source == RawSource.TopTracks ? "short_term" : "me");

            Assert.Equal((episodes, 0, songs), (rows.SkippedEpisodes, rows.Unreadable, rows.Songs.Count));
        }
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public void A_ranked_artist_without_an_id_is_counted_and_the_others_keep_their_ranks(int seed)
    {
        var random = new Random(seed);
        var offset = 50 * random.Next(3);
        var items = new List<string>();
        var ranked = new List<(int Rank, string Id)>();
        for (var i = 0; i < random.Next(3, 40); i++)
        {
            if (random.Next(3) == 0)
            {
                items.Add($$"""{{{NoId[random.Next(NoId.Length)]}}"name":"Nobody","type":"artist"}""");
            }
            else
            {
                items.Add(Artist($"art{i}", $"Artist {i}"));
                ranked.Add((offset + i + 1, $"art{i}"));
            }
        }

        if (ranked.Count == 0)
        {
            Assert.Throws<InvalidRawObjectException>(() => Transform(RawSource.TopArtists, Page(offset, [.. items]), "long_term"));
            return;
        }
        var rows = Transform(RawSource.TopArtists, Page(offset, [.. items]), "long_term");

        Assert.Equal(items.Count - ranked.Count, rows.Unreadable);
        Assert.Equal(ranked, rows.TopItems.Select(item => (item.Rank, item.ItemId)));
    }

    /// <summary>
    /// A play's or a save's time renamed, emptied or garbled in every item of its page: the songs read, and not one play or
    /// save. Such a page is set aside with its reason, naming the first item, as a page with no readable track is; with one
    /// item still readable, the page is transformed and the others counted unreadable, each with its own reason.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void A_page_none_of_whose_plays_or_saves_has_a_readable_time_is_set_aside_naming_the_first(int seed)
    {
        var random = new Random(seed);
        foreach (var (source, field) in new[] { (RawSource.RecentlyPlayed, "played_at"), (RawSource.SavedTracks, "added_at") })
        {
            string[] broken = [$"\"{field.Replace("_", "", StringComparison.Ordinal)}\":\"2026-11-20T05:00:00Z\"", $"\"{field.ToUpperInvariant()}\":\"2026-11-20T05:00:00Z\"",
                $"\"{field}\":null", $"\"{field}\":\"\"", $"\"{field}\":\"yesterday\"", $"\"{field}\":\"2026-11-20\""];
            var count = random.Next(1, 51);
            var readable = random.Next(2) == 0 ? -1 : random.Next(count);
            var items = Enumerable.Range(0, count).Select(i =>
            {
                var time = i == readable ? $"\"{field}\":\"2026-11-20T05:{i % 60:00}:00Z\"" : broken[random.Next(broken.Length)];
                return $$"""{{{time}},"track":{{Track($"t{i}", $"Song {i}", AlbumA, Artist("art1", "A"))}}}""";
            }).ToArray();

            if (readable < 0)
            {
                var setAside = Assert.Throws<InvalidRawObjectException>(() => Transform(source, Page(0, items), "me"));
                Assert.Contains($"{count} of its {count} items could not be read and none became a row", setAside.Message, StringComparison.Ordinal);
                Assert.Contains($"items[0].{field}", setAside.Message, StringComparison.Ordinal);
                continue;
            }
            var rows = Transform(source, Page(0, items), "me");
            Assert.Equal(count - 1, rows.Unreadable);
            Assert.Equal(1, rows.Plays.Count + rows.SavedTracks.Count);
            Assert.Equal(count, rows.Songs.Count);
        }
    }

    [Fact]
    public void A_song_on_an_album_with_an_empty_id_names_no_album()
    {
        var track = Track("t1", "Song", Album("", "Nameless", "2020", "year"), Artist("art1", "A"));

        var rows = Transform(RawSource.SavedTracks, Page(0, Saved(track, "2026-01-01T00:00:00Z")), "me");

        Assert.Null(Assert.Single(rows.Songs.Values).AlbumId);
        Assert.Empty(rows.Albums);
    }

    [Theory]
    [InlineData("""{"type":"playlist","uri":"spotify:playlist:p1"},"context":null""", null, null)]
    [InlineData("""{"type":"playlist","uri":"spotify:playlist:p1"},"context":{"type":"artist"}""", "artist", null)]
    [InlineData("""null,"context":{"type":"album","uri":"spotify:album:a1"}""", "album", "spotify:album:a1")]
    public void A_repeated_context_counts_by_its_last_value(string contexts, string? type, string? uri)
    {
        var play = $$"""{"track":{{Track("t1", "Song", AlbumA, Artist("art1", "A"))}},"played_at":"2026-11-20T05:00:00Z","context":{{contexts}}}""";

        var rows = Transform(RawSource.RecentlyPlayed, Page(0, play), "me");

        Assert.Equal((type, uri), (Assert.Single(rows.Plays).ContextType, rows.Plays[0].ContextUri));
    }
}
