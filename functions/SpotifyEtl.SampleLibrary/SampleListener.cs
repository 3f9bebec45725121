using System.Globalization;
using System.Text.Json;
using SpotifyEtl.Lake;

namespace SpotifyEtl.SampleLibrary;

/// <summary>
/// The sample's library and top lists: the first day a full pass over the saved tracks (raw subject
/// <c>me</c>) and later days, when something was saved, the first page of the library (<c>recent</c>: its
/// newest 50, which reach back past the last day's), as the extractor lands them (on a day with no new
/// save Spotify answers its conditional request with 304 and nothing lands); every day the top 10
/// tracks (short term), which move a little from day to day, and the top artists (long term).
/// </summary>
internal sealed class SampleListener(Random random, IReadOnlyList<SampleTrack> tracks)
{
    private const string Api = "https://api.spotify.com/v1";
    private const int TopCount = 10;
    private const int PageSize = 50;
    private readonly List<(SampleTrack Track, DateTimeOffset SavedAt)> _saved = [];
    private List<SampleTrack> _top = [];

    public IEnumerable<(RawSource Source, string Subject, byte[] Body)> Day(int dayNumber, DateTimeOffset runStart)
    {
        if (tracks.Count == 0)
        {
            yield break;
        }
        if (dayNumber == 0)
        {
            // A library built over the weeks before the first day, newest first as Spotify lists it.
            var count = Math.Min(tracks.Count / 2, 45);
            for (var i = 0; i < count; i++)
            {
                _saved.Add((tracks[i], runStart.AddHours(-random.Next(12, 24 * 35))));
            }
            yield return (RawSource.SavedTracks, SavedTracksSubjects.Full, SavedPage(_saved, _saved.Count));
            _top = tracks.Take(Math.Min(TopCount, tracks.Count)).ToList();
        }
        else
        {
            var saved = 0;
            for (var n = random.Next(0, 3); n > 0 && _saved.Count < tracks.Count; n--, saved++)
            {
                _saved.Add((tracks[_saved.Count], runStart.AddMinutes(-random.Next(30, 23 * 60))));
            }
            if (saved > 0)
            {
                yield return (RawSource.SavedTracks, SavedTracksSubjects.Incremental, SavedPage(_saved, _saved.Count));
            }
            // Two neighbours trade places (where the list has two: a small sample may hold one song), and now and then a
            // newcomer replaces the last.
            if (_top.Count > 1)
            {
                var swap = random.Next(_top.Count - 1);
                (_top[swap], _top[swap + 1]) = (_top[swap + 1], _top[swap]);
            }
            if (random.Next(2) == 0 && tracks.Count > _top.Count)
            {
                _top[^1] = tracks.Where(t => !_top.Contains(t)).ElementAt(random.Next(tracks.Count - _top.Count));
            }
        }
        yield return (RawSource.TopTracks, "short_term", Page("me/top/tracks?time_range=short_term", _top, (w, t) => t.Write(w)));
        var artists = _top.SelectMany(t => t.Artists).DistinctBy(a => a.Id).ToList();
        yield return (RawSource.TopArtists, "long_term", Page("me/top/artists?time_range=long_term", artists, SampleArtistJson.WriteFullArtist));
    }

    /// <summary>The library's first page: its newest saves (the first day's library fits one page), and the library's total.</summary>
    private static byte[] SavedPage(IEnumerable<(SampleTrack Track, DateTimeOffset SavedAt)> saved, int total) =>
        Page("me/tracks", saved.OrderByDescending(s => s.SavedAt).Take(PageSize).ToList(), (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("added_at", s.SavedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            w.WritePropertyName("track");
            s.Track.Write(w);
            w.WriteEndObject();
        }, total);

    private static byte[] Page<T>(string path, IReadOnlyList<T> items, Action<Utf8JsonWriter, T> write, int? total = null)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, SampleGenerator.Indented))
        {
            w.WriteStartObject();
            w.WriteString("href", $"{Api}/{path}");
            w.WriteStartArray("items");
            foreach (var item in items)
            {
                write(w, item);
            }
            w.WriteEndArray();
            w.WriteNumber("limit", PageSize);
            w.WriteNull("next");
            w.WriteNumber("offset", 0);
            w.WriteNull("previous");
            w.WriteNumber("total", total ?? items.Count);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
