// The table contract, written out here on purpose: the catalog must match what the transformation
// writes and the named queries read, not merely its own definitions.
export const contract: Record<string, [string, string][]> = {
    songs: [["song_id", "string"], ["song_name", "string"], ["duration_ms", "int"], ["explicit", "boolean"],
        ["isrc", "string"], ["popularity", "int"], ["track_number", "int"], ["disc_number", "int"],
        ["album_id", "string"], ["primary_artist_id", "string"], ["song_url", "string"]],
    albums: [["album_id", "string"], ["album_name", "string"], ["album_type", "string"], ["release_date", "string"],
        ["release_date_precision", "string"], ["release_year", "int"], ["total_tracks", "int"], ["album_url", "string"]],
    artists: [["artist_id", "string"], ["artist_name", "string"], ["artist_url", "string"]],
    song_artists: [["song_id", "string"], ["artist_id", "string"], ["artist_position", "int"]],
    playlists: [["playlist_id", "string"], ["playlist_name", "string"], ["playlist_snapshot_id", "string"],
        ["owner_id", "string"]],
    playlist_entries: [["playlist_id", "string"], ["playlist_name", "string"], ["playlist_snapshot_id", "string"],
        ["position", "int"], ["song_id", "string"], ["added_at", "string"], ["added_by", "string"]],
    plays: [["played_at", "string"], ["song_id", "string"], ["context_type", "string"], ["context_uri", "string"]],
    saved_tracks: [["song_id", "string"], ["saved_at", "string"], ["full_pass", "boolean"]],
    top_items: [["item_type", "string"], ["time_range", "string"], ["rank", "int"], ["item_id", "string"]],
};
