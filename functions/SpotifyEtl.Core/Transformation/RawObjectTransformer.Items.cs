using System.Runtime.InteropServices;
using System.Text.Json;

namespace SpotifyEtl.Transformation;

/// <summary>The items of a page: a play, a saved track, and the track, album and artists each one holds.</summary>
public static partial class RawObjectTransformer
{
    private static void ReadPlay(ref JsonTokens reader, TransformedObject output, int index)
    {
        string? playedAt = null, contextType = null, contextUri = null;
        SpotifyTrack? track = null;
        var hasTrack = false;
        SpotifyReader.Expect(ref reader, JsonTokenType.StartObject, "items[]", "an object");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("played_at"u8)) { playedAt = SpotifyReader.String(ref reader, new JsonPath("items[]", "played_at")); }
            else if (reader.ValueTextEquals("track"u8)) { hasTrack = true; track = SpotifyReader.Track(ref reader, new JsonPath("items[]", "track"), output.Reading.Track); }
            else if (reader.ValueTextEquals("context"u8))
            {
                // A repeated field's last value counts, a null one too: nothing of an earlier context is kept.
                (contextType, contextUri) = (null, null);
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }
                SpotifyReader.Expect(ref reader, JsonTokenType.StartObject, "items[].context", "an object");
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("type"u8)) { contextType = SpotifyReader.String(ref reader, new JsonPath("items[]", "context.type")); }
                    else if (reader.ValueTextEquals("uri"u8)) { contextUri = SpotifyReader.String(ref reader, new JsonPath("items[]", "context.uri")); }
                    else { reader.Read(); reader.Skip(); }
                }
            }
            else { reader.Read(); reader.Skip(); }
        }
        if (!hasTrack)
        {
            output.Unread($"items[{index}] has no \"track\" field");
            return;
        }
        var songId = AddTrack(output, track, index);
        var at = AthenaValues.TimestampWithMilliseconds(playedAt);
        if (songId is null)
        {
            return;
        }
        if (at is null)
        {
            // A play is the instant it was played: without one it cannot be a row, and it is counted, not dropped.
            output.Unread($"items[{index}].played_at {Quoted(playedAt)} is not an ISO 8601 instant");
            return;
        }
        output.Plays.Add(new PlayRow(at, songId, contextType, contextUri));
    }

    private static void ReadSaved(ref JsonTokens reader, TransformedObject output, bool fullPass, int index)
    {
        string? addedAt = null;
        SpotifyTrack? track = null;
        var hasTrack = false;
        SpotifyReader.Expect(ref reader, JsonTokenType.StartObject, "items[]", "an object");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("added_at"u8)) { addedAt = SpotifyReader.String(ref reader, new JsonPath("items[]", "added_at")); }
            else if (reader.ValueTextEquals("track"u8)) { hasTrack = true; track = SpotifyReader.Track(ref reader, new JsonPath("items[]", "track"), output.Reading.Track); }
            else { reader.Read(); reader.Skip(); }
        }
        if (!hasTrack)
        {
            output.Unread($"items[{index}] has no \"track\" field");
            return;
        }
        var songId = AddTrack(output, track, index);
        var savedAt = AthenaValues.Timestamp(addedAt);
        if (songId is null)
        {
            return;
        }
        if (savedAt is null)
        {
            output.Unread($"items[{index}].added_at {Quoted(addedAt)} is not an ISO 8601 instant");
            return;
        }
        output.SavedTracks.Add(new SavedTrackRow(songId, savedAt, fullPass));
    }

    /// <summary>Adds a track with its album and every artist; returns its id, or null when it is skipped.</summary>
    /// <param name="entryIsLocal">A playlist entry's own <c>is_local</c>, which stands for the track's where the track has none.</param>
    private static string? AddTrack(TransformedObject output, SpotifyTrack? track, int index, bool? entryIsLocal = null)
    {
        if (track is null)
        {
            output.SkippedUnavailable++;
            return null;
        }
        // An episode says so in its type or, served in a track's shape, in its episode flag.
        if (string.Equals(track.Type, "episode", StringComparison.Ordinal) || track.Episode)
        {
            output.SkippedEpisodes++;
            return null;
        }
        if (track.IsLocal == true)
        {
            return SkipLocal(output);
        }
        if (string.IsNullOrEmpty(track.Id))
        {
            // A local file's id is null, and so is that of a track Spotify no longer serves (removed, or not in the
            // account's market), which says it is no local file. An empty id, or none at all, is a shape not known.
            var isLocal = track.IsLocal ?? entryIsLocal;
            if (isLocal == false && track.HasId && track.Id is null)
            {
                output.SkippedUnavailable++;
                return null;
            }
            if (!track.HasId || isLocal == false)
            {
                output.Unread($"items[{index}] holds a track without an \"id\"");
                return null;
            }
            return SkipLocal(output);
        }

        var album = track.Album;
        if (album is { Id: { Length: > 0 } albumId } && !output.Albums.ContainsKey(albumId))
        {
            var released = ReleaseDate.Parse(album.ReleaseDate, album.ReleaseDatePrecision);
            output.Albums[albumId] = new AlbumRow(albumId, AthenaValues.Text(album.Name), album.AlbumType, released?.Iso,
                released?.Precision, released?.FirstDay.Year, album.TotalTracks, album.KeptUrl);
        }

        string? primaryArtist = null;
        var credited = 0;
        foreach (var artist in track.Artists ?? [])
        {
            if (AddArtist(output, artist))
            {
                primaryArtist ??= artist.Id;
                credited++;
            }
        }
        // Within an object the first copy of a song is kept: a repeat allocates nothing.
        ref var song = ref CollectionsMarshal.GetValueRefOrAddDefault(output.Songs, track.Id, out var known);
        if (!known)
        {
            song = new SongRow(track.Id, AthenaValues.Text(track.Name), track.DurationMs, track.Explicit,
                track.Isrc, track.Popularity, track.TrackNumber, track.DiscNumber, album?.Id is { Length: > 0 } albumOf ? albumOf : null, primaryArtist, track.KeptUrl);
            var credits = credited == 0 ? [] : new SongArtistRow[credited];
            var position = 0;
            foreach (var artist in track.Artists ?? [])
            {
                // An artist listed twice is credited once, at the first place: song_artists has one row per song and artist.
                if (!string.IsNullOrEmpty(artist.Id) && !IsCredited(credits.AsSpan(0, position), artist.Id))
                {
                    credits[position] = new SongArtistRow(track.Id, artist.Id, position + 1);
                    position++;
                }
            }
            output.SongArtists[track.Id] = position == credits.Length ? credits : credits[..position];
        }
        return track.Id;
    }

    private static bool IsCredited(ReadOnlySpan<SongArtistRow> credits, string artistId)
    {
        foreach (var credit in credits)
        {
            if (credit.ArtistId == artistId)
            {
                return true;
            }
        }
        return false;
    }

    private static bool AddArtist(TransformedObject output, SpotifyArtist artist)
    {
        if (string.IsNullOrEmpty(artist.Id))
        {
            return false; // the artist of a local file
        }
        ref var row = ref CollectionsMarshal.GetValueRefOrAddDefault(output.Artists, artist.Id, out var known);
        if (!known)
        {
            row = new ArtistRow(artist.Id, AthenaValues.Text(artist.Name), artist.Url);
        }
        return true;
    }

    private static string Quoted(string? value) => value is null ? "(missing)" : $"'{(value.Length > 40 ? value[..40] + "..." : value)}'";

    private static string? SkipLocal(TransformedObject output)
    {
        output.SkippedLocalFiles++;
        return null;
    }
}
