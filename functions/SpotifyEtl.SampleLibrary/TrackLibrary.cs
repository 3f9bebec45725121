using System.Globalization;

namespace SpotifyEtl.SampleLibrary;

/// <summary>The artists, albums and tracks a sample draws its playlists and plays from.</summary>
internal sealed class TrackLibrary
{
    public List<SampleTrack> Tracks { get; } = [];
    private int _special;

    public TrackLibrary(Random random, int trackCount)
    {
        var artists = SampleNames.ArtistNames.Select(name => new SampleArtist(SampleGenerator.Id(random), name)).ToList();
        var albums = new List<SampleAlbum>();
        for (var i = 0; i < Math.Max(8, trackCount / 4); i++)
        {
            var (precision, date) = SampleNames.ReleaseDates[i % SampleNames.ReleaseDates.Length];
            var albumArtist = artists[random.Next(artists.Count)];
            var albumName = i == 0 ? "Bzrp Music Sessions, Vol. 53" : $"{Word(random)} {Word(random)}";
            albums.Add(new SampleAlbum(SampleGenerator.Id(random), albumName, SampleNames.AlbumTypes[random.Next(SampleNames.AlbumTypes.Length)],
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
            var name = _special < SampleNames.SpecialSongNames.Length && i % 3 == 0
                ? SampleNames.SpecialSongNames[_special++]
                : $"{Word(random)} {Word(random)}";
            Tracks.Add(new SampleTrack(i, SampleGenerator.Id(random), name, album, songArtists, random.Next(90_000, 420_000),
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

    private SampleTrack NotOn(SamplePlaylist playlist, Random random) =>
        playlist.TracksNotOn > 0 ? Tracks[playlist.TrackNotOn(random.Next(playlist.TracksNotOn))] : Tracks[random.Next(Tracks.Count)];

    private static string Word(Random random) => SampleNames.SongWords[random.Next(SampleNames.SongWords.Length)];
}
