using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

namespace SpotifyEtl.SampleLibrary;

public sealed record SampleOptions(int Days = 7, int Items = 60, int Seed = 42, DateOnly? LastDay = null)
{
    /// <summary>A fixed day, so that a seed always gives the same sample whenever it is made.</summary>
    public static readonly DateOnly DefaultLastDay = new(2026, 11, 20);
}

public sealed record SampleSummary(int Objects, int Playlists, int Days, long Bytes);

/// <summary>
/// Writes raw Spotify responses as the extractor would land them, for a Development Mode app: two
/// playlists, one changing every day and one every other day (metadata every day, every page of
/// <c>/items</c>, 50 per page, on the days it changed), a page of recently played tracks per day, the
/// saved tracks (a full pass the first day, then incremental pages) and the top tracks and artists.
/// The same options give the same bytes.
/// </summary>
public sealed class SampleGenerator(IObjectStore destination)
{
    private const int PageSize = 50;
    private const string Api = "https://api.spotify.com/v1";
    private const string OwnerId = "sample.listener";
    /// <summary>
    /// Indented, and text as Spotify writes it: letters of every script of the Basic Multilingual Plane, <c>+</c> and <c>'</c>
    /// as they are, not escaped as <c>\u00F6</c> (the writer's default); quotes, backslashes and control characters escaped,
    /// as JSON requires. The writer still escapes characters beyond that plane (emoji), and the sample's names hold none.
    /// </summary>
    internal static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// About how many bytes a sample takes, within about a tenth (fitted to samples of 1 to 366 days and 1 to 10,000 items):
    /// each day's playlist pages, about 5.3 KB an entry (the first playlist lands every page daily, the second every other
    /// day), and 2.3 KB more an entry up to 50 (the saved tracks and top lists draw on a library of their songs); each day's
    /// metadata, recently played and top pages, about 88 KB; and the library, which grows every day, so that a day's library
    /// pages grow with the days before it, about 1.1 KB a day for each.
    /// </summary>
    public static long EstimateBytes(SampleOptions options)
    {
        double days = options.Days, items = options.Items;
        return (long)((88_000 * days) + (5_330 * days * items) + (2_330 * days * Math.Min(items, 50)) + (1_130 * days * days) + (1_320 * items));
    }

    public async Task<SampleSummary> WriteAsync(SampleOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Days, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Items, 1);
        var random = new Random(options.Seed);
        var library = new TrackLibrary(random, trackCount: Math.Max(options.Items * 3, 40));
        var playlists = new[]
        {
            new SamplePlaylist(Id(random), "Road Trip, 2026", usesDeprecatedTrackField: true, changesEveryDays: 1, library.Tracks.Count),
            new SamplePlaylist(Id(random), "夜のドライブ \"Night Drive\"", usesDeprecatedTrackField: false, changesEveryDays: 2, library.Tracks.Count),
        };
        foreach (var playlist in playlists)
        {
            for (var i = 0; i < options.Items; i++)
            {
                playlist.Add(library.NewEntry(random, OwnerId, playlist));
            }
        }

        // Saved tracks and top lists draw from a random sequence of their own, and only songs already on a
        // playlist: every other table of a seed stays as it was before they were added.
        var listener = new SampleListener(new Random(unchecked(options.Seed * 31 + 7)),
            playlists.SelectMany(p => p.Entries).Select(e => e.Content).OfType<SampleTrack>().DistinctBy(t => t.Id).ToList());
        var lastDay = options.LastDay ?? SampleOptions.DefaultLastDay;
        var objects = 0;
        long bytes = 0;
        var firstDay = lastDay.AddDays(1 - options.Days);
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            var runStart = new DateTimeOffset(day.ToDateTime(new TimeOnly(6, 0)), TimeSpan.Zero);
            var runId = RawObjectKey.FormatRunId(runStart);
            var dayNumber = day.DayNumber - firstDay.DayNumber;
            foreach (var playlist in playlists)
            {
                // As the extractor does: metadata every run; the items only when the snapshot id changed.
                var changed = dayNumber == 0 || dayNumber % playlist.ChangesEveryDays == 0;
                if (changed && dayNumber > 0)
                {
                    playlist.Evolve(random, library, runStart, OwnerId);
                }
                bytes += await LandAsync(new RawObjectKey(RawSource.Playlist, day, playlist.Id, runId, 0), PlaylistMetadata(playlist, SnapshotId(playlist)), cancellationToken).ConfigureAwait(false);
                objects++;
                if (!changed)
                {
                    continue;
                }
                var pages = (playlist.Entries.Count + PageSize - 1) / PageSize;
                for (var page = 0; page < pages; page++)
                {
                    bytes += await LandAsync(new RawObjectKey(RawSource.PlaylistItems, day, playlist.Id, runId, page + 1),
                        ItemsPage(playlist, page * PageSize), cancellationToken).ConfigureAwait(false);
                    objects++;
                }
            }
            bytes += await LandAsync(new RawObjectKey(RawSource.RecentlyPlayed, day, "me", runId, 1),
                RecentlyPlayed(random, library, playlists, runStart), cancellationToken).ConfigureAwait(false);
            objects++;
            foreach (var (source, subject, body) in listener.Day(dayNumber, runStart))
            {
                bytes += await LandAsync(new RawObjectKey(source, day, subject, runId, 1), body, cancellationToken).ConfigureAwait(false);
                objects++;
            }
        }
        return new SampleSummary(objects, playlists.Length, options.Days, bytes);
    }

    private async Task<long> LandAsync(RawObjectKey key, byte[] body, CancellationToken cancellationToken)
    {
        await destination.PutBytesAsync(key.ToString(), body, "application/json", cancellationToken).ConfigureAwait(false);
        return body.Length;
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Indented))
        {
            write(writer);
        }
        return buffer.ToArray();
    }

    private static byte[] PlaylistMetadata(SamplePlaylist playlist, string snapshotId) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteBoolean("collaborative", false);
        w.WriteString("description", "A sample playlist made by spotify-etl sample");
        ExternalUrls(w, "playlist", playlist.Id);
        w.WriteString("href", $"{Api}/playlists/{playlist.Id}");
        w.WriteString("id", playlist.Id);
        w.WriteStartArray("images");
        w.WriteEndArray();
        w.WriteString("name", playlist.Name);
        w.WriteStartObject("owner");
        w.WriteString("display_name", "Sample Listener");
        w.WriteString("id", OwnerId);
        w.WriteString("type", "user");
        w.WriteString("uri", $"spotify:user:{OwnerId}");
        w.WriteEndObject();
        w.WriteBoolean("public", false);
        w.WriteString("snapshot_id", snapshotId);
        w.WriteStartObject("items");
        w.WriteString("href", $"{Api}/playlists/{playlist.Id}/items");
        w.WriteNumber("total", playlist.Entries.Count);
        w.WriteEndObject();
        w.WriteString("type", "playlist");
        w.WriteString("uri", $"spotify:playlist:{playlist.Id}");
        w.WriteEndObject();
    });

    private static byte[] ItemsPage(SamplePlaylist playlist, int offset) => Json(w =>
    {
        var href = $"{Api}/playlists/{playlist.Id}/items";
        w.WriteStartObject();
        w.WriteString("href", $"{href}?offset={offset}&limit={PageSize}");
        w.WriteStartArray("items");
        var end = Math.Min(offset + PageSize, playlist.Entries.Count);
        for (var index = offset; index < end; index++)
        {
            var entry = playlist.Entries[index];
            w.WriteStartObject();
            w.WriteString("added_at", entry.AddedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            w.WriteStartObject("added_by");
            w.WriteString("id", entry.AddedBy);
            w.WriteString("type", "user");
            w.WriteString("uri", $"spotify:user:{entry.AddedBy}");
            w.WriteEndObject();
            w.WriteBoolean("is_local", entry.Content is LocalFile);
            w.WritePropertyName("item");
            entry.Content.Write(w);
            if (playlist.UsesDeprecatedTrackField)
            {
                w.WritePropertyName("track");
                entry.Content.Write(w);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("limit", PageSize);
        var next = offset + PageSize;
        if (next < playlist.Entries.Count)
        {
            w.WriteString("next", $"{href}?offset={next}&limit={PageSize}");
        }
        else
        {
            w.WriteNull("next");
        }
        w.WriteNumber("offset", offset);
        if (offset > 0)
        {
            w.WriteString("previous", $"{href}?offset={offset - PageSize}&limit={PageSize}");
        }
        else
        {
            w.WriteNull("previous");
        }
        w.WriteNumber("total", playlist.Entries.Count);
        w.WriteEndObject();
    });

    private static byte[] RecentlyPlayed(Random random, TrackLibrary library, SamplePlaylist[] playlists, DateTimeOffset runStart) => Json(w =>
    {
        // Plays of the 24 hours before the run, newest first, as Spotify lists them.
        var count = random.Next(20, 41);
        var plays = Enumerable.Range(0, count)
            .Select(_ => runStart.AddMilliseconds(-random.NextInt64(1, 24L * 3600 * 1000)))
            .Distinct().OrderDescending().ToList();
        w.WriteStartObject();
        w.WriteStartArray("items");
        foreach (var playedAt in plays)
        {
            var fromPlaylist = random.Next(3) > 0 ? playlists[random.Next(playlists.Length)] : null;
            var track = fromPlaylist?.Entries.Select(e => e.Content).OfType<SampleTrack>().ElementAtOrDefault(random.Next(20)) ?? library.Tracks[random.Next(library.Tracks.Count)];
            w.WriteStartObject();
            w.WritePropertyName("track");
            track.Write(w);
            w.WriteString("played_at", playedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            w.WriteStartObject("context");
            var (type, id) = fromPlaylist is null ? ("album", track.Album.Id) : ("playlist", fromPlaylist.Id);
            w.WriteString("type", type);
            w.WriteString("href", $"{Api}/{type}s/{id}");
            ExternalUrls(w, type, id);
            w.WriteString("uri", $"spotify:{type}:{id}");
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("next", $"{Api}/me/player/recently-played?before={plays[^1].ToUnixTimeMilliseconds()}&limit=50");
        w.WriteStartObject("cursors");
        w.WriteString("after", plays[0].ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        w.WriteString("before", plays[^1].ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        w.WriteEndObject();
        w.WriteNumber("limit", 50);
        w.WriteString("href", $"{Api}/me/player/recently-played?limit=50");
        w.WriteEndObject();
    });

    internal static void ExternalUrls(Utf8JsonWriter w, string type, string id)
    {
        w.WriteStartObject("external_urls");
        w.WriteString("spotify", $"https://open.spotify.com/{type}/{id}");
        w.WriteEndObject();
    }

    /// <summary>Like Spotify's: opaque, and the same for as long as the playlist does not change.</summary>
    private static string SnapshotId(SamplePlaylist playlist) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{playlist.Id}:{playlist.Version:D8}"));

    internal static string Id(Random random)
    {
        const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        return string.Create(22, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Base62[r.Next(Base62.Length)];
            }
        });
    }
}
