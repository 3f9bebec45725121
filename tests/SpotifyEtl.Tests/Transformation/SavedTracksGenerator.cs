using System.Globalization;
using SpotifyEtl.Lake;
using SpotifyEtl.Transformation;
using static SpotifyEtl.Tests.Transformation.SpotifyJson;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>How a generated full pass fell short of the library it paged, if it did.</summary>
public enum PassCut
{
    /// <summary>Every page landed, the last with "next": null.</summary>
    None,
    MissingLast,
    MissingMiddle,
    MissingFirst,
    /// <summary>Every page it paged landed, but the last one's "next" still links on: the run stopped there.</summary>
    LastLinksOn,
    /// <summary>A middle page landed as bytes that are not JSON: it is quarantined, so its songs are not there.</summary>
    UnreadableMiddle,
}

/// <summary>One generated saved-tracks page: where it lands, its bytes, and the (song_id, saved_at) of each of its items.</summary>
internal sealed record SavedPage(RawObjectKey Key, string Json, IReadOnlyList<(string SongId, string SavedAt)> Items, bool Readable);

/// <summary>A generated day of saved-tracks pages, and the runs whose full pass landed, readable, every page of what it paged.</summary>
internal sealed record SavedDay(DateOnly Day, List<SavedPage> Pages, HashSet<string> WholeRuns)
{
    /// <summary>
    /// The oracle: one row per (song_id, saved_at) of a readable page, in the table's order (saved_at, then song_id);
    /// full_pass when a page of a whole run's full pass listed it.
    /// </summary>
    public List<SavedTrackRow> Expected()
    {
        var rows = new Dictionary<(string SongId, string SavedAt), bool>();
        foreach (var page in Pages.Where(p => p.Readable))
        {
            var whole = page.Key.Subject == SavedTracksSubjects.Full && WholeRuns.Contains(page.Key.RunId);
            foreach (var item in page.Items)
            {
                rows[item] = rows.GetValueOrDefault(item) || whole;
            }
        }
        return rows.OrderBy(r => r.Key.SavedAt, StringComparer.Ordinal).ThenBy(r => r.Key.SongId, StringComparer.Ordinal)
            .Select(r => new SavedTrackRow(r.Key.SongId, r.Key.SavedAt, r.Value)).ToList();
    }

    /// <summary>Rows a full pass listed that still are not full_pass: the songs only a pass that fell short listed.</summary>
    public int ListedOnlyByShortPasses()
    {
        var listed = Pages.Where(p => p.Readable && p.Key.Subject == SavedTracksSubjects.Full).SelectMany(p => p.Items).ToHashSet();
        return Expected().Count(r => !r.FullPass && listed.Contains((r.SongId, r.SavedAt)));
    }
}

/// <summary>
/// Days of saved-tracks pages from a seed: a pass cut as asked, beside (on most days) a complete pass of another run and
/// (on every other day) incremental pages. Each run pages its own library (songs come and go between runs), numbering
/// its pages from 0, as the extraction does, or from 1, as hand-landed lakes do.
/// </summary>
internal sealed class SavedTracksGenerator(int seed)
{
    private const string Unreadable = """{"href":"https://api.spotify.com/v1/me/tracks","items":[{"added_at":""";
    private static readonly string AlbumJson = Album("alb1", "Album", "2020-01-01", "day");
    private static readonly string ArtistJson = Artist("art1", "Artist");
    private readonly Random _random = new(seed);

    /// <summary>Days from <paramref name="first"/> on; a null cut draws each day's at random, none among them.</summary>
    public List<SavedDay> Days(DateOnly first, int count, PassCut? cut) =>
        Enumerable.Range(0, count).Select(i => Day(first.AddDays(i), cut ?? (PassCut)_random.Next(0, 6), withComplete: i % 3 != 2, withIncremental: i % 2 == 0)).ToList();

    public SavedDay Day(DateOnly day, PassCut cut, bool withComplete, bool withIncremental)
    {
        var pool = Enumerable.Range(0, 30).Select(k => (SongId: $"s{k:00}", SavedAt: Instant(day, -_random.Next(60, 900 * 24 * 3600)))).ToList();
        var hours = Enumerable.Range(0, 24).OrderBy(_ => _random.Next()).Take(3).ToArray();
        var pages = new List<SavedPage>();
        var whole = new HashSet<string>(StringComparer.Ordinal);
        Pass(day, RunId(day, hours[0]), cut, pool, pages, whole);
        if (withComplete)
        {
            Pass(day, RunId(day, hours[1]), PassCut.None, pool, pages, whole);
        }
        if (withIncremental)
        {
            Incremental(day, RunId(day, hours[_random.Next(3)]), pool, pages);
        }
        return new SavedDay(day, pages, whole);
    }

    private void Pass(DateOnly day, string run, PassCut cut, List<(string SongId, string SavedAt)> pool, List<SavedPage> pages, HashSet<string> whole)
    {
        var size = _random.Next(2, 5);
        var fewestPages = cut switch { PassCut.MissingMiddle or PassCut.UnreadableMiddle => 3, PassCut.MissingLast or PassCut.MissingFirst => 2, _ => 1 };
        var library = pool.OrderBy(_ => _random.Next()).Take(_random.Next((fewestPages - 1) * size + 1, pool.Count + 1))
            .OrderByDescending(s => s.SavedAt, StringComparer.Ordinal).ToList();
        var count = (library.Count + size - 1) / size;
        var first = _random.Next(2);
        var cutAt = cut switch
        {
            PassCut.MissingLast => count - 1,
            PassCut.MissingFirst => 0,
            PassCut.MissingMiddle or PassCut.UnreadableMiddle => _random.Next(1, count - 1),
            _ => -1,
        };
        // A pass that stopped with its last page linking on paged a library larger than it landed.
        var total = library.Count + (cut == PassCut.LastLinksOn ? size : 0);
        var landed = 0;
        string? lastNext = null;
        for (var j = 0; j < count; j++)
        {
            if (j == cutAt && cut is PassCut.MissingLast or PassCut.MissingMiddle or PassCut.MissingFirst)
            {
                continue;
            }
            var items = library.Skip(j * size).Take(size).ToList();
            var next = j < count - 1 || cut == PassCut.LastLinksOn ? $"https://api.spotify.com/v1/me/tracks?offset={(j + 1) * size}&limit={size}" : null;
            var readable = !(j == cutAt && cut == PassCut.UnreadableMiddle);
            var json = readable ? ListPage(j * size, total, next, [.. items.Select(Item)]) : Unreadable;
            pages.Add(new SavedPage(new RawObjectKey(RawSource.SavedTracks, day, SavedTracksSubjects.Full, run, first + j), json, items, readable));
            landed += readable ? 1 : 0;
            lastNext = next;
        }
        // Whole: every page of the listing landed readable, and the listing ended on the last of them.
        if (landed == count && lastNext is null)
        {
            whole.Add(run);
        }
    }

    /// <summary>Songs saved since the last run (some new, some saved again), and some a full pass lists too.</summary>
    private void Incremental(DateOnly day, string run, List<(string SongId, string SavedAt)> pool, List<SavedPage> pages)
    {
        var count = _random.Next(1, 3);
        var first = _random.Next(2);
        for (var j = 0; j < count; j++)
        {
            var items = Enumerable.Range(0, _random.Next(1, 4)).Select(k => _random.Next(3) switch
            {
                0 => pool[_random.Next(pool.Count)],
                1 => ($"n{j}{k}", Instant(day, _random.Next(0, 3600))),
                _ => (pool[_random.Next(pool.Count)].SongId, Instant(day, _random.Next(0, 3600))),
            }).DistinctBy(i => i.Item1).ToList();
            var next = j < count - 1 ? $"https://api.spotify.com/v1/me/tracks?offset={(j + 1) * 3}&limit=3" : null;
            pages.Add(new SavedPage(new RawObjectKey(RawSource.SavedTracks, day, SavedTracksSubjects.Incremental, run, first + j),
                ListPage(j * 3, 40, next, [.. items.Select(Item)]), items, Readable: true));
        }
    }

    private static string Item((string SongId, string SavedAt) song) =>
        Saved(Track(song.SongId, $"Song {song.SongId}", AlbumJson, ArtistJson), song.SavedAt);

    private static string RunId(DateOnly day, int hour) => $"{day:yyyyMMdd}T{hour:00}0000Z";

    private static string Instant(DateOnly day, int seconds) =>
        day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).AddSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
