using System.Globalization;
using System.Text.Json;

namespace SpotifyEtl.SampleLibrary;

/// <summary>What a playlist entry points at, written in Spotify's 2026 shape.</summary>
internal abstract class EntryContent
{
    public abstract void Write(Utf8JsonWriter w);
}

internal sealed record SampleArtist(string Id, string Name);

internal static class SampleArtistJson
{
    /// <summary>A simplified artist object, as tracks and albums carry it.</summary>
    public static void WriteArtist(Utf8JsonWriter w, SampleArtist artist) => Write(w, artist, full: false);

    /// <summary>A full artist object, as the top artists list carries it: genres and images besides (no followers or popularity since 2026).</summary>
    public static void WriteFullArtist(Utf8JsonWriter w, SampleArtist artist) => Write(w, artist, full: true);

    private static void Write(Utf8JsonWriter w, SampleArtist artist, bool full)
    {
        w.WriteStartObject();
        SampleGenerator.ExternalUrls(w, "artist", artist.Id);
        if (full)
        {
            w.WriteStartArray("genres");
            w.WriteEndArray();
        }
        w.WriteString("href", $"https://api.spotify.com/v1/artists/{artist.Id}");
        w.WriteString("id", artist.Id);
        if (full)
        {
            w.WriteStartArray("images");
            w.WriteEndArray();
        }
        w.WriteString("name", artist.Name);
        w.WriteString("type", "artist");
        w.WriteString("uri", $"spotify:artist:{artist.Id}");
        w.WriteEndObject();
    }
}

internal sealed record SampleAlbum(string Id, string Name, string AlbumType, string ReleaseDate, string Precision, int TotalTracks, IReadOnlyList<SampleArtist> Artists);

internal sealed class SampleTrack(int index, string id, string name, SampleAlbum album, IReadOnlyList<SampleArtist> artists, int durationMs, bool isExplicit, int trackNumber, string isrc) : EntryContent
{
    /// <summary>The track's place in <see cref="TrackLibrary.Tracks"/>.</summary>
    public int Index { get; } = index;
    public string Id { get; } = id;
    public SampleAlbum Album { get; } = album;
    public IReadOnlyList<SampleArtist> Artists { get; } = artists;

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
        WriteArtists(w, Artists);
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
            SampleArtistJson.WriteArtist(w, artist);
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
