using System.Text;
using SpotifyEtl.Lake;
using SpotifyEtl.Transformation;
using Xunit;
using static SpotifyEtl.Tests.Transformation.SpotifyJson;

namespace SpotifyEtl.Tests.Transformation;

public class RawObjectTransformerTests
{
    private static readonly string AlbumA = Album("alb1", "Bzrp Music Sessions, Vol. 53", "2023-01-11", "day");
    private static readonly string Bizarrap = Artist("art1", "Bizarrap");
    private static readonly string Shakira = Artist("art2", "Shakira");

    /// <summary>A key of the source; its subject by default a playlist's id, or a time range for a top list.</summary>
    private static RawObjectKey Key(RawSource source, string? subject = null, int page = 1) =>
        new(source, new DateOnly(2026, 11, 20), subject ?? (source is RawSource.TopTracks or RawSource.TopArtists ? "short_term" : "pl1"), "20261120T060000Z", page);

    private static TransformedObject Transform(RawSource source, string json, string? subject = null) =>
        RawObjectTransformer.Transform(Key(source, subject), Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData(RawSource.RecentlyPlayed, "{\"items\":[1")]
    [InlineData(RawSource.RecentlyPlayed, "{\"items\":[],\"total\":1e99")]
    [InlineData(RawSource.PlaylistItems, "{\"items\":[],\"offset\":-12")]
    [InlineData(RawSource.TopTracks, "{\"items\":[{\"id\":\"t1\",\"duration_ms\":2.5e40")]
    public void A_page_cut_short_after_a_number_is_not_valid_JSON_rather_than_a_value_of_the_wrong_shape(RawSource source, string json)
    {
        // The number was never complete: what it would have been (an item, a total out of range) says nothing of the page.
        var cut = Assert.Throws<InvalidRawObjectException>(() => Transform(source, json));
        Assert.StartsWith("it is not valid JSON", cut.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Transform_reads_playlist_items_under_item_or_under_the_deprecated_track_field()
    {
        var rows = Transform(RawSource.PlaylistItems, Page(0,
            Entry(Track("t1", "New shape", AlbumA, Bizarrap), field: "item"),
            Entry(Track("t2", "Old shape", AlbumA, Bizarrap), field: "track"),
            Entry(Track("t3", "Both", AlbumA, Bizarrap), field: "both")));

        Assert.Equal(["t1", "t2", "t3"], rows.PlaylistEntries.Select(e => e.SongId));
        Assert.Equal(["Both", "New shape", "Old shape"], rows.Songs.Values.Select(s => s.SongName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Transform_takes_item_over_its_deprecated_track_alias_and_does_not_read_the_alias_twice()
    {
        // "item" wins when both are served, in either order; an alias of an odd shape beside a good
        // "item" does not cost the page, while an odd "track" alone still does.
        var item = Track("t1", "From item", AlbumA, Bizarrap);
        var alias = Track("t1", "From track", AlbumA, Bizarrap);
        var itemFirst = $$"""{"added_at":"2026-11-20T08:00:00Z","item":{{item}},"track":"not a track"}""";
        var trackFirst = $$"""{"added_at":"2026-11-20T08:00:00Z","track":{{alias}},"item":{{item}} }""";

        Assert.Equal("From item", Transform(RawSource.PlaylistItems, Page(0, itemFirst)).Songs["t1"].SongName);
        Assert.Equal("From item", Transform(RawSource.PlaylistItems, Page(0, trackFirst)).Songs["t1"].SongName);
        // An "item" of null is an unavailable track whatever the alias beside it holds, in either order: skipped and counted.
        foreach (var nullItem in new[]
        {
            $$"""{"added_at":"2026-11-20T08:00:00Z","item":null,"track":{{alias}} }""",
            $$"""{"added_at":"2026-11-20T08:00:00Z","track":{{alias}},"item":null}""",
        })
        {
            var unavailable = Transform(RawSource.PlaylistItems, Page(0, nullItem, Entry(Track("t2", "Next entry", AlbumA, Shakira), field: "item")));
            Assert.Equal(1, unavailable.SkippedUnavailable);
            Assert.Equal(["t2"], unavailable.PlaylistEntries.Select(e => e.SongId));
            Assert.False(unavailable.Songs.ContainsKey("t1"), nullItem);
        }
        var odd = Assert.Throws<InvalidRawObjectException>(() =>
            Transform(RawSource.PlaylistItems, Page(0, """{"added_at":"2026-11-20T08:00:00Z","track":"not a track"}""")));
        Assert.Contains("items[].track is a string, not an object", odd.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a copy of the item")]
    [InlineData("the same track, laid out differently")]
    [InlineData("braces and escaped quotes inside its strings")]
    [InlineData("null")]
    public void An_alias_stepped_over_leaves_every_property_after_it_read(string alias)
    {
        var item = Track("t1", "From item", AlbumA, Bizarrap);
        var track = alias switch
        {
            "a copy of the item" => item,
            "the same track, laid out differently" => item.Replace(",", ", ", StringComparison.Ordinal),
            "braces and escaped quotes inside its strings" => Track("t1", "}]\\\"{[ \"odd\" }", AlbumA, Bizarrap),
            _ => "null",
        };
        var entry = $$"""{"added_at":"2026-11-20T08:00:00Z","item":{{item}},"track":{{track}},"added_by":{"id":"after","type":"user"},"is_local":false}""";

        var rows = Transform(RawSource.PlaylistItems, Page(0, entry, Entry(Track("t2", "Next entry", AlbumA, Shakira), field: "both")));

        Assert.Equal([("t1", "after"), ("t2", "owner")], rows.PlaylistEntries.Select(e => (e.SongId, e.AddedBy)));
        Assert.Equal("From item", rows.Songs["t1"].SongName);
    }

    [Theory]
    [InlineData("""{"added_at":"2026-11-20T08:00:00Z","item":{"id":"t1","name":"x"},"track":{"id":"t1","name":"x" """)]
    [InlineData("""{"added_at":"2026-11-20T08:00:00Z","item":{"id":"t1","name":"x"},"track":{"id":"t1","name":"unclosed}""")]
    public void An_alias_that_never_closes_is_invalid_JSON(string truncated)
    {
        var json = $$"""{"items":[{{truncated}}""";

        var error = Assert.Throws<InvalidRawObjectException>(() => Transform(RawSource.PlaylistItems, json));

        Assert.Contains("it is not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Transform_keeps_every_artist_of_a_multi_artist_song_in_order()
    {
        var rows = Transform(RawSource.PlaylistItems, Page(0,
            Entry(Track("t1", "Shakira: Bzrp Music Sessions, Vol. 53", AlbumA, Bizarrap, Shakira))));

        Assert.Equal([("art1", 1), ("art2", 2)], rows.SongArtists["t1"].Select(a => (a.ArtistId, a.ArtistPosition)));
        Assert.Equal("art1", rows.Songs["t1"].PrimaryArtistId);
        Assert.Equal(["art1", "art2"], rows.Artists.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Transform_credits_every_artist_with_an_id_in_order_however_many_and_wherever_the_ones_without_an_id_stand(int seed)
    {
        var random = new Random(seed);
        for (var song = 0; song < 200; song++)
        {
            // 0 to 8 artists, some without an id (a local or unavailable credit), anywhere in the list, and now and then one
            // listed twice, which is credited once, at its first place.
            var credits = Enumerable.Range(0, random.Next(0, 9)).Select(i => random.Next(4) == 0 ? null : $"art{song}x{random.Next(6)}").ToList();
            var artists = credits.Select((id, i) => id is null ? $$"""{"id":null,"name":"Nobody {{i}}","type":"artist"}""" : Artist(id, $"Artist {id}")).ToArray();

            var rows = Transform(RawSource.TopTracks, Page(0, Track("t1", "Song", AlbumA, artists)));

            var expected = credits.OfType<string>().Distinct().ToList();
            Assert.Equal(expected.Select((id, i) => (id, i + 1)), rows.SongArtists["t1"].Select(a => (a.ArtistId, a.ArtistPosition)));
            Assert.Equal(expected.FirstOrDefault(), rows.Songs["t1"].PrimaryArtistId);
            Assert.Equal(expected.Order(StringComparer.Ordinal), rows.Artists.Keys.Order(StringComparer.Ordinal));
        }
    }

    [Theory]
    [InlineData("2004", "year", "2004-01-01", 2004)]
    [InlineData("2004-03", "month", "2004-03-01", 2004)]
    [InlineData("2004-03-15", "day", "2004-03-15", 2004)]
    public void Transform_keeps_release_dates_of_every_precision(string released, string precision, string firstDay, int year)
    {
        var rows = Transform(RawSource.TopTracks, Page(0, Track("t1", "Song", Album("alb1", "Album", released, precision), Bizarrap)));

        var album = Assert.Single(rows.Albums.Values);
        Assert.Equal((firstDay, precision, year), (album.ReleaseDate, album.ReleaseDatePrecision, album.ReleaseYear));
    }

    [Fact]
    public void Transform_stores_no_date_for_the_0000_release_date_Spotify_sends_for_some_old_recordings()
    {
        var rows = Transform(RawSource.TopTracks, Page(0, Track("t1", "Song", Album("alb1", "Old", "0000", "year"), Bizarrap)));

        var album = Assert.Single(rows.Albums.Values);
        Assert.Null(album.ReleaseDate);
        Assert.Null(album.ReleaseYear);
        Assert.Equal("Old", album.AlbumName);
    }

    [Fact]
    public void Transform_skips_and_counts_local_files_episodes_and_unavailable_tracks_without_shifting_positions()
    {
        var rows = Transform(RawSource.PlaylistItems, Page(100,
            Entry(LocalFile),
            Entry(Episode),
            Entry("null"),
            Entry(Track("t1", "Real", AlbumA, Bizarrap))));

        Assert.Equal((1, 1, 1), (rows.SkippedLocalFiles, rows.SkippedEpisodes, rows.SkippedUnavailable));
        Assert.Equal(4, rows.ItemsRead);
        var entry = Assert.Single(rows.PlaylistEntries);
        Assert.Equal(104, entry.Position); // 1-based, absolute: offset 100, fourth entry
        Assert.Single(rows.Songs);
    }

    /// <summary>
    /// A page of a list whose positions are kept (a playlist's entries, a ranking) without its "offset", or with a null one, is
    /// set aside with that reason: read as 0, the items of a second page took the first page's positions. A list whose
    /// positions are not kept (saved tracks, recently played) reads the same without it, as does a page with no items.
    /// </summary>
    [Theory]
    [InlineData(RawSource.PlaylistItems, "missing")]
    [InlineData(RawSource.PlaylistItems, "null")]
    [InlineData(RawSource.TopTracks, "missing")]
    [InlineData(RawSource.TopArtists, "null")]
    [InlineData(RawSource.SavedTracks, "missing")]
    [InlineData(RawSource.RecentlyPlayed, "missing")]
    public void A_page_without_its_offset_is_set_aside_where_positions_are_kept_and_read_where_they_are_not(RawSource source, string offset)
    {
        var track = Track("t1", "Song", AlbumA, Bizarrap);
        var item = source switch
        {
            RawSource.PlaylistItems => Entry(track),
            RawSource.TopArtists => Bizarrap,
            RawSource.SavedTracks => Saved(track, "2026-11-20T08:00:00Z"),
            RawSource.RecentlyPlayed => Play(track, "2026-11-20T08:00:00Z"),
            _ => track,
        };
        var page = Page(50, item).Replace("\"offset\":50,", offset == "null" ? "\"offset\":null," : "", StringComparison.Ordinal);
        Assert.DoesNotContain("\"offset\":50", page, StringComparison.Ordinal);

        if (source is RawSource.SavedTracks or RawSource.RecentlyPlayed)
        {
            Assert.Equal(1, Transform(source, page).ItemsRead);
            return;
        }
        var refused = Assert.Throws<InvalidRawObjectException>(() => Transform(source, page));
        Assert.Contains(offset == "null" ? "a null \"offset\"" : "no \"offset\"", refused.Message, StringComparison.Ordinal);
        Assert.Empty(Transform(source, Page(0).Replace("\"offset\":0,", "", StringComparison.Ordinal)).PlaylistEntries);
    }

    [Fact]
    public void Transform_leaves_popularity_empty_when_a_Development_Mode_response_omits_it()
    {
        var rows = Transform(RawSource.TopTracks, Page(0, Track("t1", "Song", AlbumA, Bizarrap)));

        Assert.Null(rows.Songs["t1"].Popularity);
        Assert.Equal(200000, rows.Songs["t1"].DurationMs);
    }

    [Fact]
    public void Transform_replaces_line_breaks_in_names_with_a_space()
    {
        var rows = Transform(RawSource.TopTracks, Page(0, Track("t1", "Intro\r\n(Live)\nat\u2028home", AlbumA, Bizarrap)));

        Assert.Equal("Intro (Live) at home", rows.Songs["t1"].SongName);
    }

    [Fact]
    public void Transform_deduplicates_songs_albums_and_artists_within_an_object()
    {
        var rows = Transform(RawSource.PlaylistItems, Page(0,
            Entry(Track("t1", "Same", AlbumA, Bizarrap)),
            Entry(Track("t1", "Same", AlbumA, Bizarrap)),
            Entry(Track("t2", "Other", AlbumA, Bizarrap))));

        Assert.Equal(3, rows.PlaylistEntries.Count); // a song may sit twice in a playlist
        Assert.Equal(2, rows.Songs.Count);
        Assert.Single(rows.Albums);
        Assert.Single(rows.Artists);
    }

    [Fact]
    public void Transform_turns_recently_played_into_plays_with_milliseconds_and_context()
    {
        var rows = Transform(RawSource.RecentlyPlayed, Page(0,
            Play(Track("t1", "Song", AlbumA, Bizarrap), "2026-11-20T05:59:58.123Z"),
            Play(Track("t1", "Song", AlbumA, Bizarrap), "2026-11-20T05:56:00Z")), subject: "me");

        Assert.Equal(["2026-11-20T05:59:58.123Z", "2026-11-20T05:56:00.000Z"], rows.Plays.Select(p => p.PlayedAt));
        Assert.All(rows.Plays, play => Assert.Equal(("playlist", "spotify:playlist:p1"), (play.ContextType, play.ContextUri)));
    }

    [Fact]
    public void Transform_reads_a_playlist_version_from_the_playlist_metadata()
    {
        var rows = Transform(RawSource.Playlist, Playlist("pl1", "Road Trip, 2026", "snap-1"));

        var version = Assert.Single(rows.Playlists);
        Assert.Equal(("pl1", "Road Trip, 2026", "snap-1"), (version.PlaylistId, version.PlaylistName, version.PlaylistSnapshotId));
    }

    [Fact]
    public void Transform_reads_top_artists_and_saved_tracks()
    {
        var artists = Transform(RawSource.TopArtists, Page(0, Bizarrap, Shakira), subject: "short_term");
        var saved = Transform(RawSource.SavedTracks, Page(0, $$"""{"added_at":"2026-01-01T00:00:00Z","track":{{Track("t1", "Saved", AlbumA, Shakira)}}}"""), subject: "me");

        Assert.Equal(["art1", "art2"], artists.Artists.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Saved", Assert.Single(saved.Songs.Values).SongName);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("""{"href":"x","items":[{"added_at":"2026""", "not valid JSON")]
    [InlineData("""{"hello":"world"}""", "no \"items\" array")]
    [InlineData("""[1,2,3]""", "not the JSON object")]
    [InlineData("""{"items":"nope"}""", "not an array")]
    [InlineData("""{"items":[]} {"items":[]}""", "not valid JSON")]
    public void Transform_rejects_bad_input_with_a_reason_naming_the_object(string json, string reason)
    {
        var error = Assert.Throws<InvalidRawObjectException>(() => Transform(RawSource.PlaylistItems, json));

        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.Contains("raw/playlist_items/snapshot_date=2026-11-20/pl1/20261120T060000Z-p0001.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Transform_rejects_a_playlist_object_without_a_snapshot_id()
    {
        var error = Assert.Throws<InvalidRawObjectException>(() => Transform(RawSource.Playlist, """{"id":"pl1","name":"x"}"""));

        Assert.Contains("snapshot_id", error.Reason, StringComparison.Ordinal);
    }

    /// <summary>
    /// A response filed under the wrong folder: a playlist's metadata under another playlist's id would replace that one's
    /// version and leave its own entries without one, and a top list under a folder that is no time range would be a
    /// ranking of its own. Both are set aside, naming what the key says and what the response is.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_playlist_or_a_top_list_filed_under_another_subject_is_set_aside_naming_both(int seed)
    {
        var random = new Random(seed);
        string Id() => new([.. Enumerable.Range(0, 22).Select(_ => "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[random.Next(62)])]);
        var id = Id();
        var elsewhere = random.Next(3) switch { 0 => Id(), 1 => id.Any(char.IsUpper) ? id.ToLowerInvariant() : id.ToUpperInvariant(), _ => id[..^1] };
        Assert.NotEqual(id, elsewhere);

        var misfiled = Assert.Throws<InvalidRawObjectException>(() => Transform(RawSource.Playlist, Playlist(id, "List", "snap"), elsewhere));
        Assert.Contains(id, misfiled.Reason, StringComparison.Ordinal);
        Assert.Contains(elsewhere, misfiled.Reason, StringComparison.Ordinal);
        Assert.Equal(id, Assert.Single(Transform(RawSource.Playlist, Playlist(id, "List", "snap"), id).Playlists).PlaylistId);

        var page = Page(0, Track("t1", "Song", AlbumA, Bizarrap));
        foreach (var source in new[] { RawSource.TopTracks, RawSource.TopArtists })
        {
            var json = source == RawSource.TopTracks ? page : Page(0, Bizarrap);
            var range = new[] { "short_term", "medium_term", "long_term" }[random.Next(3)];
            var notARange = random.Next(4) switch { 0 => "forever", 1 => range.ToUpperInvariant(), 2 => range.Replace("_term", "", StringComparison.Ordinal), _ => "me" };
            var error = Assert.Throws<InvalidRawObjectException>(() => Transform(source, json, notARange));
            Assert.Contains(notARange, error.Reason, StringComparison.Ordinal);
            Assert.Equal(range, Assert.Single(Transform(source, json, range).TopItems).TimeRange);
        }
    }
}
