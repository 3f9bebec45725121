using SpotifyEtl.Lake;

namespace SpotifyEtl.Transformation;

/// <summary>
/// Turns one raw Spotify response into table rows: a pure function of the key and the bytes, so
/// the Lambda handler, the command-line tool and the tests all get the same rows.
/// </summary>
public static class RawObjectTransformer
{
    public static TransformedObject Transform(RawObjectKey key, ReadOnlySpan<byte> json)
    {
        var output = new TransformedObject();
        var name = key.ToString();
        switch (key.Source)
        {
            case RawSource.Playlist:
                var playlist = JsonPage.ReadObject(name, json, SpotifyShapesContext.Default.PlaylistMetadata);
                if (string.IsNullOrEmpty(playlist.Id) || string.IsNullOrEmpty(playlist.SnapshotId))
                {
                    throw new InvalidRawObjectException(name, "it is not a Spotify playlist: \"id\" or \"snapshot_id\" is missing");
                }
                output.Playlists.Add(new PlaylistRow(playlist.Id, AthenaValues.Text(playlist.Name), playlist.SnapshotId, playlist.Owner?.Id));
                output.ItemsRead = 1;
                break;

            case RawSource.PlaylistItems:
                var entries = new List<(int Index, string SongId, PlaylistItem Item)>();
                var page = JsonPage.ForEachItem(name, json, SpotifyShapesContext.Default.PlaylistItem, (item, index) =>
                {
                    var songId = item is { IsLocal: true } ? SkipLocal(output) : AddTrack(output, item?.Content);
                    if (songId is not null)
                    {
                        entries.Add((index, songId, item!));
                    }
                });
                // Positions are 1-based and absolute in the playlist; "offset" may follow "items" in the page.
                foreach (var (index, songId, item) in entries)
                {
                    output.PlaylistEntries.Add(new PlaylistEntryRow(key.Subject, null, null, page.Offset + index + 1, songId,
                        AthenaValues.Timestamp(item.AddedAt), item.AddedBy?.Id));
                }
                output.ItemsRead = page.ItemCount;
                break;

            case RawSource.RecentlyPlayed:
                output.ItemsRead = JsonPage.ForEachItem(name, json, SpotifyShapesContext.Default.PlayHistoryItem, (item, _) =>
                {
                    var songId = AddTrack(output, item?.Track);
                    var playedAt = AthenaValues.TimestampWithMilliseconds(item?.PlayedAt);
                    if (songId is not null && playedAt is not null)
                    {
                        output.Plays.Add(new PlayRow(playedAt, songId, item!.Context?.Type, item.Context?.Uri));
                    }
                }).ItemCount;
                break;

            case RawSource.TopTracks:
                output.ItemsRead = JsonPage.ForEachItem(name, json, SpotifyShapesContext.Default.SpotifyTrack, (track, _) => AddTrack(output, track)).ItemCount;
                break;

            case RawSource.TopArtists:
                output.ItemsRead = JsonPage.ForEachItem(name, json, SpotifyShapesContext.Default.SpotifyArtist, (artist, _) =>
                {
                    if (artist is null)
                    {
                        output.SkippedUnavailable++;
                    }
                    else
                    {
                        AddArtist(output, artist);
                    }
                }).ItemCount;
                break;

            case RawSource.SavedTracks:
                output.ItemsRead = JsonPage.ForEachItem(name, json, SpotifyShapesContext.Default.SavedTrackItem, (item, _) => AddTrack(output, item?.Track)).ItemCount;
                break;

            default:
                throw new InvalidRawObjectException(name, $"source '{key.Source}' has no transformation");
        }
        return output;
    }

    /// <summary>Adds a track with its album and every artist; returns its id, or null when it is skipped.</summary>
    private static string? AddTrack(TransformedObject output, SpotifyTrack? track)
    {
        if (track is null)
        {
            output.SkippedUnavailable++;
            return null;
        }
        if (string.Equals(track.Type, "episode", StringComparison.Ordinal))
        {
            output.SkippedEpisodes++;
            return null;
        }
        if (track.IsLocal == true || string.IsNullOrEmpty(track.Id))
        {
            return SkipLocal(output);
        }

        var album = track.Album;
        if (album is { Id: { Length: > 0 } albumId } && !output.Albums.ContainsKey(albumId))
        {
            var released = ReleaseDate.Parse(album.ReleaseDate, album.ReleaseDatePrecision);
            output.Albums[albumId] = new AlbumRow(albumId, AthenaValues.Text(album.Name), album.AlbumType, released?.Iso,
                released?.Precision, released?.FirstDay.Year, album.TotalTracks, album.ExternalUrls?.Spotify);
        }

        string? primaryArtist = null;
        var position = 0;
        foreach (var artist in track.Artists ?? [])
        {
            if (artist is null || !AddArtist(output, artist))
            {
                continue;
            }
            position++;
            primaryArtist ??= artist.Id;
            output.SongArtists.TryAdd((track.Id, position), new SongArtistRow(track.Id, artist.Id!, position));
        }

        output.Songs.TryAdd(track.Id, new SongRow(track.Id, AthenaValues.Text(track.Name), track.DurationMs, track.Explicit,
            track.ExternalIds?.Isrc, track.Popularity, track.TrackNumber, track.DiscNumber, album?.Id, primaryArtist,
            track.ExternalUrls?.Spotify));
        return track.Id;
    }

    private static bool AddArtist(TransformedObject output, SpotifyArtist artist)
    {
        if (string.IsNullOrEmpty(artist.Id))
        {
            return false; // the artist of a local file
        }
        output.Artists.TryAdd(artist.Id, new ArtistRow(artist.Id, AthenaValues.Text(artist.Name), artist.ExternalUrls?.Spotify));
        return true;
    }

    private static string? SkipLocal(TransformedObject output)
    {
        output.SkippedLocalFiles++;
        return null;
    }
}
