using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Import;

/// <summary>
/// The plays the extraction landed from the Web API's recently played tracks (<c>raw/recently_played/</c>), as
/// history rows. The API does not say how long a track played: <c>ms_played</c> is the track's duration (the
/// API lists a track once it has played at least 30 seconds). An object the transformation cannot read is
/// left to it (it quarantines it) and counted here.
/// </summary>
public static class ApiPlayReader
{
    public const string Prefix = LakeLayout.Raw + "recently_played/";

    public sealed record ApiPlays(IReadOnlyList<ListeningRow> Rows, int Objects, int UnreadableObjects);

    public static async Task<ApiPlays> ReadAsync(IObjectStore raw, CancellationToken cancellationToken)
    {
        var rows = new List<ListeningRow>();
        int objects = 0, unreadable = 0;
        await foreach (var key in raw.ListAsync(Prefix, cancellationToken).ConfigureAwait(false))
        {
            if (!RawObjectKey.TryParse(key, out var parsed, out _))
            {
                continue;
            }
            objects++;
            using var bytes = await raw.ReadPooledAsync(key, cancellationToken).ConfigureAwait(false);
            try
            {
                rows.AddRange(ToRows(RawObjectTransformer.Transform(parsed, bytes.Span)));
            }
            catch (InvalidRawObjectException)
            {
                unreadable++;
            }
        }
        return new ApiPlays(rows, objects, unreadable);
    }

    public static IEnumerable<ListeningRow> ToRows(TransformedObject page)
    {
        foreach (var play in page.Plays)
        {
            if (ExportTime.ParseTs(play.PlayedAt) is not { } ended)
            {
                continue;
            }
            page.Songs.TryGetValue(play.SongId, out var song);
            var artist = song?.PrimaryArtistId is { } artistId && page.Artists.TryGetValue(artistId, out var a) ? a.ArtistName : null;
            var album = song?.AlbumId is { } albumId && page.Albums.TryGetValue(albumId, out var b) ? b.AlbumName : null;
            yield return new ListeningRow(ended, song?.DurationMs, ContentTypes.Track, $"spotify:track:{play.SongId}", song?.SongName, artist, album,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, HistorySource.Api);
        }
    }
}
