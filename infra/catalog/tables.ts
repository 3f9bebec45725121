/**
 * The lake's tables: one source of truth for the Glue tables (infra/components/catalog.ts) and the
 * DuckDB views the local query runner builds (infra/queries/run-local.ts).
 *
 * Column names, order and types follow the transformation's files, one per table and snapshot date:
 * `transformed/<table>/snapshot_date=YYYY-MM-DD/<table>.parquet` (the default: typed columns,
 * snappy-compressed) or `<table>.csv` (the `tableFormat` config key; header row, RFC 4180 quoting).
 * Types are the ones both formats carry and OpenCSVSerDe can read (string, int, boolean): dates and
 * timestamps stay ISO-8601 strings, which sort and compare correctly as text, so one set of named
 * queries serves both formats. Empty text is NULL in Parquet and '' in CSV; no query tells them apart.
 *
 * Playlists are versioned: the extraction skips a playlist whose Spotify snapshot_id has not changed
 * since its last run, so `playlist_entries` holds a version's items under the day they were landed
 * (normally once), while `playlists` has a row for every day the playlist was extracted. A playlist's
 * items on day D are the entries of the version its `playlists` row of D names (docs/analytics.md).
 */

/** A Glue/Athena column type that both table formats carry. */
export type GlueColumnType = "string" | "int" | "bigint" | "boolean" | "double";

export interface ColumnDefinition {
    readonly name: string;
    readonly type: GlueColumnType;
    readonly comment: string;
}

export interface TableDefinition {
    readonly name: string;
    readonly description: string;
    readonly columns: readonly ColumnDefinition[];
}

/** Every table is partitioned by the day its snapshot was extracted (UTC), as a `yyyy-MM-dd` string. */
export const partitionColumn: ColumnDefinition = {
    name: "snapshot_date",
    type: "string",
    comment: "Day (UTC, yyyy-MM-dd) of the extraction this row comes from",
};

/** Folder of the transformed tables inside the transformed bucket (and inside a local lake). */
export const transformedPrefix = "transformed";

const column = (name: string, type: GlueColumnType, comment: string): ColumnDefinition => ({ name, type, comment });

export const tables: readonly TableDefinition[] = [
    {
        name: "songs",
        description: "One row per song seen in a snapshot (playlists, plays, top and saved tracks)",
        columns: [
            column("song_id", "string", "Spotify track id"),
            column("song_name", "string", "Track name (line breaks normalized to spaces)"),
            column("duration_ms", "int", "Duration in milliseconds"),
            column("explicit", "boolean", "true when the track has explicit lyrics"),
            column("isrc", "string", "International Standard Recording Code; always empty for Development Mode apps, whose responses carry no external_ids"),
            column("popularity", "int", "0-100; empty when the API omits it (Development Mode)"),
            column("track_number", "int", "Position on its disc"),
            column("disc_number", "int", "Disc of the album"),
            column("album_id", "string", "Spotify album id"),
            column("primary_artist_id", "string", "First artist credited on the track"),
            column("song_url", "string", "open.spotify.com link"),
        ],
    },
    {
        name: "albums",
        description: "One row per album seen in a snapshot",
        columns: [
            column("album_id", "string", "Spotify album id"),
            column("album_name", "string", "Album name (line breaks normalized to spaces)"),
            column("album_type", "string", "album, single or compilation"),
            column("release_date", "string", "yyyy-MM-dd, first day of the period for year or month precision"),
            column("release_date_precision", "string", "year, month or day"),
            column("release_year", "int", "Year of release, whatever the precision"),
            column("total_tracks", "int", "Number of tracks on the album"),
            column("album_url", "string", "open.spotify.com link"),
        ],
    },
    {
        name: "artists",
        description: "One row per artist seen in a snapshot",
        columns: [
            column("artist_id", "string", "Spotify artist id"),
            column("artist_name", "string", "Artist name (line breaks normalized to spaces)"),
            column("artist_url", "string", "open.spotify.com link"),
        ],
    },
    {
        name: "song_artists",
        description: "Every artist of every song, not only the first",
        columns: [
            column("song_id", "string", "Spotify track id"),
            column("artist_id", "string", "Spotify artist id"),
            column("artist_position", "int", "Position of the artist in the track's credits, 1 = primary artist"),
        ],
    },
    {
        name: "playlists",
        description: "One row per playlist per day it was extracted, changed or not: the version (snapshot id) that day's latest run saw",
        columns: [
            column("playlist_id", "string", "Spotify playlist id"),
            column("playlist_name", "string", "Playlist name in this version"),
            column("playlist_snapshot_id", "string", "Spotify's version id seen that day; its items are the playlist_entries rows with this id"),
            column("owner_id", "string", "Spotify user id of the playlist's owner"),
        ],
    },
    {
        name: "playlist_entries",
        description: "The items of each playlist version, stored when the version was extracted; join playlists by snapshot id for each day",
        columns: [
            column("playlist_id", "string", "Spotify playlist id"),
            column("playlist_name", "string", "Playlist name in this version"),
            column("playlist_snapshot_id", "string", "Spotify's version id of the playlist these items belong to"),
            column("position", "int", "Position of the item in the playlist"),
            column("song_id", "string", "Spotify track id"),
            column("added_at", "string", "ISO-8601 UTC time the item was added, empty when unknown"),
            column("added_by", "string", "Spotify user id of whoever added it, empty when unknown"),
        ],
    },
    {
        name: "plays",
        description: "Recently played tracks of the authorized user",
        columns: [
            column("played_at", "string", "ISO-8601 UTC time, yyyy-MM-ddTHH:mm:ss[.fff]Z"),
            column("song_id", "string", "Spotify track id"),
            column("context_type", "string", "playlist, album, artist or empty"),
            column("context_uri", "string", "Spotify URI of the context, empty when none"),
        ],
    },
    {
        name: "saved_tracks",
        description: "Songs in the user's library and when each was saved; full_pass rows list the whole library that day",
        columns: [
            column("song_id", "string", "Spotify track id"),
            column("saved_at", "string", "ISO-8601 UTC time the song was saved"),
            column("full_pass", "boolean", "true when a full pass over the library listed it that day; false for an incremental pass (newest saves only)"),
        ],
    },
    {
        name: "top_items",
        description: "The user's top tracks and artists per time range, as ranked by the day's latest extraction",
        columns: [
            column("item_type", "string", "track or artist"),
            column("time_range", "string", "short_term (about 4 weeks), medium_term (about 6 months) or long_term (several years)"),
            column("rank", "int", "1 = the top item"),
            column("item_id", "string", "Spotify track id or artist id"),
        ],
    },
];

export function tableNamed(name: string): TableDefinition {
    const table = tables.find(t => t.name === name);
    if (table === undefined) {
        throw new Error(`Unknown table '${name}'. Known tables: ${tables.map(t => t.name).join(", ")}.`);
    }
    return table;
}
