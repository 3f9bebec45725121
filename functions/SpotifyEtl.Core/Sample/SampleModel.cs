using System.Globalization;
using System.Text.Json;

namespace SpotifyEtl.Sample;

/// <summary>What a playlist entry points at, written in Spotify's 2026 shape.</summary>
internal abstract class EntryContent
{
    public abstract void Write(Utf8JsonWriter w);
}

internal sealed record SampleArtist(string Id, string Name);

internal sealed record SampleAlbum(string Id, string Name, string AlbumType, string ReleaseDate, string Precision, int TotalTracks, IReadOnlyList<SampleArtist> Artists);

internal sealed class SampleTrack(string id, string name, SampleAlbum album, IReadOnlyList<SampleArtist> artists, int durationMs, bool isExplicit, int trackNumber, string isrc) : EntryContent
{
    public string Id { get; } = id;
    public SampleAlbum Album { get; } = album;

    public override void Write(Utf8JsonWriter w)
    {
        const string Api = "https://api.spotify.com/v1";
        w.WriteStartObject();
        w.WriteStartObject("album");
        w.WriteString("album_type", Album.AlbumType);
        WriteArtists(w, Album.Artists);
        SampleGenerator.ExternalUrls(w, "album", Album.Id);
        w.WriteString("href", $"{Api}/albums/{Album.Id}");
        w.WriteString("id", Album.Id);
        w.WriteStartArray("images");
        w.WriteEndArray();
        w.WriteString("name", Album.Name);
        w.WriteString("release_date", Album.ReleaseDate);
        w.WriteString("release_date_precision", Album.Precision);
        w.WriteNumber("total_tracks", Album.TotalTracks);
        w.WriteString("type", "album");
        w.WriteString("uri", $"spotify:album:{Album.Id}");
        w.WriteEndObject();
        WriteArtists(w, artists);
        w.WriteNumber("disc_number", 1);
        w.WriteNumber("duration_ms", durationMs);
        w.WriteBoolean("explicit", isExplicit);
        w.WriteStartObject("external_ids");
        w.WriteString("isrc", isrc);
        w.WriteEndObject();
        SampleGenerator.ExternalUrls(w, "track", Id);
        w.WriteString("href", $"{Api}/tracks/{Id}");
        w.WriteString("id", Id);
        w.WriteBoolean("is_local", false);
        w.WriteBoolean("is_playable", true);
        w.WriteString("name", name);
        w.WriteNumber("track_number", trackNumber);
        w.WriteString("type", "track");
        w.WriteString("uri", $"spotify:track:{Id}");
        w.WriteEndObject();
    }

    private static void WriteArtists(Utf8JsonWriter w, IReadOnlyList<SampleArtist> artists)
    {
        w.WriteStartArray("artists");
        foreach (var artist in artists)
        {
            w.WriteStartObject();
            SampleGenerator.ExternalUrls(w, "artist", artist.Id);
            w.WriteString("href", $"https://api.spotify.com/v1/artists/{artist.Id}");
            w.WriteString("id", artist.Id);
            w.WriteString("name", artist.Name);
            w.WriteString("type", "artist");
            w.WriteString("uri", $"spotify:artist:{artist.Id}");
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}

/// <summary>A file from the owner's disk: no ids, a <c>spotify:local:</c> uri.</summary>
internal sealed class LocalFile(string artist, string title, int seconds) : EntryContent
{
    public override void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteStartObject("album");
        w.WriteNull("id");
        w.WriteString("name", "");
        w.WriteStartArray("artists");
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartArray("artists");
        w.WriteStartObject();
        w.WriteNull("id");
        w.WriteString("name", artist);
        w.WriteString("type", "artist");
        w.WriteNull("uri");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteNumber("duration_ms", seconds * 1000);
        w.WriteBoolean("explicit", false);
        w.WriteNull("id");
        w.WriteBoolean("is_local", true);
        w.WriteString("name", title);
        w.WriteString("type", "track");
        w.WriteString("uri", string.Create(CultureInfo.InvariantCulture, $"spotify:local:{Uri.EscapeDataString(artist)}::{Uri.EscapeDataString(title)}:{seconds}"));
        w.WriteEndObject();
    }
}

/// <summary>A podcast episode in a playlist: a show instead of album and artists.</summary>
internal sealed class Episode(string id, string name) : EntryContent
{
    public override void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteNumber("duration_ms", 2_400_000);
        w.WriteBoolean("explicit", false);
        w.WriteString("id", id);
        w.WriteString("name", name);
        w.WriteStartObject("show");
        w.WriteString("id", "5CfCWKI5pZ28U0uOzXkDHe");
        w.WriteString("name", "A Sample Podcast");
        w.WriteEndObject();
        w.WriteString("type", "episode");
        w.WriteString("uri", $"spotify:episode:{id}");
        w.WriteEndObject();
    }
}

/// <summary>An entry whose track is no longer available: Spotify sends <c>null</c>.</summary>
internal sealed class Unavailable : EntryContent
{
    public override void Write(Utf8JsonWriter w) => w.WriteNullValue();
}

internal sealed record PlaylistEntry(EntryContent Content, DateTimeOffset AddedAt, string AddedBy);

internal sealed class SamplePlaylist(string id, string name, bool UsesDeprecatedTrackField, int ChangesEveryDays)
{
    public string Id { get; } = id;
    public string Name { get; } = name;
    public bool UsesDeprecatedTrackField { get; } = UsesDeprecatedTrackField;
    public int ChangesEveryDays { get; } = ChangesEveryDays;
    public List<PlaylistEntry> Entries { get; } = [];
    public int Version { get; private set; }

    /// <summary>A day passes: a few songs drop out, a few new ones enter, one moves up.</summary>
    public void Evolve(Random random, Catalog catalog, DateTimeOffset now, string ownerId)
    {
        Version++;
        var dropOuts = Math.Max(1, Entries.Count / 12);
        for (var i = 0; i < dropOuts && Entries.Count > 1; i++)
        {
            Entries.RemoveAt(random.Next(Entries.Count));
        }
        for (var i = 0; i < dropOuts + random.Next(0, 2); i++)
        {
            Entries.Insert(random.Next(Entries.Count + 1), catalog.NewEntry(random, ownerId, this, now.AddMinutes(-random.Next(1, 600))));
        }
        if (Entries.Count > 2)
        {
            var moved = Entries[^1];
            Entries.RemoveAt(Entries.Count - 1);
            Entries.Insert(0, moved);
        }
    }
}

internal sealed class Catalog
{
    public List<SampleTrack> Tracks { get; } = [];
    private int _special;

    public Catalog(Random random, int trackCount)
    {
        var artists = SampleCatalog.ArtistNames.Select(name => new SampleArtist(SampleGenerator.Id(random), name)).ToList();
        var albums = new List<SampleAlbum>();
        for (var i = 0; i < Math.Max(8, trackCount / 4); i++)
        {
            var (precision, date) = SampleCatalog.ReleaseDates[i % SampleCatalog.ReleaseDates.Length];
            var albumArtist = artists[random.Next(artists.Count)];
            var albumName = i == 0 ? "Bzrp Music Sessions, Vol. 53" : $"{Word(random)} {Word(random)}";
            albums.Add(new SampleAlbum(SampleGenerator.Id(random), albumName, SampleCatalog.AlbumTypes[random.Next(SampleCatalog.AlbumTypes.Length)],
                i == 7 ? "0000" : date(random), precision, random.Next(1, 20), [albumArtist]));
        }
        for (var i = 0; i < trackCount; i++)
        {
            var album = albums[i % albums.Count];
            // Every fourth song is a collaboration: the album's artist plus one or two guests.
            var songArtists = new List<SampleArtist> { album.Artists[0] };
            if (i % 4 == 0)
            {
                songArtists.AddRange(artists.Where(a => a != album.Artists[0]).OrderBy(_ => random.Next()).Take(1 + (i % 8 == 0 ? 1 : 0)));
            }
            var name = _special < SampleCatalog.SpecialSongNames.Length && i % 3 == 0
                ? SampleCatalog.SpecialSongNames[_special++]
                : $"{Word(random)} {Word(random)}";
            Tracks.Add(new SampleTrack(SampleGenerator.Id(random), name, album, songArtists, random.Next(90_000, 420_000),
                random.Next(5) == 0, random.Next(1, album.TotalTracks + 1), string.Create(CultureInfo.InvariantCulture, $"QZ{random.Next(100, 999)}{random.Next(10_000_000, 99_999_999)}")));
        }
    }

    /// <summary>
    /// Mostly catalogue songs not yet on the playlist (as people curate them); now and then a local
    /// file, an episode or an unavailable track.
    /// </summary>
    public PlaylistEntry NewEntry(Random random, string ownerId, SamplePlaylist playlist, DateTimeOffset? addedAt = null)
    {
        var roll = random.Next(100);
        EntryContent content = roll switch
        {
            < 3 => new LocalFile("Home Recording", $"Demo {random.Next(1, 99)}", random.Next(60, 300)),
            < 5 => new Episode(SampleGenerator.Id(random), "Episode " + random.Next(1, 300).ToString(CultureInfo.InvariantCulture)),
            < 7 => new Unavailable(),
            _ => NotOn(playlist, random),
        };
        return new PlaylistEntry(content, addedAt ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(random.Next(0, 400_000)), ownerId);
    }

    private SampleTrack NotOn(SamplePlaylist playlist, Random random)
    {
        var onPlaylist = playlist.Entries.Select(entry => entry.Content).OfType<SampleTrack>().ToHashSet();
        var candidates = Tracks.Where(track => !onPlaylist.Contains(track)).ToList();
        return candidates.Count > 0 ? candidates[random.Next(candidates.Count)] : Tracks[random.Next(Tracks.Count)];
    }

    private static string Word(Random random) => SampleCatalog.SongWords[random.Next(SampleCatalog.SongWords.Length)];
}
