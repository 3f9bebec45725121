using System.Globalization;
using System.Text;
using SpotifyEtl.Lake;
using SpotifyEtl.Transformation;
using SpotifyEtl.Transformation.Current;
using Xunit;
using static SpotifyEtl.Tests.Transformation.SpotifyJson;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>The fold on its own, in orders chosen by the test rather than by the parallel workers.</summary>
public sealed class SnapshotTablesTests
{
    private static readonly DateOnly Day = new(2026, 11, 20);

    private static (RawObjectKey Key, TransformedObject Rows) ItemsPage(int page, params string[] songIds)
    {
        var key = new RawObjectKey(RawSource.PlaylistItems, Day, "pl1", "20261120T060000Z", page);
        var album = Album("alb1", "Album", "2001", "year");
        var json = Page(0, songIds.Select(id => Entry(Track(id, $"Song {id}", album, Artist("a1", "Artist")))).ToArray());
        return (key, RawObjectTransformer.Transform(key, Encoding.UTF8.GetBytes(json)));
    }

    private static SnapshotTables Fold(params (RawObjectKey Key, TransformedObject Rows)[] objects)
    {
        var tables = new SnapshotTables(Day);
        foreach (var (key, rows) in objects)
        {
            tables.Add(key, rows);
        }
        return tables;
    }

    [Fact]
    public void Two_pages_of_a_run_that_claim_the_same_positions_give_the_same_entries_in_either_fold_order()
    {
        // Two pages of one run that both start at offset 0 (a replay that re-paged, say).
        var first = ItemsPage(1, "t2", "t4");
        var second = ItemsPage(2, "t1", "t3");

        var forward = Fold(first, second).PlaylistEntries;
        var backward = Fold(second, first).PlaylistEntries;

        Assert.Equal(forward, backward);
        Assert.Equal(["1 t1", "1 t2", "2 t3", "2 t4"], forward.Select(e => $"{e.Position} {e.SongId}"));
    }

    [Fact]
    public void Every_table_comes_out_sorted_by_its_key_whatever_the_fold_order()
    {
        var first = ItemsPage(1, "t9", "t10", "T1");
        var second = ItemsPage(2, "t5");

        var tables = Fold(second, first);

        Assert.Equal(["T1", "t10", "t5", "t9"], tables.Songs.Select(s => s.SongId));
        Assert.Equal(["T1", "t10", "t5", "t9"], tables.SongArtists.Select(s => s.SongId));
        Assert.Equal(tables.Songs, Fold(first, second).Songs);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_days_digest_is_the_digest_of_its_rows_in_any_order_whatever_its_ids_and_credits(int seed)
    {
        // Ids whose UTF-16 and UTF-8 orders differ (a surrogate pair against U+E000 and above), Spotify-like
        // ids, and songs that credit one artist twice: the credits do not always come in the digest's order.
        // Even seeds have Spotify-like ids only and no artist twice on a song, so the credits come in order.
        var random = new Random(seed);
        var plain = seed % 2 == 0;
        string[] pieces = ["a", "B", "z", "0", "\uE000", "\uFFFD", "\uD83C\uDFA7", "\u00E9", "\u6F22"];
        string Id() => plain || random.Next(3) == 0
            ? new string(Enumerable.Range(0, 22).Select(_ => "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"[random.Next(62)]).ToArray())
            : string.Concat(Enumerable.Range(0, random.Next(1, 4)).Select(_ => pieces[random.Next(pieces.Length)]));
        var artists = Enumerable.Range(0, 12).Select(_ => Id()).Distinct().ToList();
        var songs = Enumerable.Range(0, 80).Select(_ => Id()).Distinct().ToList();
        var pages = Enumerable.Range(0, 4).Select(page =>
        {
            var key = new RawObjectKey(RawSource.PlaylistItems, Day, "pl1", "20261120T060000Z", page);
            var album = Album("alb" + random.Next(5).ToString(CultureInfo.InvariantCulture), "Album", "2001", "year");
            var items = Enumerable.Range(0, 30).Select(_ =>
            {
                var credits = Enumerable.Range(0, random.Next(1, 5)).Select(_ => artists[random.Next(artists.Count)]).ToList();
                if (plain)
                {
                    credits = [.. credits.Distinct()];
                }
                var song = songs[random.Next(songs.Count)];
                return Entry(Track(song, "Song", album, [.. credits.Select(id => Artist(id, "Artist"))]));
            });
            return (key, RawObjectTransformer.Transform(key, Encoding.UTF8.GetBytes(Page(0, [.. items]))));
        }).ToArray();
        var tables = Fold([.. pages.OrderBy(_ => random.Next())]);
        var date = Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        List<CurrentRow<T>> Shuffled<T>(IEnumerable<T> rows) where T : ITableRow<T> =>
            [.. rows.Select(row => new CurrentRow<T>(date, row)).OrderBy(_ => random.Next())];

        using var ofDay = DigestBuilder.OfDay(tables);
        using var ofRows = DigestBuilder.Of(new DimensionState(Shuffled(tables.Songs), Shuffled(tables.Albums), Shuffled(tables.Artists),
            Shuffled(tables.SongArtists), Shuffled(tables.Playlists)));

        Assert.Equal(Bytes(ofRows), Bytes(ofDay));
    }

    /// <summary>A run's items pages of one playlist of <paramref name="total"/> items, 50 a page, as Spotify pages them.</summary>
    private static List<(RawObjectKey Key, TransformedObject Rows)> RunPages(string run, string prefix, int total)
    {
        var album = Album("alb1", "Album", "2001", "year");
        var metadata = new RawObjectKey(RawSource.Playlist, Day, "pl1", run, 1);
        var pages = new List<(RawObjectKey, TransformedObject)>
        {
            (metadata, RawObjectTransformer.Transform(metadata, Encoding.UTF8.GetBytes(Playlist("pl1", "List", $"snapshot-{prefix}")))),
        };
        for (var offset = 0; offset < Math.Max(total, 1); offset += 50)
        {
            var key = new RawObjectKey(RawSource.PlaylistItems, Day, "pl1", run, offset / 50 + 1);
            var items = Enumerable.Range(offset, Math.Min(50, total - offset)).Select(i => Entry(Track($"{prefix}{i}", "Song", album, Artist("a1", "Artist"))));
            var next = offset + 50 < total ? $"https://api.spotify.com/v1/playlists/pl1/items?offset={offset + 50}&limit=50" : null;
            var json = ListPage(offset, total, next, [.. items]);
            pages.Add((key, RawObjectTransformer.Transform(key, Encoding.UTF8.GetBytes(json))));
        }
        return pages;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void A_later_run_that_landed_part_of_a_playlist_does_not_replace_an_earlier_runs_whole_version_in_any_fold_order(int seed)
    {
        var random = new Random(seed);
        var total = random.Next(71, 400); // the later run has at least two pages, so one can be missing
        var whole = RunPages("20261120T060000Z", "early", total);
        var later = RunPages("20261120T180000Z", "late", total + random.Next(-20, 20));
        var landed = StoppedPartway(random, later);
        var expected = whole.SelectMany(p => p.Rows.PlaylistEntries).Select(e => (e.Position, e.SongId)).ToList();

        foreach (var tables in EveryFold(random, [.. whole, .. landed]))
        {
            Assert.Equal(expected, tables.PlaylistEntries.Select(e => (e.Position, e.SongId)));
            Assert.All(tables.PlaylistEntries, e => Assert.Equal("snapshot-early", e.PlaylistSnapshotId));
            Assert.Equal("snapshot-early", Assert.Single(tables.Playlists).PlaylistSnapshotId);
        }

        // Once the later run has landed every page, its list is the day's; a day with only part of a list keeps that part.
        var complete = Fold([.. whole, .. later]);
        Assert.All(complete.PlaylistEntries, e => Assert.StartsWith("late", e.SongId, StringComparison.Ordinal));
        Assert.Equal("snapshot-late", Assert.Single(complete.Playlists).PlaylistSnapshotId);
        var alone = Fold([.. landed]);
        Assert.Equal(landed.Sum(p => p.Rows.PlaylistEntries.Count), alone.PlaylistEntries.Count);
        Assert.Equal("snapshot-late", Assert.Single(alone.Playlists).PlaylistSnapshotId);
    }

    /// <summary>
    /// Spotify's total may count items it does not list (unplayable ones): a run that read the list from its first item to
    /// the page that ends it, none missing between, holds the whole list though it holds fewer items than the total says.
    /// It replaces an earlier run's version and is no partial list, in every fold order and through its fragment; the same
    /// run with a page lost between, or stopped before its last page, is still part of a list.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void A_run_that_read_a_list_to_its_end_is_whole_though_spotifys_total_counts_more_items(int seed)
    {
        var random = new Random(seed);
        var listed = random.Next(101, 400); // three pages or more, so one can be lost between the first and the last
        var earlier = RunPages("20261120T060000Z", "early", listed);
        // The later run's pages as served: a total above the items listed, and each page's own items and links.
        var later = RunPages("20261120T180000Z", "late", listed).Select(page => page.Key.Source != RawSource.PlaylistItems ? page
            : (page.Key, Rows: RawObjectTransformer.Transform(page.Key, Encoding.UTF8.GetBytes(Served(page.Rows, listed + random.Next(1, 6)))))).ToList();
        var expected = later.SelectMany(p => p.Rows.PlaylistEntries).Select(e => (e.Position, e.SongId)).ToList();

        foreach (var tables in EveryFold(random, [.. earlier, .. later]))
        {
            Assert.Equal(expected, tables.PlaylistEntries.Select(e => (e.Position, e.SongId)));
            Assert.Equal("snapshot-late", Assert.Single(tables.Playlists).PlaylistSnapshotId);
            Assert.Empty(tables.PartialPlaylists);
        }
        Assert.Equal(expected, SnapshotTables.FromFragment(RoundTrip(Fold([.. later]).ToFragment())).PlaylistEntries.Select(e => (e.Position, e.SongId)));
        var fromFragments = SnapshotTables.FromFragment(RoundTrip(Fold([.. earlier]).ToFragment()));
        fromFragments.Absorb(SnapshotTables.FromFragment(RoundTrip(Fold([.. later]).ToFragment())));
        Assert.Equal("snapshot-late", Assert.Single(fromFragments.Playlists).PlaylistSnapshotId);

        // A page lost between the first and the last, or the last one never read: part of the list, the earlier run's stands.
        var items = later.Where(p => p.Key.Source == RawSource.PlaylistItems).ToList();
        var lost = random.Next(2) == 0 ? items[random.Next(1, items.Count - 1)] : items[^1];
        var whole = earlier.SelectMany(p => p.Rows.PlaylistEntries).Select(e => (e.Position, e.SongId)).ToList();
        foreach (var tables in EveryFold(random, [.. earlier, .. later.Where(p => p.Key != lost.Key)]))
        {
            Assert.Equal(whole, tables.PlaylistEntries.Select(e => (e.Position, e.SongId)));
        }

        // A page of the later run as Spotify served it, its total raised to what Spotify counts.
        string Served(TransformedObject page, int total)
        {
            var offset = page.ListOffset ?? 0;
            var next = page.ListHasNext ? $"https://api.spotify.com/v1/playlists/pl1/items?offset={offset + 50}&limit=50" : null;
            var album = Album("alb1", "Album", "2001", "year");
            return ListPage(offset, total, next, [.. page.PlaylistEntries.Select(e => Entry(Track(e.SongId, "Song", album, Artist("a1", "Artist"))))]);
        }
    }

    /// <summary>
    /// The day's first landing of a playlist was its metadata alone (an unchanged version, whose entries landed on an earlier
    /// day), and a later run landed a new version's metadata and stopped partway through its items: the day keeps the
    /// unchanged version, and no entry of the new one, whose partial list no playlists row of the day would name; nor is
    /// the day said to hold part of the list, which would exit 3 and warn of that day for good.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_partial_run_of_a_new_version_after_a_first_landing_of_metadata_alone_leaves_no_entry_the_days_version_does_not_name(int seed)
    {
        var random = new Random(seed);
        var total = random.Next(71, 400);
        var unchanged = RunPages("20261120T060000Z", "early", total).Take(1).ToList();
        var partial = StoppedPartway(random, RunPages("20261120T180000Z", "late", total + random.Next(-20, 20)));
        Assert.NotEmpty(partial.SelectMany(p => p.Rows.PlaylistEntries));

        foreach (var tables in EveryFold(random, [.. unchanged, .. partial]))
        {
            Assert.Equal("snapshot-early", Assert.Single(tables.Playlists).PlaylistSnapshotId);
            Assert.Empty(tables.PlaylistEntries);
            Assert.Empty(tables.PartialPlaylists);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void A_later_run_that_landed_a_new_versions_metadata_but_none_of_its_items_does_not_name_the_days_version(int seed)
    {
        // After a playlist's first landing of the day, the extraction lands its metadata again only for a new version, and
        // asks for that version's items next: a run with that metadata and no items page stopped before its first page.
        var random = new Random(seed);
        var total = random.Next(1, 200);
        // The day's earlier runs: one that landed the version whole, or (on an unchanged version) only its metadata.
        var earlier = random.Next(2) == 0
            ? RunPages("20261120T060000Z", "early", total)
            : RunPages("20261120T060000Z", "early", total).Take(1).ToList();
        var stopped = Enumerable.Range(0, random.Next(1, 4))
            .Select(i => RunPages($"20261120T{12 + i:00}0000Z", $"late{i}", total)[0]);
        var expected = earlier.SelectMany(p => p.Rows.PlaylistEntries).Select(e => (e.Position, e.SongId)).ToList();

        foreach (var tables in EveryFold(random, [.. earlier, .. stopped]))
        {
            Assert.Equal("snapshot-early", Assert.Single(tables.Playlists).PlaylistSnapshotId);
            Assert.Equal(expected, tables.PlaylistEntries.Select(e => (e.Position, e.SongId)));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void A_day_holding_only_part_of_a_list_names_the_version_of_that_part_when_later_runs_landed_only_newer_metadata(int seed)
    {
        // The day's only items come from a run that stopped partway; later runs landed a newer version's metadata and stopped
        // before its first page. The day's entries are the partial run's, and the day's version must be theirs too, or the
        // documented join of playlists and playlist_entries finds nothing that day.
        var random = new Random(seed);
        var total = random.Next(101, 400);
        var landed = StoppedPartway(random, RunPages("20261120T060000Z", "early", total));
        var stopped = Enumerable.Range(0, random.Next(1, 4))
            .Select(i => RunPages($"20261120T{12 + i:00}0000Z", $"late{i}", total)[0]);
        var expected = landed.SelectMany(p => p.Rows.PlaylistEntries).Select(e => (e.Position, e.SongId)).ToList();

        foreach (var tables in EveryFold(random, [.. landed, .. stopped]))
        {
            Assert.Equal(expected, tables.PlaylistEntries.Select(e => (e.Position, e.SongId)));
            var version = Assert.Single(tables.Playlists).PlaylistSnapshotId;
            Assert.Equal("snapshot-early", version);
            Assert.All(tables.PlaylistEntries, e => Assert.Equal(version, e.PlaylistSnapshotId));
        }
    }

    /// <summary>
    /// A run's pages of a top list as the extraction asks for them: from the first item in pages of at most 50, up to the
    /// stack's limit or the end of Spotify's ranking of <paramref name="ranked"/> items, whichever comes first.
    /// </summary>
    private static List<(RawObjectKey Key, TransformedObject Rows)> RankingPages(string run, string prefix, int ranked, int limit, int firstPage = 0)
    {
        var pages = new List<(RawObjectKey Key, TransformedObject Rows)>();
        var album = Album("alb1", "Album", "2001", "year");
        for (var offset = 0; offset < limit; offset += 50)
        {
            var count = Math.Min(Math.Min(50, limit - offset), ranked - offset);
            var hasNext = offset + count < ranked && count > 0;
            var key = new RawObjectKey(RawSource.TopTracks, Day, "medium_term", run, firstPage + pages.Count);
            var items = Enumerable.Range(offset, count).Select(i => Track($"{prefix}{i}", $"Song {i}", album, Artist("a1", "Artist"))).ToArray();
            var json = ListPage(offset, ranked, hasNext ? $"https://api.spotify.com/v1/me/top/tracks?offset={offset + 50}" : null, items);
            pages.Add((key, RawObjectTransformer.Transform(key, Encoding.UTF8.GetBytes(json))));
            if (!hasNext)
            {
                break;
            }
        }
        return pages;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void A_later_run_that_landed_part_of_a_top_list_does_not_replace_an_earlier_runs_whole_ranking_in_any_fold_order(int seed)
    {
        var random = new Random(seed);
        var limit = new[] { 100, 120, 150, 200 }[random.Next(4)];
        // At least two pages, so the later run can stop after the first or lose one; within the limit (two seeds in three),
        // so its last page ends the list, as a whole ranking's does.
        var ranked = random.Next(limit / 2 + 30, seed % 3 == 0 ? 600 : limit + 1);
        // Numbered from 0, as the extraction numbers pages, or from 1, as the sample does.
        var whole = RankingPages("20261120T060000Z", "early", ranked, limit, seed % 2);
        var later = RankingPages("20261120T180000Z", "late", ranked, limit, seed % 2);
        // A run stopped after some pages (a failure, a spent budget), or lost one to quarantine: never every page. Half the
        // seeds lose the first page alone, so the run's pages start at its second (page 1, numbered from 0) and run on to
        // the list's end without a gap between them.
        var dropped = seed % 4 < 2 ? [0]
            : Enumerable.Range(1, later.Count - 1).Where(_ => random.Next(2) == 0).DefaultIfEmpty(later.Count - 1).ToHashSet();
        var landed = later.Where((_, index) => !dropped.Contains(index)).ToList();
        var expected = whole.SelectMany(p => p.Rows.TopItems).Select(r => (r.Rank, r.ItemId)).ToList();

        foreach (var tables in EveryFold(random, [.. whole, .. landed]))
        {
            Assert.Equal(expected, tables.TopItems.Select(r => (r.Rank, r.ItemId)));
        }

        // The later run whole is the day's ranking, as is one that ended where a shorter ranking of Spotify's ends; a day
        // with only part of a ranking keeps that part.
        Assert.All(Fold([.. whole, .. later]).TopItems, r => Assert.StartsWith("late", r.ItemId, StringComparison.Ordinal));
        var shorter = RankingPages("20261120T180000Z", "late", random.Next(1, Math.Min(ranked, limit)), limit);
        foreach (var tables in EveryFold(random, [.. whole, .. shorter]))
        {
            Assert.Equal(shorter.SelectMany(p => p.Rows.TopItems).Select(r => (r.Rank, r.ItemId)), tables.TopItems.Select(r => (r.Rank, r.ItemId)));
        }
        Assert.Equal(landed.Sum(p => p.Rows.TopItems.Count), Fold([.. landed]).TopItems.Count);

        // The whole run's fragment written by a version that kept no pages: its ranking still stands against the partial one.
        var legacy = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Fold([.. whole]).ToFragment(), SnapshotFragmentContext.Default.SnapshotFragment))!;
        foreach (var run in legacy["top"]!.AsArray())
        {
            run!.AsObject().Remove("pages");
            run.AsObject().Remove("ends");
        }
        var fromLegacy = SnapshotTables.FromFragment(System.Text.Json.JsonSerializer.Deserialize(legacy.ToJsonString(), SnapshotFragmentContext.Default.SnapshotFragment)!);
        fromLegacy.Absorb(SnapshotTables.FromFragment(RoundTrip(Fold([.. landed]).ToFragment())));
        Assert.Equal(expected, fromLegacy.TopItems.Select(r => (r.Rank, r.ItemId)));
    }

    /// <summary>
    /// A top list Spotify served whole and empty (no listening in its time range) is the day's ranking when its run is the
    /// day's latest, as one row of rank 0 and no item, in every fold order and through the run's fragment: without it the
    /// day would hold no rows for the list, which reads as unchanged, and the last ranking with items would stand. Served
    /// empty earlier in the day and with items later, the items stand; a day whose runs asked nothing (a 304) has no row.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_top_list_served_empty_is_one_row_of_rank_zero_unless_a_later_run_of_the_day_ranked_items(int seed)
    {
        var random = new Random(seed);
        var limit = new[] { 50, 100, 150, 200 }[random.Next(4)];
        var ranked = random.Next(1, 300);
        var earlier = RankingPages("20261120T060000Z", "early", ranked, limit, seed % 2);
        var empty = RankingPages("20261120T180000Z", "none", 0, limit, seed % 2);
        Assert.Empty(Assert.Single(empty).Rows.TopItems);
        var marker = new[] { ("track", "medium_term", TopItemRow.EmptyRanking, "") };

        foreach (var tables in EveryFold(random, [.. earlier, .. empty]))
        {
            Assert.Equal(marker, tables.TopItems.Select(r => (r.ItemType, r.TimeRange, r.Rank, r.ItemId)));
        }
        Assert.Equal(marker, SnapshotTables.FromFragment(RoundTrip(Fold([.. empty]).ToFragment())).TopItems.Select(r => (r.ItemType, r.TimeRange, r.Rank, r.ItemId)));

        var later = RankingPages("20261120T230000Z", "late", ranked, limit, seed % 2);
        foreach (var tables in EveryFold(random, [.. empty, .. later]))
        {
            Assert.Equal(later.SelectMany(p => p.Rows.TopItems).Select(r => (r.Rank, r.ItemId)), tables.TopItems.Select(r => (r.Rank, r.ItemId)));
        }
        Assert.Empty(Fold([.. RunPages("20261120T060000Z", "early", random.Next(1, 200))]).TopItems);
    }

    /// <summary>
    /// A song, its album and its artists are as the latest object of the day lists them (the latest run, its latest page),
    /// in every fold: their names, and the song's credits. A song that object lists with no artist that has an id (no
    /// artists, or only one without an id) has no credits that day, the S3 path's run fragments too, where an empty list
    /// of credits names no song.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_song_its_album_and_artists_are_as_the_latest_object_lists_them_in_every_fold_the_run_fragments_too(int seed)
    {
        var random = new Random(seed);
        var objects = new List<(RawObjectKey Key, TransformedObject Rows)>();
        // What each object says of each song it lists: its artists that have an id, in Spotify's order, and the names.
        var listed = new List<(RawObjectKey Key, Dictionary<string, (string[] Credits, string Name, string Album, string AlbumName)> Songs,
            Dictionary<string, string> Artists)>();
        for (var run = 0; run < random.Next(2, 5); run++)
        {
            for (var page = 1; page <= random.Next(1, 4); page++)
            {
                var key = new RawObjectKey(RawSource.PlaylistItems, Day, "pl1", $"20261120T{6 + run:00}0000Z", page);
                // Every object names what it lists its own way (a rename between runs, or between two pages of a run).
                var says = $"{run}.{page}";
                var songs = new Dictionary<string, (string[], string, string, string)>();
                var artists = new Dictionary<string, string>();
                var items = Enumerable.Range(0, random.Next(1, 8)).Select(_ => $"t{random.Next(10)}").Distinct().Select(id =>
                {
                    var (shape, first, second) = (random.Next(3), $"a{random.Next(4)}", $"a{random.Next(4, 8)}");
                    var albumId = $"alb{(id[^1] - '0') % 3}";
                    songs[id] = (shape == 2 ? [first, second] : [], $"Song {id} {says}", albumId, $"Album {says}");
                    if (shape == 2)
                    {
                        (artists[first], artists[second]) = ($"Artist {says}", $"Other {says}");
                    }
                    return Entry(Track(id, $"Song {id} {says}", Album(albumId, $"Album {says}", "2001", "year"), shape switch
                    {
                        0 => [],
                        1 => ["""{"id":null,"name":"Nobody","type":"artist"}"""],
                        _ => [Artist(first, $"Artist {says}"), Artist(second, $"Other {says}")],
                    }));
                }).ToList();
                objects.Add((key, RawObjectTransformer.Transform(key, Encoding.UTF8.GetBytes(Page(0, [.. items])))));
                listed.Add((key, songs, artists));
            }
        }
        var inOrder = listed.OrderBy(c => c.Key.ToString(), StringComparer.Ordinal).ToList();
        var latest = inOrder.SelectMany(c => c.Songs).GroupBy(c => c.Key).ToDictionary(g => g.Key, g => g.Last().Value);
        var expected = latest.SelectMany(song => song.Value.Credits.Select((artist, position) => (Song: song.Key, Artist: artist, Position: position)))
            .OrderBy(c => c.Song, StringComparer.Ordinal).ThenBy(c => c.Position).Select(c => (c.Song, c.Artist)).ToList();
        var songNames = latest.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => (s.Key, (string?)s.Value.Name, (string?)s.Value.Album)).ToList();
        var albumNames = inOrder.SelectMany(c => c.Songs.Values).GroupBy(s => s.Album).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, (string?)g.Last().AlbumName)).ToList();
        var artistNames = inOrder.SelectMany(c => c.Artists).GroupBy(a => a.Key).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, (string?)g.Last().Value)).ToList();
        // Some song an earlier object credits is credited by none in the latest one that lists it.
        var uncredited = listed.SelectMany(c => c.Songs.Where(s => s.Value.Credits.Length > 0).Select(s => s.Key)).Distinct().Count(song => latest[song].Credits.Length == 0);

        Assert.All(EveryFold(random, objects), tables =>
        {
            Assert.Equal(expected, tables.SongArtists.OrderBy(r => r.SongId, StringComparer.Ordinal).ThenBy(r => r.ArtistPosition).Select(r => (r.SongId, r.ArtistId)));
            Assert.Equal(songNames, tables.Songs.Select(r => (r.SongId, r.SongName, r.AlbumId)));
            Assert.Equal(albumNames, tables.Albums.Select(r => (r.AlbumId, r.AlbumName)));
            Assert.Equal(artistNames, tables.Artists.Select(r => (r.ArtistId, r.ArtistName)));
        });
        Assert.True(uncredited > 0, $"seed {seed}: no song lost its credits to a later object");
    }

    /// <summary>
    /// What a run that stopped partway landed of its pages: the metadata and the first page always (the run asks for them
    /// first), then some of the rest, never all of them, and not always the last ones missing.
    /// </summary>
    private static List<(RawObjectKey Key, TransformedObject Rows)> StoppedPartway(Random random, List<(RawObjectKey Key, TransformedObject Rows)> pages)
    {
        var landed = pages.Where((_, index) => index <= 1 || random.Next(3) > 0).ToList();
        if (landed.Count == pages.Count)
        {
            landed.RemoveAt(2 + random.Next(landed.Count - 2));
        }
        return landed;
    }

    /// <summary>
    /// The objects folded in four shuffled orders, each by one worker, by two whose tables are then absorbed, and through
    /// the S3 path's run fragments.
    /// </summary>
    private static IEnumerable<SnapshotTables> EveryFold(Random random, List<(RawObjectKey Key, TransformedObject Rows)> objects)
    {
        for (var order = 0; order < 4; order++)
        {
            var all = objects.OrderBy(_ => random.Next()).ToList();
            yield return Fold([.. all]);
            var split = random.Next(1, all.Count);
            var two = Fold([.. all.Take(split)]);
            two.Absorb(Fold([.. all.Skip(split)]));
            yield return two;
            var fromFragments = new SnapshotTables(Day);
            foreach (var run in all.GroupBy(p => p.Key.RunId))
            {
                fromFragments.Absorb(SnapshotTables.FromFragment(RoundTrip(Fold([.. run]).ToFragment())));
            }
            yield return fromFragments;
        }
    }

    private static SnapshotFragment RoundTrip(SnapshotFragment fragment) =>
        System.Text.Json.JsonSerializer.Deserialize(
            System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(fragment, SnapshotFragmentContext.Default.SnapshotFragment),
            SnapshotFragmentContext.Default.SnapshotFragment)!;

    private static byte[] Bytes(Digest digest)
    {
        using var stream = digest.Store();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
