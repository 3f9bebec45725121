namespace SpotifyEtl.Transformation;

// The parts of a track, album and artist the transformation reads (SpotifyReader fills them).

internal sealed class SpotifyArtist
{
    public bool HasId;
    public string? Id;
    public string? Name;
    public string? Url;

    public SpotifyArtist Reset()
    {
        HasId = false;
        Id = Name = Url = null;
        return this;
    }
}

internal sealed class SpotifyAlbum
{
    public string? Id;
    public string? Name;
    public string? AlbumType;
    public int? TotalTracks;
    public string? ReleaseDate;
    public string? ReleaseDatePrecision;
    public string? Url;

    /// <summary>A link of the id's form, in place of <see cref="Url"/> until the id is read.</summary>
    public readonly PendingLink PendingUrl = new();

    public SpotifyAlbum Reset()
    {
        Id = Name = AlbumType = ReleaseDate = ReleaseDatePrecision = Url = null;
        TotalTracks = null;
        PendingUrl.Clear();
        return this;
    }

    /// <summary>The album's link as its row keeps it (<see cref="SpotifyUrls"/>).</summary>
    public string? KeptUrl => Url ?? PendingUrl.Resolve(SpotifyUrls.Album, Id);
}

/// <summary>
/// A track as read, into an object that is read into again for the next item (see <see cref="Reset"/>):
/// only the strings in it outlive the item, copied into rows, so a page of tracks allocates no reader
/// objects after its first item. Its album and artists are its own, reused the same way.
/// </summary>
internal sealed class SpotifyTrack
{
    /// <summary>False when the object has no "id" at all: not a track as Spotify serves one.</summary>
    public bool HasId;
    public string? Id;
    public string? Name;
    public string? Type;
    public int? DurationMs;
    public int? TrackNumber;
    public int? DiscNumber;
    public bool? Explicit;
    public bool? IsLocal;
    /// <summary>The <c>episode</c> flag of a playlist's track object: true for a podcast episode served in a track's shape.</summary>
    public bool Episode;
    public int? Popularity;
    public string? Isrc;
    public string? Url;

    /// <summary>A link of the id's form, in place of <see cref="Url"/> until the id is read.</summary>
    public readonly PendingLink PendingUrl = new();

    public SpotifyAlbum? Album;
    public List<SpotifyArtist>? Artists;

    private readonly SpotifyAlbum _album = new();
    private readonly List<SpotifyArtist> _artists = new(4);
    private readonly List<SpotifyArtist> _spareArtists = [];

    /// <summary>Forgets the last track read into it, to read the next.</summary>
    public SpotifyTrack Reset()
    {
        HasId = false;
        Id = Name = Type = Isrc = Url = null;
        PendingUrl.Clear();
        DurationMs = TrackNumber = DiscNumber = Popularity = null;
        Explicit = IsLocal = null;
        Episode = false;
        Album = null;
        Artists = null;
        return this;
    }

    /// <summary>The track's link as its row keeps it (<see cref="SpotifyUrls"/>).</summary>
    public string? KeptUrl => Url ?? PendingUrl.Resolve(SpotifyUrls.Track, Id);

    public SpotifyAlbum NewAlbum() => _album.Reset();

    public List<SpotifyArtist> NewArtists()
    {
        _artists.Clear();
        return _artists;
    }

    /// <summary>The object to read the artist at this position of <see cref="NewArtists"/> into.</summary>
    public SpotifyArtist NewArtist(int position)
    {
        while (_spareArtists.Count <= position)
        {
            _spareArtists.Add(new SpotifyArtist());
        }
        return _spareArtists[position].Reset();
    }
}

/// <summary>The objects one worker reads items into, one set per <see cref="TransformedObject"/>.</summary>
internal sealed class SpotifyReading
{
    /// <summary>An item's track (its "item", or "track" where there is no "item").</summary>
    public SpotifyTrack Track { get; } = new();

    /// <summary>A playlist item's deprecated "track", read only when it comes before "item", which then wins.</summary>
    public SpotifyTrack Alias { get; } = new();

    /// <summary>An artist of a top-artists page.</summary>
    public SpotifyArtist Artist { get; } = new();
}
