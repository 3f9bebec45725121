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
    listening_history: [["ended_at", "string"], ["started_at", "string"], ["ms_played", "int"], ["content_type", "string"],
        ["spotify_track_uri", "string"], ["track_name", "string"], ["artist_name", "string"], ["album_name", "string"],
        ["spotify_episode_uri", "string"], ["episode_name", "string"], ["show_name", "string"], ["audiobook_title", "string"],
        ["audiobook_chapter_uri", "string"], ["audiobook_chapter_title", "string"], ["reason_start", "string"],
        ["reason_end", "string"], ["shuffle", "boolean"], ["skipped", "boolean"], ["offline", "boolean"],
        ["incognito_mode", "boolean"], ["offline_started_at", "string"], ["platform", "string"], ["conn_country", "string"],
        ["source", "string"]],
    // Current-state tables: the daily table's columns, then the snapshot date the latest row comes from.
    songs_current: [],
    albums_current: [],
    artists_current: [],
    song_artists_current: [],
    playlists_current: [],
};

/** The current-state tables: one file each, no partitions, snapshot_date an ordinary last column. */
export const currentTables = ["songs_current", "albums_current", "artists_current", "song_artists_current", "playlists_current"];
for (const table of currentTables) {
    contract[table] = [...contract[table.replace(/_current$/, "")]!, ["snapshot_date", "string"]];
}
