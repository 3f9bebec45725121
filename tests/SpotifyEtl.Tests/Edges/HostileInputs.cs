using System.Globalization;
using SpotifyEtl.Lake;
using static SpotifyEtl.Tests.Transformation.SpotifyJson;

namespace SpotifyEtl.Tests.Edges;

/// <summary>One raw object made to break a promise, and what the transformation must do with it.</summary>
/// <param name="Reason">Null: the object is transformed. Otherwise a part of the reason it is quarantined with.</param>
/// <param name="Rows">For a transformed object, the fact rows it yields (plays, saves, entries or ranks); null to leave unchecked.</param>
/// <param name="Unreadable">For a transformed object, the items counted as unreadable.</param>
public sealed record HostileInput(string Key, string Json, string? Reason, int? Rows = null, int Unreadable = 0);

/// <summary>
/// Generated hostile raw objects, each class many times over with a seeded generator: the examples a user
/// found are a sample of the class, so the class is what is tested. The same inputs go through the local
/// lake and the S3 path.
/// </summary>
public static class HostileInputs
{
    public static readonly DateOnly Day = new(2026, 11, 20);
    public const string Run = "20261120T060000Z";

    private static readonly string AlbumA = Album("alb1", "Album", "2020-01-01", "day");
    private static readonly string ArtistA = Artist("art1", "Artist");

    private static string KeyOf(RawSource source, string subject, int page) => new RawObjectKey(source, Day, subject, Run, page).ToString();

    private static string TrackNamed(string id, string nameJson) =>
        Track(id, "NAME", AlbumA, ArtistA).Replace("\"NAME\"", nameJson, StringComparison.Ordinal);

    /// <summary>A few good objects the hostile ones stand beside: they must be transformed whatever else fails.</summary>
    public static IEnumerable<HostileInput> Good()
    {
        yield return new(KeyOf(RawSource.TopTracks, "short_term", 1), Page(0, Track("good1", "Fine", AlbumA, ArtistA), Track("good2", "Fine too", AlbumA, ArtistA)), null, 2);
        yield return new(KeyOf(RawSource.RecentlyPlayed, "me", 1), Page(0, Play(Track("good3", "Played", AlbumA, ArtistA), "2026-11-20T07:00:00.000Z")), null, 1);
    }

    /// <summary>Strings whose escapes decode to a lone UTF-16 surrogate, in every field the reader decodes, of every source.</summary>
    public static IEnumerable<HostileInput> LoneSurrogates(int count, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var code = random.Next(0xD800, 0xE000);
            var escape = random.Next(4) switch
            {
                0 => $"\\u{code:x4}",
                1 => $"x\\u{code:X4}y",
                2 => $"\\u{code:x4}\\u{code:x4}", // two highs or two lows: still no pair
                _ => code < 0xDC00 ? $"\\u{code:x4}\\u0041" : $"\\u{code:x4}\\ud83c", // a low before a high is no pair
            };
            var text = $"\"{escape}\"";
            var id = $"s{i:000}";
            var subject = $"sub{i:000}";
            yield return (i % 6) switch
            {
                0 => new(KeyOf(RawSource.TopTracks, "long_term", i + 1), Page(0, TrackNamed(id, text)), "lone UTF-16 surrogate"),
                1 => new(KeyOf(RawSource.RecentlyPlayed, "me", i + 1), Page(0, Play(Track(id, "x", AlbumA, ArtistA), "2026-11-20T07:00:00.000Z").Replace("\"2026-11-20T07:00:00.000Z\"", text, StringComparison.Ordinal)), "lone UTF-16 surrogate"),
                2 => new(KeyOf(RawSource.Playlist, subject, 1), Playlist(subject, "NAME", "snap").Replace("\"NAME\"", text, StringComparison.Ordinal), "lone UTF-16 surrogate"),
                3 => new(KeyOf(RawSource.TopArtists, "medium_term", i + 1), Page(0, Artist(id, "NAME").Replace("\"NAME\"", text, StringComparison.Ordinal)), "lone UTF-16 surrogate"),
                4 => new(KeyOf(RawSource.PlaylistItems, subject, 1), Page(0, Entry(TrackNamed(id, text))), "lone UTF-16 surrogate"),
                _ => new(KeyOf(RawSource.SavedTracks, "me", i + 1), $$"""{{{text}}:1,"items":[],"offset":0}""", "lone UTF-16 surrogate"),
            };
        }
        // A surrogate pair is one character: these are read.
        yield return new(KeyOf(RawSource.TopTracks, "medium_term", 1), Page(0, TrackNamed("pair1", "\"\\ud83c\\udfb5 Note\"")), null, 1);
    }

    /// <summary>Timestamps of many shapes, good and bad, on plays and saved tracks: each item becomes a row or is counted.</summary>
    public static IEnumerable<HostileInput> Timestamps(int pages, int seed)
    {
        var random = new Random(seed);
        string[] bad =
        [
            "2026-02-30T08:00:00Z", "2026-13-01T08:00:00Z", "2026-04-31T08:00:00Z", "2026-11-20T24:00:00Z", "2026-11-20T23:60:00Z",
            "2016-12-31T23:59:60Z", "0001-01-01T00:00:00+01:00", "0000-01-01T00:00:00Z", "not a date", "", "1/2/2026", "Tuesday",
            "2026-11-20", "20261120T080000Z", "2026-11-20T08:00:00+25:00", "9999-12-31T23:59:59-01:00", "2026-11-20T08:00:00ZZ",
        ];
        for (var p = 0; p < pages; p++)
        {
            var saved = p % 2 == 1;
            var items = new List<string>();
            var rows = 0;
            var unreadable = 0;
            for (var i = 0; i < 12; i++)
            {
                var id = $"ts{p:00}i{i:00}";
                var track = Track(id, "Song", AlbumA, ArtistA);
                string? stamp;
                if (random.Next(2) == 0)
                {
                    var instant = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(random.Next(0, 365 * 86400)).AddMilliseconds(random.Next(1000));
                    var offset = TimeSpan.FromMinutes(random.Next(-12 * 4, 14 * 4) * 15);
                    stamp = random.Next(4) switch
                    {
                        0 => instant.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                        1 => instant.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                        2 => new DateTimeOffset(instant).ToOffset(offset).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
                        _ => instant.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    };
                    rows++;
                }
                else
                {
                    stamp = random.Next(bad.Length + 1) is var pick && pick == bad.Length ? null : bad[pick];
                    unreadable++;
                }
                var field = saved ? "added_at" : "played_at";
                var timestamp = stamp is null ? "" : $",\"{field}\":\"{stamp}\"";
                items.Add($$"""{"track":{{track}}{{timestamp}} }""");
            }
            var key = KeyOf(saved ? RawSource.SavedTracks : RawSource.RecentlyPlayed, "me", 100 + p);
            yield return new(key, $$"""{"items":[{{string.Join(",", items)}}],"offset":0}""", null, rows, unreadable);
        }
    }

    /// <summary>Page offsets near and past the limits of a 32-bit position, and negative ones.</summary>
    public static IEnumerable<HostileInput> Offsets(int seed)
    {
        var random = new Random(seed);
        var offsets = new List<string>();
        for (var j = 0; j < 5; j++)
        {
            offsets.Add((int.MaxValue - j).ToString(CultureInfo.InvariantCulture));
        }
        offsets.AddRange(["-1", "-50", int.MinValue.ToString(CultureInfo.InvariantCulture), "2147483648", "4294967296", "1e12", "-1e12", "2147483646.4", "0", "9950"]);
        for (var j = 0; j < 6; j++)
        {
            offsets.Add(random.Next(int.MaxValue - 10, int.MaxValue).ToString(CultureInfo.InvariantCulture));
        }
        for (var n = 0; n < offsets.Count; n++)
        {
            var offset = offsets[n];
            var value = double.Parse(offset, CultureInfo.InvariantCulture);
            var whole = Math.Round(value, MidpointRounding.AwayFromZero);
            const int items = 3;
            var fits = whole >= 0 && whole + items <= int.MaxValue;
            var tracks = Enumerable.Range(0, items).Select(i => Track($"o{n:00}t{i}", "Song", AlbumA, ArtistA)).ToArray();
            var page = $$"""{"items":[{{string.Join(",", tracks)}}],"offset":{{offset}} }""";
            yield return new(KeyOf(n % 2 == 0 ? RawSource.TopTracks : RawSource.TopArtists, "short_term", 200 + n),
                n % 2 == 0 ? page : $$"""{"items":[{{string.Join(",", Enumerable.Range(0, items).Select(i => Artist($"o{n:00}a{i}", "A")))}}],"offset":{{offset}} }""",
                fits ? null : "offset", fits ? items : null);
        }
    }

    /// <summary>Keys repeated at the top level of a page, and documents nested deeper than the reader follows.</summary>
    public static IEnumerable<HostileInput> DuplicatesAndDepth(int seed)
    {
        var random = new Random(seed);
        var track = Track("dup1", "Song", AlbumA, ArtistA);
        var other = Track("dup2", "Other", AlbumA, ArtistA);
        var page = 300;
        foreach (var source in new[] { RawSource.TopTracks, RawSource.PlaylistItems, RawSource.RecentlyPlayed, RawSource.SavedTracks })
        {
            var item = source switch
            {
                RawSource.PlaylistItems => Entry(track),
                RawSource.RecentlyPlayed => Play(track, "2026-11-20T07:00:00.000Z"),
                RawSource.SavedTracks => $$"""{"added_at":"2026-11-20T07:00:00Z","track":{{track}} }""",
                _ => track,
            };
            var subject = source == RawSource.PlaylistItems ? "dupes" : source is RawSource.TopTracks ? "short_term" : "me";
            yield return new(KeyOf(source, subject, page++), $$"""{"items":[{{item}}],"offset":0,"items":[{{item}}]}""", "\"items\" appears twice");
            yield return new(KeyOf(source, subject, page++), $$"""{"items":[],"offset":0,"items":[{{item}}]}""", "\"items\" appears twice");
            yield return new(KeyOf(source, subject, page++), $$"""{"offset":0,"items":[{{item}}],"offset":50}""", "\"offset\" appears twice");
            // A repeated key the reader does not use changes nothing.
            yield return new(KeyOf(source, subject, page++), $$"""{"href":"a","items":[{{item}}],"href":"b","offset":0}""", null, 1);
        }
        // Inside an item, the last value of a repeated field counts, as in JavaScript's JSON.parse.
        yield return new(KeyOf(RawSource.TopTracks, "medium_term", 2), $$"""{"items":[{{other.Replace("\"id\":\"dup2\"", "\"id\":\"first\",\"id\":\"dup2\"", StringComparison.Ordinal)}}],"offset":0}""", null, 1);

        var depths = new SortedSet<int> { 2, 10, 40, 60, 62, 70, 100, 500, 5000 };
        while (depths.Count < 16)
        {
            depths.Add(random.Next(2, 3000));
        }
        foreach (var depth in depths)
        {
            var nested = new string('[', depth) + new string(']', depth);
            var json = $$"""{"extra":{{nested}},"items":[{{Track($"deep{depth}", "Song", AlbumA, ArtistA)}}],"offset":0}""";
            // The page's object is one level; its "extra" array nests depth levels more.
            yield return new(KeyOf(RawSource.TopTracks, "long_term", 400 + depths.GetViewBetween(0, depth).Count), json,
                depth + 1 > RawObjectTransformerDepth ? $"nested deeper than {RawObjectTransformerDepth} levels" : null, depth + 1 > RawObjectTransformerDepth ? null : 1);
        }
    }

    private const int RawObjectTransformerDepth = SpotifyEtl.Transformation.RawObjectTransformer.MaxDepth;
}
