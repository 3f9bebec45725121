using System.Globalization;
using System.Text.Json;

namespace SpotifyEtl.Transformation;

// The parts of Spotify's responses the transformation reads, read straight from UTF-8 with
// JsonTokens: no document tree, no reflection, one pass. Every field is optional (Development
// Mode omits popularity, external_ids may be absent, local files have null ids, episodes replace album and
// artists with a show), unknown fields are skipped, and numbers are read in every shape Spotify has
// served: 204053, 204053.0 and {"totalMilliseconds": 204053}. A value of the wrong kind (a string
// where an object belongs) is an unexpected shape, reported with its path, never a crash.

/// <summary>Reading primitives over <see cref="JsonTokens"/> positioned on a value.</summary>
internal static class SpotifyReader
{
    public static string? String(ref JsonTokens reader, JsonPath path)
    {
        reader.Read();
        return StringValue(ref reader, path);
    }

    private static string? StringValue(ref JsonTokens reader, JsonPath path) =>
        reader.TokenType switch
        {
            JsonTokenType.String => Kept(reader.GetString()!, path),
            JsonTokenType.Null => null,
            _ => throw Shape(path, reader.TokenType, "a string"),
        };

    /// <summary>A string that recurs across items (an artist's name, an album's id, a type): read through <see cref="Utf8StringCache"/>.</summary>
    public static string? Shared(ref JsonTokens reader, JsonPath path)
    {
        reader.Read();
        return SharedValue(ref reader, path);
    }

    private static string? SharedValue(ref JsonTokens reader, JsonPath path) =>
        reader.TokenType switch
        {
            JsonTokenType.String => Kept(Utf8StringCache.Current.Get(ref reader), path),
            JsonTokenType.Null => null,
            _ => throw Shape(path, reader.TokenType, "a string"),
        };

    /// <summary>
    /// The text, when a table can keep it (<see cref="AthenaValues.LongestText"/>); an unexpected shape otherwise. The path
    /// is spelled out only then: this runs for every text read.
    /// </summary>
    private static string Kept(string text, JsonPath path) =>
        text.Length <= AthenaValues.LongestText ? text : throw new UnexpectedShapeException(AthenaValues.TooLong(text, path.ToString())!);

    public static bool? Boolean(ref JsonTokens reader, JsonPath path)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            JsonTokenType.Null => null,
            _ => throw Shape(path, reader.TokenType, "true or false"),
        };
    }

    /// <summary>An integer served as 42, 42.0, "42" or {"totalMilliseconds": 42}; fractions are rounded.</summary>
    public static int? Integer(ref JsonTokens reader, JsonPath path)
    {
        reader.Read();
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number:
                return reader.TryGetInt32(out var whole) ? whole : Round(reader.GetDouble(), path);
            case JsonTokenType.String:
                return double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
                    ? Round(parsed, path)
                    : throw new UnexpectedShapeException($"{path} is the string \"{Truncate(reader.GetString())}\", not a number");
            case JsonTokenType.StartObject:
                int? value = null;
                var sawNumber = false;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("totalMilliseconds"u8) || reader.ValueTextEquals("total_milliseconds"u8))
                    {
                        value = Integer(ref reader, path);
                        sawNumber = true;
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
                return sawNumber ? value : throw new UnexpectedShapeException($"{path} is an object without \"totalMilliseconds\", not a number");
            default:
                throw Shape(path, reader.TokenType, "a number");
        }
    }

    private static int Round(double value, JsonPath path) =>
        double.IsFinite(value) && value is >= int.MinValue and <= int.MaxValue
            ? (int)Math.Round(value, MidpointRounding.AwayFromZero)
            : throw new UnexpectedShapeException($"{path} is {value.ToString(CultureInfo.InvariantCulture)}, out of range for a whole number");

    /// <summary>
    /// Reads <c>{"spotify": "..."}</c> (external_urls) or <c>{"isrc": "..."}</c> (external_ids). Given <paramref name="pending"/>,
    /// a value of the form <paramref name="prefix"/> and an id is taken by it instead of read as text, to be kept as the id
    /// once that is known (<see cref="SpotifyUrls"/>), and null is returned for it. The last value read stands.
    /// </summary>
    public static string? Nested(ref JsonTokens reader, JsonPath path, ReadOnlySpan<byte> name, bool shared = false,
        PendingLink? pending = null, ReadOnlySpan<byte> prefix = default)
    {
        pending?.Clear();
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        Expect(ref reader, JsonTokenType.StartObject, path, "an object");
        string? value = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(name))
            {
                reader.Read();
                if (pending is not null && reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped
                    && pending.TryTake(reader.ValueSpan, prefix))
                {
                    value = null;
                }
                else
                {
                    pending?.Clear();
                    value = shared ? SharedValue(ref reader, path) : StringValue(ref reader, path);
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return value;
    }

    /// <summary>An external_urls' "spotify" link, of the form <paramref name="prefix"/> and an id taken by <paramref name="pending"/> (<see cref="Nested"/>).</summary>
    public static string? Link(ref JsonTokens reader, JsonPath path, PendingLink pending, ReadOnlySpan<byte> prefix, bool shared) =>
        Nested(ref reader, path, "spotify"u8, shared, pending, prefix);

    /// <summary>The <c>id</c> of a nested object such as <c>owner</c> or <c>added_by</c>.</summary>
    public static string? IdOf(ref JsonTokens reader, JsonPath path) => Nested(ref reader, path, "id"u8, shared: true);

    public static SpotifyTrack? Track(ref JsonTokens reader, JsonPath path, SpotifyTrack into)
    {
        reader.Read();
        return TrackValue(ref reader, path, into);
    }

    /// <summary>A track (or null) whose first token the reader is on, read into <paramref name="into"/> (untouched for null).</summary>
    public static SpotifyTrack? TrackValue(ref JsonTokens reader, JsonPath path, SpotifyTrack into)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        var track = into.Reset();
        Expect(ref reader, JsonTokenType.StartObject, path, "an object");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8)) { track.HasId = true; track.Id = String(ref reader, path.Then("id")); }
            else if (reader.ValueTextEquals("name"u8)) { track.Name = String(ref reader, path.Then("name")); }
            else if (reader.ValueTextEquals("type"u8)) { track.Type = Shared(ref reader, path.Then("type")); }
            else if (reader.ValueTextEquals("duration_ms"u8)) { track.DurationMs = Integer(ref reader, path.Then("duration_ms")); }
            else if (reader.ValueTextEquals("track_number"u8)) { track.TrackNumber = Integer(ref reader, path.Then("track_number")); }
            else if (reader.ValueTextEquals("disc_number"u8)) { track.DiscNumber = Integer(ref reader, path.Then("disc_number")); }
            else if (reader.ValueTextEquals("explicit"u8)) { track.Explicit = Boolean(ref reader, path.Then("explicit")); }
            else if (reader.ValueTextEquals("is_local"u8)) { track.IsLocal = Boolean(ref reader, path.Then("is_local")); }
            else if (reader.ValueTextEquals("popularity"u8)) { track.Popularity = Integer(ref reader, path.Then("popularity")); }
            else if (reader.ValueTextEquals("external_ids"u8)) { track.Isrc = Nested(ref reader, path.Then("external_ids"), "isrc"u8); }
            else if (reader.ValueTextEquals("external_urls"u8)) { track.Url = Link(ref reader, path.Then("external_urls"), track.PendingUrl, SpotifyUrls.Track, shared: false); }
            else if (reader.ValueTextEquals("album"u8)) { track.Album = Album(ref reader, path.Then("album"), track); }
            else if (reader.ValueTextEquals("artists"u8)) { track.Artists = Artists(ref reader, path.Then("artists"), track); }
            // Read only to tell an episode: a flag of another shape is a track's, as before it was read.
            else if (reader.ValueTextEquals("episode"u8)) { reader.Read(); track.Episode = reader.TokenType == JsonTokenType.True; reader.Skip(); }
            else { reader.Read(); reader.Skip(); }
        }
        return track;
    }

    /// <summary>An artist (or null) whose first token the reader is on, read into <paramref name="into"/> (untouched for null).</summary>
    public static SpotifyArtist? ArtistValue(ref JsonTokens reader, JsonPath path, SpotifyArtist into)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        var artist = into.Reset();
        Expect(ref reader, JsonTokenType.StartObject, path, "an object");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8)) { artist.HasId = true; artist.Id = Shared(ref reader, path.Then("id")); }
            else if (reader.ValueTextEquals("name"u8)) { artist.Name = Shared(ref reader, path.Then("name")); }
            else if (reader.ValueTextEquals("external_urls"u8)) { artist.Url = Nested(ref reader, path.Then("external_urls"), "spotify"u8, shared: true); }
            else { reader.Read(); reader.Skip(); }
        }
        return artist;
    }

    private static List<SpotifyArtist>? Artists(ref JsonTokens reader, JsonPath path, SpotifyTrack track)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        Expect(ref reader, JsonTokenType.StartArray, path, "an array");
        var artists = track.NewArtists();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var artist = ArtistValue(ref reader, path, track.NewArtist(artists.Count));
            if (artist is not null)
            {
                artists.Add(artist);
            }
        }
        return artists;
    }

    private static SpotifyAlbum? Album(ref JsonTokens reader, JsonPath path, SpotifyTrack track)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        var album = track.NewAlbum();
        Expect(ref reader, JsonTokenType.StartObject, path, "an object");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8)) { album.Id = Shared(ref reader, path.Then("id")); }
            else if (reader.ValueTextEquals("name"u8)) { album.Name = Shared(ref reader, path.Then("name")); }
            else if (reader.ValueTextEquals("album_type"u8)) { album.AlbumType = Shared(ref reader, path.Then("album_type")); }
            else if (reader.ValueTextEquals("total_tracks"u8)) { album.TotalTracks = Integer(ref reader, path.Then("total_tracks")); }
            else if (reader.ValueTextEquals("release_date"u8)) { album.ReleaseDate = Shared(ref reader, path.Then("release_date")); }
            else if (reader.ValueTextEquals("release_date_precision"u8)) { album.ReleaseDatePrecision = Shared(ref reader, path.Then("release_date_precision")); }
            else if (reader.ValueTextEquals("external_urls"u8)) { album.Url = Link(ref reader, path.Then("external_urls"), album.PendingUrl, SpotifyUrls.Album, shared: true); }
            else { reader.Read(); reader.Skip(); }
        }
        return album;
    }

    public static void Expect(ref JsonTokens reader, JsonTokenType expected, JsonPath path, string what)
    {
        if (reader.TokenType != expected)
        {
            throw Shape(path, reader.TokenType, what);
        }
    }

    public static UnexpectedShapeException Shape(JsonPath path, JsonTokenType found, string expected) =>
        new($"{path} is {Describe(found)}, not {expected}");

    public static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private static string? Truncate(string? text) => text is { Length: > 40 } ? text[..40] + "…" : text;
}
