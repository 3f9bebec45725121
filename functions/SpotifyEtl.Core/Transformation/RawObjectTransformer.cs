using System.Text.Json;
using SpotifyEtl.Lake;

namespace SpotifyEtl.Transformation;

/// <summary>
/// Turns one raw Spotify response into table rows: a pure function of the key and the bytes, so
/// the Lambda handler, the command-line tool and the tests all get the same rows. Throws
/// <see cref="InvalidRawObjectException"/> for bytes that are not JSON, JSON of an unexpected
/// shape, and a page none of whose items could be read.
/// </summary>
public static partial class RawObjectTransformer
{
    private delegate void ItemReader(ref JsonCursor cursor, int index);

    /// <summary>
    /// Nesting the reader follows: a Spotify response nests about six levels, so a document nested this deep
    /// is not one; it is rejected for its depth, not called truncated.
    /// </summary>
    public const int MaxDepth = 64;

    public static TransformedObject Transform(RawObjectKey key, ReadOnlySpan<byte> json) => Transform(key, json, new TransformedObject());

    /// <summary>Reads the rows into <paramref name="output"/>, emptied first (a worker reuses one for every object it reads).</summary>
    internal static TransformedObject Transform(RawObjectKey key, ReadOnlySpan<byte> json, TransformedObject output)
    {
        output.Clear();
        var name = key.ToString();
        // Spotify sends none, but an editor that saved a repaired page may have added a UTF-8 byte-order mark: JSON's
        // text is the same, and the reader would refuse its first byte.
        if (json.StartsWith("\uFEFF"u8))
        {
            json = json[3..];
        }
        var cursor = new JsonCursor(json);
        ref var reader = ref cursor.Reader;
        try
        {
            if (!reader.Read())
            {
                throw new InvalidRawObjectException(name, "the object is empty (0 bytes of JSON)");
            }
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new InvalidRawObjectException(name,
                    $"it has an unexpected shape: it is {SpotifyReader.Describe(reader.TokenType)}, not the JSON object every Spotify response is");
            }
            if (key.Source is RawSource.TopTracks or RawSource.TopArtists && !SpotifyEtl.Spotify.ExtractionSource.TimeRanges.Contains(key.Subject, StringComparer.Ordinal))
            {
                throw new InvalidRawObjectException(name, $"its key names the time range {Quoted(key.Subject)}, which Spotify " +
                    $"does not rank by ({string.Join(", ", SpotifyEtl.Spotify.ExtractionSource.TimeRanges)}): a page filed under another folder?");
            }
            switch (key.Source)
            {
                case RawSource.Playlist:
                    ReadPlaylist(ref reader, key, output);
                    break;
                case RawSource.PlaylistItems:
                    ReadPlaylistItems(ref cursor, key, output);
                    break;
                case RawSource.RecentlyPlayed:
                    ReadPage(ref cursor, output, (ref JsonCursor c, int index) => ReadPlay(ref c.Reader, output, index));
                    break;
                case RawSource.TopTracks:
                    ReadTopTracks(ref cursor, key, output);
                    break;
                case RawSource.TopArtists:
                    ReadTopArtists(ref cursor, key, output);
                    break;
                case RawSource.SavedTracks:
                    var fullPass = SavedTracksSubjects.IsFullPass(key.Subject);
                    ReadPage(ref cursor, output, (ref JsonCursor c, int index) => ReadSaved(ref c.Reader, output, fullPass, index));
                    break;
                default:
                    throw new InvalidRawObjectException(name, $"source '{key.Source}' has no transformation");
            }
            // Reading past the closing brace makes the reader check the rest: a second document or
            // trailing garbage (a doubled or mangled upload) is invalid JSON.
            _ = reader.Read();
        }
        catch (JsonException found)
        {
            // The tokenizer tells only where the JSON breaks; the runtime's reader says how, in the words of every other message.
            var exception = JsonTokens.StandardError(json, MaxDepth) ?? found;
            throw new InvalidRawObjectException(name, json.Trim(" \t\r\n"u8).IsEmpty
                ? "the object is empty (no JSON at all)"
                : ReadFailure.InvalidJson(exception, json), exception);
        }
        catch (UnexpectedShapeException exception)
        {
            throw new InvalidRawObjectException(name, $"it is valid JSON of an unexpected shape: {exception.Message}", exception);
        }
        catch (Exception exception) when (ReadFailure.IsTheObjects(exception))
        {
            // Whatever else reading this one object raises (a string that is no text, a number out of range) is
            // this object's failure, quarantined with its reason: never the whole lake's, which a retry repeats.
            throw new InvalidRawObjectException(name, ReadFailure.Describe(exception), exception);
        }

        if (output.ItemsRead > 0 && output.Unreadable > 0 && output.RowCount == 0)
        {
            throw new InvalidRawObjectException(name,
                $"it is valid JSON of an unexpected shape: none of its {output.ItemsRead} items holds a track or artist with an \"id\" " +
                "(a renamed field?), so it yields no rows");
        }
        if (output.Unreadable > 0 && output.PlaylistEntries.Count + output.Plays.Count + output.SavedTracks.Count + output.TopItems.Count == 0)
        {
            // Songs read, and not one play or save: a field the page is for (played_at, added_at) renamed.
            throw new InvalidRawObjectException(name,
                $"it is valid JSON of an unexpected shape: {output.Unreadable} of its {output.ItemsRead} items could not be read and none " +
                $"became a row (a renamed field?); the first: {output.UnreadableReasons[0]}");
        }
        return output;
    }

    private static void ReadPlaylist(ref JsonTokens reader, RawObjectKey key, TransformedObject output)
    {
        string? id = null, playlistName = null, snapshot = null, owner = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8)) { id = SpotifyReader.String(ref reader, "id"); }
            else if (reader.ValueTextEquals("name"u8)) { playlistName = SpotifyReader.String(ref reader, "name"); }
            else if (reader.ValueTextEquals("snapshot_id"u8)) { snapshot = SpotifyReader.String(ref reader, "snapshot_id"); }
            else if (reader.ValueTextEquals("owner"u8)) { owner = SpotifyReader.IdOf(ref reader, "owner"); }
            else { reader.Read(); reader.Skip(); }
        }
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(snapshot))
        {
            throw new UnexpectedShapeException("it is not a Spotify playlist: \"id\" or \"snapshot_id\" is missing");
        }
        if (!string.Equals(id, key.Subject, StringComparison.Ordinal))
        {
            // The day's entries of a playlist are those under its key's folder: a version named for another playlist
            // would replace that one's, and leave this one's entries without a version.
            throw new UnexpectedShapeException($"it is the playlist {Quoted(id)}, not the {Quoted(key.Subject)} its key names " +
                "(a response filed under another playlist's folder?)");
        }
        output.Playlists.Add(new PlaylistRow(id, AthenaValues.Text(playlistName), snapshot, owner));
        output.ItemsRead = 1;
    }

    private static void ReadPlaylistItems(ref JsonCursor cursor, RawObjectKey key, TransformedObject output)
    {
        var entries = new List<(int Index, string SongId, string? AddedAt, string? AddedBy)>();
        var offset = ReadPage(ref cursor, output, (ref JsonCursor c, int index) =>
        {
            ref var r = ref c.Reader;
            string? addedAt = null, addedBy = null;
            bool? isLocal = null;
            SpotifyTrack? item = null, track = null;
            Range itemBytes = default;
            var hasContent = false;
            // "item" wins over its alias when served, null included: an unavailable track, whatever the alias holds.
            var hasItem = false;
            const string path = "items[]";
            SpotifyReader.Expect(ref r, JsonTokenType.StartObject, path, "an object");
            var beforeProperty = c.Here;
            for (; r.Read() && r.TokenType == JsonTokenType.PropertyName; beforeProperty = c.Here)
            {
                if (r.ValueTextEquals("added_at"u8)) { addedAt = SpotifyReader.String(ref r, new JsonPath(path, "added_at")); }
                else if (r.ValueTextEquals("added_by"u8)) { addedBy = SpotifyReader.IdOf(ref r, new JsonPath(path, "added_by")); }
                else if (r.ValueTextEquals("is_local"u8)) { isLocal = SpotifyReader.Boolean(ref r, new JsonPath(path, "is_local")); }
                else if (r.ValueTextEquals("item"u8))
                {
                    hasContent = hasItem = true;
                    var from = c.Position;
                    item = SpotifyReader.Track(ref r, new JsonPath(path, "item"), output.Reading.Track);
                    itemBytes = from..c.Position;
                }
                else if (r.ValueTextEquals("track"u8))
                {
                    hasContent = true;
                    if (!hasItem)
                    {
                        track = SpotifyReader.Track(ref r, new JsonPath(path, "track"), output.Reading.Alias);
                    }
                    else if (item is null)
                    {
                        r.Read();
                        r.Skip();
                    }
                    else if (!c.SkipPropertyAfter(beforeProperty, copyOf: itemBytes))
                    {
                        // "track" is the deprecated alias of an "item" already read: the same object twice,
                        // stepped over unread; here it does not close, which the reader reports.
                        r.Read();
                        r.Skip();
                    }
                }
                else { r.Read(); r.Skip(); }
            }
            if (!hasContent)
            {
                output.Unread($"items[{index}] has no \"item\" or \"track\" field");
                return;
            }
            var songId = isLocal == true ? SkipLocal(output) : AddTrack(output, hasItem ? item : track, index, isLocal);
            if (songId is not null)
            {
                entries.Add((index, songId, addedAt, addedBy));
            }
        }, positional: true);
        // Positions are 1-based and absolute in the playlist; "offset" may follow "items" in the page.
        foreach (var (index, songId, addedAt, addedBy) in entries)
        {
            output.PlaylistEntries.Add(new PlaylistEntryRow(key.Subject, null, null, offset + index + 1, songId,
                AthenaValues.Timestamp(addedAt), addedBy));
        }
    }

    private static void ReadTopTracks(ref JsonCursor cursor, RawObjectKey key, TransformedObject output)
    {
        var ranked = new List<(int Index, string Id)>();
        var offset = ReadPage(ref cursor, output, (ref JsonCursor c, int index) =>
        {
            var id = AddTrack(output, SpotifyReader.TrackValue(ref c.Reader, "items[]", output.Reading.Track), index);
            if (id is not null)
            {
                ranked.Add((index, id));
            }
        }, positional: true);
        foreach (var (index, id) in ranked)
        {
            output.TopItems.Add(new TopItemRow("track", key.Subject, offset + index + 1, id));
        }
    }

    private static void ReadTopArtists(ref JsonCursor cursor, RawObjectKey key, TransformedObject output)
    {
        var ranked = new List<(int Index, string Id)>();
        var offset = ReadPage(ref cursor, output, (ref JsonCursor c, int index) =>
        {
            var artist = SpotifyReader.ArtistValue(ref c.Reader, "items[]", output.Reading.Artist)!;
            if (string.IsNullOrEmpty(artist.Id))
            {
                // A ranked artist has an id: one without (absent, null or empty) is counted, never dropped without a word.
                output.Unread($"items[{index}] is an artist without an \"id\"");
            }
            else if (AddArtist(output, artist))
            {
                ranked.Add((index, artist.Id!));
            }
        }, positional: true);
        foreach (var (index, id) in ranked)
        {
            output.TopItems.Add(new TopItemRow("artist", key.Subject, offset + index + 1, id));
        }
    }
}
