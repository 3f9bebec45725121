using System.Text.Json.Serialization;

namespace SpotifyEtl.Transformation;

internal sealed record RunVersion(string Run, PlaylistRow Row);

/// <summary>A run's items of one playlist, with the pages they came from and the playlist's total, to tell a whole list from part of one.</summary>
internal sealed record PlaylistRun(string PlaylistId, string Run, List<PlaylistEntryRow> Rows)
{
    public List<ListPage>? Pages { get; init; }

    public int? Total { get; init; }

    /// <summary>Whether a page said the list ends there; null in a fragment written before this was kept.</summary>
    public bool? Ends { get; init; }
}

/// <summary>A run's ranking of one top list, with the pages it came from and whether one ended the list, to tell a whole ranking from part of one.</summary>
internal sealed record TopRun(string ItemType, string TimeRange, string Run, List<TopItemRow> Rows)
{
    public List<ListPage>? Pages { get; init; }

    public bool? Ends { get; init; }
}

/// <summary>One run's tables of one day, as the S3 path stores them under <c>staging/</c>.</summary>
internal sealed record SnapshotFragment(
    DateOnly SnapshotDate,
    List<Versioned<SongRow>> Songs,
    List<Versioned<AlbumRow>> Albums,
    List<Versioned<ArtistRow>> Artists,
    List<Versioned<SongArtistRow[]>> SongArtists,
    List<RunVersion> Versions,
    List<PlaylistRun> Entries,
    List<PlayRow> Plays,
    List<SavedTrackRow> SavedTracks,
    List<TopRun> Top);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SnapshotFragment))]
internal sealed partial class SnapshotFragmentContext : JsonSerializerContext;
